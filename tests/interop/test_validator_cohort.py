"""Cross-check with the DfE's validator: a cohort recorded through the API alone, with the
items the forms ask for, exports with 0 errors and round-trips; a cohort with deliberate gaps
has each gap in our readiness list and flagged by the validator on the same child, and every
validator error on a child is named by our readiness module."""

import random
from datetime import date

import pytest
import time_machine

from apps.children.models import Child
from apps.interop import codes
from apps.interop.importer import import_903
from apps.interop.selectors import CollectionYear, build_export, readiness_of
from tests.interop import api_cohort
from tests.interop.helpers import files
from tests.interop.validator import validate

pytestmark = pytest.mark.django_db
YEAR = CollectionYear(2026)


@pytest.fixture(autouse=True)
def after_the_year():
    with time_machine.travel(date(2026, 5, 11), tick=False):
        yield


def _cohort(cast, api, **kwargs):
    recorded = api_cohort.build(api(cast.social_worker), team_id=cast.team_a.pk, **kwargs)
    children = Child.objects.filter(responsible_la=cast.our_la)
    return recorded, children, build_export(children, YEAR)


def test_a_cohort_recorded_through_the_api_has_no_validator_errors_and_round_trips(
    cast, api, tmp_path
):
    recorded, children, export = _cohort(cast, api, count=32, seed=19)
    assert len(export.tables[codes.HEADER]) == 32
    assert len(export.tables[codes.OC2]) >= 15

    results = validate(export, tmp_path / "cohort")

    assert results["total"] == 0, results
    readiness = readiness_of(children, YEAR)
    assert {child_id: problems for child_id, problems in readiness.items() if problems} == {}

    Child.objects.filter(responsible_la=cast.other_la).delete()
    report = import_903(
        local_authority=cast.other_la,
        files=files(**{codes.FILE_NAMES[t][:-4]: export.csv_text(t) for t in codes.EXPORT_TABLES}),
        year=YEAR,
    )
    assert report.ok, report.errors[:5]
    again = build_export(Child.objects.filter(responsible_la=cast.other_la), YEAR)
    for table in codes.EXPORT_TABLES:
        assert again.csv_text(table) == export.csv_text(table), table


def test_each_gap_is_in_our_readiness_list_and_flagged_by_the_validator_on_that_child(
    cast, api, tmp_path
):
    gaps = list(api_cohort.GAPS)
    recorded, children, export = _cohort(cast, api, count=len(gaps) + 4, seed=1903, gaps=gaps)

    results = validate(export, tmp_path / "gaps")
    _agree(recorded, readiness_of(children, YEAR), results)


@pytest.mark.parametrize("seed", [7, 41, 2027])
def test_generated_cohorts_what_we_call_ready_the_validator_passes_and_what_it_flags_we_name(
    cast, api, tmp_path, seed
):
    """Property-style: children drawn at random, each with no gap or one gap drawn at random
    (so gaps meet every kind of child: girls and boys, UASC or not, moved, left care, 10 or
    older), built through the API alone; whatever the draw, our readiness module and the
    DfE's validator agree child by child."""
    rng = random.Random(seed)
    count = rng.randint(12, 18)
    gaps = [rng.choice([*api_cohort.GAPS, "", "", "", ""]) for _ in range(count)]
    recorded, children, export = _cohort(cast, api, count=count, seed=seed, gaps=gaps)
    results = validate(export, tmp_path / f"generated-{seed}")
    _agree(recorded, readiness_of(children, YEAR), results)
    assert any(child.gap for child in recorded) and any(not child.gap for child in recorded)


def _agree(recorded, readiness, results) -> None:
    """Each gap is named by us and flagged by the validator on that child; every rule the
    validator flags on a child is one we name for it; a child we call ready has no
    validator error."""
    flagged: dict[str, set[str]] = {}
    for reference, code in results["flagged"]:
        flagged.setdefault(reference, set()).add(code)
    named = {
        child.reference: {rule for p in readiness[child.child_id] for rule in p.rules}
        for child in recorded
    }
    for child in recorded:
        if child.gap:
            rule = api_cohort.GAPS[child.gap]
            assert rule in named[child.reference], (child.gap, named[child.reference])
            assert rule in flagged.get(child.reference, set()), (child.gap, flagged)
        assert flagged.get(child.reference, set()) <= named[child.reference], (
            child.gap,
            flagged.get(child.reference),
            named[child.reference],
        )
        if not named[child.reference]:
            assert child.reference not in flagged, (child.gap, flagged[child.reference])
