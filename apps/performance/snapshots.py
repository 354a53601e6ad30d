"""Writes of the scorecard snapshot (issue 18): each month's figures, per KPI, for the LA
and for every breakdown value, UASC and not, stored so that the scorecard pages and the
API read a few hundred rows instead of scanning the population on every request.

The figures come from the very measures and counting engine of the live scorecard
(apps.performance.measures, selectors.counting): one scan per table for all the months
asked for, grouped by every breakdown at once (team, provider, age band, legal status and
the UASC flag as GROUP BY columns), then added up per breakdown in Python. A child falls in
exactly one team, provider, age band and legal status group for a figure, so each
breakdown's groups add up to the total, as they do live.

Built by the nightly job after the clock sweep (tasks.build_scorecard_snapshots_nightly,
scheduled in config/celery_app.py), by ``manage.py build_scorecard_snapshot``, and on
demand from the scorecard page by a performance manager.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationKind
from apps.children.models import Child
from apps.performance.measures import MEASURES, Measure
from apps.performance.models import ScorecardFigure, ScorecardSnapshot
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
            to_count[key] = (
                calculation(settings.context(reporting_date(month, today)), window),
                window,
            )
            plans.append((kpi, month, window, key))
    return plans, to_count


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
    by_breakdown = [_grouping(breakdown, sources) for breakdown in BREAKDOWNS]

    def every_breakdown(source):
        grouped = [grouping(source) for grouping in by_breakdown]
        return None if grouped[0] is None else grouped

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
