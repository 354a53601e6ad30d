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
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.children.models import AnnualOutcome, Child, LegalStatusChange, PeriodOfCare
from apps.core.services import today as local_today
from apps.interop import codes
from apps.interop.importer.checks import PlanChecks
from apps.interop.importer.episodes import ImportReport, _PlannedPeriod
from apps.interop.importer.writing import PlanWrites
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

# The import is in three parts: episodes (the reports and the plan of each child's periods
# and placements), checks (against the files and our records) and writing (the bulk writes).
__all__ = ["ImportReport", "import_903"]


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


class _Plan(PlanChecks, PlanWrites):
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
