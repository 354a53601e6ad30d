"""Working days and calendar arithmetic for the statutory clocks (DOMAIN.md section 1).

Pure code: no ORM. A working day is Monday to Friday that is not an England and Wales bank
holiday (``holidays.country_holidays("GB", subdiv="ENG")``, which includes one-off days such
as the 2022-09-19 state funeral and the 2023-05-08 coronation) and not one of the extra
non-working dates an admin configured.

Counting (DOMAIN.md 1): day 0 is the event date and never counts, whether or not it is a
working day. "Within N working days" means on or before the N-th working day after day 0.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

# The calendar is precomputed over a window wide enough for any child's record (births from
# 1950, deadlines to 2100) so every query is a binary search rather than a day-by-day walk.
FIRST_YEAR = 1950
LAST_YEAR = 2100


@lru_cache(maxsize=1)
def _bank_holidays() -> frozenset[date]:
    gb = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return frozenset(gb.keys())


class OutOfCalendarRange(ValueError):
    pass


class WorkingDayCalendar:
    """England and Wales working days, plus any extra non-working dates."""

    def __init__(self, extra_non_working: Iterable[date] = ()) -> None:
        self.extra_non_working = frozenset(extra_non_working)
        closed = _bank_holidays() | self.extra_non_working
        start, end = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
        days: list[date] = []
        day = start
        one = timedelta(days=1)
        while day <= end:
            if day.weekday() < 5 and day not in closed:
                days.append(day)
            day += one
        self._days = days

    _window = (date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))

    def _check(self, day: date) -> None:
        if not (self._window[0] <= day <= self._window[1]):
            raise OutOfCalendarRange(f"{day} is outside the calendar ({FIRST_YEAR}-{LAST_YEAR})")

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        index = bisect_left(self._days, day)
        return index < len(self._days) and self._days[index] == day

    def add_working_days(self, day_zero: date, n: int) -> date:
        """The n-th working day after day 0 (n >= 1); n == 0 returns day 0 itself."""
        if n < 0:
            return self.subtract_working_days(day_zero, -n)
        if n == 0:
            return day_zero
        self._check(day_zero)
        # Index of the first working day strictly after day 0.
        index = bisect_right(self._days, day_zero) + n - 1
        if index >= len(self._days):
            raise OutOfCalendarRange(f"{n} working days after {day_zero} is beyond {LAST_YEAR}")
        return self._days[index]

    def subtract_working_days(self, day_zero: date, n: int) -> date:
        """The n-th working day before day 0 (n >= 1); day 0 itself never counts."""
        if n < 0:
            return self.add_working_days(day_zero, -n)
        if n == 0:
            return day_zero
        self._check(day_zero)
        index = bisect_left(self._days, day_zero) - n
        if index < 0:
            raise OutOfCalendarRange(f"{n} working days before {day_zero} is before {FIRST_YEAR}")
        return self._days[index]

    def working_day_number(self, day_zero: date, day: date) -> int:
        """Which working day after day 0 ``day`` falls on: the count of working days in
        (day_zero, day]. A non-working day counts as the working day before it; a day on or
        before day 0 gives 0 or a negative count."""
        self._check(day_zero)
        self._check(day)
        if day >= day_zero:
            return bisect_right(self._days, day) - bisect_right(self._days, day_zero)
        return -(bisect_right(self._days, day_zero) - bisect_right(self._days, day))

    def working_days_between(self, start: date, end: date) -> int:
        return self.working_day_number(start, end)


@lru_cache(maxsize=8)
def calendar_for(extra_non_working: frozenset[date] = frozenset()) -> WorkingDayCalendar:
    """A shared calendar per set of extra dates (building one takes a few tens of ms)."""
    return WorkingDayCalendar(extra_non_working)


def add_months(day: date, months: int) -> date:
    """Calendar months; a day that does not exist in the target month becomes the month's
    last day (DOMAIN.md 1: 2024-08-31 + 6 months = 2025-02-28)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def birthday_in(date_of_birth: date, year: int) -> date:
    """The birthday in a given year. Someone born on 29 February attains a new age on
    1 March in a common year (Family Law Reform Act 1969, s.9: an age is attained at the
    start of the anniversary of birth, and a common year has no 29 February)."""
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a date."""
    years = on.year - date_of_birth.year
    if on < birthday_in(date_of_birth, years + date_of_birth.year):
        years -= 1
    return years


def date_of_age(date_of_birth: date, years: int) -> date:
    """The date on which a child attains ``years`` of age (the 5th or 18th birthday)."""
    return birthday_in(date_of_birth, date_of_birth.year + years)
