"""The return: the Header, Episodes and UASC tables built from the periods of care,
placements and legal status changes, with OC2, AD1 and PlacedAdoption."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from apps.children.models import Child, LegalStatusChange, PeriodOfCare
from apps.interop import codes
from apps.interop.selectors.adoption_tables import _adoption_rows
from apps.interop.selectors.base import CollectionYear, Export, _flag
from apps.interop.selectors.oc2 import _oc2_rows
from apps.placements.models import Placement

SHORT_BREAK_STATUSES = {"V3", "V4"}


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
