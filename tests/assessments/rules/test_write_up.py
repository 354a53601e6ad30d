"""Issue 14: an attended assessment not written up after N working days is at risk."""

from datetime import date, timedelta

import pytest

from apps.assessments.rules.status import write_up_late, write_up_late_before
from apps.core.working_days import calendar_for

CALENDAR = calendar_for()


def test_on_the_fifth_working_day_it_is_in_time_on_the_sixth_late():
    # Attended Monday 12 January 2026: the fifth working day after is Monday 19th.
    attended = date(2026, 1, 12)
    late = [
        write_up_late(attended_on=attended, today=day, calendar=CALENDAR, working_days=5)
        for day in (date(2026, 1, 19), date(2026, 1, 20))
    ]
    assert late == [False, True]


def test_bank_holidays_do_not_count():
    # Attended Tuesday 23 December 2025: 25, 26 December and 1 January are bank holidays,
    # so the five working days are 24, 29, 30, 31 December and 2 January.
    attended = date(2025, 12, 23)
    kwargs = {"attended_on": attended, "calendar": CALENDAR, "working_days": 5}
    assert not write_up_late(today=date(2026, 1, 2), **kwargs)
    assert write_up_late(today=date(2026, 1, 5), **kwargs)


@pytest.mark.parametrize("working_days", [0, 1, 5, 10])
def test_the_cutoff_is_the_same_rule(working_days):
    """Exhaustively over two months with Christmas, every attendance date and day."""
    start = date(2025, 12, 1)
    days = [start + timedelta(days=n) for n in range(62)]
    for today in days:
        cutoff = write_up_late_before(today, CALENDAR, working_days)
        for attended in (d for d in days if d <= today):
            assert write_up_late(
                attended_on=attended, today=today, calendar=CALENDAR, working_days=working_days
            ) == (attended < cutoff), (attended, today)
