"""IHA deadlines and the "not required" exemptions (DOMAIN.md sections 1 and 2).

Expected dates were worked out by hand from the England and Wales bank holiday list and
cross-checked with a day-by-day walk over ``holidays.country_holidays("GB", subdiv="ENG")``
in a scratch script. The hypothesis tests use an independent day-by-day oracle built here.
"""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.assessments.rules.clocks import (
    IhaDeadlines,
    NotRequiredReason,
    iha_deadlines,
    iha_not_required,
)
from apps.core.working_days import calendar_for
from apps.policy.rules import DEFAULT_POLICY, Policy

CAL = calendar_for()
ONE_DAY = timedelta(days=1)
_BANK_HOLIDAYS = frozenset(
    holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2091)).keys()
)


def _oracle_is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def _oracle_add(day_zero: date, n: int) -> date:
    day, counted = day_zero, 0
    while counted < n:
        day += ONE_DAY
        if _oracle_is_working_day(day):
            counted += 1
    return day


entries = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 11, 30))


# --- Deadlines -------------------------------------------------------------------------


def test_entry_friday_before_christmas_gives_request_due_30_december_and_iha_due_21_january():
    # Day 0 Fri 19 Dec 2025; 25, 26 Dec and 1 Jan are bank holidays.
    assert iha_deadlines(date(2025, 12, 19), CAL, DEFAULT_POLICY) == IhaDeadlines(
        request_due=date(2025, 12, 30), due=date(2026, 1, 21)
    )


def test_entry_on_a_saturday_does_not_count_day_zero():
    # Day 0 Sat 7 Jun 2025: working day 1 is Mon 9 Jun.
    assert iha_deadlines(date(2025, 6, 7), CAL, DEFAULT_POLICY) == IhaDeadlines(
        request_due=date(2025, 6, 13), due=date(2025, 7, 4)
    )


def test_entry_on_a_bank_holiday_skips_the_coronation_and_spring_bank_holiday():
    # Day 0 Mon 1 May 2023 (bank holiday); 8 May 2023 (coronation) and 29 May are skipped.
    assert iha_deadlines(date(2023, 5, 1), CAL, DEFAULT_POLICY) == IhaDeadlines(
        request_due=date(2023, 5, 9), due=date(2023, 5, 31)
    )


def test_entry_before_easter_skips_good_friday_easter_monday_and_early_may():
    assert iha_deadlines(date(2026, 4, 2), CAL, DEFAULT_POLICY) == IhaDeadlines(
        request_due=date(2026, 4, 13), due=date(2026, 5, 5)
    )


def test_policy_request_days_change_the_request_deadline_only():
    policy = Policy(iha_request_working_days=6)
    deadlines = iha_deadlines(date(2025, 12, 19), CAL, policy)
    assert deadlines == IhaDeadlines(request_due=date(2025, 12, 31), due=date(2026, 1, 21))


def test_extra_non_working_date_moves_the_deadlines():
    # An admin closes 22 Dec 2025: every working day shifts by one.
    calendar = calendar_for(frozenset({date(2025, 12, 22)}))
    assert iha_deadlines(date(2025, 12, 19), calendar, DEFAULT_POLICY) == IhaDeadlines(
        request_due=date(2025, 12, 31), due=date(2026, 1, 22)
    )


# --- Not required ------------------------------------------------------------------------

ENTRY = date(2025, 12, 19)
DUE = date(2026, 1, 21)


def _not_required(
    *,
    date_of_birth=date(2015, 1, 1),
    left_care_on=None,
    last_assessment_before_entry=None,
    policy=DEFAULT_POLICY,
    entry=ENTRY,
    due=DUE,
):
    return iha_not_required(
        entry=entry,
        date_of_birth=date_of_birth,
        due=due,
        left_care_on=left_care_on,
        last_assessment_before_entry=last_assessment_before_entry,
        policy=policy,
    )


def test_iha_required_for_a_child_with_no_exemption():
    assert _not_required() is None


def test_young_person_whose_18th_birthday_is_the_entry_day_is_aged_18():
    assert _not_required(date_of_birth=date(2007, 12, 19)) == NotRequiredReason.AGED_18


def test_young_person_aged_17_at_entry_is_not_exempt_for_age():
    # 18th birthday the day after entry.
    assert _not_required(date_of_birth=date(2007, 12, 20)) is None


def test_leap_day_birthday_turns_18_on_1_march_in_a_common_year():
    # Born 29 Feb 2008: 18 on 1 Mar 2026 (2026 is a common year).
    entry, due = date(2026, 2, 28), date(2026, 3, 30)
    born = date(2008, 2, 29)
    assert _not_required(date_of_birth=born, entry=entry, due=due) is None
    assert (
        _not_required(date_of_birth=born, entry=date(2026, 3, 1), due=due)
        == NotRequiredReason.AGED_18
    )


def test_assessment_exactly_3_months_before_entry_makes_iha_not_required():
    assert (
        _not_required(last_assessment_before_entry=date(2025, 9, 19))
        == NotRequiredReason.RECENT_ASSESSMENT
    )


def test_assessment_3_months_and_a_day_before_entry_does_not_exempt():
    assert _not_required(last_assessment_before_entry=date(2025, 9, 18)) is None


def test_assessment_on_the_entry_day_makes_iha_not_required():
    assert _not_required(last_assessment_before_entry=ENTRY) == NotRequiredReason.RECENT_ASSESSMENT


def test_recent_assessment_window_clamps_to_month_end():
    # 31 May 2025 - 3 months = 28 Feb 2025 (no 31 Feb).
    entry, due = date(2025, 5, 31), date(2025, 6, 30)
    assert (
        _not_required(entry=entry, due=due, last_assessment_before_entry=date(2025, 2, 28))
        == NotRequiredReason.RECENT_ASSESSMENT
    )
    assert (
        _not_required(entry=entry, due=due, last_assessment_before_entry=date(2025, 2, 27)) is None
    )


def test_recent_assessment_window_is_a_per_la_setting():
    policy = Policy(prior_assessment_exemption_months=6)
    assert (
        _not_required(policy=policy, last_assessment_before_entry=date(2025, 6, 19))
        == NotRequiredReason.RECENT_ASSESSMENT
    )
    assert _not_required(policy=policy, last_assessment_before_entry=date(2025, 6, 18)) is None


def test_leaving_care_the_day_before_the_iha_due_date_makes_it_not_required():
    assert _not_required(left_care_on=date(2026, 1, 20)) == NotRequiredReason.LEFT_CARE


def test_leaving_care_on_the_iha_due_date_is_not_before_it():
    assert _not_required(left_care_on=DUE) is None


def test_leaving_care_after_the_iha_due_date_does_not_exempt():
    assert _not_required(left_care_on=date(2026, 2, 1)) is None


# --- Properties --------------------------------------------------------------------------


@given(entries)
def test_iha_due_date_and_request_due_are_always_working_days(entry):
    deadlines = iha_deadlines(entry, CAL, DEFAULT_POLICY)
    assert _oracle_is_working_day(deadlines.request_due)
    assert _oracle_is_working_day(deadlines.due)


@given(entries)
def test_iha_deadlines_match_a_day_by_day_count(entry):
    deadlines = iha_deadlines(entry, CAL, DEFAULT_POLICY)
    assert deadlines.request_due == _oracle_add(entry, 5)
    assert deadlines.due == _oracle_add(entry, 20)


@given(entries, st.integers(min_value=0, max_value=60))
def test_a_later_entry_never_gives_an_earlier_deadline(entry, gap_days):
    earlier = iha_deadlines(entry, CAL, DEFAULT_POLICY)
    later = iha_deadlines(entry + timedelta(days=gap_days), CAL, DEFAULT_POLICY)
    assert later.request_due >= earlier.request_due
    assert later.due >= earlier.due


@given(entries)
def test_request_due_is_always_before_the_iha_due_date_and_after_entry(entry):
    deadlines = iha_deadlines(entry, CAL, DEFAULT_POLICY)
    assert entry < deadlines.request_due < deadlines.due


@pytest.mark.parametrize("left_offset", [0, 1, 5])
def test_leaving_on_or_after_the_due_date_never_exempts(left_offset):
    assert _not_required(left_care_on=DUE + timedelta(days=left_offset)) is None
