"""Adoption rules, part two (pure): the medical adviser's work items and the timeliness
measures (DOMAIN.md 7). Part one, the milestones, adopters and stages, is ``milestones``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from apps.adoption.rules.milestones import _day
from apps.assessments.rules.status import ClockStatus
from apps.core.working_days import add_months

# ---------------------------------------------------------------------------------------
# Medical adviser work items


def work_item_due(requested_on: date, months: int) -> date:
    """Default (DOMAIN.md 7): due one calendar month after the request, the LA's
    ``adoption_work_item_months`` in force on the request date; a day missing from the
    target month becomes its last day (31 January + 1 month = 28 or 29 February)."""
    return add_months(requested_on, months)


WORK_ITEM_STATUSES = (
    ClockStatus.PENDING,
    ClockStatus.OVERDUE,
    ClockStatus.MET,
    ClockStatus.BREACHED,
)


def work_item_status(*, due: date, completed_on: date | None, today: date) -> ClockStatus:
    """As clock_status (DOMAIN.md 5), without the at-risk band: done on or before the due
    date is met, after it breached; open past the due date is overdue, else pending."""
    if completed_on is not None:
        return ClockStatus.MET if completed_on <= due else ClockStatus.BREACHED
    return ClockStatus.OVERDUE if today > due else ClockStatus.PENDING


# ---------------------------------------------------------------------------------------
# Timeliness measures (lower is better)

# The start of the period of care during which the measure's end event happened.
ENTRY_TO_CARE = "entry_to_care"
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class AdoptionMeasure:
    code: str
    label: str
    start: str  # a milestone field, or ENTRY_TO_CARE
    end: str  # a milestone field: a child is counted in the window its end event falls in
    threshold: int  # days; the national adoption scorecard threshold


ENTRY_TO_MOVED_IN = "ENTRY_TO_MOVED_IN"
PLACEMENT_ORDER_TO_MATCH = "PLACEMENT_ORDER_TO_MATCH"
ENTRY_TO_PLAN = "ENTRY_TO_PLAN"
PLAN_TO_ADM = "PLAN_TO_ADM"
ADM_TO_MATCH = "ADM_TO_MATCH"

MEASURES: tuple[AdoptionMeasure, ...] = (
    AdoptionMeasure(
        ENTRY_TO_MOVED_IN,
        "Days from entry to care to moving in with the adoptive family",
        ENTRY_TO_CARE,
        "moved_in_on",
        426,
    ),
    AdoptionMeasure(
        PLACEMENT_ORDER_TO_MATCH,
        "Days from placement order to match decision",
        "placement_order_on",
        "match_decision_on",
        121,
    ),
    AdoptionMeasure(
        ENTRY_TO_PLAN,
        "Days from entry to care to adoption becoming the plan",
        ENTRY_TO_CARE,
        "adoption_plan_on",
        121,
    ),
    AdoptionMeasure(
        PLAN_TO_ADM,
        "Days from adoption plan to ADM decision",
        "adoption_plan_on",
        "adm_decision_on",
        56,
    ),
    AdoptionMeasure(
        ADM_TO_MATCH,
        "Days from ADM decision to match decision",
        "adm_decision_on",
        "match_decision_on",
        183,
    ),
)
MEASURES_BY_CODE: dict[str, AdoptionMeasure] = {m.code: m for m in MEASURES}


@dataclass(frozen=True)
class MeasureResult:
    code: str
    label: str
    numerator: int  # sum of days
    denominator: int  # children
    average: Decimal | None  # days, one decimal place, None with no children
    threshold: int

    @property
    def within_threshold(self) -> bool | None:
        """Lower is better: an average on or under the threshold meets it."""
        return None if self.average is None else self.average <= self.threshold


def average_days(numerator: int, denominator: int) -> Decimal | None:
    """Mean days to one decimal place, half up, as the scorecard prints it."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def measure_result(
    measure: AdoptionMeasure, numerator: int | None, denominator: int
) -> MeasureResult:
    numerator = numerator or 0
    return MeasureResult(
        code=measure.code,
        label=measure.label,
        numerator=numerator,
        denominator=denominator,
        average=average_days(numerator, denominator),
        threshold=measure.threshold,
    )


def entry_to_care(periods: Iterable[tuple[date, date | None]], on: date) -> date | None:
    """The start of the period of care (start, end or None) that includes ``on``: the end
    date is the day the child ceased to be looked after, so it is included."""
    for start, end in periods:
        if start <= on and (end is None or end >= on):
            return start
    return None


def days_for(
    measure: AdoptionMeasure,
    milestones: Mapping[str, date | str | None],
    periods: Sequence[tuple[date, date | None]] = (),
) -> int | None:
    """Days from the measure's start to its end event for one case, or None when either is
    missing (no such milestone, or the end event was outside any period of care)."""
    end = _day(milestones, measure.end)
    if end is None:
        return None
    if measure.start == ENTRY_TO_CARE:
        start = entry_to_care(periods, end)
    else:
        start = _day(milestones, measure.start)
    if start is None:
        return None
    return (end - start).days


@dataclass(frozen=True)
class CaseFacts:
    milestones: Mapping[str, date | str | None]
    periods: Sequence[tuple[date, date | None]] = ()


def measures_for(
    cases: Iterable[CaseFacts], *, period_start: date, period_end: date
) -> dict[str, MeasureResult]:
    """Every measure over the cases whose end event falls in [period_start, period_end].
    The reference implementation the set-based selector must agree with."""
    cases = list(cases)
    results = {}
    for measure in MEASURES:
        total = count = 0
        for case in cases:
            end = _day(case.milestones, measure.end)
            if end is None or not (period_start <= end <= period_end):
                continue
            days = days_for(measure, case.milestones, case.periods)
            if days is not None:
                total += days
                count += 1
        results[measure.code] = measure_result(measure, total, count)
    return results
