"""The calculation behind each KPI code, as set-based query parts (DOMAIN.md 8).

A ``Measure`` says which rows make the denominator of a KPI in one reporting window and
which of them are in the numerator, as ``Q`` objects over one model. The scorecard counts
many measures and windows at once (selectors.counting: one query per table), and the
drill-down lists the very same rows, so a figure and the children behind it can never
disagree.

Month-dependent conditions are uncorrelated ``__in`` subqueries (the database evaluates
each once, as a hashed set) rather than correlated ones, which would run once per row.

The definitions (also in each KPI's definition text, seeded by migration 0002):

- IHA_REQUEST_5WD: IHAs whose clock starts (entry to care) in the window and which are
  required (not "not required", and not declined when the LA's policy excludes declined
  IHAs); numerator: a complete request on or before the request deadline (Kent counts a
  complete request, not a sent one).
- IHA_HELD_20WD: required IHAs DUE in the window (due date on or before the reporting
  date); numerator: held on or before the due date.
- IHA_DECLINED (activity only): IHAs whose clock starts in the window and are not "not
  required"; numerator: declined by the young person.
- HA_IN_DATE: children in care on the snapshot date who entered 20+ working days before it
  (their IHA is due); numerator: none of the IHA/RHA clocks of that period of care is
  overdue on the snapshot date (due before it, not held, declined or not required by it)
  AND the child has an assessment on record (an IHA or RHA held or declined by the
  snapshot, including the last one before our records). A child with no assessment on
  record (a period imported part-way, with nothing recorded) is counted as not in date.
- DENTAL_IN_DATE: children in care on the snapshot date; numerator: a dental check in the
  12 months to the snapshot (the LA's interval), or none ever and the first not yet due
  (3 months after entry, for a period recorded from its start: a period imported part-way
  does not start on the entry to care, so with no check on record it is not in date).
- HEALTH_HISTORY_18: children who turned 18 in the month and were looked after at some
  time in it; numerator: a health history provided on or before the month end.
- RHA_BY_DUE_0_5 / RHA_BY_DUE_5_18: required RHAs due in the window, by age on the due
  date (under 5 / 5 and over); numerator: held on or before the due date.
- SDQ_AVERAGE: SDQ scores completed in the window (from 1 April); numerator the sum of
  the total difficulties scores, denominator their count.
- PLACEMENTS_3PLUS: children in care on the snapshot date; numerator: 3 or more placements
  starting in the 12 months to the snapshot.

A child is in care on day S when a period of care started on or before S and had not
ended by S (the end date is the day the child ceased to be looked after).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    Subquery,
    Value,
)

from apps.assessments.models import Assessment, DentalCheck, HealthHistory, SdqRecord
from apps.children.models import Child, PeriodOfCare
from apps.core.working_days import WorkingDayCalendar, add_months
from apps.performance.rules import (
    RHA_AGE_BANDS,
    Window,
    birth_dates_reaching_age_in,
    earliest_still_in_date,
    latest_entry_due_by,
)
from apps.placements.models import Placement
from apps.policy.rules import Policy

IHA_REQUEST_5WD = "IHA_REQUEST_5WD"
IHA_HELD_20WD = "IHA_HELD_20WD"
IHA_DECLINED = "IHA_DECLINED"
HA_IN_DATE = "HA_IN_DATE"
DENTAL_IN_DATE = "DENTAL_IN_DATE"
HEALTH_HISTORY_18 = "HEALTH_HISTORY_18"
RHA_BY_DUE_0_5 = "RHA_BY_DUE_0_5"
RHA_BY_DUE_5_18 = "RHA_BY_DUE_5_18"
SDQ_AVERAGE = "SDQ_AVERAGE"
PLACEMENTS_3PLUS = "PLACEMENTS_3PLUS"
ADOPTION_ENTRY_TO_MOVED_IN = "ADOPTION_ENTRY_TO_MOVED_IN"
ADOPTION_PO_TO_MATCH = "ADOPTION_PO_TO_MATCH"

STABILITY_PLACEMENTS = 3  # "3 or more placements in the last 12 months"
STABILITY_MONTHS = 12


@dataclass(frozen=True)
class Context:
    """What every calculation needs besides the window: the LA and its policy in force on
    the reporting date, and the working-day calendar."""

    la_id: int
    policy: Policy
    calendar: WorkingDayCalendar
    # Set by the snapshot build, which fills the children's facts table first
    # (models.ScorecardChildFacts): the counts then read a child's facts from it, in a
    # join, rather than by a subquery. The rows counted are the same.
    child_facts: bool = False


@dataclass(frozen=True)
class Failures:
    """A faster way to count a numerator defined by the ABSENCE of something ("no clock
    overdue"): count the distinct rows that fail, inside another model's scan, and take
    them from the denominator. ``rows`` is over ``model``; ``key`` names the failing row
    of the measure's own model (e.g. the period of care)."""

    model: type[Model]
    child: str
    rows: Q
    key: str
    # Breakdown keys of the failing row, as the measure's own (see Measure): the same
    # child's age and team, the same period's legal status, seen from ``model``.
    age_on: str | date = ""
    provider: str | None = None
    legal_status: str | None = None

    @property
    def child_id(self) -> str:
        return f"{self.child}id" if self.child else "pk"


@dataclass(frozen=True)
class Measure:
    model: type[Model]
    # Lookup prefix from the model to the child ("" when the model is Child itself).
    child: str
    rows: Q
    met: Q | None = None
    # For averages: the numerator is the sum of this field over the rows.
    sum_field: str | None = None
    # Breakdown keys: the date age is measured on (a field or a fixed date), and lookups to
    # the provider's code and the legal status (None: the child's latest, by subquery).
    age_on: str | date = ""
    provider: str | None = None
    legal_status: str | None = None
    # Row-level annotations the Qs refer to; the same for every window.
    annotations: dict[str, Expression] = field(default_factory=dict)
    # For the scorecard's counts only: numerator = denominator - failures. The drill-down
    # lists use ``met`` (the same rows, selected one by one).
    failures: Failures | None = None
    # When the rows are "``static_rows`` with ``date_field`` in the window", the scorecard
    # counts every window from ONE histogram of the rows by that date (see
    # selectors.scorecard._run_histograms) instead of one filtered aggregate per window.
    date_field: str = ""
    static_rows: Q | None = None
    # Rows also limited to an integer annotation in [low, high) (the RHA age bands). Kept
    # apart so the histogram computes the annotation once per row and groups by it,
    # rather than evaluating it in every condition that mentions it.
    band: tuple[str, int, int] | None = None

    @property
    def child_id(self) -> str:
        return f"{self.child}id" if self.child else "pk"

    def scope(self, la_id: int) -> Q:
        """The LA's own children only: other LAs' children placed here are theirs to report
        (DOMAIN.md 6)."""
        return Q(**{f"{self.child}responsible_la_id": la_id})


# ---------------------------------------------------------------------------------------
# SQL expressions


class YearMonthDay(Func):
    """A date as the integer YYYYMMDD. Integer arithmetic on it is far cheaper than
    PostgreSQL's EXTRACT (which returns numeric) and works the same on SQLite."""

    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(date_part('year', {sql}) * 10000 + date_part('month', {sql}) * 100"
            f" + date_part('day', {sql}))::integer",
            params * 3,
        )

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime('%%Y%%m%%d', {sql}) AS INTEGER)", params


def _ymd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def age_expression(date_of_birth: str, on: str | date) -> Expression:
    """Whole years of age on a date (a field or a fixed date), in SQL: the difference of
    the dates as YYYYMMDD integers, divided by 10000. Someone born on 29 February is a year
    older on 1 March of a common year (0301 > 0229), as apps.core.working_days has it."""
    on_value = Value(_ymd(on)) if isinstance(on, date) else YearMonthDay(on)
    return ExpressionWrapper(
        (on_value - YearMonthDay(date_of_birth)) / Value(10000), output_field=IntegerField()
    )


def latest_assessment_provider(child_id: str) -> Subquery:
    """The health provider of the child's most recent assessment request: the provider a
    child-level figure is shown against in the provider breakdown."""
    return Subquery(
        Assessment.objects.filter(child_id=OuterRef(child_id), provider__isnull=False)
        .order_by("-clock_start", "-pk")
        .values("provider__code")[:1]
    )


def latest_legal_status(child_id: str) -> Subquery:
    return Subquery(
        PeriodOfCare.objects.filter(child_id=OuterRef(child_id))
        .order_by("-start_date")
        .values("legal_status")[:1]
    )


def _required(policy: Policy) -> Q:
    required = Q(not_required_reason="")
    if policy.declined_excluded_from_kpi:
        # Default (DOMAIN.md 2): a declined assessment leaves the denominator and is
        # reported as its own count (IHA_DECLINED).
        required &= Q(declined_on__isnull=True)
    return required


def _overdue_on(on: date) -> Q:
    """An IHA or RHA overdue on ``on``: due before it and neither held, declined nor found
    not required by it."""
    return (
        Q(
            period_of_care__isnull=False,
            clock_start__lte=on,
            due_date__lt=on,
            not_required_reason="",
        )
        & (Q(held_on__isnull=True) | Q(held_on__gt=on))
        & (Q(declined_on__isnull=True) | Q(declined_on__gt=on))
    )


def _in_care_on(day: date, prefix: str = "") -> Q:
    """Period-of-care rows open on ``day``."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def _dated(
    date_field: str, static_rows: Q, window: Window, band: tuple[str, int, int] | None = None
) -> dict:
    """Rows whose ``date_field`` falls in the window, declared so the scorecard can count
    them from a histogram."""
    rows = static_rows & Q(**{f"{date_field}__gte": window.start, f"{date_field}__lte": window.end})
    if band is not None:
        name, low, high = band
        rows &= Q(**{f"{name}__gte": low, f"{name}__lt": high})
    return {"rows": rows, "date_field": date_field, "static_rows": static_rows, "band": band}


# ---------------------------------------------------------------------------------------
# The calculations


def iha_request(context: Context, window: Window) -> Measure:
    return Measure(
        model=Assessment,
        child="child__",
        **_dated("clock_start", Q(kind="IHA") & _required(context.policy), window),
        met=Q(request_complete_on__isnull=False, request_complete_on__lte=F("request_due")),
        age_on="clock_start",
        provider="provider__code",
        legal_status="period_of_care__legal_status",
    )


def iha_held(context: Context, window: Window) -> Measure:
    return Measure(
        model=Assessment,
        child="child__",
        **_dated("due_date", Q(kind="IHA") & _required(context.policy), window),
        met=Q(held_on__isnull=False, held_on__lte=F("due_date")),
        age_on="clock_start",
        provider="provider__code",
        legal_status="period_of_care__legal_status",
    )


def iha_declined(context: Context, window: Window) -> Measure:
    return Measure(
        model=Assessment,
        child="child__",
        **_dated("clock_start", Q(kind="IHA", not_required_reason=""), window),
        met=Q(declined_on__isnull=False),
        age_on="clock_start",
        provider="provider__code",
        legal_status="period_of_care__legal_status",
    )


def _assessed_by(on: date):
    """Children with an IHA or RHA held or declined on or before ``on``, including the last
    one before our records."""
    return Assessment.objects.filter(Q(held_on__lte=on) | Q(declined_on__lte=on)).values("child_id")


def _not_assessed_by(on: date, facts: str) -> Q:
    """The negation of ``_assessed_by`` read from a child's facts (ScorecardChildFacts):
    no assessment held, nor one declined, on or before ``on``."""
    return (
        Q(**{f"{facts}first_held_on__isnull": True}) | Q(**{f"{facts}first_held_on__gt": on})
    ) & (
        Q(**{f"{facts}first_declined_on__isnull": True})
        | Q(**{f"{facts}first_declined_on__gt": on})
    )


def health_assessments_in_date(context: Context, window: Window) -> Measure:
    on = window.end
    entered_by = latest_entry_due_by(
        on, context.policy.iha_completion_working_days, context.calendar
    )
    overdue = _overdue_on(on)
    # A child with no assessment on record is not in date: a period imported part-way has
    # no IHA clock to be overdue, and would otherwise count as in date for want of any.
    # Each period has exactly one IHA row (the recompute creates it with the period, even
    # when it is "not required"), which stands for the period here and among the failures,
    # so the drill-down and the scorecard's count agree.
    unassessed = Q(kind="IHA") & ~Q(child_id__in=_assessed_by(on))
    # The same rows for the scorecard's count: in the snapshot build from the child's first
    # held and declined dates (one join) instead of a set of children per month.
    failing_unassessed = (
        Q(kind="IHA") & _not_assessed_by(on, "child__scorecard_facts__")
        if context.child_facts
        else unassessed
    )
    return Measure(
        model=PeriodOfCare,
        child="child__",
        rows=_in_care_on(on) & Q(start_date__lte=entered_by),
        met=~Q(pk__in=Assessment.objects.filter(overdue | unassessed).values("period_of_care_id")),
        age_on=on,
        legal_status="legal_status",
        # The same count in the scorecard's one scan of the assessments: periods of the
        # cohort with an overdue clock, taken from the cohort.
        failures=Failures(
            model=Assessment,
            child="child__",
            rows=(overdue | failing_unassessed)
            & _in_care_on(on, "period_of_care__")
            & Q(period_of_care__start_date__lte=entered_by),
            key="period_of_care_id",
            age_on=on,
            legal_status="period_of_care__legal_status",
        ),
    )


def dental_in_date(context: Context, window: Window) -> Measure:
    on = window.end
    policy = context.policy
    recent = DentalCheck.objects.filter(
        checked_on__gte=earliest_still_in_date(on, policy.dental_interval_months),
        checked_on__lte=on,
    ).values("child_id")
    # Only recent entrants can have a first check not yet due: the (indexed) probe for
    # "no check at all" runs for those rows alone, after the cheap date test.
    any_before = DentalCheck.objects.filter(child_id=OuterRef("child_id"), checked_on__lte=on)
    # Only for a period recorded from its start: the start of a period imported part-way is
    # not the entry to care, so the first check may be long overdue.
    first_not_yet_due = Q(
        start_date__gte=earliest_still_in_date(on, policy.dental_first_due_months),
        reason_new_episode="S",
    ) & ~Q(Exists(any_before))
    return Measure(
        model=PeriodOfCare,
        child="child__",
        rows=_in_care_on(on),
        met=Q(child_id__in=recent) | first_not_yet_due,
        age_on=on,
        legal_status="legal_status",
    )


def health_history_at_18(context: Context, window: Window) -> Measure:
    born_from, born_to = birth_dates_reaching_age_in(18, window)
    looked_after = PeriodOfCare.objects.filter(
        Q(start_date__lte=window.end) & (Q(end_date__isnull=True) | Q(end_date__gte=window.start))
    ).values("child_id")
    with_history = HealthHistory.objects.filter(provided_on__lte=window.end).values("child_id")
    return Measure(
        model=Child,
        child="",
        rows=Q(date_of_birth__gte=born_from, date_of_birth__lte=born_to, pk__in=looked_after),
        met=Q(pk__in=with_history),
        age_on=window.end,
    )


def _rha_by_due(band: str) -> Callable[[Context, Window], Measure]:
    low, high = RHA_AGE_BANDS[band]

    def measure(context: Context, window: Window) -> Measure:
        return Measure(
            model=Assessment,
            child="child__",
            **_dated(
                "due_date",
                Q(kind="RHA") & _required(context.policy),
                window,
                band=("age_at_due", low, high),
            ),
            met=Q(held_on__isnull=False, held_on__lte=F("due_date")),
            age_on="due_date",
            provider="provider__code",
            legal_status="period_of_care__legal_status",
            annotations={"age_at_due": age_expression("child__date_of_birth", "due_date")},
        )

    return measure


def sdq_average(context: Context, window: Window) -> Measure:
    return Measure(
        model=SdqRecord,
        child="child__",
        **_dated("completed_on", Q(total_score__isnull=False), window),
        sum_field="total_score",
        age_on="completed_on",
    )


def placement_stability(context: Context, window: Window) -> Measure:
    on = window.end
    moved_often = (
        Placement.objects.filter(
            start_date__gt=add_months(on, -STABILITY_MONTHS), start_date__lte=on
        )
        .values("child_id")
        .annotate(placements=Count("pk"))
        .filter(placements__gte=STABILITY_PLACEMENTS)
        .values("child_id")
    )
    return Measure(
        model=PeriodOfCare,
        child="child__",
        rows=_in_care_on(on),
        met=Q(child_id__in=moved_often),
        age_on=on,
        legal_status="legal_status",
    )


# KPI code -> calculation. None: defined, but there is no data model to count yet.
#
# Extension point for adoption (DOMAIN.md 7): when apps.adoption records the milestones,
# add a Measure over the adoption record with ``sum_field`` an annotation of the days
# between the two milestones (entry to care -> moved in with adopters; placement order ->
# match decision) and rows the children whose later milestone falls in the window. The
# scorecard, trend, drill-down and exports then work unchanged.
def _adoption(adoption_code: str, age_field: str) -> Callable[[Context, Window], Measure]:
    """Days between two adoption milestones for children whose later milestone falls in the
    window (apps.adoption's measure; the thresholds are the KPI targets)."""

    def build(context: Context, window: Window) -> Measure:
        from apps.adoption.models import AdoptionCase
        from apps.adoption.selectors import measure_query

        rows, annotations, days_field = measure_query(
            adoption_code, period_start=window.start, period_end=window.end
        )
        return Measure(
            model=AdoptionCase,
            child="child__",
            rows=rows,
            sum_field=days_field,
            annotations=annotations,
            age_on=age_field,
        )

    return build


MEASURES: dict[str, Callable[[Context, Window], Measure] | None] = {
    IHA_REQUEST_5WD: iha_request,
    IHA_HELD_20WD: iha_held,
    IHA_DECLINED: iha_declined,
    HA_IN_DATE: health_assessments_in_date,
    DENTAL_IN_DATE: dental_in_date,
    HEALTH_HISTORY_18: health_history_at_18,
    RHA_BY_DUE_0_5: _rha_by_due("0-5"),
    RHA_BY_DUE_5_18: _rha_by_due("5-18"),
    SDQ_AVERAGE: sdq_average,
    PLACEMENTS_3PLUS: placement_stability,
    ADOPTION_ENTRY_TO_MOVED_IN: _adoption("ENTRY_TO_MOVED_IN", "moved_in_on"),
    ADOPTION_PO_TO_MATCH: _adoption("PLACEMENT_ORDER_TO_MATCH", "match_decision_on"),
}
