"""Pages for children: find, record a new child with entry to care, the child page, and the
social worker's case forms. Every page starts from children_visible_to: other children are 404."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.access import Capability, may
from apps.access.records import about
from apps.assessments.models import HealthClock
from apps.assessments.selectors import child_can_receive_health_records
from apps.children import selectors, services
from apps.children.forms import (
    AnnualOutcomeForm,
    AssessmentBeforeRecordsForm,
    ChildrenAllocateForm,
    EntryToCareForm,
    LeaveCareForm,
    LegalStatusChangeForm,
    NewChildForm,
    PlacementForm,
)
from apps.children.models import Child, PeriodOfCare
from apps.children.timeline import (
    child_histories,
    child_history,
    child_records,
    child_timeline,
)
from apps.core.views_base import form_page
from apps.placements.services import child_enter_care, placement_start


def visible_child(request: HttpRequest, pk: int) -> Child:
    return get_object_or_404(
        selectors.children_visible_to(request.user).select_related("team", "responsible_la"), pk=pk
    )


def editable_child(request: HttpRequest, pk: int) -> Child:
    child = visible_child(request, pk)
    if not selectors.user_can_edit_case(request.user, child):
        raise Http404("Only the child's team can change the case record.")
    return child


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    children = selectors.children_visible_to(request.user).select_related("team")
    if query:
        condition = (
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(la_child_id__iexact=query)
        )
        digits = query.replace(" ", "")
        if digits.isdigit():
            condition |= Q(nhs_number=digits)
        children = children.filter(condition)
    page = Paginator(children.order_by("last_name", "first_name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    # In care, for the page's rows only (issue 18: an EXISTS in the page query is planned
    # as a hashed scan of every period of care).
    rows = list(page.object_list)
    in_care = set(
        PeriodOfCare.objects.filter(child__in=[child.pk for child in rows], end_date__isnull=True)
        .order_by()
        .values_list("child_id", flat=True)
    )
    for child in rows:
        child.in_care = child.pk in in_care
    page.object_list = rows
    return render(
        request,
        "children/list.html",
        {
            "page": page,
            "query": query,
            "can_create": selectors.user_can_create_children(request.user),
        },
    )


@login_required
def child_new(request: HttpRequest) -> HttpResponse:
    if not selectors.user_can_create_children(request.user):
        raise Http404

    def run(data: dict) -> Child:
        placement = child_enter_care(
            created_by=request.user,
            child={
                "first_name": data["first_name"],
                "last_name": data["last_name"],
                "date_of_birth": data["date_of_birth"],
                "sex": data["sex"],
                "nhs_number": data["nhs_number"] or None,
                "ethnicity": data["ethnicity"],
                "is_uasc": data["is_uasc"],
                "uasc_arrival_date": data["uasc_arrival_date"],
                "age_disputed": data["age_disputed"],
                "upn": data["upn"],
                "is_mother": data["is_mother"] if data["sex"] == "2" else None,
                "allocated_worker": request.user,
            },
            entry_date=data["entry_date"],
            legal_status=data["legal_status"],
            category_of_need=data["category_of_need"],
            placement={
                "place": data["place"],
                "place_provider": data["place_provider"],
                "area": data["area"],
                "postcode_district": data["postcode_district"],
                "carer_name": data["carer_name"],
                "placement_postcode": data["placement_postcode"],
                "home_postcode": data["home_postcode"],
                "urn": data["urn"],
            },
        )
        return placement.child

    return form_page(
        request,
        form_class=NewChildForm,
        title="Record a child entering care",
        intro="The initial health assessment and its deadlines are created as soon as you save.",
        run=run,
        success_url=lambda child: reverse("child-detail", args=[child.pk]),
        success_message="Child recorded. The initial health assessment clock has started.",
        back_url=reverse("child-list"),
        initial={"area": request.user.organisation_id},
    )


@login_required
@about(Child)
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = visible_child(request, pk)
    # Issue 18: each kind of record once (apps/children/timeline.py), for the page's
    # tables and its timeline alike, so the page's queries do not grow with the history.
    records = child_records(child)
    histories = child_histories(child)
    assessments = records.assessments
    periods = records.periods
    readiness = None
    if request.user.organisation_id == child.responsible_la_id:
        # The LA makes the SSDA903 return: what it would be asked to fix, as early as now.
        from apps.interop.selectors import current_collection_year, readiness_of

        year = current_collection_year()
        found = readiness_of(Child.objects.filter(pk=child.pk), year)
        if child.pk in found:
            from apps.children.corrections import readiness_link

            readiness = {
                "year": year.label,
                # Each problem links to its field on the record's edit form (issue 19).
                "problems": [
                    (problem, readiness_link(child, problem.field, problem.record_id))
                    for problem in found[child.pk]
                ],
            }
    return render(
        request,
        "children/detail.html",
        {
            "child": child,
            "assessments": assessments,
            "open_assessments": [
                a for a in assessments if a.status in {"PENDING", "AT_RISK", "OVERDUE"}
            ],
            "clocks": list(HealthClock.objects.filter(child=child).order_by("kind")),
            "periods": periods,
            "in_care": bool(periods) and periods[0].end_date is None,
            "placements": records.placements[:10],
            "referrals": list(
                child.out_of_area_referrals.select_related("placement__area", "receiving_provider")
            ),
            "timeline": child_timeline(child, records, histories),
            "history": child_history(child, histories=histories),
            "can_edit": selectors.user_can_edit_case(request.user, child),
            "can_allocate": selectors.user_can_allocate_team(request.user, child),
            # A period imported part-way with nothing on record: the last assessment before
            # our records starts the reviews.
            "needs_assessment_before_records": bool(periods)
            and periods[0].end_date is None
            and periods[0].reason_new_episode != "S"
            and not any(a.held_on or a.declined_on for a in assessments),
            "can_record_health": child_can_receive_health_records(request.user, child),
            # With can_record_health: the nurse's clinical records (dental, history).
            "is_nurse": may(request.user, Capability.CLINICAL_RECORD_WRITE, child),
            "readiness": readiness,
            # The health records, each with its Change / Delete links (issue 13).
            "dental_checks": records.dental_checks[:10],
            "sdq_records": records.sdq_records[:10],
            "immunisations": records.immunisations[:10],
            "can_correct_sdq": may(request.user, Capability.SDQ_WRITE, child),
            "can_see_deleted": may(request.user, Capability.DELETED_RECORDS_VIEW, child),
        },
    )


@login_required
@about(Child)
def placement_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = editable_child(request, pk)
    return form_page(
        request,
        form_class=PlacementForm,
        title="Record a placement change",
        caption=child.full_name,
        run=lambda data: placement_start(child=child, started_by=request.user, **data),
        success_url=reverse("child-detail", args=[child.pk]),
        success_message="Placement recorded.",
        back_url=reverse("child-detail", args=[child.pk]),
        initial={"area": child.responsible_la_id},
    )


@login_required
@about(Child)
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A child who left care comes back: a new period of care starts a new IHA clock."""
    child = editable_child(request, pk)
    return form_page(
        request,
        form_class=EntryToCareForm,
        title="Record a new entry to care",
        caption=child.full_name,
        intro="A new period of care starts a new initial health assessment clock.",
        run=lambda data: services.period_of_care_start(
            child=child, started_by=request.user, **data
        ),
        success_url=reverse("child-detail", args=[child.pk]),
        success_message="Entry to care recorded.",
        back_url=reverse("child-detail", args=[child.pk]),
    )


def _in_care(request: HttpRequest, pk: int):
    """The child (editable by this user) and its open period of care, or 404."""
    child = editable_child(request, pk)
    period = selectors.open_period_of_care(child)
    if period is None:
        raise Http404("The child is not looked after.")
    return child, period


@login_required
@about(Child)
def legal_status_change(request: HttpRequest, pk: int) -> HttpResponse:
    child, period = _in_care(request, pk)
    return form_page(
        request,
        form_class=LegalStatusChangeForm,
        title="Record a change of legal status",
        caption=child.full_name,
        intro=f"The legal status at entry to care ({period.start_date:%d/%m/%Y}) was "
        f"{period.legal_status}. A change applies from its date until the next change.",
        run=lambda data: services.legal_status_change_record(
            period=period, recorded_by=request.user, **data
        ),
        success_url=reverse("child-detail", args=[child.pk]),
        success_message="Change of legal status recorded.",
        back_url=reverse("child-detail", args=[child.pk]),
    )


@login_required
@about(Child)
def leave_care(request: HttpRequest, pk: int) -> HttpResponse:
    child, period = _in_care(request, pk)
    return form_page(
        request,
        form_class=LeaveCareForm,
        title="Record leaving care",
        caption=child.full_name,
        run=lambda data: services.period_of_care_end(period=period, ended_by=request.user, **data),
        success_url=reverse("child-detail", args=[child.pk]),
        success_message="Leaving care recorded.",
        back_url=reverse("child-detail", args=[child.pk]),
    )


@login_required
@about(Child)
def annual_outcome_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The year's convictions, substance misuse and interventions (SSDA903 OC2)."""
    from apps.interop.selectors import current_collection_year

    child = editable_child(request, pk)
    current = current_collection_year().ending

    def run(data: dict):
        year = data.pop("year_ending")
        return services.annual_outcome_record(
            child=child, year_ending=date(year, 3, 31), recorded_by=request.user, data=data
        )

    return form_page(
        request,
        form_class=AnnualOutcomeForm,
        form_kwargs={"years": [current, current - 1]},
        title="Record the year's outcomes (SSDA903)",
        caption=child.full_name,
        intro="Asked of children looked after for the whole year to 31 March.",
        run=run,
        success_url=reverse("child-detail", args=[child.pk]),
        success_message="Outcomes recorded.",
        back_url=reverse("child-detail", args=[child.pk]),
    )


@login_required
@about(Child)
def assessment_before_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The last statutory health assessment before our records, for a child whose period
    of care was imported part-way: the review clock follows it."""
    from apps.assessments.services import assessment_before_records_record

    child, period = _in_care(request, pk)
    return form_page(
        request,
        form_class=AssessmentBeforeRecordsForm,
        title="Record the last health assessment before our records",
        caption=child.full_name,
        # "Before our records" means before this service held the child's record (the
        # import), not before the first imported episode: a review held after that episode
        # but before the import is exactly what starts the cycle here.
        intro=f"The child's period of care began before our records (the first episode on "
        f"record starts {period.start_date:%d/%m/%Y}) and no health assessment is recorded "
        "here. Record the most recent statutory health assessment the child had, from the "
        "records you hold: the next review is due 6 months after it if the child was under 5 "
        "that day, otherwise 12 months after.",
        run=lambda data: assessment_before_records_record(
            child=child, recorded_by=request.user, **data
        ),
        success_url=reverse("child-detail", args=[child.pk]),
        success_message="Assessment recorded. The review health assessment clock has started.",
        back_url=reverse("child-detail", args=[child.pk]),
    )


@login_required
def children_allocate(request: HttpRequest) -> HttpResponse:
    """Move children of the LA into a team: those an import brought with no team, or a
    team's children chosen here. LA admins and team managers of the LA; anyone else 404."""
    user = request.user
    if not may(user, Capability.CHILDREN_ALLOCATE):
        raise Http404
    allowed = selectors.children_to_allocate(user).select_related("team")
    teams = selectors.teams_for_allocation(user)
    show = request.GET.get("show", "unallocated")
    if show == "unallocated":
        listed = allowed.filter(team__isnull=True)
    elif show.isdigit() and teams.filter(pk=show).exists():
        listed = allowed.filter(team_id=int(show))
    else:
        show, listed = "all", allowed
    form = ChildrenAllocateForm(
        request.POST if request.method == "POST" else None, children=allowed, teams=teams
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = services.children_team_allocate(
                    children=list(form.cleaned_data["children"]),
                    team=form.cleaned_data["team"],
                    changed_by=user,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                team = form.cleaned_data["team"]
                messages.success(
                    request,
                    f"{len(moved)} child{'ren' if len(moved) != 1 else ''} moved to {team.name}.",
                )
                return redirect(f"{reverse('children-allocate')}?show={show}")
        status = 400
    chosen = {str(v) for v in (form["children"].value() or [])}
    if request.method == "GET" and request.GET.get("child"):
        chosen.add(request.GET["child"])
    page = Paginator(listed.order_by("last_name", "first_name", "pk"), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "children/allocate.html",
        {
            "form": form,
            "page": page,
            "show": show,
            "teams": teams,
            "chosen": chosen,
            "unallocated_count": allowed.filter(team__isnull=True).count(),
        },
        status=status,
    )
