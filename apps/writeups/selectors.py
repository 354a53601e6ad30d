"""Reads: each user's items for the worklists (write-ups in draft, unread reports, open
actions they own), a child's reports and overdue actions, the previous plan to review."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import TEAM_ROLES, Role, User
from apps.assessments.models import Assessment
from apps.children.models import Child
from apps.children.selectors import children_visible_to
from apps.core.working_days import calendar_for
from apps.writeups.models import PlanAction, Report, ReportReading, WriteUp
from apps.writeups.rules.actions import ActionStatus
from apps.writeups.rules.loop import write_up_due_on


def _policy_on_day_zero(assessments: list[Assessment]):
    """The LA policy in force on each assessment's clock day 0 (as every other limit is
    read): a function assessment -> Policy, one query for the lot."""
    from apps.policy.selectors import policy_lookup

    lookup = policy_lookup({a.child.responsible_la_id for a in assessments})
    return lambda a: lookup(a.child.responsible_la_id, a.clock_start)


def write_ups_in_draft_for(user: User) -> QuerySet[WriteUp]:
    """Drafts of the user's provider's assessments (a colleague may finish one), oldest
    held first."""
    if user.role != Role.LAC_NURSE or user.organisation_id is None:
        return WriteUp.objects.none()
    return (
        WriteUp.objects.filter(
            signed_off_at__isnull=True,
            assessment__provider_id=user.organisation_id,
            assessment__child__in=children_visible_to(user),
        )
        .select_related("assessment__child")
        .order_by("assessment__held_on", "id")
    )


def awaiting_write_up_for(user: User) -> QuerySet[Assessment]:
    """Held assessments of the user's provider awaiting write-up: the workflow registry's
    state (``workflow.AWAITING_WRITE_UP``: held, no signed write-up, no report, not
    returned), so this list and the worklists' "Write up the assessment" agree."""
    from apps.assessments import workflow

    if user.role != Role.LAC_NURSE or user.organisation_id is None:
        return Assessment.objects.none()
    queryset = Assessment.objects.filter(
        provider_id=user.organisation_id, child__in=children_visible_to(user)
    )
    return (
        workflow.annotate_facts(queryset)
        .filter(workflow.AWAITING_WRITE_UP.q())
        .select_related("child")
        .order_by("held_on", "id")
    )


def write_up_due(assessment: Assessment, policy=None) -> date:
    """The day the write-up is due: the policy's ``write_up_working_days`` after it was
    held (the policy in force on the clock's day 0)."""
    policy = policy or _policy_on_day_zero([assessment])(assessment)
    return write_up_due_on(assessment.held_on, calendar_for(), policy.write_up_working_days)


def write_ups_due(assessments: list[Assessment]) -> list[tuple[Assessment, date]]:
    """Each assessment with its write-up due date (one policy query for the list)."""
    policy_of = _policy_on_day_zero(assessments)
    return [(a, write_up_due(a, policy_of(a))) for a in assessments]


def write_ups_at_risk_for(user: User, today: date) -> list[Assessment]:
    """Held assessments still awaiting write-up after the policy's working days: at risk."""
    return [a for a, due in write_ups_due(list(awaiting_write_up_for(user))) if today > due]


def overdue_actions_for_children(children: QuerySet[Child], today: date) -> int:
    """Open actions past their due date among ``children`` (for a manager's dashboard:
    pass ``children_visible_to(manager)``): one query."""
    return overdue_actions(children, today).count()


def overdue_actions(children: QuerySet[Child], today: date) -> QuerySet[PlanAction]:
    """Open actions past their due date among ``children``, longest overdue first."""
    return (
        PlanAction.objects.filter(
            assessment__child__in=children, status=ActionStatus.OPEN, due_date__lt=today
        )
        .select_related("assessment__child", "owner_user")
        .order_by("due_date", "id")
    )


# Who sees the count of overdue health plan actions on their home page, with the list:
# the team manager (their team's children), the LA's performance manager and the
# designated nurse / doctor (DOMAIN.md 9: dashboards).
OVERDUE_ACTION_ROLES = {Role.TEAM_MANAGER, Role.PERFORMANCE_MANAGER, Role.DESIGNATED}


def overdue_actions_visible_to(user: User, today: date) -> QuerySet[PlanAction]:
    if user.role not in OVERDUE_ACTION_ROLES:
        return PlanAction.objects.none()
    return overdue_actions(children_visible_to(user), today)


@dataclass(frozen=True)
class UnreadReport:
    report: Report
    read_by: date
    late: bool


def unread_reports_for(user: User, today: date) -> list[UnreadReport]:
    """Returned reports of the user's children that nobody in the child's team has marked
    read; late once the policy's ``report_read_working_days`` after return have passed.
    Returned on the report or on the assessment's own "return the report" step."""
    if user.role not in TEAM_ROLES:
        return []
    read = ReportReading.objects.filter(report=OuterRef("pk"))
    reports = list(
        Report.objects.filter(
            Q(returned_on__isnull=False) | Q(assessment__report_returned_on__isnull=False),
            assessment__child__in=children_visible_to(user),
        )
        .exclude(Exists(read))
        .select_related("assessment__child")
        .defer("pdf")
        .order_by("returned_on", "id")
    )
    calendar = calendar_for()
    policy_of = _policy_on_day_zero([r.assessment for r in reports])
    items = []
    for report in reports:
        returned_on = report_returned_on(report)
        read_by = calendar.add_working_days(
            returned_on, policy_of(report.assessment).report_read_working_days
        )
        items.append(UnreadReport(report, read_by, today > read_by))
    return items


def report_returned_on(report: Report) -> date | None:
    """Returned through the report's own step or the assessment's: either counts."""
    return report.returned_on or report.assessment.report_returned_on


def open_actions_for(user: User) -> QuerySet[PlanAction]:
    """Open actions the user owns, soonest due first."""
    return (
        PlanAction.objects.filter(owner_user=user, status=ActionStatus.OPEN)
        .select_related("assessment__child")
        .order_by("due_date", "id")
    )


def child_reports(child: Child) -> QuerySet[Report]:
    return (
        Report.objects.filter(assessment__child=child)
        .select_related("assessment")
        .prefetch_related("readings__reader")
        .defer("pdf")
        .order_by("-assessment__held_on", "-id")
    )


def child_actions(child: Child) -> QuerySet[PlanAction]:
    return (
        PlanAction.objects.filter(assessment__child=child)
        .select_related("owner_user", "assessment")
        .order_by("status", "due_date", "id")
    )


def child_overdue_action_count(child: Child, today: date) -> int:
    return PlanAction.objects.filter(
        assessment__child=child, status=ActionStatus.OPEN, due_date__lt=today
    ).count()


def previous_plan_actions(assessment: Assessment) -> QuerySet[PlanAction]:
    """The actions of the plan this review follows, to review at the RHA."""
    if assessment.previous_id is None:
        return PlanAction.objects.none()
    return (
        PlanAction.objects.filter(assessment_id=assessment.previous_id)
        .select_related("owner_user")
        .order_by("status", "due_date", "id")
    )


def visible_report(user: User, pk: int) -> Report | None:
    return (
        Report.objects.filter(pk=pk, assessment__child__in=children_visible_to(user))
        .select_related("assessment__child")
        .first()
    )


def child_report_events(child: Child) -> list[tuple[date, str, str]]:
    """For the child's timeline: each write-up signed off and each report read (the return
    itself is already on the timeline from the assessment's returned date)."""
    from django.utils import timezone

    events = []
    for write_up in WriteUp.objects.filter(
        assessment__child=child, signed_off_at__isnull=False
    ).select_related("assessment"):
        events.append(
            (
                timezone.localdate(write_up.signed_off_at),
                f"{write_up.assessment.get_kind_display()} write-up signed off",
                f"{write_up.signer_name}, {write_up.get_signer_role_display()}",
            )
        )
    events.extend(plan_action_corrections(child))
    readings = ReportReading.objects.filter(report__assessment__child=child).select_related(
        "reader", "report__assessment"
    )
    for reading in readings:
        events.append(
            (
                timezone.localdate(reading.read_at),
                f"{reading.report.assessment.get_kind_display()} report read",
                reading.reader.get_full_name() or reading.reader.username,
            )
        )
    return events


def plan_action_corrections(child: Child) -> list[tuple[date, str, str]]:
    """Each correction of the child's health plan actions (a change with a reason), in the
    words of the care record's corrections: what changed, the reason and who."""
    from django.utils import timezone

    from apps.core.corrections import changed_fields, who

    events = []
    for record in (
        PlanAction.history.filter(
            assessment__child=child, history_type="~", history_change_reason__isnull=False
        )
        .exclude(history_change_reason="")
        .select_related("history_user")
    ):
        previous = record.prev_record
        fields = changed_fields(record, previous) if previous is not None else ""
        by = who(record)
        events.append(
            (
                timezone.localdate(record.history_date),
                "Health plan action corrected",
                f"{record.action}: {fields}. Reason: {record.history_change_reason} ({by})",
            )
        )
    return events
