"""Pages for the assessment workflow. Each step page is generated from its entry in the
workflow registry (workflow.py) and allowed by its capability (apps/access); a step the user
may not take is a 404, like a child they may not see."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone

from apps.access import Capability, may
from apps.access.records import about
from apps.assessments import forms, selectors, services, workflow, worklists
from apps.assessments.models import Appointment, Assessment, HealthPlan, OutOfAreaReferral
from apps.children.models import Child
from apps.children.selectors import visible_child_ids
from apps.children.views import visible_child
from apps.core.pagination import MergedParts
from apps.core.views_base import form_page


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    queryset = selectors.assessments_with_details(selectors.assessments_visible_to(request.user))
    return get_object_or_404(queryset, pk=pk)


def _allowed(request: HttpRequest, pk: int, step: workflow.Step) -> Assessment:
    assessment = _visible_assessment(request, pk)
    if not step.allowed(request.user, assessment):
        raise Http404("Your role does not take this step.")
    return assessment


@login_required
@about(Assessment)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible_assessment(request, pk)
    steps = workflow.available_steps(request.user, assessment)
    can_correct_request = assessment.request_sent_on is not None and may(
        request.user, Capability.ASSESSMENT_REQUEST, assessment
    )
    can_correct_assessment = assessment.held_on is not None and may(
        request.user, Capability.ASSESSMENT_COMPLETE, assessment
    )
    booked = [a for a in assessment.appointments.all() if a.outcome == "BOOKED"]
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "child": assessment.child,
            # The steps about the assessment itself; the one about its booked appointment
            # (record-outcome) is linked with that appointment.
            "actions": [
                (s.label, reverse(s.url_name, args=[assessment.pk]))
                for s in steps
                if not s.on_appointment
            ],
            "booked": booked[0] if booked else None,
            "can_record_outcome": any(s.on_appointment for s in steps),
            # The Change and Delete links of issue 13: the request is the LA's record, the
            # appointments and the held assessment are health's.
            "can_correct_request": can_correct_request,
            "can_correct_assessment": can_correct_assessment,
            "change_links": can_correct_request or can_correct_assessment,
            "can_correct_appointments": may(request.user, Capability.ASSESSMENT_BOOK, assessment),
            "plan": HealthPlan.objects.filter(assessment=assessment)
            .prefetch_related("actions")
            .first(),
        },
    )


def _today():
    return timezone.localdate()


@about(Assessment)
@login_required
def step_page(
    request: HttpRequest, pk: int, step_name: str, appointment_pk: int | None = None
) -> HttpResponse:
    """Every workflow step's page, from its entry in the workflow registry."""
    step = workflow.step(step_name)
    assessment = _allowed(request, pk, step)
    appointment = (
        get_object_or_404(Appointment, pk=appointment_pk, assessment=assessment)
        if step.on_appointment
        else None
    )
    detail_url = reverse("assessment-detail", args=[assessment.pk])
    return form_page(
        request,
        form_class=step.form,
        title=step.title_for(assessment, appointment),
        caption=f"{assessment.get_kind_display()} for {assessment.child.full_name}, due {assessment.due_date:%d %B %Y}",
        intro=step.intro(assessment),
        run=lambda d: step.run(
            assessment=assessment,
            user=request.user,
            data=step.page_data(d),
            appointment=appointment,
        ),
        success_url=detail_url,
        success_message=step.message,
        back_url=detail_url,
        initial={name: _today() for name in step.initial_today},
    )


def step_urls() -> list:
    """The URL of each step's page: the same names and paths as before the registry."""
    return [
        path(
            f"assessments/<int:pk>/{s.page_path}",
            step_page,
            {"step_name": s.name},
            name=s.url_name,
        )
        for s in workflow.STEPS
    ]


@login_required
def breach_list(request: HttpRequest) -> HttpResponse:
    """Breaches with who they are charged to and why, for managers and designated professionals."""
    if not may(request.user, Capability.REPORTS_VIEW):
        raise Http404
    party = request.GET.get("party", "")
    rows = MergedParts(worklists.breach_parts(request.user, party), worklists.BREACH_ORDER)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "assessments/breaches.html", {"page": page, "party": party})


def _child_record_page(request, pk, *, allowed, form_class, title, run, message):
    child = visible_child(request, pk)
    if not allowed(child):
        raise Http404
    return form_page(
        request,
        form_class=form_class,
        title=title,
        caption=child.full_name,
        run=lambda d: run(child, d),
        success_url=reverse("child-detail", args=[child.pk]),
        success_message=message,
        back_url=reverse("child-detail", args=[child.pk]),
    )


@login_required
@about(Child)
def sdq_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_record_page(
        request,
        pk,
        allowed=lambda child: may(request.user, Capability.SDQ_WRITE, child),
        form_class=forms.SdqForm,
        title="Record an SDQ",
        run=lambda child, d: services.sdq_record(child=child, recorded_by=request.user, **d),
        message="SDQ recorded.",
    )


def _nurse_for(request, child) -> bool:
    return may(request.user, Capability.CLINICAL_RECORD_WRITE, child)


@login_required
@about(Child)
def dental_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_record_page(
        request,
        pk,
        allowed=lambda child: _nurse_for(request, child),
        form_class=forms.DentalForm,
        title="Record a dental check",
        run=lambda child, d: services.dental_check_record(
            child=child, recorded_by=request.user, **d
        ),
        message="Dental check recorded.",
    )


@login_required
@about(Child)
def health_history_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_record_page(
        request,
        pk,
        allowed=lambda child: _nurse_for(request, child),
        form_class=forms.HealthHistoryForm,
        title="Write the care leaver's health history",
        run=lambda child, d: services.health_history_record(
            child=child, written_by=request.user, **d
        ),
        message="Health history recorded.",
    )


@login_required
@about(OutOfAreaReferral)
def referral_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Our provider refers the assessment of a child placed out of area to the receiving
    area's provider."""
    from apps.assessments.models import OutOfAreaReferral

    referral = get_object_or_404(
        OutOfAreaReferral.objects.filter(child__in=visible_child_ids(request.user)).select_related(
            "child"
        ),
        pk=pk,
    )
    if not may(request.user, Capability.OUT_OF_AREA_REFERRAL_WRITE, referral.child):
        raise Http404
    return form_page(
        request,
        form_class=forms.ReferralForm,
        title="Record the out-of-area referral",
        caption=f"{referral.child.full_name}, due {referral.due_on:%d %B %Y}",
        run=lambda d: services.out_of_area_referral_record(
            referral=referral, recorded_by=request.user, **d
        ),
        success_url=reverse("child-detail", args=[referral.child_id]),
        success_message="Referral recorded.",
        back_url=reverse("child-detail", args=[referral.child_id]),
        initial={"referred_on": _today()},
    )


_PERIOD_BACKWARDS = "Date to must be the same as or after date from"


@login_required
def provider_workload_page(request: HttpRequest) -> HttpResponse:
    """Health staff: their provider's workload, with children placed here by other LAs."""
    from datetime import timedelta

    if not may(request.user, Capability.PROVIDER_WORKLOAD_VIEW):
        raise Http404
    today = _today()
    data = request.GET.copy()
    # Links and bookmarks from before the date inputs: ?from=YYYY-MM-DD&to=YYYY-MM-DD.
    for old, new in (("from", "start"), ("to", "end")):
        if old in data and new not in data:
            data[new] = data.pop(old)[-1]
    # Not asked: the last 90 days, shown in the fields.
    for name, default in (("start", today - timedelta(days=90)), ("end", today)):
        if not any(key == name or key.startswith(f"{name}_") for key in data):
            data[name] = default.isoformat()
    form = forms.WorkloadFilterForm(data)
    if not form.is_valid():
        return render(request, "assessments/workload.html", {"form": form}, status=400)
    start = form.cleaned_data["start"] or today - timedelta(days=90)
    end = form.cleaned_data["end"] or today
    if end < start:  # only one date given, on the far side of the other's default
        form.add_error("end" if form.cleaned_data["end"] else "start", _PERIOD_BACKWARDS)
        return render(request, "assessments/workload.html", {"form": form}, status=400)
    figures = selectors.provider_workload(
        provider_id=request.user.organisation_id, start=start, end=end
    )
    rows = [
        (label, figures[f"{key}_ours"], figures[f"{key}_other_la"])
        for key, label in (
            ("received", "Requests received"),
            ("held", "Assessments held"),
            ("open", "Open now"),
            ("overdue", "Overdue now"),
        )
    ]
    return render(
        request,
        "assessments/workload.html",
        {"form": form, "rows": rows, "start": start, "end": end},
    )
