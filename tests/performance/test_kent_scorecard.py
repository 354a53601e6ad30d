"""Kent's published scorecard for July 2019 (tests/performance/fixtures/kent_scorecard_2019_07.csv):
from the published numerators and denominators, our pure rules and the seeded targets and
floors (DOMAIN.md 8, migration 0002) give the published results and RAG."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from apps.performance.models import Kpi
from apps.performance.rules import Direction, direction_of_travel, rag, result_of
from apps.performance.selectors import target_resolver

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "kent_scorecard_2019_07.csv"
# The published row names and our KPI codes.
CODES = {
    "IHA requests within 5 working days of entry": "IHA_REQUEST_5WD",
    "IHAs held within 20 working days": "IHA_HELD_20WD",
    "Health assessments in date": "HA_IN_DATE",
    "Dental checks in date": "DENTAL_IN_DATE",
    "Turned 18 in month with health history": "HEALTH_HISTORY_18",
    "Average SDQ score since 1 April": "SDQ_AVERAGE",
    "3+ placements in last 12 months": "PLACEMENTS_3PLUS",
    "Days entry to moved in with adopters": "ADOPTION_ENTRY_TO_MOVED_IN",
    "Days placement order to match": "ADOPTION_PO_TO_MATCH",
}
ROWS = list(csv.DictReader(FIXTURE.open()))
JULY_2019 = date(2019, 7, 31)

pytestmark = pytest.mark.django_db


def test_every_published_row_has_a_kpi():
    assert {row["kpi"] for row in ROWS} == set(CODES)


@pytest.mark.parametrize("row", ROWS, ids=[CODES[r["kpi"]] for r in ROWS])
def test_published_result_and_rag_from_published_counts(row, cast):
    kpi = Kpi.objects.get(code=CODES[row["kpi"]])
    assert kpi.polarity == row["polarity"]
    result = result_of(int(row["numerator"]), int(row["denominator"]), kpi.unit)
    assert result == Decimal(row["result"])

    target, floor = target_resolver(cast.our_la.pk)(kpi.code, JULY_2019)
    published_target = Decimal(row["target"]) if row["target"] else None
    assert target == published_target
    assert rag(
        value=result,
        polarity=kpi.polarity,
        target=target,
        floor=floor,
        denominator=int(row["denominator"]),
        activity_only=kpi.activity_only,
    ) == (row["rag"] or None)
    # The adoption KPIs are defined, with their published thresholds, but have no data yet.
    assert kpi.definition


@pytest.mark.parametrize("row", ROWS, ids=[CODES[r["kpi"]] for r in ROWS])
def test_direction_of_travel_against_the_published_previous_month(row):
    kpi = Kpi.objects.get(code=CODES[row["kpi"]])
    current, previous = Decimal(row["result"]), Decimal(row["previous_month"])
    expected = (
        Direction.SAME
        if current == previous
        else Direction.IMPROVING
        if (current > previous) == (kpi.polarity == "H")
        else Direction.WORSENING
    )
    assert (
        direction_of_travel(current=current, previous=previous, polarity=kpi.polarity) == expected
    )


def test_iha_held_is_red_because_it_is_below_the_floor(cast):
    target, floor = target_resolver(cast.our_la.pk)("IHA_HELD_20WD", JULY_2019)
    assert (target, floor) == (Decimal(85), Decimal(75))
    assert (
        rag(value=Decimal("62.4"), polarity="H", target=target, floor=floor, denominator=631) == "R"
    )
    # One point under the target would only be amber.
    assert (
        rag(value=Decimal("84.9"), polarity="H", target=target, floor=floor, denominator=631) == "A"
    )
