"""The import's reports and its plan of each child's periods of care and placements."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from apps.interop import codes
from apps.interop.reading import (
    EpisodeRow,
    RowError,
)

if TYPE_CHECKING:
    pass


@dataclass
class ImportReport:
    files: dict[str, str] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())
        )

    def summary(self) -> str:
        if self.errors:
            return (
                f"{len(self.errors)} error(s): nothing was imported. "
                f"Rows read: {', '.join(f'{t} {n}' for t, n in self.rows_read.items())}."
            )
        if not self.changed:
            return "Nothing to change: the records already match the files."
        parts = []
        for label, counts in (("created", self.created), ("updated", self.updated)):
            done = [f"{n} {name}" for name, n in counts.items() if n]
            if done:
                parts.append(f"{label} {', '.join(done)}")
        removed = [f"{n} {name}" for name, n in self.deleted.items() if n]
        if removed:
            parts.append(f"removed {', '.join(removed)}")
        return "Imported: " + "; ".join(parts) + "."


# Planned state from the files ------------------------------------------------------------


@dataclass
class _PlannedPlacement:
    start: date
    end: date | None
    row: EpisodeRow
    same_carer: bool
    reason_place_change: str = ""


@dataclass
class _PlannedPeriod:
    child: str
    first: EpisodeRow
    episodes: list[EpisodeRow]
    end: date | None = None
    reason_end: str = ""
    placements: list[_PlannedPlacement] = field(default_factory=list)
    # (start date, legal status, row) of each change of legal status after the first episode.
    legal_status_changes: list[tuple[date, str, EpisodeRow]] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.first.start

    @property
    def continues_earlier(self) -> bool:
        return self.first.rne != "S"


def _plan_child_episodes(
    child: str, rows: list[EpisodeRow], date_of_birth: date | None, errors: list[RowError]
) -> list[_PlannedPeriod]:
    """Group one child's episodes into periods of care, placements and legal status
    changes, checking the sequence the DfE rules require."""

    def error(row: EpisodeRow, column: str, reason: str) -> None:
        errors.append(RowError(codes.EPISODES, row.row, column, reason, child))

    rows = sorted(rows, key=lambda r: (r.start, r.row))
    periods: list[_PlannedPeriod] = []
    previous: EpisodeRow | None = None
    for row in rows:
        if date_of_birth and row.start < date_of_birth:
            error(row, "DECOM", f"Before the child's date of birth ({date_of_birth:%d/%m/%Y})")
        if previous is not None and previous.start == row.start:
            error(
                row,
                "DECOM",
                f"Another episode of this child starts on the same day (row {previous.row})",
            )
        elif previous is None or previous.rec not in {"", codes.EPISODE_CONTINUES}:
            # A new period of care.
            if previous is not None and row.start <= previous.end:
                error(row, "DECOM", f"Starts before the previous period ended (row {previous.row})")
            if previous is not None and row.rne != "S":
                error(
                    row,
                    "RNE",
                    f"The previous episode (row {previous.row}) ended the period of care: RNE must be S",
                )
            periods.append(_PlannedPeriod(child, row, [row]))
        elif previous.rec == "" or previous.end is None:
            error(row, "DECOM", f"The previous episode (row {previous.row}) has not ended")
        else:
            if row.start != previous.end:
                error(
                    row,
                    "DECOM",
                    f"A continuing episode starts the day the previous one ended ({previous.end:%d/%m/%Y}, row {previous.row})",
                )
            if row.rne == "S":
                error(
                    row,
                    "RNE",
                    f"S, but the previous episode (row {previous.row}) continued (REC X1)",
                )
            periods[-1].episodes.append(row)
        previous = row
    if previous is not None and previous.rec == codes.EPISODE_CONTINUES:
        error(previous, "REC", "X1 (a new episode follows), but there is no following episode")

    for period in periods:
        first = period.first
        last = period.episodes[-1]
        if last.rec and last.rec != codes.EPISODE_CONTINUES:
            period.end, period.reason_end = last.end, last.rec
        before: EpisodeRow | None = None
        for row in period.episodes:
            if row.category_of_need != first.category_of_need:
                error(
                    row,
                    "CIN",
                    f"Differs from the start of the period of care ({first.category_of_need or 'blank'}, row {first.row}); the category of need is fixed for a period",
                )
            if before is not None:
                ls_changed = row.legal_status != before.legal_status
                placement_changed = row.placement_key != before.placement_key
                if row.rne == "L" and not ls_changed:
                    error(row, "RNE", "L (change of legal status only), but LS is unchanged")
                if row.rne == "L" and placement_changed:
                    error(
                        row,
                        "RNE",
                        "L (change of legal status only), but the placement details changed: use P, T, U or B",
                    )
                if (
                    row.rne in codes.PLACEMENT_CHANGE_RNE - codes.LEGAL_STATUS_CHANGE_RNE
                    and ls_changed
                ):
                    error(
                        row, "RNE", f"{row.rne} (placement change only), but LS changed: use U or B"
                    )
                if (
                    row.rne in codes.PLACEMENT_CHANGE_RNE & codes.LEGAL_STATUS_CHANGE_RNE
                    and not ls_changed
                ):
                    error(
                        row,
                        "RNE",
                        f"{row.rne} (legal status and placement change), but LS is unchanged: use P or T",
                    )
                if ls_changed:
                    period.legal_status_changes.append((row.start, row.legal_status, row))
            if before is None or row.rne in codes.PLACEMENT_CHANGE_RNE:
                period.placements.append(
                    _PlannedPlacement(
                        start=row.start,
                        end=None,
                        row=row,
                        same_carer=before is not None and row.rne in codes.SAME_CARER_RNE,
                    )
                )
            if row.reason_place_change:
                following = _next(period.episodes, row)
                if following is None or following.rne not in codes.PLACEMENT_CHANGE_RNE:
                    error(
                        row,
                        "REASON_PLACE_CHANGE",
                        "Given only on an episode that ended in a change of placement",
                    )
                else:
                    period.placements[-1].reason_place_change = row.reason_place_change
            before = row
        for index, placement in enumerate(period.placements):
            following = period.placements[index + 1] if index + 1 < len(period.placements) else None
            placement.end = following.start if following else period.end
    return periods


def _next(rows: list[EpisodeRow], row: EpisodeRow) -> EpisodeRow | None:
    index = rows.index(row)
    return rows[index + 1] if index + 1 < len(rows) else None


# The import ----------------------------------------------------------------------------
