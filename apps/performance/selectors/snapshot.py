"""Reads of the scorecard snapshot (issue 18): the scorecard and a KPI's trend from the
months' stored figures, in a handful of queries whatever the population.

A snapshot is read only when it was taken on the day the month's figures are taken on
today (rules.reporting_date): a complete month snapshotted after its end, or the month in
progress snapshotted today. Otherwise (no snapshot, one taken while the month was still in
progress, a KPI activated since) these return None and the caller computes live, so a
figure read from a snapshot is always the figure the live computation gave at
``computed_at``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from apps.accounts.models import Organisation
from apps.performance.measures import MEASURES
from apps.performance.models import Kpi, ScorecardFigure, ScorecardSnapshot
from apps.performance.rules import kpi_window, reporting_date
from apps.performance.selectors.counting import flags_for
from apps.performance.selectors.scorecard import (
    Counts,
    Figure,
    Scorecard,
    _Counts,
    active_kpis,
    assemble,
    comparison_months,
)

TOTAL = ""


def usable_snapshots(
    local_authority: Organisation, months: list[date], today: date
) -> dict[date, ScorecardSnapshot]:
    """The LA's snapshots of ``months`` taken for today's reporting dates. One query."""
    wanted = {month: reporting_date(month, today) for month in months}
    return {
        snapshot.month: snapshot
        for snapshot in ScorecardSnapshot.objects.filter(
            local_authority=local_authority, month__in=list(wanted)
        )
        if snapshot.as_at == wanted[snapshot.month]
    }


class SnapshotCounts(Counts):
    """The counts of the scorecard read from snapshot rows: (KPI code, month index,
    breakdown, group, UASC flag) -> (numerator, denominator)."""

    def __init__(self, cells: dict[tuple, tuple[int, int]], breakdown: str | None) -> None:
        super().__init__({})
        self.cells = cells
        self.breakdown = breakdown or TOTAL
        self.by_code: dict[str, set[str]] = defaultdict(set)
        for code, index, breakdown_, group, _flag in cells:
            if index == 0 and breakdown_ == self.breakdown and breakdown_ != TOTAL:
                self.by_code[code].add(group)

    def counts(self, code: str, index: int, uasc: str, group: str | None = None) -> _Counts:
        numerator, denominator = 0, 0
        breakdown = TOTAL if group is None else self.breakdown
        for flag in flags_for(uasc):
            cell = self.cells.get((code, index, breakdown, group or TOTAL, flag))
            if cell is not None:
                numerator += cell[0]
                denominator += cell[1]
        return _Counts(numerator, denominator)

    def groups(self, code: str) -> set:
        return self.by_code.get(code, set())


def scorecard_from_snapshots(
    *,
    local_authority: Organisation,
    month: date,
    uasc: str,
    breakdown: str | None,
    today: date,
) -> Scorecard | None:
    """The scorecard from the snapshots of the month and its two comparison months, or
    None when one of them is missing or was taken for another day."""
    months = comparison_months(month)
    snapshots = usable_snapshots(local_authority, months, today)
    if len(snapshots) < len(months):
        return None
    kpis = active_kpis()
    calculated = {kpi.pk: kpi.code for kpi in kpis if MEASURES.get(kpi.code) is not None}
    index_of = {snapshots[m].pk: index for index, m in enumerate(months)}
    rows = ScorecardFigure.objects.filter(snapshot__in=list(index_of)).values_list(
        "snapshot_id", "kpi_id", "breakdown", "group", "is_uasc", "numerator", "denominator"
    )
    if breakdown:
        rows = rows.filter(breakdown__in=[TOTAL, breakdown])
    else:
        rows = rows.filter(breakdown=TOTAL)
    cells: dict[tuple, tuple[int, int]] = {}
    for snapshot_id, kpi_id, breakdown_, group, flag, numerator, denominator in rows:
        index = index_of[snapshot_id]
        if kpi_id not in calculated or (breakdown_ != TOTAL and index != 0):
            continue
        cells[(calculated[kpi_id], index, breakdown_, group, flag)] = (numerator, denominator)
    # Every calculated KPI has its two total rows (UASC and not) in every month, zeros
    # included: a KPI without them was not active when the snapshot was taken.
    for code in calculated.values():
        for index in range(len(months)):
            if (code, index, TOTAL, TOTAL, False) not in cells:
                return None
    plans = [
        (
            kpi,
            [kpi_window(kpi.period_type, m, today) for m in months],
            kpi.pk in calculated,
        )
        for kpi in kpis
    ]
    card = assemble(
        local_authority=local_authority,
        month=month,
        as_at=reporting_date(month, today),
        uasc=uasc,
        breakdown=breakdown,
        plans=plans,
        source=SnapshotCounts(cells, breakdown),
    )
    card.computed_at = min(snapshot.computed_at for snapshot in snapshots.values())
    return card


def trend_from_snapshots(
    *, local_authority: Organisation, kpi: Kpi, months: list[date], uasc: str, today: date
) -> tuple[list[Figure], datetime] | None:
    """The KPI's figure in each of ``months`` from their snapshots, and the time of the
    oldest; None when one of the months has no usable snapshot or lacks the KPI."""
    snapshots = usable_snapshots(local_authority, months, today)
    if len(snapshots) < len(months):
        return None
    index_of = {snapshots[m].pk: index for index, m in enumerate(months)}
    cells: dict[tuple, tuple[int, int]] = {}
    for snapshot_id, flag, numerator, denominator in ScorecardFigure.objects.filter(
        snapshot__in=list(index_of), kpi=kpi, breakdown=TOTAL
    ).values_list("snapshot_id", "is_uasc", "numerator", "denominator"):
        cells[(kpi.code, index_of[snapshot_id], TOTAL, TOTAL, flag)] = (numerator, denominator)
    if any((kpi.code, index, TOTAL, TOTAL, False) not in cells for index in range(len(months))):
        return None
    source = SnapshotCounts(cells, None)
    figures = [
        source.counts(kpi.code, index, uasc).figure(kpi.unit) for index in range(len(months))
    ]
    return figures, min(snapshot.computed_at for snapshot in snapshots.values())
