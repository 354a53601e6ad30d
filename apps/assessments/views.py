"""Pages for the assessment workflow. Each step is allowed by the same rule as the API
(selectors.user_can); a step the user may not take is a 404, like a child they may not see."""

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.assessments import forms, selectors, services
from apps.assessments.models import Appointment, Assessment, HealthPlan, OutOfAreaReferral
from apps.assessments.rules.status import BREACH_STATUSES
from apps.audit.records import about
from apps.children.models import Child
from apps.children.selectors import user_can_edit_case
from apps.children.views import visible_child
from apps.core.views_base import form_page

ACTIONS = [
    ("request", "Send the request", "assessment-request"),
    ("request-complete", "Record the request as complete", "assessment-request-complete"),
    ("book", "Book an appointment", "assessment-book"),
    ("complete", "Record the assessment as held", "assessment-complete"),
    ("return-report", "Record the report as returned", "assessment-return-report"),
    ("decline", "Record that the young person declined", "assessment-decline"),
    ("health-reason", "Give health's reason for the breach", "assessment-health-reason"),
    ("override-breach", "Override who the breach is charged to", "assessment-override"),
]


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    queryset = selectors.assessments_with_details(selectors.assessments_visible_to(request.user))
    return get_object_or_404(queryset, pk=pk)


def _allowed(request: HttpRequest, pk: int, action: str) -> Assessment:
    assessment = _visible_assessment(request, pk)
    if not selectors.user_can(request.user, action, assessment):
        raise Http404("Your role does not take this step.")
    return assessment


def _available(user, assessment: Assessment) -> list[tuple[str, str]]:
    booked = any(a.outcome == "BOOKED" for a in assessment.appointments.all())
    open_ = (
        assessment.held_on is None
        and assessment.declined_on is None
        and not assessment.not_required_reason
    )
    breached = assessment.status in BREACH_STATUSES or assessment.report_breached
    state = {
        "request": open_ and assessment.request_sent_on is None,
        "request-complete": open_
        and assessment.request_sent_on is not None
        and assessment.request_complete_on is None,
        "book": open_ and assessment.request_sent_on is not None and not booked,
        "complete": open_ and assessment.request_sent_on is not None,
        "return-report": assessment.held_on is not None and assessment.report_returned_on is None,
        "decline": open_,
        "health-reason": breached,
        "override-breach": breached,
    }
    return [
        (label, reverse(url, args=[assessment.pk]))
        for action, label, url in ACTIONS
        if state[action] and selectors.user_can(user, action, assessment)
    ]


@login_required
@about(Assessment)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible_assessment(request, pk)
    booked = [a for a in assessment.appointments.all() if a.outcome == "BOOKED"]
    can_record_outcome = bool(booked) and selectors.user_can(
        request.user, "record-outcome", assessment
    )
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "child": assessment.child,
            "actions": _available(request.user, assessment),
            "booked": booked[0] if booked else None,
            "can_record_outcome": can_record_outcome,
            "plan": HealthPlan.objects.filter(assessment=assessment)
            .prefetch_related("actions")
            .first(),
        },
    )


def _step_page(request, assessment, *, form_class, title, run, message, initial=None, intro=""):
    return form_page(
        request,
        form_class=form_class,
        title=title,
        caption=f"{assessment.get_kind_display()} for {assessment.child.full_name}, due {assessment.due_date:%d %B %Y}",
        intro=intro,
        run=run,
        success_url=reverse("assessment-detail", args=[assessment.pk]),
        success_message=message,
        back_url=reverse("assessment-detail", args=[assessment.pk]),
        initial=initial,
    )


def _today():
    return timezone.localdate()


@login_required
@about(Assessment)
def assessment_request(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "request")
    return _step_page(
        request,
        assessment,
        form_class=forms.RequestForm,
        title="Send the request to health",
        intro=f"The request is due by {assessment.request_due:%d %B %Y}.",
        initial={"sent_on": _today()},
        run=lambda d: services.assessment_request(
            assessment=assessment, requested_by=request.user, **d
        ),
        message="Request sent. The provider has been told.",
    )


@login_required
@about(Assessment)
def assessment_request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "request-complete")
    return _step_page(
        request,
        assessment,
        form_class=forms.RequestCompleteForm,
        title="Record the request as complete",
        initial={"complete_on": _today()},
        run=lambda d: services.assessment_request_complete(
            assessment=assessment, recorded_by=request.user, **d
        ),
        message="Request recorded as complete.",
    )


@login_required
@about(Assessment)
def assessment_book(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "book")
    return _step_page(
        request,
        assessment,
        form_class=forms.BookForm,
        title="Book an appointment",
        initial={"booked_on": _today()},
        run=lambda d: services.appointment_book(assessment=assessment, booked_by=request.user, **d),
        message="Appointment booked.",
    )


@login_required
@about(Assessment)
def appointment_outcome(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "record-outcome")
    appointment = get_object_or_404(Appointment, pk=appointment_pk, assessment=assessment)
    return _step_page(
        request,
        assessment,
        form_class=forms.OutcomeForm,
        title=f"What happened at the appointment of {appointment.appointment_date:%d %B %Y}",
        initial={"recorded_on": _today()},
        run=lambda d: services.appointment_record_outcome(
            appointment=appointment, recorded_by=request.user, **d
        ),
        message="Appointment outcome recorded.",
    )


@login_required
@about(Assessment)
def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "complete")

    def run(d: dict):
        for n in (1, 2):
            for part in ("need", "action", "owner", "due"):
                d.pop(f"action_{n}_{part}", None)
        return services.assessment_complete(assessment=assessment, completed_by=request.user, **d)

    return _step_page(
        request,
        assessment,
        form_class=forms.CompleteForm,
        title="Record the assessment as held",
        intro="An initial health assessment is carried out by a registered medical practitioner.",
        initial={"held_on": _today()},
        run=run,
        message="Assessment recorded as held.",
    )


@login_required
@about(Assessment)
def assessment_return_report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "return-report")
    return _step_page(
        request,
        assessment,
        form_class=forms.ReturnReportForm,
        title="Record the report as returned",
        initial={"returned_on": _today()},
        run=lambda d: services.assessment_return_report(
            assessment=assessment, returned_by=request.user, **d
        ),
        message="Report recorded as returned to the social worker.",
    )


@login_required
@about(Assessment)
def assessment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "decline")
    return _step_page(
        request,
        assessment,
        form_class=forms.DeclineForm,
        title="Record that the young person declined",
        run=lambda d: services.assessment_decline(
            assessment=assessment, recorded_by=request.user, **d
        ),
        message="Decline recorded.",
    )


@login_required
@about(Assessment)
def assessment_health_reason(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "health-reason")
    return _step_page(
        request,
        assessment,
        form_class=forms.HealthReasonForm,
        title="Give health's reason for the breach",
        run=lambda d: services.assessment_record_health_reason(
            assessment=assessment, recorded_by=request.user, **d
        ),
        message="Reason recorded.",
    )


@login_required
@about(Assessment)
def assessment_override(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _allowed(request, pk, "override-breach")
    return _step_page(
        request,
        assessment,
        form_class=forms.OverrideForm,
        title="Override who the breach is charged to",
        intro=f"Decided by the rule: {assessment.breach_rule}",
        run=lambda d: services.breach_override(
            assessment=assessment, overridden_by=request.user, **d
        ),
        message="Saved. Charging the other agency is a proposal it agrees or disputes: until then the breach stays where it was.",
    )


BREACH_VIEWERS = {Role.TEAM_MANAGER, Role.PERFORMANCE_MANAGER, Role.DESIGNATED, Role.AUDITOR}


@login_required
def breach_list(request: HttpRequest) -> HttpResponse:
    """Breaches with who they are charged to and why, for managers and designated professionals."""
    if request.user.role not in BREACH_VIEWERS and not request.user.is_superuser:
        raise Http404
    party = request.GET.get("party", "")
    breaches = selectors.assessments_visible_to(request.user).filter(
        Q(status__in=list(BREACH_STATUSES)) | Q(report_breached=True)
    )
    if party in {"LA", "HEALTH", "UNDETERMINED"}:
        breaches = breaches.filter(
            Q(override_party=party) | Q(override_party="", breach_party=party)
        )
    page = Paginator(
        breaches.select_related("child", "provider").order_by("-due_date", "-id"), 25
    ).get_page(request.GET.get("page"))
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
        allowed=lambda child: (
            user_can_edit_case(request.user, child)
            or selectors.child_can_receive_health_records(request.user, child)
        ),
        form_class=forms.SdqForm,
        title="Record an SDQ",
        run=lambda child, d: services.sdq_record(child=child, recorded_by=request.user, **d),
        message="SDQ recorded.",
    )


def _nurse_for(request, child) -> bool:
    return request.user.role == Role.LAC_NURSE and selectors.child_can_receive_health_records(
        request.user, child
    )


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
        OutOfAreaReferral.objects.filter(
            child__in=selectors.children_visible_to(request.user).values("pk")
        ).select_related("child"),
        pk=pk,
    )
    if not selectors.child_can_receive_health_records(request.user, referral.child):
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


@login_required
@about(Child)
def health_history_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The care leaver's printable health history: for the child's team and health staff."""
    from apps.assessments.health_history_pdf import health_history_pdf

    child = visible_child(request, pk)
    if not (
        user_can_edit_case(request.user, child)
        or selectors.child_can_receive_health_records(request.user, child)
    ):
        raise Http404
    response = HttpResponse(health_history_pdf(child), content_type="application/pdf")
    # Only safe characters in a header: a reference recorded before references were
    # validated may hold quotes or line breaks (BadHeaderError, a 500).
    reference = re.sub(r"[^A-Za-z0-9_-]", "", child.la_child_id) or str(child.pk)
    response["Content-Disposition"] = f'attachment; filename="health-history-{reference}.pdf"'

    return response


@login_required
def provider_workload_page(request: HttpRequest) -> HttpResponse:
    """Health staff: their provider's workload, with children placed here by other LAs."""
    from datetime import date, timedelta

    if (
        request.user.role not in {Role.HEALTH_ADMIN, Role.LAC_NURSE}
        or request.user.organisation_id is None
    ):
        raise Http404
    today = _today()
    try:
        start = (
            date.fromisoformat(request.GET.get("from", ""))
            if request.GET.get("from")
            else today - timedelta(days=90)
        )
        end = date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else today
    except ValueError:
        start, end = today - timedelta(days=90), today
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
    return render(request, "assessments/workload.html", {"rows": rows, "start": start, "end": end})
