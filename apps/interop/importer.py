"""Import of the SSDA903 tables (Header, Episodes, UASC, OC2, AD1, PlacedAdoption) for one
local authority.

Every file is read and checked in full before anything is written: each rejected row is
reported with its row number, column and reason, and when there is any error nothing at all is
written (the files of one import are applied together, in one transaction, because episodes
need the header's children). A clean import is idempotent: children are matched by the LA's
CHILD reference, periods of care and placements by their start dates, and only the fields
that differ are written, so importing the same files again writes nothing and adds no history.

OC2 rows are for one collection year (given, or the latest that has ended): convictions,
substance misuse and interventions go into the child's ``AnnualOutcome`` for that year, and
the health items (SDQ, health check, immunisations, teeth, health assessment) into its
``reported_*`` fields, which the export uses only where our own health records hold nothing
for the year; they are never turned into dated health records the return does not date.

Writes are in bulk (with their history rows) inside ``recompute_deferred()``, so the health
clocks of the children that changed are recomputed once each, in the same transaction.

The 903 holds no names, NHS number, team or area of placement: children new to us get a
placeholder name ("Child" and their reference), and their placements the importing LA as
area, for the LA to complete. A child's team comes from the LA's own TEAM column when its
Header extract has one (the team's name as recorded here), else from the default team
chosen for the import; either is given only to children with no team yet, so an import
never undoes an allocation made here. Children left with no team are listed for allocation
(apps.children.views.children_allocate).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.adoption.services import CASE_EDITABLE_FIELDS
from apps.children.models import AnnualOutcome, Child, LegalStatusChange, PeriodOfCare
from apps.core.codes import ADOPTION_PLACEMENTS
from apps.core.services import today as local_today
from apps.interop import codes
from apps.interop.reading import (
    Ad1Row,
    EpisodeRow,
    HeaderRow,
    ImportFile,
    Oc2Row,
    PlacedAdoptionRow,
    Progress,
    RowError,
    UascRow,
    read_file,
)
from apps.placements.models import Placement

if TYPE_CHECKING:
    from apps.interop.selectors import CollectionYear


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


def import_903(
    *,
    local_authority: Organisation,
    files: Iterable[ImportFile],
    imported_by: User | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    default_team: Team | None = None,
    year: "CollectionYear | None" = None,
) -> ImportReport:
    """Check every file, then (only when all are clean) apply them in one transaction.
    ``default_team``: the team for children the files give no team (and who have none).
    ``year``: the collection year of the OC2 rows (default: the latest that has ended)."""
    from apps.interop.selectors import CollectionYear

    report = ImportReport()
    today = today or local_today()
    year = year or CollectionYear.latest_complete(today)
    if local_authority.kind != OrganisationKind.LOCAL_AUTHORITY:
        report.errors.append(RowError("", 0, "", "Import into a local authority only"))
        return report
    if default_team is not None and default_team.organisation_id != local_authority.pk:
        report.errors.append(
            RowError("", 0, "team", f"The default team is not a team of {local_authority.name}")
        )
        return report
    parsed: dict[str, list] = {}
    for upload in files:
        result = read_file(upload, report.errors, today=today, progress=progress)
        if result.table is None:
            continue
        if result.table in parsed:
            report.errors.append(
                RowError(result.table, 0, "", f"Two {result.table} files given ({upload.name})")
            )
            continue
        parsed[result.table] = result.rows
        report.files[result.table] = upload.name
        report.rows_read[result.table] = result.rows_read
    if not parsed and not report.errors:
        report.errors.append(RowError("", 0, "", "No files given"))
    if any(error.row <= 1 and not error.column for error in report.errors):
        return report  # a file not recognised or not readable: its rows mean nothing yet
    # Check across rows and against our records too, so that one report lists every
    # problem; a child with a rejected episode row is left out of the sequence checks (its
    # remaining episodes would only show knock-on errors).
    skip = {e.child for e in report.errors if e.table == codes.EPISODES}
    plan = _Plan(
        local_authority,
        parsed,
        report.errors,
        skip_episodes_of=skip,
        default_team=default_team,
        year_ending=year.end,
    )
    plan.check()
    if report.errors:
        return report
    if progress:
        # Reading and checking are done, outside any transaction: only the writing holds one.
        progress("writing", 0, 0, len(plan.planned))
    try:
        with transaction.atomic():
            from apps.assessments.tasks import recompute_deferred

            with recompute_deferred():
                plan.apply(report, imported_by, progress)
    except IntegrityError as error:
        # The checks above should have caught it; the database refused it anyway.
        report.errors.append(RowError("", 0, "", f"The database refused the import: {error}"))
        report.created.clear()
        report.updated.clear()
        report.deleted.clear()
        return report
    report.applied = True
    return report


class _Plan:
    def __init__(
        self,
        la: Organisation,
        parsed: dict[str, list],
        errors: list[RowError],
        skip_episodes_of: set[str] = frozenset(),
        default_team: Team | None = None,
        year_ending: date | None = None,
    ) -> None:
        self.la = la
        self.year_ending = year_ending
        self.default_team = default_team
        # The LA's teams by name, for the LA's own TEAM column (names are unique in an LA).
        self.teams: dict[str, Team] = {
            t.name.casefold(): t for t in Team.objects.filter(organisation=la)
        }
        self.skip_episodes_of = skip_episodes_of
        self.errors = errors
        self.headers: list[HeaderRow] = parsed.get(codes.HEADER, [])
        self.episodes: list[EpisodeRow] = parsed.get(codes.EPISODES, [])
        self.uasc: list[UascRow] = parsed.get(codes.UASC, [])
        self.oc2: list[Oc2Row] = parsed.get(codes.OC2, [])
        self.ad1: list[Ad1Row] = parsed.get(codes.AD1, [])
        self.placed_adoption: list[PlacedAdoptionRow] = parsed.get(codes.PLACED_ADOPTION, [])
        references = (
            {r.child for r in self.headers}
            | {r.child for r in self.episodes}
            | {r.child for r in self.uasc}
            | {r.child for r in self.oc2}
            | {r.child for r in self.ad1}
            | {r.child for r in self.placed_adoption}
        )
        self.children: dict[str, Child] = {}
        references = sorted(references)
        for start in range(0, len(references), 2000):
            for child in Child.objects.filter(
                responsible_la=la, la_child_id__in=references[start : start + 2000]
            ):
                self.children[child.la_child_id] = child
        ids = [c.pk for c in self.children.values()]
        self.periods: dict[int, list[PeriodOfCare]] = defaultdict(list)
        self.placements: dict[int, list[Placement]] = defaultdict(list)
        self.legal_status_changes: dict[int, list[LegalStatusChange]] = defaultdict(list)
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            for period in PeriodOfCare.objects.filter(child_id__in=chunk).order_by("start_date"):
                self.periods[period.child_id].append(period)
            for placement in Placement.objects.filter(child_id__in=chunk).order_by("start_date"):
                self.placements[placement.period_of_care_id].append(placement)
            for change in LegalStatusChange.objects.filter(child_id__in=chunk).order_by(
                "start_date"
            ):
                self.legal_status_changes[change.period_of_care_id].append(change)
        self.outcomes: dict[int, AnnualOutcome] = {}
        for start in range(0, len(ids), 2000):
            for outcome in AnnualOutcome.objects.filter(
                child_id__in=ids[start : start + 2000], year_ending=year_ending
            ):
                self.outcomes[outcome.child_id] = outcome
        from apps.adoption.models import AdoptionCase

        self.adoption_cases: dict[int, AdoptionCase] = {}
        for start in range(0, len(ids), 2000):
            for case in AdoptionCase.objects.filter(child_id__in=ids[start : start + 2000]):
                self.adoption_cases[case.child_id] = case
        self.header_by_child: dict[str, HeaderRow] = {}
        self.planned: dict[str, list[_PlannedPeriod]] = {}
        # The adoption case values each child's AD1 and PlacedAdoption rows give.
        self.adoption_values: dict[str, dict] = {}

    def _error(self, table: str, row: int, column: str, reason: str, child: str = "") -> None:
        self.errors.append(RowError(table, row, column, reason, child))

    def check(self) -> None:
        for row in self.headers:
            if row.child in self.header_by_child:
                first = self.header_by_child[row.child].row
                self._error(
                    codes.HEADER,
                    row.row,
                    "CHILD",
                    f"Child {row.child} is already on row {first}",
                    row.child,
                )
                continue
            self.header_by_child[row.child] = row
            if row.team and row.team.casefold() not in self.teams:
                self._error(
                    codes.HEADER,
                    row.row,
                    "TEAM",
                    f"No team '{row.team}' in {self.la.name}: give the team's name as it "
                    "is recorded here, or leave it blank",
                    row.child,
                )
        for row, sex, date_of_birth in self._rows_of_known_children(codes.UASC, self.uasc):
            if row.sex != sex:
                self._error(
                    codes.UASC, row.row, "SEX", "Differs from the Header / our record", row.child
                )
            if row.date_of_birth != date_of_birth:
                self._error(
                    codes.UASC,
                    row.row,
                    "DOB",
                    f"Differs from the Header / our record ({date_of_birth:%d/%m/%Y})",
                    row.child,
                )
        self._check_oc2()
        by_child: dict[str, list[EpisodeRow]] = defaultdict(list)
        for row in self.episodes:
            by_child[row.child].append(row)
        for child, rows in by_child.items():
            if child in self.skip_episodes_of:
                continue
            _sex, date_of_birth = self._identity(child)
            if date_of_birth is None:
                for row in rows:
                    self._error(
                        codes.EPISODES,
                        row.row,
                        "CHILD",
                        f"Child {child} is not in the Header file or our records",
                        child,
                    )
                continue
            planned = _plan_child_episodes(child, rows, date_of_birth, self.errors)
            self.planned[child] = planned
            if child in self.children:
                self._check_against_records(self.children[child], planned)
        self._check_adoption()
        for row in self.headers:
            child = self.children.get(row.child)
            if child is None or row.child in self.planned:
                continue
            first = self.periods[child.pk][0].start_date if self.periods[child.pk] else None
            if first and row.date_of_birth > first:
                self._error(
                    codes.HEADER,
                    row.row,
                    "DOB",
                    f"After the child's recorded entry to care ({first:%d/%m/%Y})",
                    row.child,
                )

    def _check_adoption(self) -> None:
        """AD1 and PlacedAdoption rows: one of each per child (one adoption case per child
        here), agreeing with each other, with the child's date of birth and with the
        milestone rules of the adoption case they update."""
        rows_of: dict[str, dict[str, object]] = defaultdict(dict)
        for table, rows in ((codes.PLACED_ADOPTION, self.placed_adoption), (codes.AD1, self.ad1)):
            for row in rows:
                earlier = rows_of[row.child].get(table)
                if earlier is not None:
                    self._error(
                        table,
                        row.row,
                        "CHILD",
                        f"Child {row.child} is already on row {earlier.row}: one adoption "
                        "decision per child is held here",
                        row.child,
                    )
                    continue
                _sex, date_of_birth = self._identity(row.child)
                if date_of_birth is None:
                    self._error(
                        table,
                        row.row,
                        "CHILD",
                        f"Child {row.child} is not in the Header file or our records",
                        row.child,
                    )
                    continue
                if row.date_of_birth != date_of_birth:
                    self._error(
                        table,
                        row.row,
                        "DOB",
                        f"Differs from the Header / our record ({date_of_birth:%d/%m/%Y})",
                        row.child,
                    )
                    continue
                rows_of[row.child][table] = row
        for reference, rows in rows_of.items():
            placed: PlacedAdoptionRow | None = rows.get(codes.PLACED_ADOPTION)
            ad1: Ad1Row | None = rows.get(codes.AD1)
            if placed is None and ad1 is None:
                continue  # its rows were refused above
            if placed and ad1 and placed.decision_on != ad1.decision_on:
                self._error(
                    codes.AD1,
                    ad1.row,
                    "DATE_INT",
                    f"Differs from DATE_PLACED in PlacedAdoption ({placed.decision_on:%d/%m/%Y}, "
                    f"row {placed.row})",
                    reference,
                )
                continue
            if placed and ad1 and placed.ceased_on:
                self._error(
                    codes.AD1,
                    ad1.row,
                    "CHILD",
                    f"The decision to place for adoption was reversed (PlacedAdoption row "
                    f"{placed.row}): the child cannot also be adopted",
                    reference,
                )
                continue
            child = self.children.get(reference)
            case = self.adoption_cases.get(child.pk) if child is not None else None
            values = {name: getattr(case, name) if case else None for name in CASE_EDITABLE_FIELDS}
            decision_on = (placed or ad1).decision_on
            wanted = {"adm_decision_on": decision_on}
            if values["adoption_plan_on"] is None or values["adoption_plan_on"] > decision_on:
                # The return does not hold the date adoption became the plan: no later than
                # the decision that the child should be placed for adoption.
                wanted["adoption_plan_on"] = decision_on
            if placed and placed.ceased_on:
                wanted["plan_changed_on"] = placed.ceased_on
                wanted["plan_changed_reason"] = placed.reason
                wanted["plan_changed_note"] = values["plan_changed_note"] or IMPORTED_NOTE
            if ad1:
                wanted.update(
                    match_decision_on=ad1.matched_on,
                    adopters_sex=ad1.adopters_sex,
                    adopters_legal_status=ad1.adopters_legal_status,
                    adopted_by_foster_carers=ad1.foster_carers,
                )
            date_of_birth = self._identity(reference)[1]
            problems = _case_problems({**values, **wanted}, date_of_birth)
            if ad1 and not problems:
                # The episodes say when the child moved in (the first placement for adoption,
                # A3-A6) and when the adoption order was made (the period ended E11/E12):
                # taken when we hold neither and they fit the case.
                derived = self._adoption_dates(reference, values)
                if derived and not _case_problems({**values, **wanted, **derived}, date_of_birth):
                    wanted.update(derived)
            row = ad1 or placed
            for field_name, message in problems.items():
                column = ADOPTION_COLUMNS.get(field_name, "CHILD")
                self._error(
                    codes.AD1 if ad1 else codes.PLACED_ADOPTION,
                    row.row,
                    column,
                    f"With our record of the adoption case: {message}",
                    reference,
                )
            if not problems:
                self.adoption_values[reference] = wanted

    def _adoption_dates(self, reference: str, values: dict) -> dict[str, date]:
        if values["moved_in_on"] is not None or values["adoption_order_on"] is not None:
            return {}
        adopted = [
            p for p in self.planned.get(reference, []) if p.reason_end in codes.ADOPTED and p.end
        ]
        if not adopted:
            return {}
        period = max(adopted, key=lambda p: p.end)
        moves = [p.start for p in period.placements if p.row.place in ADOPTION_PLACEMENTS]
        if not moves:
            return {}
        return {"moved_in_on": min(moves), "adoption_order_on": period.end}

    def _check_oc2(self) -> None:
        for row, _sex, date_of_birth in self._rows_of_known_children(codes.OC2, self.oc2):
            if row.date_of_birth != date_of_birth:
                self._error(
                    codes.OC2,
                    row.row,
                    "DOB",
                    f"Differs from the Header / our record ({date_of_birth:%d/%m/%Y})",
                    row.child,
                )

    def _rows_of_known_children(self, table: str, rows):
        """(row, sex, date of birth) for the first row of each child the Header or our
        records know; a second row for a child, or an unknown child, is a row error."""
        seen: dict[str, int] = {}
        for row in rows:
            if row.child in seen:
                self._error(
                    table,
                    row.row,
                    "CHILD",
                    f"Child {row.child} is already on row {seen[row.child]}",
                    row.child,
                )
                continue
            seen[row.child] = row.row
            sex, date_of_birth = self._identity(row.child)
            if date_of_birth is None:
                self._error(
                    table,
                    row.row,
                    "CHILD",
                    f"Child {row.child} is not in the Header file or our records",
                    row.child,
                )
                continue
            yield row, sex, date_of_birth

    def _identity(self, reference: str) -> tuple[str | None, date | None]:
        header = self.header_by_child.get(reference)
        if header is not None:
            return header.sex, header.date_of_birth
        child = self.children.get(reference)
        if child is not None:
            return child.sex, child.date_of_birth
        return None, None

    def _match_period(self, child: Child, planned: _PlannedPeriod) -> PeriodOfCare | None:
        for period in self.periods[child.pk]:
            if period.start_date == planned.start:
                return period
        if planned.continues_earlier:
            for period in self.periods[child.pk]:
                if period.start_date < planned.start and (
                    period.end_date is None or period.end_date >= planned.start
                ):
                    return period
        return None

    def _check_against_records(self, child: Child, planned: list[_PlannedPeriod]) -> None:
        """Periods and placements in our records that the files would contradict."""
        matched = {}
        for period in planned:
            existing = self._match_period(child, period)
            matched[id(period)] = existing
            if existing is None:
                for other in self.periods[child.pk]:
                    if other.start_date <= (period.end or date.max) and (
                        other.end_date is None or other.end_date >= period.start
                    ):
                        self._error(
                            codes.EPISODES,
                            period.first.row,
                            "DECOM",
                            f"Overlaps the period of care recorded from {other.start_date:%d/%m/%Y}",
                            child.la_child_id,
                        )
                        break
                continue
            planned_starts = {p.start for p in period.placements}
            span_end = period.end or date.max
            for placement in self.placements[existing.pk]:
                if period.start < placement.start_date <= span_end and (
                    placement.start_date not in planned_starts
                ):
                    self._error(
                        codes.EPISODES,
                        period.first.row,
                        "DECOM",
                        f"Our record has a placement from {placement.start_date:%d/%m/%Y} that the file does not",
                        child.la_child_id,
                    )
        unmatched_open = [
            p for p in self.periods[child.pk] if p.end_date is None and p not in matched.values()
        ]
        if unmatched_open and any(p.end is None for p in planned):
            self._error(
                codes.EPISODES,
                planned[-1].first.row,
                "DEC",
                f"The child already has an open period of care from {unmatched_open[0].start_date:%d/%m/%Y}",
                child.la_child_id,
            )
        dates_of_birth = self.header_by_child.get(child.la_child_id)
        if dates_of_birth is not None:
            starts = [p.start_date for p in self.periods[child.pk]]
            if starts and dates_of_birth.date_of_birth > min(starts):
                self._error(
                    codes.HEADER,
                    dates_of_birth.row,
                    "DOB",
                    f"After the child's recorded entry to care ({min(starts):%d/%m/%Y})",
                    child.la_child_id,
                )

    # Writing ----------------------------------------------------------------------------

    def apply(self, report: ImportReport, user: User | None, progress: Progress | None) -> None:
        writer = _Writer(user)
        changed_children: set[int] = set()
        # Children: header fields, then UASC.
        new_children = []
        for row in self.headers:
            values = {
                "sex": row.sex,
                "date_of_birth": row.date_of_birth,
                "ethnicity": row.ethnicity,
                "upn": row.upn,
                "is_mother": row.is_mother,
                "mother_child_dob": row.mother_child_dob,
            }
            child = self.children.get(row.child)
            team = self.teams[row.team.casefold()] if row.team else self.default_team
            if child is None:
                child = Child(
                    responsible_la=self.la,
                    la_child_id=row.child,
                    first_name="Child",
                    last_name=row.child,
                    team=team,
                    **values,
                )
                new_children.append(child)
                self.children[row.child] = child
            else:
                if child.team_id is None and team is not None:
                    values["team"] = team
                writer.update(child, values)
        for row in self.uasc:
            child = self.children[row.child]
            values = {"is_uasc": True, "uasc_ceased_on": row.ceased_on}
            if child.pk is None:
                for name, value in values.items():
                    setattr(child, name, value)
            else:
                writer.update(child, values)
        writer.create(Child, new_children, report, "children")
        writer.flush(Child, report, "children")
        changed_children |= {c.pk for c in new_children} | writer.touched_children
        writer.touched_children.clear()

        # Periods of care.
        new_periods: list[tuple[PeriodOfCare, _PlannedPeriod]] = []
        period_for: dict[int, PeriodOfCare] = {}
        for reference, planned_periods in self.planned.items():
            child = self.children[reference]
            for planned in planned_periods:
                existing = self._match_period(child, planned) if child.pk in self.periods else None
                values = {
                    "end_date": planned.end,
                    "reason_end": planned.reason_end,
                    "category_of_need": planned.first.category_of_need,
                }
                if existing is None:
                    period = PeriodOfCare(
                        child=child,
                        start_date=planned.start,
                        legal_status=planned.first.legal_status,
                        reason_new_episode=planned.first.rne,
                        **values,
                    )
                    new_periods.append((period, planned))
                else:
                    if existing.start_date == planned.start:
                        values["legal_status"] = planned.first.legal_status
                        values["reason_new_episode"] = planned.first.rne
                    writer.update(existing, values)
                    period = existing
                period_for[id(planned)] = period
        writer.create(PeriodOfCare, [p for p, _ in new_periods], report, "periods of care")
        writer.flush(PeriodOfCare, report, "periods of care")
        changed_children |= {p.child_id for p, _ in new_periods}

        # Placements and legal status changes.
        new_placements: list[Placement] = []
        new_changes: list[LegalStatusChange] = []
        removed_changes: list[LegalStatusChange] = []
        done = 0
        for reference, planned_periods in self.planned.items():
            child = self.children[reference]
            for planned in planned_periods:
                period = period_for[id(planned)]
                existing_placements = self.placements.get(period.pk, []) if period.pk else []
                for index, item in enumerate(planned.placements):
                    row = item.row
                    values = {
                        "end_date": item.end,
                        "place": row.place,
                        "place_provider": row.place_provider,
                        "postcode_district": _district(row.placement_postcode),
                        "placement_postcode": _full(row.placement_postcode),
                        "home_postcode": _full(row.home_postcode),
                        "urn": row.urn,
                        "reason_place_change": item.reason_place_change,
                    }
                    match = next(
                        (p for p in existing_placements if p.start_date == item.start), None
                    )
                    if match is None and index == 0 and planned.continues_earlier:
                        match = next(
                            (
                                p
                                for p in existing_placements
                                if p.start_date < item.start
                                and (p.end_date is None or p.end_date >= item.start)
                            ),
                            None,
                        )
                    else:
                        values["same_carer"] = item.same_carer
                    if match is None:
                        values.setdefault("same_carer", item.same_carer)
                        new_placements.append(
                            Placement(
                                child=child,
                                period_of_care=period,
                                start_date=item.start,
                                area=self.la,
                                **values,
                            )
                        )
                    else:
                        writer.update(match, values)
                # Legal status: the file's changes within its span replace ours there.
                wanted = {day: status for day, status, _row in planned.legal_status_changes}
                existing_changes = self.legal_status_changes.get(period.pk, []) if period.pk else []
                if period.pk and period.start_date < planned.start:
                    status_before = _legal_status_on(period, existing_changes, planned.start)
                    if status_before != planned.first.legal_status:
                        wanted[planned.start] = planned.first.legal_status
                span_end = planned.end or date.max
                for change in existing_changes:
                    if not planned.start <= change.start_date <= span_end:
                        continue
                    if change.start_date in wanted:
                        writer.update(change, {"legal_status": wanted.pop(change.start_date)})
                    else:
                        removed_changes.append(change)
                for day, status in sorted(wanted.items()):
                    new_changes.append(
                        LegalStatusChange(
                            child=child, period_of_care=period, start_date=day, legal_status=status
                        )
                    )
            done += 1
            if progress and done % 500 == 0:
                progress("writing", done, done, len(self.planned))
        writer.create(Placement, new_placements, report, "placements")
        writer.flush(Placement, report, "placements")
        if removed_changes:
            for change in removed_changes:
                change.delete()
                writer.touched_children.add(change.child_id)
            report.deleted["legal status changes"] += len(removed_changes)
        writer.create(LegalStatusChange, new_changes, report, "legal status changes")
        writer.flush(LegalStatusChange, report, "legal status changes")
        changed_children |= {p.child_id for p in new_placements}
        changed_children |= {c.child_id for c in new_changes}
        changed_children |= writer.touched_children
        self._apply_adoption(writer, report, user)
        self._apply_oc2(writer, report)
        changed_children |= writer.touched_children
        self._check_database_rules(changed_children)
        from apps.assessments.services import clocks_changed

        for child_id in sorted(changed_children):
            clocks_changed(child_id)
        if progress:
            progress("writing", len(self.planned), len(self.planned), len(self.planned))

    def _apply_oc2(self, writer: "_Writer", report: ImportReport) -> None:
        new_outcomes = []
        for row in self.oc2:
            child = self.children[row.child]
            values = {
                "convicted": row.convicted,
                "substance_misuse": row.substance_misuse,
                "intervention_received": row.intervention_received,
                "intervention_offered": row.intervention_offered,
                "reported_sdq_score": row.sdq_score,
                "reported_sdq_reason": row.sdq_reason,
                "reported_health_check": row.health_check,
                "reported_immunisations": row.immunisations,
                "reported_teeth_check": row.teeth_check,
                "reported_health_assessment": row.health_assessment,
            }
            outcome = self.outcomes.get(child.pk)
            if outcome is None:
                new_outcomes.append(
                    AnnualOutcome(child=child, year_ending=self.year_ending, **values)
                )
            else:
                writer.update(outcome, values)
        writer.create(AnnualOutcome, new_outcomes, report, "annual outcomes")
        writer.flush(AnnualOutcome, report, "annual outcomes")

    def _apply_adoption(self, writer: "_Writer", report: ImportReport, user: User | None) -> None:
        from apps.adoption.models import AdoptionCase

        new_cases = []
        for reference, wanted in self.adoption_values.items():
            child = self.children[reference]
            case = self.adoption_cases.get(child.pk)
            if case is None:
                new_cases.append(AdoptionCase(child=child, created_by=user, **wanted))
            else:
                writer.update(case, wanted)
        writer.create(AdoptionCase, new_cases, report, "adoption cases")
        writer.flush(AdoptionCase, report, "adoption cases")

    def _check_database_rules(self, child_ids: set[int]) -> None:
        """The rules the database constraints do not state: placements within their period,
        no overlapping periods or placements. A breach rolls everything back."""
        for start in range(0, len(child_ids), 2000):
            chunk = sorted(child_ids)[start : start + 2000]
            periods = defaultdict(list)
            for period in PeriodOfCare.objects.filter(child_id__in=chunk).order_by("start_date"):
                periods[period.child_id].append(period)
            for child_periods in periods.values():
                for before, after in zip(child_periods, child_periods[1:], strict=False):
                    if before.end_date is None or after.start_date <= before.end_date:
                        raise IntegrityError(
                            f"Periods of care of child {before.child_id} overlap ({after.start_date:%d/%m/%Y})"
                        )


def _case_problems(values: dict, date_of_birth: date) -> dict[str, str]:
    """What the adoption case rules say of these values (dates are checked on reading)."""
    from apps.adoption.rules import adopter_errors, milestone_errors

    problems = milestone_errors(values, date_of_birth=date_of_birth, today=date.max)
    for field_name, message in adopter_errors(values).items():
        problems.setdefault(field_name, message)
    return problems


IMPORTED_NOTE = "Recorded in the SSDA903 return (PlacedAdoption)."
# The AD1 / PlacedAdoption column an adoption case field comes from, to name in an error.
ADOPTION_COLUMNS = {
    "adm_decision_on": "DATE_PLACED",
    "match_decision_on": "DATE_MATCH",
    "plan_changed_on": "DATE_PLACED_CEASED",
    "plan_changed_reason": "REASON_PLACED_CEASED",
    "adopters_sex": "SEX_ADOPTR",
    "adopters_legal_status": "LS_ADOPTR",
    "adopted_by_foster_carers": "FOSTER_CARE",
}


def _legal_status_on(period: PeriodOfCare, changes: list[LegalStatusChange], day: date) -> str:
    status = period.legal_status
    for change in changes:
        if change.start_date <= day:
            status = change.legal_status
    return status


def _district(postcode: str) -> str:
    return postcode.split(" ")[0] if postcode else ""


def _full(postcode: str) -> str:
    return postcode if " " in postcode else ""


class _Writer:
    """Collects the updates of each model and writes them in bulk with their history."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.pending: dict[type, dict[int, tuple[object, set[str]]]] = defaultdict(dict)
        self.touched_children: set[int] = set()

    def update(self, instance, values: dict) -> None:
        changed = {name for name, value in values.items() if getattr(instance, name) != value}
        if not changed:
            return
        for name in changed:
            setattr(instance, name, values[name])
        entry = self.pending[type(instance)].setdefault(id(instance), (instance, set()))
        entry[1].update(changed)
        self.touched_children.add(instance.pk if isinstance(instance, Child) else instance.child_id)

    def create(self, model, objects: list, report: ImportReport, label: str) -> None:
        if not objects:
            return
        for instance in objects:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        bulk_create_with_history(objects, model, batch_size=500, default_user=self.user)
        report.created[label] += len(objects)

    def flush(self, model, report: ImportReport, label: str) -> None:
        entries = list(self.pending.pop(model, {}).values())
        if not entries:
            return
        fields = set().union(*(names for _instance, names in entries)) | {"version", "updated_at"}
        now = timezone.now()
        objects = []
        for instance, _names in entries:
            instance.version += 1
            instance.updated_at = now
            instance.full_clean(validate_unique=False, validate_constraints=False)
            objects.append(instance)
        bulk_update_with_history(
            objects, model, sorted(fields), batch_size=500, default_user=self.user
        )
        report.updated[label] += len(objects)
