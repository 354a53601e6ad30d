"""The pure adoption rules (apps.adoption.rules): milestone order, due dates, status and the
timeliness measures. No database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.adoption import rules
from apps.adoption.rules import (
    ADM_TO_MATCH,
    ENTRY_TO_MOVED_IN,
    ENTRY_TO_PLAN,
    MEASURES_BY_CODE,
    PLACEMENT_ORDER_TO_MATCH,
    PLAN_TO_ADM,
    CaseFacts,
    Stage,
    average_days,
    case_stage,
    days_for,
    entry_to_care,
    measures_for,
    milestone_errors,
    work_item_due,
    work_item_status,
)
from apps.assessments.rules.status import ClockStatus

BIRTH = date(2018, 3, 10)
TODAY = date(2021, 6, 30)

# A complete, well-ordered route.
ROUTE = {
    "adoption_plan_on": date(2019, 1, 10),
    "adm_decision_on": date(2019, 2, 20),
    "placement_order_on": date(2019, 4, 1),
    "match_decision_on": date(2019, 7, 15),
    "moved_in_on": date(2019, 8, 1),
    "adoption_order_on": date(2020, 2, 3),
}


def errors(**values):
    return milestone_errors(values, date_of_birth=BIRTH, today=TODAY)


# ---------------------------------------------------------------------------------------
# Milestone order


def test_a_complete_route_in_order_has_no_errors():
    assert errors(**ROUTE) == {}


def test_no_milestones_at_all_is_fine():
    assert errors() == {}


def test_every_milestone_on_the_same_day_is_in_order():
    day = date(2020, 1, 1)
    assert errors(**dict.fromkeys(ROUTE, day)) == {}


@pytest.mark.parametrize("field", rules.MILESTONE_FIELDS)
def test_a_milestone_in_the_future_is_refused_naming_the_field(field):
    result = milestone_errors({field: TODAY + timedelta(days=1)}, date_of_birth=BIRTH, today=TODAY)
    assert result[field] == f"{rules.LABELS[field]} cannot be in the future."


def test_a_milestone_today_is_not_in_the_future():
    assert "adoption_plan_on" not in errors(adoption_plan_on=TODAY)


@pytest.mark.parametrize("field", rules.MILESTONE_FIELDS)
def test_a_milestone_before_birth_is_refused_naming_the_field(field):
    result = milestone_errors({field: BIRTH - timedelta(days=1)}, date_of_birth=BIRTH, today=TODAY)
    assert result[field].endswith("cannot be before the child's date of birth (10/03/2018).")


def test_the_plan_on_the_day_of_birth_is_allowed():
    assert errors(adoption_plan_on=BIRTH) == {}


def test_adm_decision_before_the_plan_is_refused():
    result = errors(adoption_plan_on=date(2019, 3, 1), adm_decision_on=date(2019, 2, 28))
    assert result == {
        "adm_decision_on": "ADM decision (28/02/2019) cannot be before the adoption plan (01/03/2019)."
    }


def test_adm_decision_without_a_plan_is_refused():
    assert errors(adm_decision_on=date(2019, 3, 1)) == {
        "adm_decision_on": "ADM decision needs the adoption plan recorded first."
    }


def test_placement_order_needs_the_adm_decision():
    result = errors(adoption_plan_on=date(2019, 1, 1), placement_order_on=date(2019, 3, 1))
    assert result == {
        "placement_order_on": "Placement order needs the ADM decision recorded first."
    }


def test_placement_order_before_the_adm_decision_is_refused():
    route = {**ROUTE, "placement_order_on": date(2019, 2, 19)}
    assert list(errors(**route)) == ["placement_order_on"]


def test_match_before_the_placement_order_is_refused():
    route = {**ROUTE, "match_decision_on": date(2019, 3, 31)}
    assert errors(**route) == {
        "match_decision_on": "Match (31/03/2019) cannot be before the placement order (01/04/2019)."
    }


def test_match_without_a_placement_order_is_the_consent_route_and_allowed():
    route = {**ROUTE, "placement_order_on": None}
    assert errors(**route) == {}


def test_match_before_the_adm_decision_is_refused_even_without_a_placement_order():
    route = {**ROUTE, "placement_order_on": None, "match_decision_on": date(2019, 2, 1)}
    assert list(errors(**route)) == ["match_decision_on"]


def test_moving_in_needs_a_match():
    route = {**ROUTE, "match_decision_on": None, "adoption_order_on": None}
    assert errors(**route) == {
        "moved_in_on": "Moving in with adopters needs the match recorded first."
    }


def test_moving_in_before_the_match_is_refused():
    route = {**ROUTE, "moved_in_on": date(2019, 7, 14), "adoption_order_on": None}
    assert list(errors(**route)) == ["moved_in_on"]


def test_adoption_order_before_moving_in_is_refused():
    route = {**ROUTE, "adoption_order_on": date(2019, 7, 31)}
    assert list(errors(**route)) == ["adoption_order_on"]


def test_adoption_order_without_moving_in_is_refused():
    route = {**ROUTE, "moved_in_on": None}
    assert list(errors(**route)) == ["adoption_order_on"]


def test_disruption_after_moving_in_with_a_note_is_allowed():
    route = {**ROUTE, "adoption_order_on": None, "disruption_on": date(2019, 10, 1)}
    assert errors(**route, disruption_note="Placement ended") == {}


def test_disruption_before_moving_in_is_refused():
    route = {**ROUTE, "adoption_order_on": None, "disruption_on": date(2019, 7, 31)}
    assert errors(**route, disruption_note="x") == {
        "disruption_on": "Disruption (31/07/2019) cannot be before moving in with adopters (01/08/2019)."
    }


def test_disruption_without_moving_in_is_refused():
    result = errors(
        adoption_plan_on=date(2019, 1, 1), disruption_on=date(2019, 2, 1), disruption_note="x"
    )
    assert list(result) == ["disruption_on"]


def test_a_disruption_and_an_adoption_order_cannot_both_be_recorded():
    route = {**ROUTE, "disruption_on": date(2020, 3, 1)}
    assert list(errors(**route, disruption_note="x")) == ["disruption_on"]


def test_a_disruption_needs_a_note():
    route = {**ROUTE, "adoption_order_on": None, "disruption_on": date(2019, 10, 1)}
    assert errors(**route) == {"disruption_note": "Say what happened: the disruption needs a note."}


def test_a_blank_note_is_no_note():
    route = {**ROUTE, "adoption_order_on": None, "disruption_on": date(2019, 10, 1)}
    assert list(errors(**route, disruption_note="   ")) == ["disruption_note"]


def test_a_note_without_its_date_is_refused_on_the_date():
    assert list(errors(plan_changed_note="Returned home")) == ["plan_changed_on"]


def test_plan_change_after_the_plan_with_a_note_is_allowed():
    assert (
        errors(
            adoption_plan_on=date(2019, 1, 1),
            plan_changed_on=date(2019, 5, 1),
            plan_changed_note="Returned to birth family",
        )
        == {}
    )


def test_plan_change_needs_the_plan():
    assert list(errors(plan_changed_on=date(2019, 5, 1), plan_changed_note="x")) == [
        "plan_changed_on"
    ]


def test_plan_change_before_a_later_milestone_is_refused():
    route = {**ROUTE, "adoption_order_on": None, "moved_in_on": None}
    result = errors(**route, plan_changed_on=date(2019, 7, 1), plan_changed_note="x")
    assert result == {
        "plan_changed_on": "Plan change away from adoption (01/07/2019) cannot be before the "
        "match (15/07/2019)."
    }


def test_plan_change_after_a_disruption_is_allowed():
    route = {**ROUTE, "adoption_order_on": None}
    result = errors(
        **route,
        disruption_on=date(2019, 10, 1),
        disruption_note="Ended",
        plan_changed_on=date(2019, 12, 1),
        plan_changed_note="Long-term fostering",
    )
    assert result == {}


def test_plan_change_after_an_adoption_order_is_refused():
    result = errors(**ROUTE, plan_changed_on=date(2020, 3, 1), plan_changed_note="x")
    assert result == {
        "plan_changed_on": "The child is adopted: the plan cannot change away from adoption."
    }


def test_errors_come_in_milestone_order_one_per_field():
    result = errors(
        adoption_plan_on=TODAY + timedelta(days=3),
        adm_decision_on=BIRTH - timedelta(days=1),
        moved_in_on=date(2020, 1, 1),
    )
    assert list(result) == ["adoption_plan_on", "adm_decision_on", "moved_in_on"]
    assert "future" in result["adoption_plan_on"]
    assert "date of birth" in result["adm_decision_on"]


_day = st.dates(min_value=BIRTH, max_value=TODAY)


@given(st.lists(_day, min_size=6, max_size=6))
def test_any_dates_in_route_order_are_accepted(days):
    days.sort()
    route = dict(zip(ROUTE, days, strict=True))
    assert errors(**route) == {}


@given(st.lists(_day, min_size=2, max_size=2, unique=True))
def test_any_two_consecutive_route_milestones_out_of_order_are_refused(days):
    later, earlier = sorted(days)  # later < earlier: out of order
    for rule in rules.ORDER_RULES:
        if not rule.required or rule.later == "plan_changed_on":
            continue
        # Fill the route up to the earlier milestone in order, then put the later one first.
        values = {}
        for field in ROUTE:
            values[field] = BIRTH
            if field == rule.earlier:
                break
        values[rule.earlier] = earlier
        values[rule.later] = later
        assert rule.later in errors(**values), rule


# ---------------------------------------------------------------------------------------
# Stage and retention


@pytest.mark.parametrize(
    ("values", "stage"),
    [
        ({}, Stage.NO_PLAN),
        ({"adoption_plan_on": BIRTH}, Stage.PLAN),
        ({"adoption_plan_on": BIRTH, "adm_decision_on": BIRTH}, Stage.ADM),
        (
            {**ROUTE, "match_decision_on": None, "moved_in_on": None, "adoption_order_on": None},
            Stage.PLACEMENT_ORDER,
        ),
        ({**ROUTE, "moved_in_on": None, "adoption_order_on": None}, Stage.MATCHED),
        ({**ROUTE, "adoption_order_on": None}, Stage.PLACED),
        (ROUTE, Stage.ADOPTED),
        ({**ROUTE, "adoption_order_on": None, "disruption_on": TODAY}, Stage.DISRUPTED),
        ({"adoption_plan_on": BIRTH, "plan_changed_on": TODAY}, Stage.PLAN_CHANGED),
    ],
)
def test_the_stage_is_the_latest_milestone_reached(values, stage):
    assert case_stage(values) == stage


def test_adoption_records_are_kept_100_years_from_the_order():
    assert rules.retain_until(date(2020, 2, 29)) == date(2120, 2, 29)
    assert rules.retain_until(date(2019, 2, 28)) == date(2119, 2, 28)
    assert rules.retain_until(None) is None


# ---------------------------------------------------------------------------------------
# Work items: due date and status


@pytest.mark.parametrize(
    ("requested", "months", "due"),
    [
        (date(2019, 3, 12), 1, date(2019, 4, 12)),
        # Month-end clamping (DOMAIN.md 1): the day missing from the target month becomes
        # that month's last day.
        (date(2019, 1, 31), 1, date(2019, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2019, 3, 31), 1, date(2019, 4, 30)),
        (date(2019, 8, 31), 1, date(2019, 9, 30)),
        (date(2019, 12, 31), 1, date(2020, 1, 31)),
        (date(2019, 12, 15), 1, date(2020, 1, 15)),
        (date(2024, 2, 29), 1, date(2024, 3, 29)),
        # Another LA's policy: two months.
        (date(2019, 12, 31), 2, date(2020, 2, 29)),
        (date(2019, 1, 30), 2, date(2019, 3, 30)),
    ],
)
def test_work_item_due_date(requested, months, due):
    assert work_item_due(requested, months) == due


DUE = date(2021, 3, 15)


@pytest.mark.parametrize(
    ("completed", "today", "status"),
    [
        (None, date(2021, 3, 1), ClockStatus.PENDING),
        (None, DUE, ClockStatus.PENDING),  # due today is still in time
        (None, DUE + timedelta(days=1), ClockStatus.OVERDUE),
        (DUE, date(2021, 6, 1), ClockStatus.MET),
        (DUE - timedelta(days=10), date(2021, 6, 1), ClockStatus.MET),
        (DUE + timedelta(days=1), date(2021, 6, 1), ClockStatus.BREACHED),
    ],
)
def test_work_item_status(completed, today, status):
    assert work_item_status(due=DUE, completed_on=completed, today=today) == status


# ---------------------------------------------------------------------------------------
# Measures


def test_the_thresholds_are_domain_md_7():
    assert {code: m.threshold for code, m in MEASURES_BY_CODE.items()} == {
        ENTRY_TO_MOVED_IN: 426,
        PLACEMENT_ORDER_TO_MATCH: 121,
        ENTRY_TO_PLAN: 121,
        PLAN_TO_ADM: 56,
        ADM_TO_MATCH: 183,
    }


PERIODS = [(date(2016, 1, 1), date(2016, 6, 30)), (date(2018, 11, 5), None)]


def test_entry_to_care_is_the_start_of_the_period_including_the_day():
    assert entry_to_care(PERIODS, date(2019, 8, 1)) == date(2018, 11, 5)
    assert entry_to_care(PERIODS, date(2016, 3, 1)) == date(2016, 1, 1)


def test_the_last_day_of_a_period_is_in_it_and_a_gap_is_in_none():
    assert entry_to_care(PERIODS, date(2016, 6, 30)) == date(2016, 1, 1)
    assert entry_to_care(PERIODS, date(2017, 1, 1)) is None
    assert entry_to_care(PERIODS, date(2018, 11, 5)) == date(2018, 11, 5)


def test_days_for_each_measure():
    assert days_for(MEASURES_BY_CODE[ENTRY_TO_MOVED_IN], ROUTE, PERIODS) == 269
    assert days_for(MEASURES_BY_CODE[PLACEMENT_ORDER_TO_MATCH], ROUTE, PERIODS) == 105
    assert days_for(MEASURES_BY_CODE[ENTRY_TO_PLAN], ROUTE, PERIODS) == 66
    assert days_for(MEASURES_BY_CODE[PLAN_TO_ADM], ROUTE, PERIODS) == 41
    assert days_for(MEASURES_BY_CODE[ADM_TO_MATCH], ROUTE, PERIODS) == 145


def test_days_for_is_none_without_either_end():
    assert (
        days_for(MEASURES_BY_CODE[PLACEMENT_ORDER_TO_MATCH], {**ROUTE, "placement_order_on": None})
        is None
    )
    assert days_for(MEASURES_BY_CODE[ENTRY_TO_MOVED_IN], ROUTE, []) is None
    assert days_for(MEASURES_BY_CODE[ENTRY_TO_MOVED_IN], {}, PERIODS) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "average"),
    [
        (27762, 77, Decimal("360.5")),
        (8290, 75, Decimal("110.5")),
        (1, 2, Decimal("0.5")),
        (1, 8, Decimal("0.1")),  # 0.125 rounds half up to 0.1
        (3, 8, Decimal("0.4")),  # 0.375 -> 0.4
        (0, 0, None),
    ],
)
def test_average_days_to_one_decimal_half_up(numerator, denominator, average):
    assert average_days(numerator, denominator) == average


def test_within_threshold_lower_is_better():
    result = rules.measure_result(MEASURES_BY_CODE[PLAN_TO_ADM], 56 * 3, 3)
    assert result.within_threshold is True
    assert rules.measure_result(MEASURES_BY_CODE[PLAN_TO_ADM], 57 * 3, 3).within_threshold is False
    assert rules.measure_result(MEASURES_BY_CODE[PLAN_TO_ADM], None, 0).within_threshold is None


def test_measures_for_counts_cases_whose_end_event_is_in_the_window():
    start, end = date(2019, 8, 1), date(2020, 7, 31)
    in_window = CaseFacts(ROUTE, PERIODS)  # moved in 1 Aug 2019: the first day counts
    matched_before = CaseFacts(  # matched before the window, moved in within it
        {**ROUTE, "moved_in_on": date(2020, 7, 31)}, PERIODS
    )
    after = CaseFacts({**ROUTE, "moved_in_on": date(2020, 8, 1)}, PERIODS)
    results = measures_for([in_window, matched_before, after], period_start=start, period_end=end)
    moved_in = results[ENTRY_TO_MOVED_IN]
    assert (moved_in.numerator, moved_in.denominator) == (269 + 634, 2)
    assert results[PLACEMENT_ORDER_TO_MATCH].denominator == 0
    assert results[PLACEMENT_ORDER_TO_MATCH].average is None
