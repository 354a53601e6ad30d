"""Role worklists for the home page (selectors): what is overdue, what is due within the
at-risk window, and what awaits this user's action. Each list is one queryset, annotated so
that a page of rows costs a constant number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.models import HEALTH_PROVIDER_ROLES, TEAM_ROLES, Role, User
from apps.assessments.models import Appointment, Assessment
from apps.assessments.rules.policy import Party
from apps.assessments.rules.status import ClockStatus
from apps.assessments.selectors import assessments_visible_to
from apps.children.models import PeriodOfCare

LISTS = {
    "overdue": "Overdue",
    "at_risk": "Due within 5 working days",
    "action": "Awaiting your action",
}
SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "child": ("child__last_name", "child__first_name", "due_date"),
    "kind": ("kind", "due_date"),
}
RECENT_REPORT_DAYS = 14
# A request shows on the social worker's list four weeks before it is due.
REQUEST_HORIZON_DAYS = 28


@dataclass
class WorklistItem:
    assessment: Assessment
    action: str


def _base(user: User) -> QuerySet[Assessment]:
    in_care = PeriodOfCare.objects.filter(child=OuterRef("child"), end_date__isnull=True)
    booked = Appointment.objects.filter(assessment=OuterRef("pk"), outcome="BOOKED")
    queryset = assessments_visible_to(user).filter(Exists(in_care))
    if user.role in HEALTH_PROVIDER_ROLES:
        queryset = queryset.filter(provider_id=user.organisation_id)
    return queryset.annotate(
        has_booking=Exists(booked),
        booked_for=Subquery(booked.values("appointment_date")[:1]),
    ).select_related("child", "child__team", "provider")


def _open() -> Q:
    return Q(held_on__isnull=True, declined_on__isnull=True, not_required_reason="")


def _action_filter(user: User) -> Q:
    today = timezone.localdate()
    if user.role in TEAM_ROLES:
        return (
            _open()
            & Q(
                request_sent_on__isnull=True,
                request_due__lte=today + timedelta(days=REQUEST_HORIZON_DAYS),
            )
            | _open() & Q(request_sent_on__isnull=False, request_complete_on__isnull=True)
            | Q(report_returned_on__gte=today - timedelta(days=RECENT_REPORT_DAYS))
        )
    if user.role == Role.HEALTH_ADMIN:
        return (
            _open() & Q(request_sent_on__isnull=False, has_booking=False)
            | _open() & Q(has_booking=True, booked_for__lte=today)
            | Q(held_on__isnull=False, report_returned_on__isnull=True)
        )
    if user.role == Role.LAC_NURSE:
        return _open() & Q(has_booking=True, booked_for__lte=today) | Q(
            held_on__isnull=False, report_returned_on__isnull=True
        )
    if user.role == Role.DESIGNATED:
        return Q(status__in=[ClockStatus.OVERDUE, ClockStatus.BREACHED], override_party="") & (
            Q(breach_party=Party.UNDETERMINED)
            | Q(breach_party=Party.HEALTH, breach_reason="", health_reason="")
        )
    if user.role in {Role.PERFORMANCE_MANAGER, Role.AUDITOR}:
        return Q(
            status__in=[ClockStatus.OVERDUE, ClockStatus.BREACHED], breach_party=Party.UNDETERMINED
        )
    return Q(pk__in=[])


def worklist(user: User, name: str) -> QuerySet[Assessment]:
    base = _base(user)
    if name == "overdue":
        return base.filter(status=ClockStatus.OVERDUE)
    if name == "at_risk":
        return base.filter(status=ClockStatus.AT_RISK)
    return base.filter(_action_filter(user))


def worklist_counts(user: User) -> dict[str, int]:
    return {name: worklist(user, name).count() for name in LISTS}


def action_for(user: User, assessment: Assessment) -> str:
    """What this user should do next about the item, in words."""
    today = timezone.localdate()
    if (
        assessment.status == ClockStatus.OVERDUE
        and user.role not in TEAM_ROLES | HEALTH_PROVIDER_ROLES
    ):
        return "Review the breach"
    if user.role in TEAM_ROLES:
        if assessment.held_on is None and assessment.request_sent_on is None:
            return "Send the request with consent"
        if assessment.held_on is None and assessment.request_complete_on is None:
            return "Complete the request: consent or information missing"
        if assessment.report_returned_on is not None:
            return "Read the returned report and health plan"
        return "Waiting for health"
    if user.role in HEALTH_PROVIDER_ROLES:
        if assessment.held_on is not None and assessment.report_returned_on is None:
            return "Return the report"
        if getattr(assessment, "has_booking", False):
            if assessment.booked_for and assessment.booked_for <= today:
                return (
                    "Complete the assessment"
                    if user.role == Role.LAC_NURSE
                    else "Record attendance"
                )
            return f"Booked for {assessment.booked_for:%d %b %Y}"
        if assessment.request_sent_on is not None:
            return "Book an appointment"
    return "Review"
