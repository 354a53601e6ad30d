"""The per-child health clocks other than the IHA/RHA, declared once (issue 12). Pure.

Each clock kind says: its label, the record whose dates complete it (the facts the
recompute loads), its day 0, the policy fields its due rule reads, whether it recurs (a
completed clock is moved on to its next due date) or is one-off (done once completed), and
its planner (due rule -> due date, last completion, policy for the status). The engine, the
recompute's loader, the sweep and the model's choices iterate over ``CLOCK_KINDS``.

Adding a clock (say a vision check): its entry here with its planner, its due rule in
clocks.py, its record model, one migration, tests (see the closing note of issue 12).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from apps.assessments.rules.clocks import dental_due, health_history_due, sdq_due
from apps.core.working_days import date_of_age
from apps.policy.rules import Policy

if TYPE_CHECKING:  # the engine imports this module (for CLOCK_KINDS)
    from apps.assessments.rules.engine import AssessmentFacts, ChildFacts, PeriodFacts


class ClockKind(StrEnum):
    DENTAL = "DENTAL"
    SDQ = "SDQ"
    HEALTH_HISTORY = "HEALTH_HISTORY"


@dataclass(frozen=True)
class ClockContext:
    """What a planner sees: the child's facts (engine.ChildFacts), its periods of care
    (oldest first), its planned assessments, today and the policy lookup by day 0."""

    facts: "ChildFacts"
    periods: "list[PeriodFacts]"
    assessments: "list[AssessmentFacts]"
    today: date
    policy_on: Callable[[date], Policy]

    @property
    def open_period(self) -> "PeriodFacts | None":
        return self.periods[-1] if self.periods and self.periods[-1].end is None else None

    def completions(self, kind: ClockKind) -> list[date]:
        name = CLOCK_KINDS[kind].facts_field
        if hasattr(self.facts, name):
            completions: list[date] = getattr(self.facts, name)
            return completions
        return self.facts.other_completions.get(name, [])


@dataclass(frozen=True)
class Planned:
    due_date: date
    last_completed_on: date | None
    # The completion that meets this cycle (None for a recurring clock: its last
    # completion already moved the due date on).
    completed_on: date | None
    policy: Policy


@dataclass(frozen=True)
class ClockKindSpec:
    kind: ClockKind
    label: str
    # The record whose dates complete the clock: (app_label.Model, date field), loaded by
    # the recompute into ChildFacts.<facts_field> (or its other_completions for a new kind).
    record: tuple[str, str]
    facts_field: str
    day_zero: str
    policy_fields: tuple[str, ...]
    recurring: bool
    plan: Callable[[ClockContext], Planned | None]


def _dental(ctx: ClockContext) -> Planned | None:
    period = ctx.open_period
    if period is None:
        return None
    policy = ctx.policy_on(period.start)
    last = max(ctx.completions(ClockKind.DENTAL), default=None)
    return Planned(
        dental_due(entry=period.start, last_check=last, policy=policy), last, None, policy
    )


def _sdq(ctx: ClockContext) -> Planned | None:
    period = ctx.open_period
    if period is None:
        return None
    policy = ctx.policy_on(period.start)
    iha = next(a for a in ctx.assessments if a.kind == "IHA" and a.period_id == period.id)
    last = max(ctx.completions(ClockKind.SDQ), default=None)
    due = sdq_due(
        date_of_birth=ctx.facts.date_of_birth,
        iha_due=iha.due_date,
        last_completed=last,
        placement_changes=[d for d in ctx.facts.placement_starts if d > period.start],
        policy=policy,
    )
    return Planned(due, last, None, policy) if due is not None else None


def _health_history(ctx: ClockContext) -> Planned | None:
    if not ctx.periods:
        return None
    last = ctx.periods[-1]
    in_care_at_16 = last.end is None and ctx.today >= date_of_age(ctx.facts.date_of_birth, 16)
    due = health_history_due(
        date_of_birth=ctx.facts.date_of_birth,
        left_care_on=last.end,
        in_care_on_or_after_16=in_care_at_16,
    )
    if due is None:
        return None
    provided = min(
        (d for d in ctx.completions(ClockKind.HEALTH_HISTORY) if d >= last.start), default=None
    )
    return Planned(due, provided, provided, ctx.policy_on(last.start))


CLOCK_KINDS: dict[ClockKind, ClockKindSpec] = {
    spec.kind: spec
    for spec in (
        ClockKindSpec(
            kind=ClockKind.DENTAL,
            label="Dental check",
            record=("assessments.DentalCheck", "checked_on"),
            facts_field="dental_checks",
            day_zero="the start of the open period of care",
            policy_fields=("dental_first_due_months", "dental_interval_months"),
            recurring=True,
            plan=_dental,
        ),
        ClockKindSpec(
            kind=ClockKind.SDQ,
            label="Strengths and difficulties questionnaire",
            record=("assessments.SdqRecord", "completed_on"),
            facts_field="sdq_completed",
            day_zero="the start of the open period of care",
            policy_fields=("sdq_interval_months", "sdq_on_placement_change"),
            recurring=True,
            plan=_sdq,
        ),
        ClockKindSpec(
            kind=ClockKind.HEALTH_HISTORY,
            label="Care leaver's health history",
            record=("assessments.HealthHistory", "provided_on"),
            facts_field="health_history_provided",
            day_zero="the start of the latest period of care",
            policy_fields=(),
            recurring=False,
            plan=_health_history,
        ),
    )
}
RECURRING_KINDS = [kind for kind, spec in CLOCK_KINDS.items() if spec.recurring]
