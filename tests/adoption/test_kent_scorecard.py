"""Reproduces the two adoption rows of Kent's Children in Care scorecard for July 2019
(tests/adoption/data/kent_scorecard_2019_07.csv, a copy of the published figures): a
synthetic cohort built to the published totals, computed through the selector over the
rolling 12 months ending 31 July 2019, prints the same numerator, denominator and result."""

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from apps.adoption.rules import ENTRY_TO_MOVED_IN, PLACEMENT_ORDER_TO_MATCH
from apps.adoption.selectors import adoption_measures
from apps.adoption.services import adoption_case_create
from apps.core.working_days import add_months
from tests.adoption.conftest import TYPICAL_ADOPTERS
from tests.factories import ChildFactory, PeriodOfCareFactory

pytestmark = pytest.mark.django_db

SCORECARD = Path(__file__).parent / "data" / "kent_scorecard_2019_07.csv"
PERIOD_END = date(2019, 7, 31)
# R12M: the 12 months to the reporting date, 1 August 2018 to 31 July 2019.
PERIOD_START = add_months(PERIOD_END, -12) + timedelta(days=1)


def published(kpi: str) -> dict[str, str]:
    with SCORECARD.open(newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["kpi"] == kpi)


def spread(total: int, count: int, low: int, high: int) -> list[int]:
    """``count`` whole numbers in [low, high], varied, summing to ``total``."""
    values = [low + (i * 37) % (high - low + 1) for i in range(count)]
    i = 0
    while (difference := total - sum(values)) != 0:
        step = 1 if difference > 0 else -1
        if low <= values[i % count] + step <= high:
            values[i % count] += step
        i += 1
    return values


def adopted_child(cast, *, entry, milestones, la=None):
    child = ChildFactory(
        responsible_la=la or cast.our_la,
        team=cast.team_a,
        date_of_birth=entry - timedelta(days=400),
    )
    PeriodOfCareFactory(child=child, start_date=entry)
    data = {**milestones}
    if data.get("adoption_order_on"):
        data = {**TYPICAL_ADOPTERS, **data}
    if data.get("plan_changed_on"):
        data.setdefault("plan_changed_reason", "RD4")
    return adoption_case_create(child=child, created_by=cast.social_worker, data=data)


def build_cohort(cast, *, moved_in_days: list[int], order_to_match_days: list[int]) -> None:
    """One child per entry-to-moved-in figure; the first len(order_to_match_days) of them
    had a placement order, the rest were placed with parental consent (no order)."""
    for i, days_to_move in enumerate(moved_in_days):
        match_on = PERIOD_START + timedelta(days=4 * i)
        moved_in_on = match_on + timedelta(days=14 + i % 30)
        entry = moved_in_on - timedelta(days=days_to_move)
        if i < len(order_to_match_days):
            order_on = match_on - timedelta(days=order_to_match_days[i])
            adm_on = order_on - timedelta(days=35)
        else:
            order_on = None
            adm_on = match_on - timedelta(days=60)
        milestones = {
            "adoption_plan_on": adm_on - timedelta(days=42),
            "adm_decision_on": adm_on,
            "placement_order_on": order_on,
            "match_decision_on": match_on,
            "moved_in_on": moved_in_on,
        }
        assert entry <= milestones["adoption_plan_on"], "cohort must be in route order"
        adopted_child(cast, entry=entry, milestones=milestones)


def build_noise(cast) -> None:
    """Children who must not count: another LA's, and ours whose match and move-in fall
    either side of the window or have not happened."""
    inside = {
        "adoption_plan_on": date(2018, 3, 1),
        "adm_decision_on": date(2018, 4, 1),
        "placement_order_on": date(2018, 6, 1),
        "match_decision_on": date(2018, 10, 1),
        "moved_in_on": date(2018, 10, 20),
    }
    adopted_child(cast, entry=date(2018, 1, 8), milestones=inside, la=cast.other_la)
    adopted_child(
        cast,
        entry=date(2017, 9, 4),
        milestones={
            **inside,
            "match_decision_on": date(2018, 7, 10),
            "moved_in_on": PERIOD_START - timedelta(days=1),
        },
    )
    adopted_child(
        cast,
        entry=date(2018, 9, 3),
        milestones={
            "adoption_plan_on": date(2018, 12, 1),
            "adm_decision_on": date(2019, 1, 10),
            "placement_order_on": date(2019, 3, 1),
            "match_decision_on": PERIOD_END + timedelta(days=1),
            "moved_in_on": PERIOD_END + timedelta(days=10),
        },
    )
    adopted_child(
        cast,
        entry=date(2018, 9, 3),
        milestones={"adoption_plan_on": date(2018, 12, 1), "adm_decision_on": date(2019, 1, 10)},
    )
    adopted_child(
        cast,
        entry=date(2018, 5, 8),
        milestones={
            "adoption_plan_on": date(2018, 8, 1),
            "plan_changed_on": date(2019, 2, 1),
            "plan_changed_note": "Special guardianship with grandparents",
        },
    )


def test_kent_july_2019_adoption_rows_are_reproduced(cast):
    moved_in = published("Days entry to moved in with adopters")
    order_to_match = published("Days placement order to match")
    assert (moved_in["period"], order_to_match["period"]) == ("R12M", "R12M")
    moved_in_days = spread(int(moved_in["numerator"]), int(moved_in["denominator"]), 280, 440)
    order_days = spread(
        int(order_to_match["numerator"]), int(order_to_match["denominator"]), 60, 150
    )
    build_cohort(cast, moved_in_days=moved_in_days, order_to_match_days=order_days)
    build_noise(cast)

    results = adoption_measures(
        local_authority_id=cast.our_la.pk, period_start=PERIOD_START, period_end=PERIOD_END
    )

    for code, row in ((ENTRY_TO_MOVED_IN, moved_in), (PLACEMENT_ORDER_TO_MATCH, order_to_match)):
        result = results[code]
        assert (result.numerator, result.denominator, result.average) == (
            int(row["numerator"]),
            int(row["denominator"]),
            Decimal(row["result"]),
        ), code
        # Lower is better; Kent's target is the national threshold, and the row is Green.
        assert result.threshold == int(row["target"])
        assert row["rag"] == "G" and result.within_threshold


def test_the_published_rows_are_the_ones_reproduced():
    assert published("Days entry to moved in with adopters")["numerator"] == "27762"
    assert published("Days entry to moved in with adopters")["denominator"] == "77"
    assert published("Days placement order to match")["numerator"] == "8290"
    assert published("Days placement order to match")["denominator"] == "75"
