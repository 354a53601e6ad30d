"""The set-based measures selector (selectors.adoption_measures): which children count, the
entry to care it measures from, the window edges, the LA and UASC scoping, one query, and
agreement with the pure reference implementation (rules.measures_for)."""

import random
from datetime import date, timedelta

import pytest

from apps.adoption.rules import (
    ADM_TO_MATCH,
    ENTRY_TO_MOVED_IN,
    ENTRY_TO_PLAN,
    MEASURES,
    PLACEMENT_ORDER_TO_MATCH,
    PLAN_TO_ADM,
    CaseFacts,
    measures_for,
)
from apps.adoption.selectors import adoption_measure_rows, adoption_measures
from apps.adoption.services import adoption_case_create
from apps.children.models import PeriodOfCare
from tests.factories import ChildFactory, PeriodOfCareFactory

pytestmark = pytest.mark.django_db

START, END = date(2018, 8, 1), date(2019, 7, 31)


def route(entry: date, *, plan=30, adm=20, order=40, match=100, moved_in=14, order_made=True):
    """Milestones at the given day gaps after entry to care."""
    plan_on = entry + timedelta(days=plan)
    adm_on = plan_on + timedelta(days=adm)
    order_on = adm_on + timedelta(days=order) if order_made else None
    match_on = (order_on or adm_on) + timedelta(days=match)
    return {
        "adoption_plan_on": plan_on,
        "adm_decision_on": adm_on,
        "placement_order_on": order_on,
        "match_decision_on": match_on,
        "moved_in_on": match_on + timedelta(days=moved_in),
    }


def child_with_case(cast, milestones, *, entry, la=None, periods=(), **child_fields):
    la = la or cast.our_la
    child = ChildFactory(responsible_la=la, date_of_birth=date(2015, 1, 1), **child_fields)
    for start, end in periods:
        PeriodOfCareFactory(child=child, start_date=start, end_date=end, reason_end="E11")
    PeriodOfCareFactory(child=child, start_date=entry)
    return adoption_case_create(child=child, created_by=cast.social_worker, data=milestones)


def measures(cast, **kwargs):
    return adoption_measures(
        local_authority_id=cast.our_la.pk, period_start=START, period_end=END, **kwargs
    )


def figures(result):
    return (result.numerator, result.denominator, result.average)


def test_each_measure_of_one_child(cast):
    entry = date(2018, 6, 1)
    # Plan 01/07/2018, ADM 21/07/2018 (both before the window), placement order
    # 30/08/2018, match 08/12/2018, moved in 22/12/2018.
    child_with_case(cast, route(entry), entry=entry)
    results = measures(cast)
    assert figures(results[ENTRY_TO_MOVED_IN]) == (204, 1, 204)
    assert figures(results[PLACEMENT_ORDER_TO_MATCH]) == (100, 1, 100)
    assert figures(results[ADM_TO_MATCH]) == (140, 1, 140)
    assert figures(results[ENTRY_TO_PLAN]) == (0, 0, None)
    assert figures(results[PLAN_TO_ADM]) == (0, 0, None)


def test_window_edges_are_inclusive_and_end_events_decide(cast):
    # Moved in on the first and the last day of the window; one the day before, one after.
    for moved_in in (START, END, START - timedelta(days=1), END + timedelta(days=1)):
        entry = moved_in - timedelta(days=300)
        child_with_case(
            cast, route(entry, plan=50, adm=30, order=60, match=100, moved_in=60), entry=entry
        )
    result = measures(cast)[ENTRY_TO_MOVED_IN]
    assert figures(result) == (600, 2, 300)


def test_entry_is_the_start_of_the_period_of_care_during_which_the_child_moved_in(cast):
    entry = date(2018, 9, 3)
    milestones = route(entry, plan=10, adm=10, order=10, match=30, moved_in=10)
    # An earlier period of care, ended before this one began, does not count.
    child_with_case(cast, milestones, entry=entry, periods=[(date(2016, 1, 4), date(2017, 5, 1))])
    assert figures(measures(cast)[ENTRY_TO_MOVED_IN])[:2] == (70, 1)


def test_a_child_who_moved_in_outside_any_period_of_care_is_not_counted(cast):
    entry = date(2018, 9, 3)
    case = child_with_case(cast, route(entry), entry=entry)
    PeriodOfCare.objects.filter(child=case.child).update(start_date=date(2019, 6, 1))
    assert measures(cast)[ENTRY_TO_MOVED_IN].denominator == 0
    # ... though the measures between two milestones still count it.
    assert measures(cast)[PLACEMENT_ORDER_TO_MATCH].denominator == 1


def test_placement_order_to_match_counts_only_children_with_a_placement_order(cast):
    entry = date(2018, 6, 4)
    child_with_case(cast, route(entry, match=90), entry=entry)
    child_with_case(cast, route(entry, match=90, order_made=False), entry=entry)
    assert figures(measures(cast)[PLACEMENT_ORDER_TO_MATCH]) == (90, 1, 90)
    # The consent route still counts from the ADM decision to the match.
    assert figures(measures(cast)[ADM_TO_MATCH])[:2] == (130 + 90, 2)


def test_only_the_las_own_children_count(cast):
    entry = date(2018, 9, 3)
    child_with_case(cast, route(entry), entry=entry, la=cast.other_la)
    assert all(result.denominator == 0 for result in measures(cast).values())


def test_uasc_can_be_excluded(cast):
    entry = date(2018, 9, 3)
    child_with_case(cast, route(entry, match=60), entry=entry)
    child_with_case(cast, route(entry, match=120), entry=entry, is_uasc=True)
    assert figures(measures(cast)[PLACEMENT_ORDER_TO_MATCH]) == (180, 2, 90)
    assert figures(measures(cast, include_uasc=False)[PLACEMENT_ORDER_TO_MATCH]) == (60, 1, 60)


def test_a_disrupted_placement_still_counts_the_days_to_moving_in(cast):
    entry = date(2018, 9, 3)
    milestones = route(entry, plan=10, adm=10, order=10, match=30, moved_in=10)
    milestones |= {"disruption_on": date(2019, 3, 1), "disruption_note": "Ended"}
    child_with_case(cast, milestones, entry=entry)
    assert figures(measures(cast)[ENTRY_TO_MOVED_IN])[:2] == (70, 1)


def test_every_measure_has_a_result_with_its_threshold_when_there_are_no_children(cast):
    results = measures(cast)
    assert list(results) == [m.code for m in MEASURES]
    for measure in MEASURES:
        assert results[measure.code].threshold == measure.threshold
        assert figures(results[measure.code]) == (0, 0, None)


def test_one_query_whatever_the_number_of_children(cast, django_assert_num_queries):
    for n in range(3):
        entry = date(2018, 6, 4) + timedelta(days=n)
        child_with_case(cast, route(entry), entry=entry)
    with django_assert_num_queries(1):
        measures(cast)
    for n in range(30):
        entry = date(2018, 6, 4) + timedelta(days=n)
        child_with_case(cast, route(entry), entry=entry)
    with django_assert_num_queries(1):
        measures(cast)


def test_the_drill_down_lists_the_children_behind_the_figure(cast):
    entries = [date(2018, 6, 4), date(2018, 7, 2)]
    for entry in entries:
        child_with_case(cast, route(entry), entry=entry)
    rows = list(
        adoption_measure_rows(
            ENTRY_TO_MOVED_IN, local_authority_id=cast.our_la.pk, period_start=START, period_end=END
        )
    )
    assert [row.days for row in rows] == [204, 204]
    assert sum(row.days for row in rows) == measures(cast)[ENTRY_TO_MOVED_IN].numerator


def test_the_selector_agrees_with_the_pure_rules_on_a_random_cohort(cast):
    chooser = random.Random(20190731)
    facts = []
    for _ in range(40):
        entry = date(2017, 1, 2) + timedelta(days=chooser.randint(0, 800))
        milestones = route(
            entry,
            plan=chooser.randint(0, 200),
            adm=chooser.randint(0, 90),
            order=chooser.randint(0, 120),
            match=chooser.randint(0, 250),
            moved_in=chooser.randint(0, 60),
            order_made=chooser.random() < 0.8,
        )
        # Some cases have not got that far yet.
        cut = chooser.randint(1, 5)
        for field in list(milestones)[cut:]:
            milestones[field] = None
        if any(day and day > date(2020, 6, 30) for day in milestones.values()):
            continue
        child_with_case(cast, milestones, entry=entry)
        facts.append(CaseFacts(milestones, [(entry, None)]))
    assert measures(cast) == measures_for(facts, period_start=START, period_end=END)
