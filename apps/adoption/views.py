"""Adoption pages: the medical adviser's worklist, a child's adoption case, and the forms to
record milestones, request work and complete it. Every page starts from the adoption access
rule; a child the user may not see, or a form their role does not use, is a 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from apps.access import Capability, may
from apps.access.records import about
from apps.adoption import forms, selectors, services
from apps.adoption.models import AdoptionCase, AdoptionWorkItem
from apps.adoption.rules import ADOPTER_FIELDS, ADOPTER_LABELS, MILESTONE_FIELDS, NOTES
from apps.children.models import Child
from apps.children.selectors import children_visible_to
from apps.core.services import today
from apps.core.views_base import form_page

FORM_TEMPLATE = "adoption/form_page.html"
PAGE_SIZE = 25


def _visible_child(request: HttpRequest, child_id: int) -> Child:
    children = selectors.adoption_children_visible_to(request.user).select_related(
        "responsible_la", "team"
    )
    return get_object_or_404(children, pk=child_id)


def _case_of(child: Child) -> AdoptionCase | None:
    return AdoptionCase.objects.filter(child=child).first()


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The medical adviser's open work items, overdue first."""
    if not may(request.user, Capability.ADOPTION_ADVISER_WORK):
        raise Http404("The adoption worklist is the medical adviser's.")
    items = selectors.medical_adviser_worklist(request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "adoption/worklist.html", {"page": page})


@login_required
@about(Child)
def case_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _visible_child(request, child_id)
    case = _case_of(child)
    items = (
        list(
            selectors.with_status(case.work_items.all())
            .select_related("assigned_to", "completed_by")
            .order_by("-requested_on", "-id")
        )
        if case
        else []
    )
    milestones = [
        (
            AdoptionCase._meta.get_field(name).verbose_name,
            getattr(case, name),
            " ".join(
                part
                for part in (
                    f"{case.get_plan_changed_reason_display()}."
                    if name == "plan_changed_on" and case.plan_changed_reason
                    else "",
                    getattr(case, NOTES[name]) if name in NOTES else "",
                )
                if part
            ),
        )
        for name in MILESTONE_FIELDS
        if case
    ]
    adopters = (
        [
            (ADOPTER_LABELS["adopters_sex"], case.get_adopters_sex_display()),
            (ADOPTER_LABELS["adopters_legal_status"], case.get_adopters_legal_status_display()),
            (
                ADOPTER_LABELS["adopted_by_foster_carers"],
                {None: "", True: "Yes", False: "No"}[case.adopted_by_foster_carers],
            ),
        ]
        if case and case.match_decision_on
        else []
    )
    return render(
        request,
        "adoption/case.html",
        {
            "child": child,
            "case": case,
            "milestones": milestones,
            "adopters": adopters,
            "items": items,
            "can_record": selectors.user_can_record_milestones(request.user, child),
            "can_request": case is not None
            and selectors.user_can_request_work_item(request.user, child),
            "is_adviser": may(request.user, Capability.ADOPTION_ADVISER_WORK),
            # Back to the child's record, for those the child's access rule lets see it (a
            # medical adviser may see the adoption case of a child whose record they do not).
            "can_see_child": children_visible_to(request.user).filter(pk=child.pk).exists(),
        },
    )


@login_required
@about(Child)
def milestones_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _visible_child(request, child_id)
    if not selectors.user_can_record_milestones(request.user, child):
        raise Http404("Only the child's team records adoption milestones.")
    case = _case_of(child)
    editable = [*MILESTONE_FIELDS, *NOTES.values(), *ADOPTER_FIELDS, "plan_changed_reason"]

    def run(data: dict) -> AdoptionCase:
        version = data.pop("version", None)
        values = {name: data[name] for name in editable}
        if case is None:
            return services.adoption_case_create(child=child, created_by=request.user, data=values)
        return services.adoption_case_update(
            case=case, updated_by=request.user, data=values, expected_version=version
        )

    initial = {name: getattr(case, name) for name in editable} if case else {}
    if case:
        initial["version"] = case.version
        foster = case.adopted_by_foster_carers
        initial["adopted_by_foster_carers"] = "" if foster is None else ("yes" if foster else "no")
    back = reverse("adoption-case", args=[child.pk])
    return form_page(
        request,
        form_class=forms.MilestonesForm,
        title="Record adoption milestones",
        caption=child.full_name,
        intro="Leave a date blank if it has not happened. Dates cannot be in the future.",
        run=run,
        success_url=back,
        success_message="Adoption milestones saved.",
        back_url=back,
        initial=initial,
        template=FORM_TEMPLATE,
    )


@login_required
@about(Child)
def work_item_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _visible_child(request, child_id)
    case = _case_of(child)
    if case is None or not selectors.user_can_request_work_item(request.user, child):
        raise Http404("Only the child's team requests adoption health work, on an open case.")
    back = reverse("adoption-case", args=[child.pk])
    return form_page(
        request,
        form_class=forms.WorkItemRequestForm,
        title="Ask the medical adviser for a report",
        caption=child.full_name,
        intro="The report is due one calendar month after the request, unless your local "
        "authority has set another period.",
        run=lambda d: services.adoption_work_item_request(
            case=case, requested_by=request.user, **d
        ),
        success_url=back,
        success_message="Request sent to the medical adviser.",
        back_url=back,
        initial={"requested_on": today()},
        form_kwargs={"advisers": selectors.medical_advisers_for(child)},
        template=FORM_TEMPLATE,
    )


@login_required
@about(AdoptionWorkItem)
def work_item_complete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        selectors.work_items_visible_to(request.user).select_related("case__child"), pk=pk
    )
    if not selectors.user_can_complete_work_item(request.user, item):
        raise Http404("Only a medical adviser completes adoption health work.")
    child = item.case.child
    return form_page(
        request,
        form_class=forms.WorkItemCompleteForm,
        title=f"Record as done: {item.get_kind_display()}",
        caption=f"{child.full_name}, due {item.due_date.day} {item.due_date:%B %Y}",
        run=lambda d: services.adoption_work_item_complete(
            work_item=item,
            completed_by=request.user,
            completed_on=d["completed_on"],
            expected_version=d.get("version"),
        ),
        success_url=reverse("adoption-worklist"),
        success_message="Work recorded as done.",
        back_url=reverse("adoption-case", args=[child.pk]),
        initial={"completed_on": today(), "version": item.version},
        template=FORM_TEMPLATE,
    )
