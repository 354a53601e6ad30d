"""The scorecard's pure rules (apps.performance.rules): RAG, direction of travel, windows,
financial quarters, rounding and the date cut-offs behind the set-based queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.working_days import add_months, age_on, calendar_for, date_of_age
from apps.performance.rules import (
    Direction,
    Rag,
    Window,
    age_band,
    age_band_on,
    birth_dates_reaching_age_in,
    direction_of_travel,
    earliest_still_in_date,
    financial_quarter_of,
    financial_year_of,
    financial_year_window,
    kpi_window,
    latest_entry_due_by,
    legal_status_group,
    parse_financial_year,
    parse_month,
    period_window,
    quarter_window,
    rag,
    reporting_date,
    result_of,
    shift_month,
    whole_percent,
)

D = Decimal


def _rag(value, polarity="H", target="90", floor="80", denominator=10, activity_only=False):
    return rag(
        value=None if value is None else D(value),
        polarity=polarity,
        target=None if target is None else D(target),
        floor=None if floor is None else D(floor),
        denominator=denominator,
        activity_only=activity_only,
    )


# --- results ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "unit", "expected"),
    [
        (628, 683, "PERCENT", "91.9"),
        (394, 631, "PERCENT", "62.4"),
        (24, 24, "PERCENT", "100.0"),
        (3974, 264, "MEAN", "15.1"),
        (27762, 77, "DAYS", "360.5"),
        (1, 8, "PERCENT", "12.5"),  # exactly half-way rounds up
        (1, 16, "MEAN", "0.1"),  # 0.0625 -> 0.1
        (0, 7, "PERCENT", "0.0"),
    ],
)
def test_result_is_rounded_half_up_to_one_decimal(numerator, denominator, unit, expected):
    assert result_of(numerator, denominator, unit) == D(expected)


@pytest.mark.parametrize("denominator", [0, None])
def test_result_without_a_denominator_is_none(denominator):
    assert result_of(3, denominator, "PERCENT") is None
    assert result_of(None, 5, "PERCENT") is None


@pytest.mark.parametrize(
    ("within", "requiring", "expected"),
    [
        (95, 104, 91),
        (67, 97, 69),
        (72, 109, 66),
        (103, 129, 80),
        (337, 439, 77),
        (1, 2, 50),
        (1, 8, 13),
    ],
)
def test_compliance_is_a_whole_percent_rounded_half_up(within, requiring, expected):
    assert whole_percent(within, requiring) == expected


def test_compliance_with_nothing_required_is_none():
    assert whole_percent(0, 0) is None


# --- RAG ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100", Rag.GREEN),
        ("90", Rag.GREEN),
        ("89.9", Rag.AMBER),
        ("80", Rag.AMBER),
        ("79.9", Rag.RED),
        ("0", Rag.RED),
    ],
)
def test_higher_is_better_meets_target_green_floor_amber_below_red(value, expected):
    assert _rag(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", Rag.GREEN),
        ("10", Rag.GREEN),
        ("10.1", Rag.AMBER),
        ("12", Rag.AMBER),
        ("12.1", Rag.RED),
    ],
)
def test_lower_is_better_is_mirrored(value, expected):
    assert _rag(value, polarity="L", target="10", floor="12") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", Rag.GREEN),
        ("52.5", Rag.GREEN),  # half the tolerance (5) either side
        ("47.5", Rag.GREEN),
        ("52.6", Rag.AMBER),
        ("55", Rag.AMBER),  # as far from the target as the floor: amber, like H and L
        ("45", Rag.AMBER),
        ("55.1", Rag.RED),
        ("44.9", Rag.RED),
    ],
)
def test_close_to_target_uses_the_distance_to_the_floor_as_tolerance(value, expected):
    assert _rag(value, polarity="T", target="50", floor="45") == expected


def test_close_to_target_without_a_floor_is_green_only_on_target():
    assert _rag("50", polarity="T", target="50", floor=None) == Rag.GREEN
    assert _rag("50.1", polarity="T", target="50", floor=None) == Rag.AMBER


@pytest.mark.parametrize("polarity", ["H", "L"])
def test_a_target_without_a_floor_has_no_red(polarity):
    far = "0" if polarity == "H" else "100"
    assert _rag(far, polarity=polarity, target="50", floor=None) == Rag.AMBER


@pytest.mark.parametrize("denominator", [0, 1, 4, None])
def test_no_rag_under_five(denominator):
    assert _rag("100", denominator=denominator) is None


def test_five_is_enough_for_a_rag():
    assert _rag("100", denominator=5) == Rag.GREEN


def test_no_rag_for_activity_only_no_target_or_no_result():
    assert _rag("100", activity_only=True) is None
    assert _rag("100", target=None, floor=None) is None
    assert _rag(None) is None


def test_unknown_polarity_is_refused():
    with pytest.raises(ValueError):
        _rag("1", polarity="X")


_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
values = st.decimals(min_value=0, max_value=100, places=1)


@given(a=values, b=values, target=values, floor=values)
def test_a_better_value_never_gets_a_worse_rag(a, b, target, floor):
    low, high = sorted((a, b))
    bottom, top = sorted((target, floor))
    higher = {"polarity": "H", "target": top, "floor": bottom, "denominator": 10}
    lower = {"polarity": "L", "target": bottom, "floor": top, "denominator": 10}
    assert _ORDER[rag(value=high, **higher)] >= _ORDER[rag(value=low, **higher)]
    assert _ORDER[rag(value=low, **lower)] >= _ORDER[rag(value=high, **lower)]


# --- direction of travel ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        ("91.9", "92.2", "H", Direction.WORSENING),
        ("62.4", "67.1", "H", Direction.WORSENING),
        ("92.2", "91.9", "H", Direction.IMPROVING),
        ("9.7", "10.0", "L", Direction.IMPROVING),
        ("15.1", "14.7", "L", Direction.WORSENING),
        ("100.0", "100.0", "H", Direction.SAME),
        ("100.0", "100.0", "L", Direction.SAME),
    ],
)
def test_direction_of_travel_is_polarity_aware(current, previous, polarity, expected):
    assert (
        direction_of_travel(current=D(current), previous=D(previous), polarity=polarity) == expected
    )


def test_close_to_target_improves_when_nearer_the_target():
    kwargs = {"polarity": "T", "target": D("50")}
    assert direction_of_travel(current=D("48"), previous=D("55"), **kwargs) == Direction.IMPROVING
    assert direction_of_travel(current=D("56"), previous=D("45"), **kwargs) == Direction.WORSENING
    assert direction_of_travel(current=D("52"), previous=D("48"), **kwargs) == Direction.SAME
    assert direction_of_travel(current=D("52"), previous=D("48"), polarity="T") is None


def test_no_direction_without_both_figures():
    assert direction_of_travel(current=None, previous=D("1"), polarity="H") is None
    assert direction_of_travel(current=D("1"), previous=None, polarity="L") is None


# --- parsing ------------------------------------------------------------------------------


def test_parse_month():
    assert parse_month("2019-07") == date(2019, 7, 1)
    assert parse_month(" 2020-12 ") == date(2020, 12, 1)


@pytest.mark.parametrize(
    "text", ["2025-13", "2025-00", "2025-1", "25-01", "July", "", "2025-07-01", "1999-12"]
)
def test_parse_month_refuses_with_a_message(text):
    with pytest.raises(ValueError, match=r"\S"):
        parse_month(text)


@pytest.mark.parametrize("text", ["abc", "", "18", "2018-19", "1999"])
def test_parse_financial_year_refuses(text):
    with pytest.raises(ValueError):
        parse_financial_year(text)


def test_parse_financial_year():
    assert parse_financial_year("2018") == 2018


# --- financial years and quarters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "quarter"),
    [
        (4, 1),
        (5, 1),
        (6, 1),
        (7, 2),
        (8, 2),
        (9, 2),
        (10, 3),
        (11, 3),
        (12, 3),
        (1, 4),
        (2, 4),
        (3, 4),
    ],
)
def test_financial_year_and_quarter_of_every_month(month, quarter):
    day = date(2018 if month >= 4 else 2019, month, 15)
    assert financial_quarter_of(day) == quarter
    # April 2018 to March 2019 is the financial year 2018.
    assert financial_year_of(day) == 2018


def test_quarter_windows_cover_the_year_without_gaps():
    windows = [quarter_window(2018, q) for q in (1, 2, 3, 4)]
    assert windows[0] == Window(date(2018, 4, 1), date(2018, 6, 30))
    assert windows[1] == Window(date(2018, 7, 1), date(2018, 9, 30))
    assert windows[2] == Window(date(2018, 10, 1), date(2018, 12, 31))
    assert windows[3] == Window(date(2019, 1, 1), date(2019, 3, 31))
    for before, after in zip(windows, windows[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert financial_year_window(2018) == Window(windows[0].start, windows[3].end)
    with pytest.raises(ValueError):
        quarter_window(2018, 5)


@pytest.mark.parametrize(
    ("period", "month", "start", "end"),
    [
        ("SS", date(2019, 7, 1), date(2019, 7, 31), date(2019, 7, 31)),
        ("R12M", date(2019, 7, 1), date(2018, 8, 1), date(2019, 7, 31)),
        ("R12M", date(2020, 2, 1), date(2019, 3, 1), date(2020, 2, 29)),
        ("YTD", date(2019, 7, 1), date(2019, 4, 1), date(2019, 7, 31)),
        ("YTD", date(2019, 4, 1), date(2019, 4, 1), date(2019, 4, 30)),
        ("YTD", date(2020, 3, 1), date(2019, 4, 1), date(2020, 3, 31)),
        ("Q", date(2019, 7, 1), date(2019, 7, 1), date(2019, 7, 31)),
        ("Q", date(2019, 9, 1), date(2019, 7, 1), date(2019, 9, 30)),
        ("Q", date(2020, 2, 1), date(2020, 1, 1), date(2020, 2, 29)),
        ("M", date(2019, 7, 1), date(2019, 7, 1), date(2019, 7, 31)),
    ],
)
def test_period_windows(period, month, start, end):
    assert period_window(period, month) == Window(start, end)


def test_unknown_period_type_is_refused():
    with pytest.raises(ValueError):
        period_window("W", date(2019, 7, 1))


def test_a_past_month_is_reported_on_its_last_day():
    assert reporting_date(date(2019, 7, 1), date(2020, 1, 1)) == date(2019, 7, 31)


def test_the_month_in_progress_is_reported_on_yesterday():
    today = date(2019, 7, 17)
    assert reporting_date(date(2019, 7, 1), today) == date(2019, 7, 16)
    assert kpi_window("SS", date(2019, 7, 1), today) == Window(date(2019, 7, 16), date(2019, 7, 16))
    assert kpi_window("R12M", date(2019, 7, 1), today) == Window(
        date(2018, 8, 1), date(2019, 7, 16)
    )


def test_shift_month_crosses_years():
    assert shift_month(date(2019, 1, 1), -1) == date(2018, 12, 1)
    assert shift_month(date(2019, 7, 31), -12) == date(2018, 7, 1)


# --- cut-off dates (checked against the calendar rule day by day) --------------------------


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("months", [3, 6, 12])
def test_earliest_still_in_date_matches_calendar_months_for_every_day(months):
    for on in _days(date(2019, 1, 1), date(2021, 3, 31)):
        cut = earliest_still_in_date(on, months)
        assert add_months(cut, months) >= on
        assert add_months(cut - timedelta(days=1), months) < on


def test_earliest_still_in_date_example():
    # A check on 31 July 2018 is due on 31 July 2019: still in date on that day.
    assert earliest_still_in_date(date(2019, 7, 31), 12) == date(2018, 7, 31)
    # 30 and 31 August both + 6 months = 28 February.
    assert earliest_still_in_date(date(2019, 2, 28), 6) == date(2018, 8, 28)


@pytest.mark.parametrize("age", [5, 18])
def test_birth_dates_reaching_an_age_in_every_month(age):
    month = date(2019, 1, 1)
    while month <= date(2021, 12, 1):
        window = period_window("M", month)
        low, high = birth_dates_reaching_age_in(age, window)
        assert window.start <= date_of_age(low, age) <= window.end
        assert date_of_age(low - timedelta(days=1), age) < window.start
        assert window.start <= date_of_age(high, age) <= window.end
        assert date_of_age(high + timedelta(days=1), age) > window.end
        month = shift_month(month, 1)


def test_born_on_29_february_turns_18_on_1_march_in_a_common_year():
    march = period_window("M", date(2018, 3, 1))
    february = period_window("M", date(2018, 2, 1))
    assert birth_dates_reaching_age_in(18, march)[0] == date(2000, 2, 29)
    assert birth_dates_reaching_age_in(18, february)[1] == date(2000, 2, 28)


def test_latest_entry_due_by_matches_the_working_day_calendar():
    calendar = calendar_for()
    for on in _days(date(2019, 12, 1), date(2020, 2, 29)):
        latest = latest_entry_due_by(on, 20, calendar)
        assert calendar.add_working_days(latest, 20) <= on
        assert calendar.add_working_days(latest + timedelta(days=1), 20) > on


def test_latest_entry_due_by_domain_example():
    # DOMAIN.md 1: entry on Friday 19 December 2025 has its IHA due on 21 January 2026.
    assert latest_entry_due_by(date(2026, 1, 21), 20, calendar_for()) == date(2025, 12, 21)


# --- breakdown groups ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-4"),
        (4, "0-4"),
        (5, "5-9"),
        (9, "5-9"),
        (10, "10-15"),
        (15, "10-15"),
        (16, "16+"),
        (17, "16+"),
    ],
)
def test_age_bands(age, band):
    assert age_band(age) == band


def test_age_band_on_a_birthday():
    assert age_band_on(date(2014, 7, 10), date(2019, 7, 9)) == "0-4"
    assert age_band_on(date(2014, 7, 10), date(2019, 7, 10)) == "5-9"
    assert age_on(date(2016, 2, 29), date(2021, 2, 28)) == 4


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("V2", "section_20"),
        ("V3", "section_20"),
        ("V4", "section_20"),
        ("C1", "care_order"),
        ("C2", "care_order"),
        ("E1", "care_order"),
        ("", None),
    ],
)
def test_legal_status_groups(code, group):
    assert legal_status_group(code) == group
