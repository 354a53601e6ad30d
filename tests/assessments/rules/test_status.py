"""The status of a clock on a given day (DOMAIN.md sections 1 and 5).

"At risk" means due within 5 working days of today (Policy.at_risk_working_days), counted as
in DOMAIN.md 1: today is day 0, and "within" is on or before the 5th working day after it.
"""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.assessments.rules.status import ClockStatus, clock_status
from apps.core.working_days import calendar_for
from apps.policy.rules import DEFAULT_POLICY

CAL = calendar_for()
ONE_DAY = timedelta(days=1)
AT_RISK_DAYS = DEFAULT_POLICY.at_risk_working_days
_BANK_HOLIDAYS = frozenset(
    holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2091)).keys()
)

DUE = date(2026, 1, 21)


def _status(*, due=DUE, completed_on=None, today, not_required=False, declined=False):
    return clock_status(
        due=due,
        completed_on=completed_on,
        today=today,
        calendar=CAL,
        at_risk_working_days=AT_RISK_DAYS,
        not_required=not_required,
        declined=declined,
    )


# --- Completed clocks ----------------------------------------------------------------------


def test_completed_on_the_due_date_is_met():
    assert _status(completed_on=DUE, today=date(2026, 2, 1)) == ClockStatus.MET


def test_completed_a_day_late_is_breached():
    assert _status(completed_on=date(2026, 1, 22), today=date(2026, 2, 1)) == ClockStatus.BREACHED


def test_completed_early_is_met_even_before_the_due_date():
    assert _status(completed_on=date(2026, 1, 5), today=date(2026, 1, 6)) == ClockStatus.MET


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [(DUE, ClockStatus.MET), (date(2026, 1, 22), ClockStatus.BREACHED)],
)
def test_a_completed_clock_is_met_or_breached_even_if_flagged_not_required(completed_on, expected):
    assert _status(completed_on=completed_on, today=date(2026, 2, 1), not_required=True) == expected


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [(DUE, ClockStatus.MET), (date(2026, 1, 22), ClockStatus.BREACHED)],
)
def test_a_completed_clock_is_met_or_breached_even_if_flagged_declined(completed_on, expected):
    assert _status(completed_on=completed_on, today=date(2026, 2, 1), declined=True) == expected


# --- Open clocks -----------------------------------------------------------------------------


def test_not_completed_the_day_after_the_due_date_is_overdue():
    assert _status(today=date(2026, 1, 22)) == ClockStatus.OVERDUE


def test_not_completed_on_the_due_date_itself_is_at_risk_not_overdue():
    assert _status(today=DUE) == ClockStatus.AT_RISK


def test_not_required_clock_is_not_required_before_and_after_the_due_date():
    assert _status(today=date(2026, 1, 5), not_required=True) == ClockStatus.NOT_REQUIRED
    assert _status(today=date(2026, 3, 1), not_required=True) == ClockStatus.NOT_REQUIRED


def test_declined_clock_is_declined_not_overdue():
    assert _status(today=date(2026, 3, 1), declined=True) == ClockStatus.DECLINED


def test_due_on_the_5th_working_day_after_today_is_at_risk():
    # Mon 2 Jun 2025 -> 5th working day Mon 9 Jun.
    assert _status(due=date(2025, 6, 9), today=date(2025, 6, 2)) == ClockStatus.AT_RISK


def test_due_on_the_6th_working_day_after_today_is_pending():
    assert _status(due=date(2025, 6, 10), today=date(2025, 6, 2)) == ClockStatus.PENDING


def test_weekend_stretches_the_at_risk_window():
    # Fri 6 Jun 2025 -> 5th working day Fri 13 Jun (a full calendar week).
    assert _status(due=date(2025, 6, 13), today=date(2025, 6, 6)) == ClockStatus.AT_RISK
    assert _status(due=date(2025, 6, 16), today=date(2025, 6, 6)) == ClockStatus.PENDING


def test_bank_holidays_stretch_the_at_risk_window_over_christmas():
    # Fri 19 Dec 2025: 22, 23, 24, 29, 30 Dec are working days 1-5.
    assert _status(due=date(2025, 12, 30), today=date(2025, 12, 19)) == ClockStatus.AT_RISK
    assert _status(due=date(2025, 12, 31), today=date(2025, 12, 19)) == ClockStatus.PENDING


def test_weekend_due_date_inside_the_window_is_at_risk():
    # Wed 4 Jun 2025 -> 5th working day Wed 11 Jun; due Sat 7 Jun.
    assert _status(due=date(2025, 6, 7), today=date(2025, 6, 4)) == ClockStatus.AT_RISK


def test_weekend_due_date_just_after_the_5th_working_day_is_pending():
    # Fri 6 Jun 2025 -> 5th working day Fri 13 Jun; Sat 14 Jun is after it.
    assert _status(due=date(2025, 6, 14), today=date(2025, 6, 6)) == ClockStatus.PENDING


def test_today_on_a_weekend_counts_from_the_next_working_day():
    # Sat 7 Jun 2025: working days 9-13 Jun, so Fri 13 Jun is the 5th.
    assert _status(due=date(2025, 6, 13), today=date(2025, 6, 7)) == ClockStatus.AT_RISK
    assert _status(due=date(2025, 6, 16), today=date(2025, 6, 7)) == ClockStatus.PENDING


# --- Properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def _oracle_add(day_zero: date, n: int) -> date:
    day, counted = day_zero, 0
    while counted < n:
        day += ONE_DAY
        if day.weekday() < 5 and day not in _BANK_HOLIDAYS:
            counted += 1
    return day


@given(days, st.integers(min_value=1, max_value=400), st.booleans(), st.booleans())
def test_never_at_risk_or_pending_once_the_due_date_has_passed(
    due, days_late, not_required, declined
):
    status = _status(
        due=due,
        today=due + timedelta(days=days_late),
        not_required=not_required,
        declined=declined,
    )
    assert status not in {ClockStatus.AT_RISK, ClockStatus.PENDING}


@given(days, st.integers(min_value=0, max_value=40))
def test_open_clock_is_at_risk_exactly_when_due_within_5_working_days(today, ahead):
    due = today + timedelta(days=ahead)
    expected = ClockStatus.AT_RISK if due <= _oracle_add(today, 5) else ClockStatus.PENDING
    assert _status(due=due, today=today) == expected


@given(days, st.integers(min_value=-60, max_value=60), st.integers(min_value=-60, max_value=60))
def test_completed_clock_is_met_exactly_when_completed_on_or_before_due(due, done, seen):
    status = _status(
        due=due,
        completed_on=due + timedelta(days=done),
        today=due + timedelta(days=seen),
    )
    assert status == (ClockStatus.MET if done <= 0 else ClockStatus.BREACHED)
