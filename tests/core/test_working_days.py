"""Working days and calendar arithmetic (DOMAIN.md section 1).

Every expected date below was worked out by hand from the England and Wales bank holiday
list and cross-checked with a day-by-day walk in a scratch script. The hypothesis tests
compare the module against an independent day-by-day oracle built here.
"""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.working_days import (
    OutOfCalendarRange,
    WorkingDayCalendar,
    add_months,
    add_years,
    age_on,
    birthday_in,
    calendar_for,
    date_of_age,
)

CAL = calendar_for()

# Independent oracle: bank holidays straight from the holidays package, counted day by day.
_BANK_HOLIDAYS = frozenset(
    holidays.country_holidays("GB", subdiv="ENG", years=range(1987, 2094)).keys()
)
ONE_DAY = timedelta(days=1)


def _oracle_is_working_day(day, extra=frozenset()):
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS and day not in extra


def _oracle_add(day_zero, n, extra=frozenset()):
    day, counted = day_zero, 0
    while counted < n:
        day += ONE_DAY
        if _oracle_is_working_day(day, extra):
            counted += 1
    return day


def _oracle_subtract(day_zero, n, extra=frozenset()):
    day, counted = day_zero, 0
    while counted < n:
        day -= ONE_DAY
        if _oracle_is_working_day(day, extra):
            counted += 1
    return day


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
counts = st.integers(min_value=1, max_value=300)


def _first_working_day_on_or_after(day):
    while not CAL.is_working_day(day):
        day += ONE_DAY
    return day


# --- The worked example in DOMAIN.md -------------------------------------------------------


def test_entry_on_friday_19_december_2025_gives_request_deadline_30_december():
    # Mon 22 (1), Tue 23 (2), Wed 24 (3), Christmas and Boxing Day, Mon 29 (4), Tue 30 (5).
    assert CAL.add_working_days(date(2025, 12, 19), 5) == date(2025, 12, 30)


def test_entry_on_friday_19_december_2025_gives_iha_deadline_21_january_2026():
    assert CAL.add_working_days(date(2025, 12, 19), 20) == date(2026, 1, 21)


# --- Bank holidays -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2021, 12, 27),  # Christmas Day (substitute), Christmas fell on a Saturday
        date(2021, 12, 28),  # Boxing Day (substitute)
        date(2022, 1, 3),  # New Year's Day (substitute)
        date(2022, 12, 26),  # Boxing Day, Monday
        date(2022, 12, 27),  # Christmas Day (substitute), Christmas fell on a Sunday
        date(2023, 1, 2),  # New Year's Day (substitute)
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 1),  # Easter Monday
        date(2022, 6, 2),  # Spring bank holiday moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2020, 5, 8),  # Early May bank holiday moved to VE Day
        date(2011, 4, 29),  # Royal wedding
        date(1999, 12, 31),  # Millennium
    ],
)
def test_bank_holidays_including_substitute_and_one_off_days_are_not_working_days(day):
    assert day.weekday() < 5
    assert CAL.is_working_day(day) is False


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 3, 28),  # Thursday before Good Friday
        date(2024, 4, 2),  # Tuesday after Easter Monday
        date(2020, 5, 4),  # first Monday of May 2020 was not a holiday (moved to 8 May)
        date(2022, 5, 30),  # last Monday of May 2022 was not a holiday (moved to 2 June)
        date(2024, 2, 29),  # leap day, a Thursday
        date(2025, 12, 24),  # Christmas Eve is a working day
    ],
)
def test_ordinary_weekdays_are_working_days(day):
    assert CAL.is_working_day(day) is True


@pytest.mark.parametrize("day", [date(2025, 6, 14), date(2025, 6, 15)])
def test_saturday_and_sunday_are_not_working_days(day):
    assert CAL.is_working_day(day) is False


def test_christmas_2021_on_a_weekend_pushes_working_day_1_to_wednesday_29_december():
    assert CAL.add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)


def test_christmas_2021_and_new_year_substitute_days_give_working_day_5_on_5_january_2022():
    # Wed 29 (1), Thu 30 (2), Fri 31 (3), Mon 3 Jan is a holiday, Tue 4 (4), Wed 5 (5).
    assert CAL.add_working_days(date(2021, 12, 24), 5) == date(2022, 1, 5)


def test_christmas_2022_substitute_days_give_working_day_1_on_wednesday_28_december():
    assert CAL.add_working_days(date(2022, 12, 23), 1) == date(2022, 12, 28)


def test_christmas_2022_and_new_year_substitute_days_give_working_day_5_on_4_january_2023():
    assert CAL.add_working_days(date(2022, 12, 23), 5) == date(2023, 1, 4)


def test_entry_before_easter_2024_skips_good_friday_and_easter_monday():
    assert CAL.add_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)
    # Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Mon 8 (5).
    assert CAL.add_working_days(date(2024, 3, 28), 5) == date(2024, 4, 8)


def test_entry_before_platinum_jubilee_skips_2_and_3_june_2022():
    assert CAL.add_working_days(date(2022, 6, 1), 1) == date(2022, 6, 6)


def test_entry_before_queens_funeral_skips_19_september_2022():
    assert CAL.add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_entry_before_coronation_skips_8_may_2023():
    assert CAL.add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)


def test_entry_28_april_2023_skips_both_may_day_and_coronation_for_working_day_5():
    # Mon 1 May holiday, Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Mon 8 holiday, Tue 9 (5).
    assert CAL.add_working_days(date(2023, 4, 28), 5) == date(2023, 5, 9)


def test_early_may_2020_holiday_moved_to_ve_day_so_4_may_counts_and_8_may_does_not():
    assert CAL.add_working_days(date(2020, 5, 1), 1) == date(2020, 5, 4)
    assert CAL.add_working_days(date(2020, 5, 7), 1) == date(2020, 5, 11)


# --- Day 0 ---------------------------------------------------------------------------------


def test_day_0_on_a_working_day_is_not_counted():
    assert CAL.add_working_days(date(2025, 6, 16), 1) == date(2025, 6, 17)
    assert CAL.add_working_days(date(2025, 6, 16), 5) == date(2025, 6, 23)


@pytest.mark.parametrize(
    "day_zero",
    [date(2025, 6, 13), date(2025, 6, 14), date(2025, 6, 15)],
    ids=["friday", "saturday", "sunday"],
)
def test_entry_on_friday_saturday_or_sunday_gives_the_same_working_day_5(day_zero):
    # Day 0 never counts, so the count starts on Monday 16 June in all three cases.
    assert CAL.add_working_days(day_zero, 5) == date(2025, 6, 20)


def test_day_0_on_christmas_day_2025_gives_working_day_1_on_monday_29_december():
    assert CAL.add_working_days(date(2025, 12, 25), 1) == date(2025, 12, 29)


def test_adding_zero_working_days_returns_day_0_even_on_a_weekend():
    assert CAL.add_working_days(date(2025, 6, 14), 0) == date(2025, 6, 14)
    assert CAL.subtract_working_days(date(2025, 6, 14), 0) == date(2025, 6, 14)


# --- Month ends and 29 February ------------------------------------------------------------


def test_entry_on_31_january_2025_gives_working_day_20_on_28_february():
    assert CAL.add_working_days(date(2025, 1, 31), 20) == date(2025, 2, 28)


def test_entry_on_31_march_2025_gives_working_day_20_on_30_april_across_easter():
    # Apr 1-4 (1-4), 7-11 (5-9), 14-17 (10-13), Good Friday 18 and Easter Monday 21,
    # 22-25 (14-17), 28-30 (18-20).
    assert CAL.add_working_days(date(2025, 3, 31), 20) == date(2025, 4, 30)


def test_entry_on_29_february_2024_counts_from_friday_1_march():
    assert CAL.add_working_days(date(2024, 2, 29), 1) == date(2024, 3, 1)
    assert CAL.add_working_days(date(2024, 2, 29), 5) == date(2024, 3, 7)
    assert CAL.add_working_days(date(2024, 2, 29), 20) == date(2024, 3, 28)


def test_29_february_2024_is_reached_as_a_deadline():
    assert CAL.add_working_days(date(2024, 2, 22), 5) == date(2024, 2, 29)
    assert CAL.add_working_days(date(2024, 2, 1), 20) == date(2024, 2, 29)


# --- Extra non-working dates ---------------------------------------------------------------


def test_extra_non_working_christmas_eve_shifts_request_deadline_to_31_december():
    cal = WorkingDayCalendar(extra_non_working=[date(2025, 12, 24)])
    assert cal.add_working_days(date(2025, 12, 19), 5) == date(2025, 12, 31)


def test_extra_non_working_christmas_eve_shifts_iha_deadline_to_22_january():
    cal = WorkingDayCalendar(extra_non_working=[date(2025, 12, 24)])
    assert cal.add_working_days(date(2025, 12, 19), 20) == date(2026, 1, 22)


def test_extra_non_working_date_is_not_a_working_day_only_in_that_calendar():
    cal = WorkingDayCalendar(extra_non_working=[date(2025, 12, 24)])
    assert cal.is_working_day(date(2025, 12, 24)) is False
    assert CAL.is_working_day(date(2025, 12, 24)) is True


def test_extra_non_working_date_on_a_weekend_changes_nothing():
    cal = WorkingDayCalendar(extra_non_working=[date(2025, 6, 14)])
    assert cal.add_working_days(date(2025, 6, 13), 5) == date(2025, 6, 20)


def test_calendar_for_shares_one_calendar_per_set_of_extra_dates():
    extra = frozenset({date(2025, 12, 24)})
    assert calendar_for() is calendar_for()
    assert calendar_for(frozenset()).add_working_days(date(2025, 12, 19), 5) == date(2025, 12, 30)
    assert calendar_for(extra) is calendar_for(frozenset({date(2025, 12, 24)}))
    assert calendar_for(extra) is not calendar_for()
    assert calendar_for(extra).add_working_days(date(2025, 12, 19), 5) == date(2025, 12, 31)
    assert calendar_for().extra_non_working == frozenset()


# --- working_day_number --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (date(2025, 12, 19), 0),  # day 0 itself
        (date(2025, 12, 22), 1),
        (date(2025, 12, 30), 5),
        (date(2026, 1, 2), 7),
        (date(2026, 1, 21), 20),
    ],
)
def test_working_day_number_after_entry_on_19_december_2025(day, number):
    assert CAL.working_day_number(date(2025, 12, 19), day) == number


@pytest.mark.parametrize(
    "day",
    [date(2025, 12, 25), date(2025, 12, 26), date(2025, 12, 27), date(2025, 12, 28)],
)
def test_working_day_number_of_a_non_working_day_is_that_of_the_working_day_before(day):
    # Christmas to Sunday 28 December all count as Wednesday 24 December, working day 3.
    assert CAL.working_day_number(date(2025, 12, 19), day) == 3
    assert CAL.working_day_number(date(2025, 12, 19), date(2025, 12, 29)) == 4


def test_working_day_number_before_day_0_is_negative():
    assert CAL.working_day_number(date(2025, 12, 30), date(2025, 12, 19)) == -5
    assert CAL.working_days_between(date(2025, 12, 19), date(2026, 1, 21)) == 20


# --- subtract_working_days -----------------------------------------------------------------


def test_twenty_working_days_before_21_january_2026_is_19_december_2025():
    assert CAL.subtract_working_days(date(2026, 1, 21), 20) == date(2025, 12, 19)


def test_five_working_days_before_4_january_2023_skips_christmas_substitute_days():
    assert CAL.subtract_working_days(date(2023, 1, 4), 5) == date(2022, 12, 23)


def test_one_working_day_before_monday_or_saturday_is_the_friday():
    assert CAL.subtract_working_days(date(2025, 6, 16), 1) == date(2025, 6, 13)
    assert CAL.subtract_working_days(date(2025, 6, 14), 1) == date(2025, 6, 13)


def test_one_working_day_before_tuesday_after_easter_2024_is_maundy_thursday():
    assert CAL.subtract_working_days(date(2024, 4, 2), 1) == date(2024, 3, 28)


def test_negative_counts_go_the_other_way():
    assert CAL.add_working_days(date(2026, 1, 21), -20) == date(2025, 12, 19)
    assert CAL.subtract_working_days(date(2025, 12, 19), -5) == date(2025, 12, 30)


# --- Calendar range ------------------------------------------------------------------------


def test_dates_outside_the_calendar_raise_out_of_calendar_range():
    with pytest.raises(OutOfCalendarRange):
        CAL.is_working_day(date(1949, 12, 30))
    with pytest.raises(OutOfCalendarRange):
        CAL.add_working_days(date(2101, 1, 3), 1)
    assert issubclass(OutOfCalendarRange, ValueError)


def test_subtracting_past_the_start_of_the_calendar_raises_out_of_calendar_range():
    with pytest.raises(OutOfCalendarRange):
        CAL.subtract_working_days(date(1950, 1, 3), 5)


def test_adding_past_the_end_of_the_calendar_raises_out_of_calendar_range():
    with pytest.raises(OutOfCalendarRange):
        CAL.add_working_days(date(2100, 12, 28), 5)


def test_first_day_of_the_stated_calendar_window_is_answered():
    assert CAL.is_working_day(date(1950, 1, 1)) is False


# --- Properties ----------------------------------------------------------------------------


@given(day_zero=dates, n=counts)
def test_nth_working_day_is_a_working_day_strictly_after_day_0(day_zero, n):
    deadline = CAL.add_working_days(day_zero, n)
    assert deadline > day_zero
    assert CAL.is_working_day(deadline)


@given(day_zero=dates, n=counts)
def test_add_working_days_matches_a_day_by_day_count(day_zero, n):
    assert CAL.add_working_days(day_zero, n) == _oracle_add(day_zero, n)


@given(day=dates)
def test_is_working_day_matches_weekday_and_bank_holiday_list(day):
    assert CAL.is_working_day(day) == _oracle_is_working_day(day)


@given(day_zero=dates, n=counts)
def test_working_day_number_is_the_inverse_of_add_working_days(day_zero, n):
    assert CAL.working_day_number(day_zero, CAL.add_working_days(day_zero, n)) == n


@given(first=dates, second=dates, n=counts)
def test_a_later_day_0_never_gives_an_earlier_deadline(first, second, n):
    earlier, later = sorted((first, second))
    assert CAL.add_working_days(earlier, n) <= CAL.add_working_days(later, n)


@given(day_zero=dates, n=counts)
def test_subtract_working_days_matches_a_day_by_day_count(day_zero, n):
    result = CAL.subtract_working_days(day_zero, n)
    assert result == _oracle_subtract(day_zero, n)
    assert result < day_zero
    assert CAL.is_working_day(result)


@given(day_zero=dates, n=counts)
def test_adding_back_after_subtracting_lands_on_the_first_working_day_from_day_0(day_zero, n):
    back = CAL.subtract_working_days(day_zero, n)
    assert CAL.add_working_days(back, n) == _first_working_day_on_or_after(day_zero)


@given(day=dates, n=counts)
def test_subtract_undoes_add_from_a_working_day(day, n):
    working_day = _first_working_day_on_or_after(day)
    assert CAL.subtract_working_days(CAL.add_working_days(working_day, n), n) == working_day
    assert CAL.add_working_days(CAL.subtract_working_days(working_day, n), n) == working_day
    assert CAL.working_day_number(working_day, CAL.subtract_working_days(working_day, n)) == -n


EXTRA = frozenset({date(2025, 12, 24), date(2025, 12, 31), date(2030, 7, 1), date(2000, 3, 15)})


@given(day_zero=dates, n=counts)
def test_extra_non_working_dates_never_bring_a_deadline_earlier(day_zero, n):
    with_extra = calendar_for(EXTRA).add_working_days(day_zero, n)
    assert with_extra >= CAL.add_working_days(day_zero, n)
    assert with_extra == _oracle_add(day_zero, n, EXTRA)


# --- add_months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        (date(2025, 10, 15), 3, date(2026, 1, 15)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 7, 15), 6, date(2026, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_add_months_uses_calendar_months_and_clamps_to_the_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_is_twelve_months_so_29_february_becomes_28_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2020, 6, 15), 5) == date(2025, 6, 15)


@given(day=dates, months=st.integers(min_value=0, max_value=24))
def test_add_months_keeps_the_day_unless_the_month_is_too_short(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    if result.day != day.day:
        assert result.day < day.day
        assert (result + ONE_DAY).day == 1


# --- Birthdays and ages --------------------------------------------------------------------


def test_birthday_of_someone_born_29_february_is_1_march_in_a_common_year():
    assert birthday_in(date(2020, 2, 29), 2025) == date(2025, 3, 1)
    assert birthday_in(date(2020, 2, 29), 2028) == date(2028, 2, 29)
    assert birthday_in(date(2010, 6, 15), 2025) == date(2025, 6, 15)


def test_child_born_29_february_2020_is_4_on_28_february_2025_and_5_on_1_march():
    assert age_on(date(2020, 2, 29), date(2025, 2, 28)) == 4
    assert age_on(date(2020, 2, 29), date(2025, 3, 1)) == 5


def test_child_born_29_february_2020_turns_4_on_29_february_2024():
    assert age_on(date(2020, 2, 29), date(2024, 2, 28)) == 3
    assert age_on(date(2020, 2, 29), date(2024, 2, 29)) == 4


def test_age_changes_on_the_birthday_not_the_day_before():
    assert age_on(date(2010, 6, 15), date(2028, 6, 14)) == 17
    assert age_on(date(2010, 6, 15), date(2028, 6, 15)) == 18
    assert age_on(date(2019, 12, 31), date(2020, 12, 30)) == 0
    assert age_on(date(2019, 12, 31), date(2020, 12, 31)) == 1
    assert age_on(date(2019, 12, 31), date(2019, 12, 31)) == 0


@pytest.mark.parametrize(
    ("born", "years", "expected"),
    [
        (date(2010, 6, 15), 5, date(2015, 6, 15)),
        (date(2010, 6, 15), 18, date(2028, 6, 15)),
        (date(2020, 2, 29), 5, date(2025, 3, 1)),
        (date(2020, 2, 29), 18, date(2038, 3, 1)),
        (date(2008, 2, 29), 18, date(2026, 3, 1)),
        (date(2019, 2, 28), 5, date(2024, 2, 28)),
        (date(2012, 2, 29), 4, date(2016, 2, 29)),
    ],
)
def test_date_of_5th_and_18th_birthdays(born, years, expected):
    assert date_of_age(born, years) == expected


@given(
    born=st.dates(min_value=date(1990, 1, 1), max_value=date(2070, 12, 31)),
    years=st.integers(min_value=1, max_value=20),
)
def test_date_of_age_is_the_first_day_of_that_age(born, years):
    attained = date_of_age(born, years)
    assert age_on(born, attained) == years
    assert age_on(born, attained - ONE_DAY) == years - 1
