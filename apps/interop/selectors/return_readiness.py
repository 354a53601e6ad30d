"""What the DfE's rules would find in each child's rows of the return
(apps.interop.readiness), with the postcode directory's facts."""

from collections import defaultdict

from django.db.models import QuerySet

from apps.children.models import Child, PeriodOfCare
from apps.interop import codes
from apps.interop.selectors.base import CollectionYear
from apps.interop.selectors.export import build_export
from apps.placements.models import Placement


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
