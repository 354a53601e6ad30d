"""Reads behind the scorecard page, its API and its exports, and the KPI trend. One
selector feeds every output, so the page, the API and the files agree.

Query budget: a constant number of queries whatever the population (selectors.counting):
every KPI for the month, the previous month and the same month last year is counted in ONE
query per table, grouped by the UASC flag so that "including", "excluding" and "only" UASC
come from the same rows; a breakdown is one more GROUP BY column of the same queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationKind, Team
from apps.core.selectors import working_day_calendar
from apps.performance.measures import (
    MEASURES,
    Context,
    Measure,
    age_expression,
    latest_assessment_provider,
    latest_legal_status,
)
from apps.performance.models import Kpi, KpiTarget
from apps.performance.rules import (
    AGE_BANDS,
    LEGAL_STATUS_GROUPS,
    Direction,
    Rag,
    Window,
    age_range_of_band,
    direction_of_travel,
    kpi_window,
    legal_status_group,
    month_end,
    rag,
    reporting_date,
    result_of,
    shift_month,
)
from apps.performance.selectors.counting import (
    NO_GROUP,
    count,
    counted,
    fold,
    groups_of,
    reporting_queries,
)
from apps.policy.rules import Policy
from apps.policy.selectors import policy_lookup

BREAKDOWNS = {
    "team": "Team",
    "provider": "Health provider",
    "age_band": "Age band",
    "legal_status": "Legal status",
}
UASC_OPTIONS = {
    "include": "Including UASC",
    "exclude": "Excluding UASC",
    "only": "UASC only",
}
DRILLDOWN_SETS = {
    "denominator": "All in the cohort (denominator)",
    "numerator": "Met (numerator)",
    "not_met": "Not met",
}
NOT_RECORDED = "none"
TREND_MONTHS = 12


@dataclass(frozen=True)
class Figure:
    numerator: Decimal | int | None
    denominator: int | None
    result: Decimal | None

    @classmethod
    def empty(cls) -> Figure:
        return cls(None, None, None)


@dataclass
class _Counts:
    numerator: Decimal | int = 0
    denominator: int = 0

    def figure(self, unit: str) -> Figure:
        return Figure(
            self.numerator, self.denominator, result_of(self.numerator, self.denominator, unit)
        )


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    figure: Figure
    rag: Rag | None


@dataclass(frozen=True)
class UascEffect:
    including: Figure
    excluding: Figure
    uasc_only: Figure
    # The effect of excluding UASC: the result excluding UASC minus the result including
    # them, the sign convention of the published Kent scorecard's "Impact of UASC" table
    # (including 50.0%, excluding 62.8% gives +12.8).
    difference: Decimal | None


@dataclass
class ScorecardRow:
    kpi: Kpi
    window: Window
    has_data: bool
    current: Figure
    previous: Figure
    year_ago: Figure
    target: Decimal | None
    floor: Decimal | None
    rag: Rag | None
    direction: Direction | None
    uasc: UascEffect | None
    breakdown: list[BreakdownRow] = field(default_factory=list)


@dataclass
class Scorecard:
    local_authority: Organisation
    month: date
    as_at: date
    uasc: str
    breakdown: str | None
    rows: list[ScorecardRow]
    # When the figures were computed: the time of the oldest snapshot they were read from,
    # or None when they were computed for this request.
    computed_at: datetime | None = None

    @property
    def is_provisional(self) -> bool:
        """The month is still in progress: its figures will move."""
        return self.as_at < month_end(self.month)


@dataclass(frozen=True)
class TrendPoint:
    month: date
    window: Window
    figure: Figure
    target: Decimal | None
    floor: Decimal | None
    rag: Rag | None


# ---------------------------------------------------------------------------------------
# Settings in force


def target_resolver(la_id: int) -> Callable[[str, date], tuple[Decimal | None, Decimal | None]]:
    """(KPI code, day) -> (target, floor) in force: the LA's own record if it has one in
    force on that day, else the shipped default. One query."""
    by_code: dict[str, dict[bool, list[tuple[date, Decimal | None, Decimal | None]]]] = defaultdict(
        lambda: {True: [], False: []}
    )
    for record in (
        KpiTarget.objects.filter(Q(local_authority_id=la_id) | Q(local_authority__isnull=True))
        .order_by("effective_from")
        .values("kpi__code", "local_authority_id", "effective_from", "target", "floor")
    ):
        own = record["local_authority_id"] is not None
        by_code[record["kpi__code"]][own].append(
            (record["effective_from"], record["target"], record["floor"])
        )

    def resolve(code: str, day: date) -> tuple[Decimal | None, Decimal | None]:
        for own in (True, False):
            in_force = [r for r in by_code[code][own] if r[0] <= day]
            if in_force:
                return in_force[-1][1], in_force[-1][2]
        return None, None

    return resolve


class ReportSettings:
    """The LA's policy per reporting date and the calendar, loaded once per request."""

    def __init__(self, la_id: int) -> None:
        self.la_id = la_id
        self._policy_on = policy_lookup([la_id])
        self.calendar = working_day_calendar()

    def policy(self, day: date) -> Policy:
        return self._policy_on(self.la_id, day)

    def context(self, day: date) -> Context:
        return Context(la_id=self.la_id, policy=self.policy(day), calendar=self.calendar)


# ---------------------------------------------------------------------------------------
# Aggregation


def group_expression(source, breakdown: str) -> Expression:
    """The SQL value a row of a measure (or of its failures) is grouped by."""
    child = source.child
    if breakdown == "team":
        return F(f"{child}team_id")
    if breakdown == "provider":
        return (
            F(source.provider) if source.provider else latest_assessment_provider(source.child_id)
        )
    if breakdown == "age_band":
        # The band itself, so rows group by four bands rather than by every age.
        age = age_expression(f"{child}date_of_birth", source.age_on)
        whens = []
        for band in AGE_BANDS:
            _low, high = age_range_of_band(band)
            if high is not None:
                whens.append(When(GreaterThan(Value(high), age), then=Value(band)))
        return Case(*whens, default=Value(AGE_BANDS[-1]), output_field=CharField())
    if breakdown == "legal_status":
        return (
            F(source.legal_status) if source.legal_status else latest_legal_status(source.child_id)
        )
    raise ValueError(f"Unknown breakdown {breakdown!r}")


def _grouping(breakdown: str, sources: set[int]):
    """For the counting engine: one name per distinct group expression (so measures that
    group alike share one GROUP BY column) and the expression. Only ``sources`` (by id: the
    month's measures) are grouped; the comparison months are only ever totals."""

    def grouping(source) -> tuple[str, Expression] | None:
        if id(source) not in sources:
            return None
        if breakdown == "team":
            name = f"team:{source.child}"
        elif breakdown == "provider":
            name = f"provider:{source.provider or source.child_id}"
        elif breakdown == "age_band":
            name = f"age:{source.child}:{source.age_on}"
        else:
            name = f"legal:{source.legal_status or source.child_id}"
        return f"{source.model.__name__}:{name}", group_expression(source, breakdown)

    return grouping


def _fold(breakdown: str, raw) -> str:
    """A raw group value from SQL to the breakdown's key."""
    if raw == NO_GROUP:
        return raw
    if raw is None:
        return NOT_RECORDED
    if breakdown == "legal_status":
        return legal_status_group(raw) or NOT_RECORDED
    return str(raw)


def base_queryset(measure: Measure, la_id: int) -> QuerySet:
    queryset = measure.model.objects.filter(measure.scope(la_id))
    if measure.annotations:
        queryset = queryset.annotate(**measure.annotations)
    return queryset


def uasc_filter(measure: Measure, uasc: str) -> Q:
    if uasc == "exclude":
        return Q(**{f"{measure.child}is_uasc": False})
    if uasc == "only":
        return Q(**{f"{measure.child}is_uasc": True})
    return Q()


def _counts(results, key: str, uasc: str, group=None) -> _Counts:
    numerator, denominator = counted(results, key, uasc, group)
    return _Counts(numerator, denominator)


def _group_label(breakdown: str, key: str, labels: dict[str, str]) -> str:
    if key == NOT_RECORDED:
        return "Not recorded"
    if breakdown in ("team", "provider"):
        return labels.get(key, key)
    if breakdown == "legal_status":
        return LEGAL_STATUS_GROUPS[key]
    return key


def _group_order(breakdown: str, key: str, label: str) -> tuple:
    if breakdown == "age_band":
        return (0, AGE_BANDS.index(key) if key in AGE_BANDS else 99, "")
    return (1 if key == NOT_RECORDED else 0, 0, label)


# ---------------------------------------------------------------------------------------
# Scorecard


def active_kpis() -> list[Kpi]:
    return list(Kpi.objects.filter(is_active=True).order_by("display_order", "code"))


def scorecard(
    *,
    local_authority: Organisation,
    month: date,
    uasc: str = "include",
    breakdown: str | None = None,
    today: date | None = None,
    live: bool = False,
) -> Scorecard:
    """The scorecard of ``month``: read from the month's snapshot (and those of the
    comparison months) when they were taken for today's reporting dates, else computed
    live (``computed_at`` None says which). ``live`` always computes."""
    today = today or timezone.localdate()
    if not live:
        from apps.performance.selectors.snapshot import scorecard_from_snapshots

        card = scorecard_from_snapshots(
            local_authority=local_authority,
            month=month,
            uasc=uasc,
            breakdown=breakdown,
            today=today,
        )
        if card is not None:
            return card
    with reporting_queries():
        return _scorecard(local_authority, month, uasc, breakdown, today)


class Counts:
    """Where assembled figures come from: the live counts (``results`` of the counting
    engine) or a snapshot's rows (selectors.snapshot). ``index`` is 0 for the month, 1 the
    previous month, 2 the same month last year."""

    def __init__(self, results) -> None:
        self.results = results

    def counts(self, code: str, index: int, uasc: str, group: str | None = None) -> _Counts:
        return _counts(self.results, f"{code}:{index}:", uasc, group)

    def groups(self, code: str) -> set:
        return groups_of(self.results, f"{code}:0:")


def comparison_months(month: date) -> list[date]:
    return [month, shift_month(month, -1), shift_month(month, -12)]


def _scorecard(local_authority, month, uasc, breakdown, today) -> Scorecard:
    la_id = local_authority.pk
    months = comparison_months(month)
    settings = ReportSettings(la_id)
    plans = []
    to_count: dict[str, tuple[Measure, Window]] = {}
    for kpi in active_kpis():
        windows = [kpi_window(kpi.period_type, m, today) for m in months]
        calculation = MEASURES.get(kpi.code)
        measures = None
        if calculation is not None:
            measures = [
                calculation(settings.context(reporting_date(m, today)), w)
                for m, w in zip(months, windows, strict=True)
            ]
            for index, (measure, window) in enumerate(zip(measures, windows, strict=True)):
                to_count[f"{kpi.code}:{index}:"] = (measure, window)
        plans.append((kpi, windows, measures is not None))
    # With a breakdown the same queries group by it; the totals are the groups' sums.
    grouping = None
    if breakdown:
        current = [to_count[f"{kpi.code}:0:"][0] for kpi, _w, has in plans if has]
        sources = {id(m) for m in current} | {id(m.failures) for m in current if m.failures}
        grouping = _grouping(breakdown, sources)
    results = count(to_count, la_id, grouping) if to_count else {}
    if breakdown:
        results = fold(results, lambda raw: _fold(breakdown, raw))
    return assemble(
        local_authority=local_authority,
        month=month,
        as_at=reporting_date(month, today),
        uasc=uasc,
        breakdown=breakdown,
        plans=plans,
        source=Counts(results),
    )


def assemble(
    *,
    local_authority: Organisation,
    month: date,
    as_at: date,
    uasc: str,
    breakdown: str | None,
    plans: list[tuple[Kpi, list[Window], bool]],
    source: Counts,
) -> Scorecard:
    """The scorecard's rows from counts (live or a snapshot's): targets, RAG, direction of
    travel, the UASC effect and the breakdown are worked out the same way for both."""
    la_id = local_authority.pk
    targets = target_resolver(la_id)
    labels = _group_labels(breakdown, la_id) if breakdown else {}
    rows: list[ScorecardRow] = []
    for kpi, windows, has_data in plans:
        target, floor = targets(kpi.code, as_at)
        if not has_data:
            rows.append(_no_data_row(kpi, windows[0], target, floor))
            continue
        current, previous, year_ago = (
            source.counts(kpi.code, index, uasc).figure(kpi.unit) for index in range(3)
        )
        including, excluding, only = (
            source.counts(kpi.code, 0, option).figure(kpi.unit)
            for option in ("include", "exclude", "only")
        )
        difference = (
            excluding.result - including.result
            if including.result is not None and excluding.result is not None
            else None
        )
        row = ScorecardRow(
            kpi=kpi,
            window=windows[0],
            has_data=True,
            current=current,
            previous=previous,
            year_ago=year_ago,
            target=target,
            floor=floor,
            rag=_rag(kpi, current, target, floor),
            direction=direction_of_travel(
                current=current.result,
                previous=previous.result,
                polarity=kpi.polarity,
                target=target,
            ),
            uasc=UascEffect(including, excluding, only, difference),
        )
        if breakdown:
            row.breakdown = _breakdown_rows(row, source, labels, breakdown, uasc)
        rows.append(row)
    return Scorecard(local_authority, month, as_at, uasc, breakdown, rows)


def _rag(kpi: Kpi, figure: Figure, target, floor) -> Rag | None:
    return rag(
        value=figure.result,
        polarity=kpi.polarity,
        target=target,
        floor=floor,
        denominator=figure.denominator,
        activity_only=kpi.activity_only,
    )


def _no_data_row(kpi: Kpi, window: Window, target, floor) -> ScorecardRow:
    empty = Figure.empty()
    return ScorecardRow(
        kpi=kpi,
        window=window,
        has_data=False,
        current=empty,
        previous=empty,
        year_ago=empty,
        target=target,
        floor=floor,
        rag=None,
        direction=None,
        uasc=None,
    )


def _group_labels(breakdown: str, la_id: int) -> dict[str, str]:
    """Names of the teams or providers: one query for all of them, however many the
    figures mention, so the query count stays constant."""
    if breakdown == "team":
        return {
            str(pk): name
            for pk, name in Team.objects.filter(organisation_id=la_id).values_list("pk", "name")
        }
    if breakdown == "provider":
        return dict(
            Organisation.objects.filter(kind=OrganisationKind.PROVIDER).values_list("code", "name")
        )
    return {}


def _breakdown_rows(row, source: Counts, labels, breakdown, uasc) -> list[BreakdownRow]:
    out = []
    for group in source.groups(row.kpi.code):
        counts = source.counts(row.kpi.code, 0, uasc, group)
        if not counts.denominator:
            continue
        figure = counts.figure(row.kpi.unit)
        label = _group_label(breakdown, group, labels)
        out.append(BreakdownRow(group, label, figure, _rag(row.kpi, figure, row.target, row.floor)))
    return sorted(out, key=lambda r: _group_order(breakdown, r.key, r.label))


# ---------------------------------------------------------------------------------------
# Trend


class Trend(list):
    """The points of a KPI's trend (a list of TrendPoint), with when its figures were
    computed: the time of the oldest snapshot read, or None when computed live."""

    computed_at: datetime | None = None


def trend_months(month: date) -> list[date]:
    return [shift_month(month, -offset) for offset in range(TREND_MONTHS - 1, -1, -1)]


def kpi_trend(
    *,
    local_authority: Organisation,
    kpi: Kpi,
    month: date,
    uasc: str = "include",
    today: date | None = None,
    live: bool = False,
) -> Trend:
    """The KPI over the 12 months to ``month``, each against the target in force then:
    from the months' snapshots when all twelve were taken for today's reporting dates,
    else one query per table for all twelve."""
    today = today or timezone.localdate()
    la_id = local_authority.pk
    months = trend_months(month)
    windows = [kpi_window(kpi.period_type, m, today) for m in months]
    calculation = MEASURES.get(kpi.code)
    figures = [Figure.empty()] * len(months)
    computed_at = None
    snapshot = None
    if calculation is not None and not live:
        from apps.performance.selectors.snapshot import trend_from_snapshots

        snapshot = trend_from_snapshots(
            local_authority=local_authority, kpi=kpi, months=months, uasc=uasc, today=today
        )
    if snapshot is not None:
        figures, computed_at = snapshot
        targets = target_resolver(la_id)
    else:
        with reporting_queries():
            targets = target_resolver(la_id)
            if calculation is not None:
                settings = ReportSettings(la_id)
                to_count = {
                    f"{index}:": (calculation(settings.context(reporting_date(m, today)), w), w)
                    for index, (m, w) in enumerate(zip(months, windows, strict=True))
                }
                results = count(to_count, la_id)
                figures = [
                    _counts(results, f"{index}:", uasc).figure(kpi.unit)
                    for index in range(len(months))
                ]
    points = Trend()
    points.computed_at = computed_at
    for m, window, figure in zip(months, windows, figures, strict=True):
        target, floor = targets(kpi.code, reporting_date(m, today))
        points.append(
            TrendPoint(m, window, figure, target, floor, _rag(kpi, figure, target, floor))
        )
    return points
