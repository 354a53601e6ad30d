"""Plans a child's clocks from the facts of the record. Pure: facts in, desired state out.

The recompute service loads the facts (in batches), calls ``plan_child``, and writes only
what changed. Everything that depends on time alone (a clock passing its due date, coming
within the at-risk window) is also done by the nightly sweep in set-based SQL, using the
``provisional_*`` attribution kept current here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from apps.assessments.rules.attribution import AppointmentEvent, Attribution, attribute_breach
from apps.assessments.rules.clocks import (
    NotRequiredReason,
    iha_deadlines,
    iha_not_required,
    rha_due,
    rha_not_required,
    rha_request_due,
)
from apps.assessments.rules.health_clocks import CLOCK_KINDS, ClockContext
from apps.assessments.rules.status import BREACH_STATUSES, ClockStatus, clock_status
from apps.core.working_days import WorkingDayCalendar
from apps.policy.rules import Policy

AUTO_NOT_REQUIRED = {
    NotRequiredReason.LEFT_CARE,
    NotRequiredReason.RECENT_ASSESSMENT,
    NotRequiredReason.AGED_18,
    NotRequiredReason.BEFORE_RECORDS,
}


@dataclass(frozen=True)
class PeriodFacts:
    id: int
    start: date
    end: date | None
    # False when the record begins part-way through the period (an SSDA903 import whose
    # first episode is not RNE S): ``start`` is then not the entry to care.
    from_entry: bool = True


@dataclass
class AssessmentFacts:
    """An existing assessment (id set) or one the plan creates (id None, key set)."""

    id: int | None
    kind: str
    period_id: int | None
    previous_id: int | None = None
    clock_start: date | None = None
    request_due: date | None = None
    due_date: date | None = None
    request_sent_on: date | None = None
    request_complete_on: date | None = None
    held_on: date | None = None
    report_returned_on: date | None = None
    declined_on: date | None = None
    not_required_reason: str = ""
    health_reason: str = ""
    appointments: list[AppointmentEvent] = field(default_factory=list)
    status: str = ClockStatus.PENDING
    breach_party: str = ""
    breach_reason: str = ""
    breach_rule: str = ""
    report_breached: bool = False
    provisional_party: str = ""
    provisional_reason: str = ""
    provisional_rule: str = ""

    @property
    def closed_by_event(self) -> bool:
        return self.held_on is not None or self.declined_on is not None

    @property
    def last_event(self) -> date | None:
        return self.held_on or self.declined_on


@dataclass(frozen=True)
class ChildFacts:
    date_of_birth: date
    periods: list[PeriodFacts]
    assessments: list[AssessmentFacts]
    dental_checks: list[date]
    sdq_completed: list[date]
    placement_starts: list[date]
    health_history_provided: list[date]
    # The completions of any further clock kind of the registry, by its facts_field.
    other_completions: dict[str, list[date]] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthClockPlan:
    kind: str
    due_date: date
    last_completed_on: date | None
    status: str


@dataclass
class ChildPlan:
    assessments: list[AssessmentFacts]  # every assessment, existing ones updated, new ones id None
    health_clocks: dict[str, HealthClockPlan]


COMPUTED_FIELDS = [
    "period_id",
    "previous_id",
    "clock_start",
    "request_due",
    "due_date",
    "not_required_reason",
    "status",
    "breach_party",
    "breach_reason",
    "breach_rule",
    "report_breached",
    "provisional_party",
    "provisional_reason",
    "provisional_rule",
]


PolicyOn = Callable[[date], Policy]  # the policy in force on a clock's day 0


def _attribution(a: AssessmentFacts, calendar: WorkingDayCalendar, policy: Policy) -> Attribution:
    if a.clock_start is None or a.request_due is None or a.due_date is None:
        # Every clock is planned (steps 1 and 2 of plan_child) before it is settled.
        raise ValueError(f"the {a.kind} clock {a.id} has no dates: plan it before settling it")
    return attribute_breach(
        kind=a.kind,
        clock_start=a.clock_start,
        request_due=a.request_due,
        due=a.due_date,
        request_sent_on=a.request_sent_on,
        request_complete_on=a.request_complete_on,
        appointments=a.appointments,
        health_reason=a.health_reason,
        held_on=a.held_on,
        report_returned_on=a.report_returned_on,
        calendar=calendar,
        policy=policy,
    )


def _settle(a: AssessmentFacts, today: date, calendar: WorkingDayCalendar, policy: Policy) -> None:
    """Status, breach attribution and the provisional attribution of one assessment."""
    attribution = _attribution(a, calendar, policy)
    due = a.due_date
    if due is None:
        raise ValueError(f"the {a.kind} clock {a.id} has no due date: plan it before settling it")
    a.status = clock_status(
        due=due,
        completed_on=a.held_on,
        today=today,
        calendar=calendar,
        at_risk_working_days=policy.at_risk_working_days,
        not_required=bool(a.not_required_reason),
        declined=a.declined_on is not None,
    )
    a.provisional_party, a.provisional_reason, a.provisional_rule = (
        attribution.party,
        attribution.reason,
        attribution.rule,
    )
    # A clock that is not required is never breached: that includes the held assessment
    # from before our records, which starts the reviews but has no deadline of its own.
    report_late = (
        not a.not_required_reason
        and a.held_on is not None
        and (
            (a.report_returned_on is None and today > due)
            or (a.report_returned_on is not None and a.report_returned_on > due)
        )
    )
    breached = (a.status in BREACH_STATUSES and not a.not_required_reason) or report_late
    a.report_breached = breached
    if breached:
        a.breach_party, a.breach_reason, a.breach_rule = (
            attribution.party,
            attribution.reason,
            attribution.rule,
        )
    else:
        a.breach_party = a.breach_reason = a.breach_rule = ""


def plan_child(
    facts: ChildFacts,
    *,
    today: date,
    calendar: WorkingDayCalendar,
    policy_on: PolicyOn,
) -> ChildPlan:
    periods = sorted(facts.periods, key=lambda p: p.start)
    dob = facts.date_of_birth
    assessments = [replace(a) for a in facts.assessments]
    ihas = {a.period_id: a for a in assessments if a.kind == "IHA"}

    # 1. One IHA per period of care, its clock starting on entry.
    for period in periods:
        policy = policy_on(period.start)
        iha = ihas.get(period.id)
        if iha is None:
            iha = AssessmentFacts(id=None, kind="IHA", period_id=period.id)
            assessments.append(iha)
            ihas[period.id] = iha
        deadlines = iha_deadlines(period.start, calendar, policy)
        iha.clock_start, iha.request_due, iha.due_date = (
            period.start,
            deadlines.request_due,
            deadlines.due,
        )
        if iha.not_required_reason in AUTO_NOT_REQUIRED or not iha.not_required_reason:
            iha.not_required_reason = ""
            if not iha.closed_by_event:
                before_entry = [
                    x.held_on
                    for x in assessments
                    if x.held_on is not None and x.held_on <= period.start and x is not iha
                ]
                reason = (
                    iha_not_required(
                        entry=period.start,
                        date_of_birth=dob,
                        due=iha.due_date,
                        left_care_on=period.end,
                        last_assessment_before_entry=max(before_entry) if before_entry else None,
                        policy=policy,
                    )
                    if period.from_entry
                    else NotRequiredReason.BEFORE_RECORDS
                )
                iha.not_required_reason = reason or ""

    # 2. Reviews: each follows the last statutory assessment, while the child is in care.
    by_id: dict[int | None, AssessmentFacts] = {a.id: a for a in assessments if a.id is not None}
    rhas = sorted(
        (a for a in assessments if a.kind == "RHA"),
        key=lambda a: (a.clock_start or date.min, a.id or 0),
    )
    for rha in rhas:
        # A new review always follows an existing assessment: only a held or refused one
        # starts a review clock, and a new assessment has neither.
        previous = by_id.get(rha.previous_id)
        if previous is None or previous.last_event is None:
            continue
        _set_rha_clock(rha, previous, periods, dob, calendar, policy_on)

    open_period = periods[-1] if periods and periods[-1].end is None else None
    if open_period is not None:
        chain = [a for a in assessments if a.last_event is not None]
        latest = max(chain, key=lambda a: (a.last_event, a.kind == "RHA", a.id or 0), default=None)
        iha = ihas[open_period.id]
        iha_settled = iha.closed_by_event or bool(iha.not_required_reason)
        if latest is not None and iha_settled:
            follower = next((r for r in rhas if r.previous_id == latest.id), None)
            if follower is None:
                follower = AssessmentFacts(
                    id=None,
                    kind="RHA",
                    period_id=open_period.id,
                    previous_id=latest.id,
                )
                assessments.append(follower)
                _set_rha_clock(follower, latest, periods, dob, calendar, policy_on)
            elif (
                follower.period_id != open_period.id
                and not follower.closed_by_event
                and follower.due_date is not None
                and follower.due_date >= open_period.start
            ):
                follower.period_id = open_period.id
                _set_rha_clock(follower, latest, periods, dob, calendar, policy_on)

    for a in assessments:
        _settle(a, today, calendar, policy_on(a.clock_start or date.min))

    return ChildPlan(
        assessments=assessments,
        health_clocks=_health_clocks(facts, periods, assessments, today, calendar, policy_on),
    )


def _set_rha_clock(
    rha: AssessmentFacts,
    previous: AssessmentFacts,
    periods: list[PeriodFacts],
    dob: date,
    calendar: WorkingDayCalendar,
    policy_on: PolicyOn,
) -> None:
    start = previous.last_event
    if start is None:
        raise ValueError("a review clock starts from a held or refused assessment")
    rha.clock_start = start
    rha.due_date = due = rha_due(start, dob)
    policy = policy_on(start)
    rha.request_due = min(rha_request_due(due, calendar, policy), due)
    period = next((p for p in periods if p.id == rha.period_id), None)
    if rha.not_required_reason in AUTO_NOT_REQUIRED or not rha.not_required_reason:
        rha.not_required_reason = ""
        if not rha.closed_by_event:
            reason = rha_not_required(
                due=due, date_of_birth=dob, left_care_on=period.end if period else None
            )
            rha.not_required_reason = reason or ""


def _health_clocks(
    facts: ChildFacts,
    periods: list[PeriodFacts],
    assessments: list[AssessmentFacts],
    today: date,
    calendar: WorkingDayCalendar,
    policy_on: PolicyOn,
) -> dict[str, HealthClockPlan]:
    """Every clock kind of the registry (health_clocks.CLOCK_KINDS), planned by its own
    planner; the status is the same rule for all."""
    context = ClockContext(facts, periods, assessments, today, policy_on)
    plans: dict[str, HealthClockPlan] = {}
    for kind, spec in CLOCK_KINDS.items():
        planned = spec.plan(context)
        if planned is None:
            continue
        status = clock_status(
            due=planned.due_date,
            completed_on=planned.completed_on,
            today=today,
            calendar=calendar,
            at_risk_working_days=planned.policy.at_risk_working_days,
        )
        plans[kind] = HealthClockPlan(kind, planned.due_date, planned.last_completed_on, status)
    return plans
