"""Writes of the scorecard snapshot (issue 18): each month's figures, per KPI, for the LA
and for every breakdown value, UASC and not, stored so that the scorecard pages and the
API read a few hundred rows instead of scanning the population on every request.

The figures come from the very measures and counting engine of the live scorecard
(apps.performance.measures, selectors.counting): one scan per table for all the months
asked for, grouped by every breakdown at once (team, provider, age band, legal status and
the UASC flag as GROUP BY columns), then added up per breakdown in Python. A child falls in
exactly one team, provider, age band and legal status group for a figure, so each
breakdown's groups add up to the total, as they do live.

What the live queries look up per row by subquery (a child's latest provider, for the
provider breakdown; whether a child has an assessment on record by a month's snapshot
date, for HA_IN_DATE) the build reads from a temporary table of the LA's children filled
in one grouped pass over the assessments first (``child_facts``), joined by hash: the
same figures, which tests/performance/test_snapshot.py compares with the live ones.

Built by the nightly job after the clock sweep (tasks.build_scorecard_snapshots_nightly,
scheduled in config/celery_app.py), by ``manage.py build_scorecard_snapshot``, and on
demand from the scorecard page by a performance manager.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from django.db import connection, transaction
from django.db.models import Expression, F
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationKind
from apps.assessments.models import Assessment
from apps.children.models import Child
from apps.performance.measures import MEASURES, Failures, Measure
from apps.performance.models import ScorecardChildFacts, ScorecardFigure, ScorecardSnapshot
from apps.performance.rules import Window, kpi_window, month_start, reporting_date, shift_month
from apps.performance.selectors.counting import (
    NO_GROUP,
    count,
    counted,
    fold,
    groups_of,
    reporting_queries,
)
from apps.performance.selectors.scorecard import (
    BREAKDOWNS,
    TREND_MONTHS,
    ReportSettings,
    _fold,
    _grouping,
    active_kpis,
    comparison_months,
    trend_months,
)

# Rebuilt every night: the month in progress and the twelve before it (the default month,
# the last complete one, with its trend), and the same month a year before the default
# (its comparison): every month the default scorecard and trend pages read.
NIGHTLY_MONTHS = TREND_MONTHS + 2
_FLAGS = {False: "exclude", True: "only"}


@dataclass(frozen=True)
class SnapshotBuild:
    local_authority_id: int
    months: list[date]
    figures: int
    seconds: float
    written: int  # snapshots written (a newer build of a month already stored is kept)


def _plan(la_id: int, months: list[date], today: date) -> tuple[list, dict]:
    """(KPI, month, window, key) of every figure to count, and the measures by key."""
    settings = ReportSettings(la_id)
    plans = []
    to_count: dict[str, tuple[Measure, Window]] = {}
    for kpi in active_kpis():
        calculation = MEASURES.get(kpi.code)
        if calculation is None:
            continue
        for month in months:
            window = kpi_window(kpi.period_type, month, today)
            key = f"{kpi.code}:{month:%Y-%m}:"
            context = replace(settings.context(reporting_date(month, today)), child_facts=True)
            to_count[key] = (calculation(context, window), window)
            plans.append((kpi, month, window, key))
    return plans, to_count


FACTS = "scorecard_facts"


@contextmanager
def child_facts(la_id: int) -> Iterator[None]:
    """The LA's children's facts (models.ScorecardChildFacts) as a temporary table for the
    length of the block, from one pass over the LA's assessments grouped by child. The
    latest provider is that of the latest request with one, by clock start and then the
    later record: the order of measures.latest_assessment_provider."""
    facts = ScorecardChildFacts._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {facts}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {facts} (child_id bigint PRIMARY KEY,"
            " latest_provider varchar(20), first_held_on date, first_declined_on date)"
        )
        cursor.execute(
            f"INSERT INTO {facts} (child_id, latest_provider, first_held_on, first_declined_on)"
            f" {_facts_sql(connection.vendor)}",
            [la_id, la_id],
        )
        if connection.vendor == "postgresql":
            # A temporary table has no statistics until analysed: without them the planner
            # guesses a few rows and may loop over it instead of hashing it.
            cursor.execute(f"ANALYZE {facts}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {facts}")


def _facts_sql(vendor: str) -> str:
    child = Child._meta.db_table
    assessment = Assessment._meta.db_table
    organisation = Organisation._meta.db_table
    of_la = f"JOIN {child} ac ON ac.id = a.child_id WHERE ac.responsible_la_id = %s"
    if vendor == "postgresql":
        # One hash aggregate, no sort: the latest request with a provider is the greatest
        # (clock start, id) among them, and arrays compare element by element.
        return f"""
            SELECT c.id, o.code, seen.first_held_on, seen.first_declined_on
            FROM {child} c
            LEFT JOIN (
                SELECT a.child_id, MIN(a.held_on) AS first_held_on,
                       MIN(a.declined_on) AS first_declined_on,
                       (MAX(ARRAY[a.clock_start - DATE '2000-01-01', a.id, a.provider_id])
                        FILTER (WHERE a.provider_id IS NOT NULL))[3] AS provider_id
                FROM {assessment} a {of_la}
                GROUP BY a.child_id
            ) seen ON seen.child_id = c.id
            LEFT JOIN {organisation} o ON o.id = seen.provider_id
            WHERE c.responsible_la_id = %s
        """  # noqa: S608 (table names from the models' metadata; the LA is a parameter)
    return f"""
        SELECT c.id, latest.code, seen.first_held_on, seen.first_declined_on
        FROM {child} c
        LEFT JOIN (
            SELECT a.child_id, MIN(a.held_on) AS first_held_on,
                   MIN(a.declined_on) AS first_declined_on
            FROM {assessment} a {of_la}
            GROUP BY a.child_id
        ) seen ON seen.child_id = c.id
        LEFT JOIN (
            SELECT child_id, code FROM (
                SELECT a.child_id, o.code, ROW_NUMBER() OVER (
                    PARTITION BY a.child_id ORDER BY a.clock_start DESC, a.id DESC
                ) AS place
                FROM {assessment} a JOIN {organisation} o ON o.id = a.provider_id
            ) ranked
            WHERE place = 1
        ) latest ON latest.child_id = c.id
        WHERE c.responsible_la_id = %s
    """  # noqa: S608 (table names from the models' metadata; the LA is a parameter)


def _snapshot_grouping(breakdown: str, sources: set[int]):
    """The live scorecard's grouping (selectors.scorecard._grouping), except that a
    child-level figure's provider is read from the children's facts, in a join, rather
    than by a subquery per row: the same provider."""
    live = _grouping(breakdown, sources)

    def grouping(source: Measure | Failures) -> tuple[str, Expression | F] | None:
        grouped = live(source)
        if grouped is None or breakdown != "provider" or source.provider:
            return grouped
        name, _subquery = grouped
        return name, F(f"{source.child}{FACTS}__latest_provider")

    return grouping


def _whole(value) -> int:
    """Numerators are counts or sums of whole scores and days; never round one silently."""
    if value != int(value):
        raise ValueError(f"A scorecard numerator is not a whole number: {value!r}")
    return int(value)


def _marginal(breakdown: str, index: int) -> Callable[[object], object]:
    """A row's group in one breakdown, from the tuple of its groups in all of them."""

    def group(raw) -> object:
        return raw if raw == NO_GROUP else _fold(breakdown, raw[index])

    return group


def scorecard_figures_compute(
    *, local_authority_id: int, months: list[date], today: date
) -> dict[date, list[ScorecardFigure]]:
    """The unsaved figures of each month: totals (both UASC flags, zeros included, so a
    stored month always has every KPI) and each breakdown's non-empty groups."""
    plans, to_count = _plan(local_authority_id, months, today)
    if not to_count:
        return {month: [] for month in months}
    measures = [measure for measure, _window in to_count.values()]
    sources = {id(m) for m in measures} | {id(m.failures) for m in measures if m.failures}
    by_breakdown = [_snapshot_grouping(breakdown, sources) for breakdown in BREAKDOWNS]

    def every_breakdown(source):
        grouped = [grouping(source) for grouping in by_breakdown]
        return None if grouped[0] is None else grouped

    with child_facts(local_authority_id):
        results = count(to_count, local_authority_id, every_breakdown)
    folded = {
        breakdown: fold(results, _marginal(breakdown, index))
        for index, breakdown in enumerate(BREAKDOWNS)
    }
    figures: dict[date, list[ScorecardFigure]] = {month: [] for month in months}
    for kpi, month, window, key in plans:

        def figure(breakdown, group, flag, numerator, denominator, *, kpi=kpi, window=window):
            return ScorecardFigure(
                kpi=kpi,
                breakdown=breakdown,
                group=group,
                is_uasc=flag,
                numerator=_whole(numerator),
                denominator=denominator,
                window_start=window.start,
                window_end=window.end,
            )

        for flag, option in _FLAGS.items():
            figures[month].append(figure("", "", flag, *counted(results, key, option)))
        for breakdown, grouped in folded.items():
            for group in sorted(groups_of(grouped, key), key=str):
                for flag, option in _FLAGS.items():
                    numerator, denominator = counted(grouped, key, option, group)
                    if denominator:
                        figures[month].append(
                            figure(breakdown, str(group), flag, numerator, denominator)
                        )
    return figures


def scorecard_snapshot_build(
    *, local_authority: Organisation, months: list[date], today: date | None = None
) -> SnapshotBuild:
    """Compute and store the snapshot of each of ``months`` (first days) for the LA.

    Idempotent and safe to run twice at once: the counting reads outside the write
    transaction; the write locks each month's snapshot row, and keeps a snapshot computed
    later than this one (a build that started after ours saw newer rows)."""
    today = today or timezone.localdate()
    months = sorted({month_start(month) for month in months})
    computed_at = timezone.now()
    started = time.perf_counter()
    with reporting_queries():
        figures = scorecard_figures_compute(
            local_authority_id=local_authority.pk, months=months, today=today
        )
    build_ms = int((time.perf_counter() - started) * 1000)
    written = 0
    with transaction.atomic():
        for month in months:
            snapshot, created = ScorecardSnapshot.objects.select_for_update().get_or_create(
                local_authority=local_authority,
                month=month,
                defaults={
                    "as_at": reporting_date(month, today),
                    "computed_at": computed_at,
                    "build_ms": build_ms,
                },
            )
            if not created:
                if snapshot.computed_at > computed_at:
                    continue
                snapshot.as_at = reporting_date(month, today)
                snapshot.computed_at = computed_at
                snapshot.build_ms = build_ms
                snapshot.full_clean()
                snapshot.save()
                snapshot.figures.all().delete()
            for row in figures[month]:
                row.snapshot = snapshot
            ScorecardFigure.objects.bulk_create(figures[month], batch_size=1000)
            written += 1
    return SnapshotBuild(
        local_authority_id=local_authority.pk,
        months=months,
        figures=sum(len(rows) for rows in figures.values()),
        seconds=build_ms / 1000,
        written=written,
    )


def months_shown_with(month: date) -> list[date]:
    """Every month whose snapshot the scorecard and trend pages of ``month`` read: the
    month, the previous one, the same month last year and the twelve of its trend."""
    return sorted({*comparison_months(month), *trend_months(month)})


def nightly_months(today: date) -> list[date]:
    return [shift_month(today, -offset) for offset in range(NIGHTLY_MONTHS)]


def reporting_authorities_with_children() -> list[Organisation]:
    """The LAs the scorecard is about: those responsible for at least one child."""
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.LOCAL_AUTHORITY,
            pk__in=Child.objects.values("responsible_la_id"),
        ).order_by("pk")
    )
