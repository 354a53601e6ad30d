"""Review health assessments: due dates, request deadlines, exemptions, age bands
(DOMAIN.md sections 1 and 3).

Expected dates worked out by hand (calendar months, month-end clamping, England and Wales
bank holidays) and cross-checked in a scratch script with the holidays package.
"""

import calendar as std_calendar
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.assessments.rules.clocks import (
    NotRequiredReason,
    age_band_on,
    rha_due,
    rha_not_required,
    rha_request_due,
)
from apps.core.working_days import calendar_for
from apps.policy.rules import DEFAULT_POLICY, Policy

CAL = calendar_for()
ONE_DAY = timedelta(days=1)
_BANK_HOLIDAYS = frozenset(
    holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2091)).keys()
)

BORN = date(2021, 3, 10)  # 5th birthday 10 Mar 2026


# --- Next RHA due date -------------------------------------------------------------------


def test_assessment_at_age_4_makes_the_next_rha_due_in_6_months():
    assert rha_due(date(2025, 9, 1), BORN) == date(2026, 3, 1)


def test_assessment_the_day_before_the_5th_birthday_is_still_six_monthly():
    assert rha_due(date(2026, 3, 9), BORN) == date(2026, 9, 9)


def test_assessment_on_the_5th_birthday_makes_the_next_rha_due_in_12_months():
    assert rha_due(date(2026, 3, 10), BORN) == date(2027, 3, 10)


def test_six_monthly_due_date_clamps_to_the_end_of_february():
    assert rha_due(date(2025, 8, 31), BORN) == date(2026, 2, 28)


def test_six_monthly_due_date_clamps_to_29_february_in_a_leap_year():
    assert rha_due(date(2023, 8, 31), date(2020, 1, 1)) == date(2024, 2, 29)


def test_yearly_due_date_from_29_february_clamps_to_28_february():
    assert rha_due(date(2024, 2, 29), date(2010, 6, 1)) == date(2025, 2, 28)


def test_leap_day_child_is_still_4_on_28_february_of_a_common_year():
    # Born 29 Feb 2020: the 5th birthday is 1 Mar 2025 (2025 is a common year).
    assert rha_due(date(2025, 2, 28), date(2020, 2, 29)) == date(2025, 8, 28)


def test_leap_day_child_turns_5_on_1_march_of_a_common_year():
    assert rha_due(date(2025, 3, 1), date(2020, 2, 29)) == date(2026, 3, 1)


# --- RHA request deadline -----------------------------------------------------------------


def test_rha_request_due_20_working_days_before_a_weekday_due_date_across_christmas():
    # 20 working days before Wed 21 Jan 2026, skipping 25, 26 Dec and 1 Jan.
    assert rha_request_due(date(2026, 1, 21), CAL, DEFAULT_POLICY) == date(2025, 12, 19)


def test_rha_request_due_before_a_saturday_due_date_across_christmas():
    # Due Sat 10 Jan 2026: working day 1 before it is Fri 9 Jan.
    assert rha_request_due(date(2026, 1, 10), CAL, DEFAULT_POLICY) == date(2025, 12, 10)


def test_rha_request_lead_is_a_per_la_setting():
    policy = Policy(rha_request_lead_working_days=5)
    # Five working days before Wed 21 Jan 2026: 20, 19, 16, 15, 14 Jan.
    assert rha_request_due(date(2026, 1, 21), CAL, policy) == date(2026, 1, 14)


# --- Not required ---------------------------------------------------------------------------

TEEN = date(2008, 5, 20)  # 18th birthday 20 May 2026


def test_rha_due_on_the_18th_birthday_is_not_required():
    assert (
        rha_not_required(due=date(2026, 5, 20), date_of_birth=TEEN, left_care_on=None)
        == NotRequiredReason.AGED_18
    )


def test_rha_due_the_day_before_the_18th_birthday_is_required():
    assert rha_not_required(due=date(2026, 5, 19), date_of_birth=TEEN, left_care_on=None) is None


def test_leap_day_young_person_turns_18_on_1_march_of_a_common_year_for_rha():
    born = date(2020, 2, 29)
    assert rha_not_required(due=date(2038, 2, 28), date_of_birth=born, left_care_on=None) is None
    assert (
        rha_not_required(due=date(2038, 3, 1), date_of_birth=born, left_care_on=None)
        == NotRequiredReason.AGED_18
    )


def test_leaving_care_before_the_rha_due_date_makes_it_not_required():
    assert (
        rha_not_required(due=date(2026, 3, 1), date_of_birth=BORN, left_care_on=date(2026, 2, 28))
        == NotRequiredReason.LEFT_CARE
    )


def test_leaving_care_on_the_rha_due_date_does_not_exempt():
    assert (
        rha_not_required(due=date(2026, 3, 1), date_of_birth=BORN, left_care_on=date(2026, 3, 1))
        is None
    )


# --- Age bands ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "band"),
    [(date(2026, 3, 9), "0-5"), (date(2026, 3, 10), "5-18"), (date(2030, 1, 1), "5-18")],
)
def test_rha_age_band_is_by_age_on_the_due_date(on, band):
    assert age_band_on(BORN, on) == band


# --- Properties -----------------------------------------------------------------------------


def _oracle_age(born: date, on: date) -> int:
    # A 29 February birthday is attained on 1 March in a common year.
    month, day = born.month, born.day
    if (month, day) == (2, 29) and not std_calendar.isleap(on.year):
        month, day = 3, 1
    years = on.year - born.year
    return years - 1 if (on.month, on.day) < (month, day) else years


@st.composite
def birth_and_held(draw):
    born = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2070, 12, 31)))
    held = draw(st.dates(min_value=born, max_value=born + timedelta(days=18 * 366)))
    return born, held


@given(birth_and_held())
def test_rha_due_is_after_last_held_by_6_or_12_calendar_months(born_held):
    born, held = born_held
    due = rha_due(held, born)
    assert due > held
    months = (due.year * 12 + due.month) - (held.year * 12 + held.month)
    assert months == (6 if _oracle_age(born, held) < 5 else 12)
    assert due.day == min(held.day, std_calendar.monthrange(due.year, due.month)[1])


@given(st.dates(min_value=date(1990, 3, 1), max_value=date(2090, 12, 31)))
def test_rha_request_due_is_a_working_day_exactly_20_working_days_before(due):
    request_due = rha_request_due(due, CAL, DEFAULT_POLICY)
    assert request_due < due
    assert request_due.weekday() < 5 and request_due not in _BANK_HOLIDAYS
    day, working = request_due, 0
    while day < due - ONE_DAY:
        day += ONE_DAY
        if day.weekday() < 5 and day not in _BANK_HOLIDAYS:
            working += 1
    # 19 working days strictly between, so the request day is the 20th before due.
    assert working == 19
