"""The held date (DOMAIN.md 2, issue 14): the attendance date, whoever records it first."""

from datetime import date

import pytest

from apps.assessments.rules.held import held_date

ATTENDED = date(2026, 1, 14)


def test_the_first_attendance_recorded_is_the_held_date():
    assert held_date(recorded=None, attended_on=ATTENDED) == ATTENDED


@pytest.mark.parametrize(
    "recorded",
    [date(2026, 1, 13), ATTENDED, date(2026, 1, 15)],
    ids=["earlier", "same day", "later"],
)
def test_a_held_date_already_recorded_stands_whatever_the_later_attendance_says(recorded):
    assert held_date(recorded=recorded, attended_on=ATTENDED) == recorded
