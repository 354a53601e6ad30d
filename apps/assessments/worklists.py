"""Role worklists for the home page (selectors): what is overdue, what is due within the
at-risk window, and what awaits this user's action. Each list is one queryset, annotated so
that a page of rows costs a constant number of queries."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import HEALTH_PROVIDER_ROLES, User
from apps.assessments import workflow
from apps.assessments.models import Assessment
from apps.assessments.recompute import policy_windows
from apps.assessments.rules.status import ClockStatus, write_up_late_before
from apps.assessments.selectors import assessments_visible_to
from apps.children.models import PeriodOfCare
from apps.core.selectors import working_day_calendar

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


def _base(user: User) -> QuerySet[Assessment]:
    in_care = PeriodOfCare.objects.filter(child=OuterRef("child"), end_date__isnull=True)
    queryset = assessments_visible_to(user).filter(Exists(in_care))
    if user.role in HEALTH_PROVIDER_ROLES:
        queryset = queryset.filter(provider_id=user.organisation_id)
    return workflow.annotate_facts(queryset).select_related("child", "child__team", "provider")


def write_up_late(today: date | None = None) -> Q:
    """Issue 14: held (attended), not written up after the policy's working days (the
    policy in force on the clock's day 0, as for every other window) - an at-risk item."""
    today = today or timezone.localdate()
    calendar = working_day_calendar()
    condition = Q(pk__in=[])
    for working_days, in_window in policy_windows("write_up_working_days", "clock_start").items():
        cutoff = write_up_late_before(today, calendar, working_days)
        condition |= in_window & Q(held_on__lt=cutoff)
    return workflow.AWAITING_WRITE_UP.q() & condition


def worklist(user: User, name: str) -> QuerySet[Assessment]:
    base = _base(user)
    if name == "overdue":
        return base.filter(status=ClockStatus.OVERDUE)
    if name == "at_risk":
        return base.filter(Q(status=ClockStatus.AT_RISK) | write_up_late())
    return base.filter(workflow.worklist_filter(user.role))


def worklist_counts(user: User) -> dict[str, int]:
    return {name: worklist(user, name).count() for name in LISTS}


# What this user should do next about a row, in words: from the workflow registry.
action_for = workflow.action_for
