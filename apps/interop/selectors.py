"""The SSDA903 return for one collection year (1 April to 31 March), built from our records.

Episodes are derived: a new 903 episode starts at the start of a period of care, at each new
placement and at each change of legal status, so a placement that spans a change of legal
status is two episodes (RNE L for the second). Episodes still open on 31 March are returned
open (no DEC/REC), as the DfE asks; episodes that ended before 1 April are left out.

OC2 (children looked after continuously for 12 months at 31 March) comes from the health
records: the year's latest SDQ, dental checks, immunisation status and statutory health
assessments, plus the convictions and substance misuse items of ``AnnualOutcome``. Where we
hold no health record of an item for the year, the value an imported return gave for it
(``AnnualOutcome.reported_*``) is used, so that import -> export is identical; items we hold
nothing for are left blank (or 0 for the flags the DfE wants 0 or 1), never guessed.

AD1 and PlacedAdoption come from the children's adoption cases (apps.adoption): a
PlacedAdoption row for each decision that the child should be placed for adoption (the ADM
decision) in force at some time in the year, with its reversal (the plan changed away from
adoption) if that happened by 31 March; an AD1 row for each child adopted in the year (a
period of care that ended E11 or E12). What the DfE's rules need and we do not hold (an
adopted child with no case, a case without its adopters) is left blank, so the validator
flags it, and listed in the export's notes.
"""

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import QuerySet

from apps.assessments.models import Assessment, DentalCheck, ImmunisationRecord, SdqRecord
from apps.assessments.models.records import ImmunisationStatus
from apps.children.models import AnnualOutcome, Child, LegalStatusChange, PeriodOfCare
from apps.core.services import today as local_today
from apps.core.spreadsheets import neutralise_formula
from apps.core.working_days import date_of_age
from apps.interop import codes
from apps.placements.models import Placement

SHORT_BREAK_STATUSES = {"V3", "V4"}


@dataclass(frozen=True)
class CollectionYear:
    """The year to 31 March of ``ending``: 1 April (ending - 1) to 31 March (ending)."""

    ending: int

    @property
    def start(self) -> date:
        return date(self.ending - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.ending, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.ending - 1}/{self.ending % 100:02d}"

    @classmethod
    def parse(cls, value: str) -> "CollectionYear":
        """'2026' or '2025/26' or '2025-26' (the year ending 31 March 2026)."""
        value = value.strip()
        for separator in ("/", "-"):
            if separator in value:
                first, second = value.split(separator, 1)
                ending = int(first) + 1
                if int(second) % 100 != ending % 100:
                    raise ValueError(f"{value} is not a collection year")
                return cls(ending)
        return cls(int(value))

    @classmethod
    def latest_complete(cls, today: date | None = None) -> "CollectionYear":
        today = today or local_today()
        return cls(today.year if today >= date(today.year, 4, 1) else today.year - 1)


@dataclass
class Export:
    year: CollectionYear
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # For each Episodes row, in order: the period of care and placement it comes from.
    episode_sources: list[tuple[int, int | None]] = field(default_factory=list)

    def csv_text(self, table: str) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(codes.COLUMNS[table])
        writer.writerows([neutralise_formula(cell) for cell in row] for row in self.tables[table])
        return buffer.getvalue()

    def write_directory(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for table in self.tables:
            path = directory / codes.FILE_NAMES[table]
            path.write_text(self.csv_text(table), encoding="utf-8")
            written.append(path)
        return written

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in self.tables:
                archive.writestr(codes.FILE_NAMES[table], self.csv_text(table))
            archive.writestr("README.txt", "\n".join(self.notes) + "\n")
        return buffer.getvalue()


@dataclass
class _Episode:
    start: date
    end: date | None
    rne: str
    legal_status: str
    placement: Placement | None
    rec: str = ""
    reason_place_change: str = ""


def _episodes(
    period: PeriodOfCare, placements: list[Placement], changes: list[LegalStatusChange]
) -> list[_Episode]:
    """Every 903 episode of one period of care, from its start to its end (or today)."""

    def status_on(day: date) -> str:
        status = period.legal_status
        for change in changes:
            if change.start_date <= day:
                status = change.legal_status
        return status

    def placement_on(day: date) -> Placement | None:
        current = None
        for placement in placements:
            if placement.start_date <= day:
                current = placement
        return current

    def inside(day: date) -> bool:
        return period.start_date < day and (period.end_date is None or day < period.end_date)

    placement_starts = {p.start_date for p in placements}
    boundaries = sorted(
        {period.start_date}
        | {day for day in placement_starts if inside(day)}
        | {c.start_date for c in changes if inside(c.start_date)}
    )
    episodes: list[_Episode] = []
    for day in boundaries:
        status = status_on(day)
        placement = placement_on(day)
        if episodes:
            previous = episodes[-1]
            placement_changed = day in placement_starts
            status_changed = status != previous.legal_status
            if not placement_changed and not status_changed:
                continue  # a recorded change that changes nothing
            same_carer = placement is not None and placement.same_carer
            if placement_changed and status_changed:
                rne = "U" if same_carer else "B"
            elif placement_changed:
                rne = "T" if same_carer else "P"
            else:
                rne = "L"
            previous.end = day
            previous.rec = codes.EPISODE_CONTINUES
            if placement_changed and previous.placement is not None:
                previous.reason_place_change = previous.placement.reason_place_change
        else:
            rne = period.reason_new_episode
        episodes.append(_Episode(day, None, rne, status, placement))
    if episodes and period.end_date is not None:
        episodes[-1].end = period.end_date
        episodes[-1].rec = period.reason_end
    return episodes


def _flag(value: bool | None) -> str:
    return codes.format_flag(value)


def build_export(children: QuerySet[Child], year: CollectionYear) -> Export:
    """The Header, Episodes, UASC and OC2 tables for ``children`` (one LA's, through the
    access selector) in the collection year."""
    export = Export(year)
    start, end = year.start, year.end
    children_by_id = {
        c.pk: c
        for c in children.filter(periods_of_care__start_date__lte=end)
        .distinct()
        .order_by("la_child_id")
    }
    ids = list(children_by_id)
    periods: dict[int, list[PeriodOfCare]] = defaultdict(list)
    placements: dict[int, list[Placement]] = defaultdict(list)
    changes: dict[int, list[LegalStatusChange]] = defaultdict(list)
    for chunk_start in range(0, len(ids), 2000):
        chunk = ids[chunk_start : chunk_start + 2000]
        for period in PeriodOfCare.objects.filter(child_id__in=chunk, start_date__lte=end).exclude(
            end_date__lt=start
        ):
            periods[period.child_id].append(period)
        for placement in Placement.objects.filter(child_id__in=chunk).order_by("start_date"):
            placements[placement.period_of_care_id].append(placement)
        for change in LegalStatusChange.objects.filter(child_id__in=chunk).order_by("start_date"):
            changes[change.period_of_care_id].append(change)

    episode_rows: list[list[str]] = []
    in_return: list[Child] = []
    continuous: list[Child] = []
    for child_id, child in children_by_id.items():
        child_rows = []
        child_sources = []
        short_break_in_year = False
        continuous_period = False
        for period in sorted(periods.get(child_id, []), key=lambda p: p.start_date):
            for episode in _episodes(period, placements[period.pk], changes[period.pk]):
                if episode.start > end or (episode.end is not None and episode.end < start):
                    continue
                if episode.legal_status in SHORT_BREAK_STATUSES:
                    short_break_in_year = True
                closed = episode.end is not None and episode.end <= end
                placement = episode.placement
                child_sources.append((period.pk, placement.pk if placement else None))
                child_rows.append(
                    [
                        child.la_child_id,
                        codes.format_date(episode.start),
                        episode.rne,
                        episode.legal_status,
                        period.category_of_need,
                        placement.place if placement else "",
                        placement.place_provider if placement else "",
                        codes.format_date(episode.end) if closed else "",
                        episode.rec if closed else "",
                        episode.reason_place_change if closed else "",
                        placement.home_postcode if placement else "",
                        (placement.placement_postcode or placement.postcode_district)
                        if placement
                        else "",
                        placement.urn if placement else "",
                    ]
                )
            # Looked after continuously for 12 months at 31 March (as the DfE's validator
            # reads it): in care on 1 April and not ceased before 31 March.
            if period.start_date <= start and (period.end_date is None or period.end_date >= end):
                continuous_period = True
        if not child_rows:
            continue
        episode_rows.extend(child_rows)
        export.episode_sources.extend(child_sources)
        in_return.append(child)
        if continuous_period and not short_break_in_year:
            continuous.append(child)

    export.tables[codes.HEADER] = [
        [
            child.la_child_id,
            codes.SEX_FROM_MODEL[child.sex],
            codes.format_date(child.date_of_birth),
            child.ethnicity,
            child.upn,
            _flag(child.is_mother) if child.sex == "2" else "",
            codes.format_date(child.mother_child_dob),
        ]
        for child in in_return
    ]
    export.tables[codes.EPISODES] = episode_rows
    export.tables[codes.UASC] = [
        [
            child.la_child_id,
            codes.SEX_FROM_MODEL[child.sex],
            codes.format_date(child.date_of_birth),
            codes.format_date(child.uasc_ceased_on),
        ]
        for child in in_return
        if child.is_uasc
    ]
    export.tables[codes.OC2] = _oc2_rows(continuous, year)
    adoption_problems: list[str] = []
    export.tables[codes.AD1], export.tables[codes.PLACED_ADOPTION] = _adoption_rows(
        in_return, periods, year, adoption_problems
    )
    export.notes = [
        f"SSDA903 return {year.label} ({start:%d/%m/%Y} to {end:%d/%m/%Y}): "
        f"{len(in_return)} children, {len(episode_rows)} episodes, "
        f"{len(export.tables[codes.UASC])} UASC, {len(export.tables[codes.OC2])} OC2, "
        f"{len(export.tables[codes.AD1])} AD1, "
        f"{len(export.tables[codes.PLACED_ADOPTION])} PlacedAdoption.",
        *adoption_problems,
    ]
    return export


def _adoption_rows(
    children: list[Child],
    periods: dict[int, list[PeriodOfCare]],
    year: CollectionYear,
    problems: list[str],
) -> tuple[list[list[str]], list[list[str]]]:
    """The AD1 and PlacedAdoption rows of the children in the return (see the module text);
    ``problems`` gets a line for each item the DfE needs that we do not hold."""
    from apps.adoption.models import AdoptionCase

    start, end = year.start, year.end
    ids = [c.pk for c in children]
    cases = {}
    for chunk_start in range(0, len(ids), 2000):
        for case in AdoptionCase.objects.filter(child_id__in=ids[chunk_start : chunk_start + 2000]):
            cases[case.child_id] = case
    ad1_rows, placed_rows = [], []
    for child in children:
        case = cases.get(child.pk)
        dob = codes.format_date(child.date_of_birth)
        child_periods = sorted(periods.get(child.pk, []), key=lambda p: p.start_date)
        adopted = any(
            p.reason_end in codes.ADOPTED and p.end_date and start <= p.end_date <= end
            for p in child_periods
        )
        decision = case.adm_decision_on if case else None
        if decision is not None and decision <= end:
            ceased = (
                case.plan_changed_on
                if case.plan_changed_on and case.plan_changed_on <= end
                else None
            )
            # The start of the first period in the return that we hold from its start (RNE
            # S): the DfE's rule 1003 refuses a decision before it.
            starts = [p.start_date for p in child_periods if p.reason_new_episode == "S"]
            if ceased is not None and ceased < start:
                pass  # reversed before the year: not in force in it
            elif starts and decision < starts[0]:
                problems.append(
                    f"Child {child.la_child_id}: the decision to place for adoption "
                    f"({decision:%d/%m/%Y}) is before the periods of care in this return; "
                    "it is not returned."
                )
            else:
                placed_rows.append(
                    [
                        child.la_child_id,
                        dob,
                        codes.format_date(decision),
                        codes.format_date(ceased),
                        case.plan_changed_reason if ceased else "",
                    ]
                )
        if not adopted:
            continue
        if case is None or decision is None:
            problems.append(
                f"Child {child.la_child_id}: adopted in the year, but no adoption case with the "
                "decision to place for adoption is recorded (AD1 left blank)."
            )
            ad1_rows.append([child.la_child_id, dob, "", "", "", "", "", ""])
            continue
        missing = [
            label
            for label, value in (
                ("the match", case.match_decision_on),
                ("who adopted", case.adopters_sex),
                ("the adopters' legal status", case.adopters_legal_status),
                ("whether the foster carers adopted", case.adopted_by_foster_carers),
            )
            if value in (None, "")
        ]
        if missing:
            problems.append(
                f"Child {child.la_child_id}: adopted in the year; not recorded: {', '.join(missing)}."
            )
        adopters = case.number_of_adopters
        ad1_rows.append(
            [
                child.la_child_id,
                dob,
                codes.format_date(decision),
                codes.format_date(case.match_decision_on),
                _flag(case.adopted_by_foster_carers),
                str(adopters) if adopters else "",
                case.adopters_sex,
                case.adopters_legal_status,
            ]
        )
    return ad1_rows, placed_rows


class _Reported:
    """The health items of an imported OC2 row (AnnualOutcome.reported_*), False when none."""

    def __init__(self, outcome: AnnualOutcome | None) -> None:
        self.health_check = bool(outcome and outcome.reported_health_check)
        self.immunisations = bool(outcome and outcome.reported_immunisations)
        self.teeth_check = bool(outcome and outcome.reported_teeth_check)
        self.health_assessment = bool(outcome and outcome.reported_health_assessment)


def _oc2_rows(children: list[Child], year: CollectionYear) -> list[list[str]]:
    start, end = year.start, year.end
    ids = [c.pk for c in children]
    latest_sdq: dict[int, SdqRecord] = {}
    for record in SdqRecord.objects.filter(
        child_id__in=ids, completed_on__gte=start, completed_on__lte=end
    ).order_by("completed_on", "id"):
        latest_sdq[record.child_id] = record
    immunisation: dict[int, str] = {}
    # Our records first; an imported return's value only where we hold no record.
    for record in ImmunisationRecord.objects.filter(child_id__in=ids, checked_on__lte=end).order_by(
        "checked_on", "id"
    ):
        immunisation[record.child_id] = record.status
    teeth = set(
        DentalCheck.objects.filter(
            child_id__in=ids, checked_on__gte=start, checked_on__lte=end
        ).values_list("child_id", flat=True)
    )
    assessed = set(
        Assessment.objects.filter(
            child_id__in=ids, held_on__gte=start, held_on__lte=end
        ).values_list("child_id", flat=True)
    )
    ever_assessed = set(
        Assessment.objects.filter(child_id__in=ids, held_on__lte=end).values_list(
            "child_id", flat=True
        )
    )
    # Overdue at 31 March: due by then and not held by then (unless declined or not needed).
    overdue = set(
        Assessment.objects.filter(
            child_id__in=ids,
            due_date__lte=end,
            declined_on__isnull=True,
            not_required_reason="",
        )
        .exclude(held_on__lte=end)
        .values_list("child_id", flat=True)
    )
    outcomes = {
        o.child_id: o for o in AnnualOutcome.objects.filter(child_id__in=ids, year_ending=end)
    }
    rows = []
    for child in children:
        dob = child.date_of_birth
        outcome = outcomes.get(child.pk)
        reported = _Reported(outcome)
        sdq_score = sdq_reason = ""
        # SDQ for children 4 or over by 31 March and under 17 on 1 April (DfE rules 186-189).
        if date_of_age(dob, 4) <= end and date_of_age(dob, 17) > start:
            record = latest_sdq.get(child.pk)
            if record is not None and record.total_score is not None:
                sdq_score = str(record.total_score)
            elif record is not None:
                sdq_reason = record.reason_not_completed
            elif outcome is not None and outcome.reported_sdq_score is not None:
                sdq_score = str(outcome.reported_sdq_score)
            elif outcome is not None:
                sdq_reason = outcome.reported_sdq_reason
        convicted = ""
        if outcome is not None and date_of_age(dob, 10) <= end:
            convicted = _flag(outcome.convicted)
        health_check = ""
        if date_of_age(dob, 5) > end:
            if child.pk in ever_assessed:
                health_check = _flag(child.pk not in overdue)
            else:
                health_check = _flag(reported.health_check)
        if child.pk in immunisation:
            immunised = immunisation[child.pk] == ImmunisationStatus.UP_TO_DATE
        else:
            immunised = reported.immunisations
        rows.append(
            [
                child.la_child_id,
                codes.format_date(dob),
                sdq_score,
                sdq_reason,
                convicted,
                health_check,
                _flag(immunised),
                _flag(child.pk in teeth or reported.teeth_check),
                _flag(child.pk in assessed or reported.health_assessment),
                _flag(outcome.substance_misuse) if outcome else "",
                _flag(outcome.intervention_received) if outcome else "",
                _flag(outcome.intervention_offered) if outcome else "",
            ]
        )
    return rows


def readiness_of(children: QuerySet[Child], year: CollectionYear) -> dict[int, list]:
    """For each child of ``children`` in the return for ``year``: the problems the DfE's
    rules would find (apps.interop.readiness), from the rows the export writes. Children
    not in the return are left out."""
    from apps.interop import readiness

    export = build_export(children, year)
    by_reference = {
        c.la_child_id: c
        for c in children.filter(periods_of_care__isnull=False).select_related("responsible_la")
    }
    columns = codes.COLUMNS
    episodes: dict[str, list[dict]] = defaultdict(list)
    sources: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    for row, source in zip(export.tables[codes.EPISODES], export.episode_sources, strict=True):
        episodes[row[0]].append(dict(zip(columns[codes.EPISODES], row, strict=True)))
        sources[row[0]].append(source)
    placement_ids = {pid for source in export.episode_sources if (pid := source[1])}
    period_ids = {source[0] for source in export.episode_sources}
    placement_starts = dict(
        Placement.objects.filter(pk__in=placement_ids).values_list("pk", "start_date")
    )
    period_starts = dict(
        PeriodOfCare.objects.filter(pk__in=period_ids).values_list("pk", "start_date")
    )
    oc2 = {
        row[0]: dict(zip(columns[codes.OC2], row, strict=True)) for row in export.tables[codes.OC2]
    }
    uasc = {row[0] for row in export.tables[codes.UASC]}
    result = {}
    for row in export.tables[codes.HEADER]:
        reference = row[0]
        child = by_reference[reference]
        local_authority = child.responsible_la.ons_code
        facts = readiness.ChildReturn(
            reference=reference,
            header=dict(zip(columns[codes.HEADER], row, strict=True)),
            episodes=[
                readiness.Episode(
                    row=episode,
                    period_of_care_id=period_id,
                    period_start=period_starts[period_id],
                    placement_id=placement_id,
                    placement_start=placement_starts.get(placement_id),
                    place=_place(episode["PL_POST"], episode["HOME_POST"], local_authority),
                )
                for episode, (period_id, placement_id) in zip(
                    episodes[reference], sources[reference], strict=True
                )
            ],
            oc2=oc2.get(reference),
            is_uasc=reference in uasc,
            date_of_birth=child.date_of_birth,
            local_authority=local_authority,
        )
        result[child.pk] = readiness.problems(facts, year_start=year.start, year_end=year.end)
    return result


def _place(placement_postcode: str, home_postcode: str, local_authority: str):
    """The ONS postcode directory's facts for one episode's postcodes (None when the
    directory is not installed)."""
    from apps.core import postcodes
    from apps.interop import readiness

    found = postcodes.directory()
    if found is None:
        return None
    placement, home, derived = found.derive(placement_postcode, home_postcode, local_authority)
    return readiness.Place(
        placement_listed=placement is not None,
        home_listed=home is not None,
        derived=derived,
        area_name=found.name(derived.local_authority),
    )


def current_collection_year(today: date | None = None) -> CollectionYear:
    """The collection year in progress (the 2026-27 return from 1 April 2026)."""
    today = today or local_today()
    return CollectionYear(today.year + 1 if today >= date(today.year, 4, 1) else today.year)


def import_job_for_user(user, job_id):
    """The user's own import job for their LA, or None: another's job (even in the same LA)
    is not theirs to know of."""
    from apps.interop.models import ImportJob

    if user.organisation_id is None:
        return None
    return ImportJob.objects.filter(
        pk=job_id, requested_by=user, local_authority_id=user.organisation_id
    ).first()


def recent_import_jobs(user, limit: int = 5):
    from apps.interop.models import ImportJob

    return ImportJob.objects.filter(
        requested_by=user, local_authority_id=user.organisation_id
    ).order_by("-created_at")[:limit]
