"""Pure rule code for the scorecard (DOMAIN.md 8): RAG, direction of travel, reporting
windows, financial quarters, rounding, age bands. No ORM: plain values in, plain values out,
so every rule is tested exhaustively (tests/performance/test_rules.py).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from apps.core.codes import ACCOMMODATED_LEGAL_STATUSES
from apps.core.working_days import WorkingDayCalendar, add_months, age_on, date_of_age

# DOMAIN.md 8: no RAG when the denominator is under 5 (too few to judge, and small numbers
# swing wildly month to month).
MIN_DENOMINATOR_FOR_RAG = 5
# Financial years start on 1 April (DfE and NHS reporting years).
FINANCIAL_YEAR_START_MONTH = 4

ONE_DECIMAL = Decimal("0.1")


class Polarity(StrEnum):
    HIGHER = "H"
    LOWER = "L"
    TARGET = "T"


class PeriodType(StrEnum):
    SNAPSHOT = "SS"
    ROLLING_12_MONTHS = "R12M"
    YEAR_TO_DATE = "YTD"
    QUARTER = "Q"
    MONTH = "M"


class Unit(StrEnum):
    PERCENT = "PERCENT"  # 100 x numerator / denominator
    MEAN = "MEAN"  # numerator (a sum of scores) / denominator (a count)
    DAYS = "DAYS"  # numerator (a sum of days) / denominator (a count): mean days


class Rag(StrEnum):
    GREEN = "G"
    AMBER = "A"
    RED = "R"


RAG_LABELS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red"}


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    SAME = "same"


# ---------------------------------------------------------------------------------------
# Results and RAG


def result_of(
    numerator: Decimal | int | None, denominator: int | None, unit: str
) -> Decimal | None:
    """The published figure, to one decimal place (as on the Kent scorecard), or None when
    there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    if unit == Unit.PERCENT:
        value *= 100
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def whole_percent(numerator: int, denominator: int) -> int | None:
    """Compliance % as printed in the quarterly breach tables: whole numbers, half up
    (95 of 104 is 91%, 103 of 129 is 80%)."""
    if not denominator:
        return None
    return int(
        (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )


def rag(
    *,
    value: Decimal | None,
    polarity: str,
    target: Decimal | None,
    floor: Decimal | None,
    denominator: int | None,
    activity_only: bool = False,
) -> Rag | None:
    """RAG of a result (DOMAIN.md 8).

    Green meets the target; Amber between floor and target (the floor itself is Amber);
    Red worse than the floor. No RAG for activity-only measures, a denominator under 5, or
    no target. ``value`` is the published (rounded) result, so the colour never contradicts
    the number printed beside it.

    With a target but no floor there is no Red band: a miss is Amber.

    Polarity T ("close to target") has no better side: the tolerance is the distance from
    the target to the floor. Within half the tolerance is Green ("close"), within the
    tolerance is Amber, further from the target than the floor is Red. This keeps the floor
    as the Red boundary, as it is for H and L.
    """
    if activity_only or value is None or target is None:
        return None
    if denominator is None or denominator < MIN_DENOMINATOR_FOR_RAG:
        return None
    if polarity == Polarity.HIGHER:
        if value >= target:
            return Rag.GREEN
        return Rag.AMBER if floor is None or value >= floor else Rag.RED
    if polarity == Polarity.LOWER:
        if value <= target:
            return Rag.GREEN
        return Rag.AMBER if floor is None or value <= floor else Rag.RED
    if polarity == Polarity.TARGET:
        distance = abs(value - target)
        tolerance = abs(target - floor) if floor is not None else None
        if tolerance is None:
            return Rag.GREEN if distance == 0 else Rag.AMBER
        if distance * 2 <= tolerance:
            return Rag.GREEN
        return Rag.AMBER if distance <= tolerance else Rag.RED
    raise ValueError(f"Unknown polarity {polarity!r}")


def direction_of_travel(
    *,
    current: Decimal | None,
    previous: Decimal | None,
    polarity: str,
    target: Decimal | None = None,
) -> Direction | None:
    """Compared with the previous period, polarity-aware; None when either figure is
    missing (or, for T, there is no target to be close to). Compares the published
    (rounded) figures, so "same" means the same number on the page."""
    if current is None or previous is None:
        return None
    if polarity == Polarity.TARGET:
        if target is None:
            return None
        current, previous = -abs(current - target), -abs(previous - target)
    elif polarity == Polarity.LOWER:
        current, previous = -current, -previous
    elif polarity != Polarity.HIGHER:
        raise ValueError(f"Unknown polarity {polarity!r}")
    if current > previous:
        return Direction.IMPROVING
    if current < previous:
        return Direction.WORSENING
    return Direction.SAME


# ---------------------------------------------------------------------------------------
# Months, financial years and quarters

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """'2019-07' -> date(2019, 7, 1). ValueError with a message a person can act on."""
    match = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError("Enter a month as YYYY-MM, for example 2019-07.")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError("The month must be between 01 and 12.")
    if year < 2000:
        raise ValueError("The month must be in 2000 or later.")
    return date(year, month, 1)


def parse_financial_year(text: str) -> int:
    """'2018' -> 2018, the year April 2018 to March 2019 starts in."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}", text.strip()):
        raise ValueError("Enter the year the financial year starts in, for example 2018.")
    year = int(text)
    if year < 2000:
        raise ValueError("The year must be 2000 or later.")
    return year


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_month(month: date, months: int) -> date:
    return add_months(month_start(month), months)


def financial_year_of(day: date) -> int:
    """The year the financial year containing ``day`` starts in (Jan-Mar 2019 -> 2018)."""
    return day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1


def financial_quarter_of(day: date) -> int:
    """Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March."""
    return (day.month - FINANCIAL_YEAR_START_MONTH) % 12 // 3 + 1


@dataclass(frozen=True)
class Window:
    """Inclusive dates. A snapshot is a window of one day (start == end)."""

    start: date
    end: date

    def clipped(self, as_at: date) -> Window:
        """The part of the window on or before ``as_at`` (may be empty: start > end)."""
        return Window(self.start, min(self.end, as_at))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def financial_year_window(year: int) -> Window:
    return Window(date(year, 4, 1), date(year + 1, 3, 31))


def quarter_window(year: int, quarter: int) -> Window:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1 to 4.")
    first = add_months(date(year, 4, 1), 3 * (quarter - 1))
    return Window(first, month_end(add_months(first, 2)))


def period_window(period_type: str, month: date) -> Window:
    """The reporting window of a KPI for the month chosen on the scorecard.

    SS: the snapshot on the last day of the month. R12M: the 12 months ending at the month
    end. YTD: 1 April of the financial year to the month end. Q: the financial quarter
    containing the month, from its start to the month end (a month that ends a quarter
    gives the whole quarter; a mid-quarter month never counts clocks not yet due). M: the
    month.
    """
    first, last = month_start(month), month_end(month)
    if period_type == PeriodType.SNAPSHOT:
        return Window(last, last)
    if period_type == PeriodType.ROLLING_12_MONTHS:
        return Window(add_months(first, -11), last)
    if period_type == PeriodType.YEAR_TO_DATE:
        return Window(date(financial_year_of(first), 4, 1), last)
    if period_type == PeriodType.QUARTER:
        quarter = quarter_window(financial_year_of(first), financial_quarter_of(first))
        return Window(quarter.start, last)
    if period_type == PeriodType.MONTH:
        return Window(first, last)
    raise ValueError(f"Unknown period type {period_type!r}")


def reporting_date(month: date, today: date) -> date:
    """The day the figures of ``month`` are taken on: its last day, or for the month in
    progress yesterday (today's events may still be being recorded, and a clock due today
    is not yet breached)."""
    return min(month_end(month), today - timedelta(days=1))


# ---------------------------------------------------------------------------------------
# Dates as cut-offs for set-based queries


def earliest_still_in_date(on: date, months: int) -> date:
    """The earliest date ``d`` with ``d + months`` (calendar months, DOMAIN.md 1) on or after
    ``on``: a check on or after it is still in date on ``on``. Not simply ``on - months``,
    because month-end clipping makes "+ months" many-to-one (30 and 31 August + 6 months
    are both 28 February)."""
    candidate = add_months(on, -months)
    while add_months(candidate, months) < on:
        candidate += timedelta(days=1)
    while add_months(candidate - timedelta(days=1), months) >= on:
        candidate -= timedelta(days=1)
    return candidate


def latest_entry_due_by(on: date, working_days: int, calendar: WorkingDayCalendar) -> date:
    """The latest entry to care whose ``working_days``-th working day is on or before ``on``:
    children who entered on or before it have been in care that many working days (their
    IHA is due). Entries on a weekend count from the next working day, so the answer is
    found by stepping rather than by subtraction alone."""
    candidate = calendar.subtract_working_days(on, working_days)
    while calendar.add_working_days(candidate + timedelta(days=1), working_days) <= on:
        candidate += timedelta(days=1)
    while calendar.add_working_days(candidate, working_days) > on:
        candidate -= timedelta(days=1)
    return candidate


def birth_dates_reaching_age_in(age: int, window: Window) -> tuple[date, date]:
    """The range of dates of birth of people who attain ``age`` within the window (someone
    born on 29 February attains it on 1 March in a common year)."""
    low = date(window.start.year - age, window.start.month, 1)
    while date_of_age(low, age) < window.start:
        low += timedelta(days=1)
    while date_of_age(low - timedelta(days=1), age) >= window.start:
        low -= timedelta(days=1)
    high = add_months(window.end, -12 * age)
    while date_of_age(high + timedelta(days=1), age) <= window.end:
        high += timedelta(days=1)
    while date_of_age(high, age) > window.end:
        high -= timedelta(days=1)
    return low, high


# ---------------------------------------------------------------------------------------
# Breakdown groups

AGE_BANDS = ["0-4", "5-9", "10-15", "16+"]
CARE_ORDER = "care_order"
SECTION_20 = "section_20"
LEGAL_STATUS_GROUPS = {CARE_ORDER: "Care order", SECTION_20: "Section 20 (accommodated)"}


def age_band(age: int) -> str:
    """Breakdown bands of DOMAIN.md 8: 0-4, 5-9, 10-15, 16+."""
    if age < 5:
        return "0-4"
    if age < 10:
        return "5-9"
    if age < 16:
        return "10-15"
    return "16+"


def age_band_on(date_of_birth: date, on: date) -> str:
    return age_band(age_on(date_of_birth, on))


def age_range_of_band(band: str) -> tuple[int, int | None]:
    """Inclusive lower age and exclusive upper age (None: no upper bound)."""
    return {"0-4": (0, 5), "5-9": (5, 10), "10-15": (10, 16), "16+": (16, None)}[band]


def legal_status_group(code: str | None) -> str | None:
    """Section 20 accommodation (V2-V4) versus care (and other) orders."""
    if not code:
        return None
    return SECTION_20 if code in ACCOMMODATED_LEGAL_STATUSES else CARE_ORDER


RHA_AGE_BANDS = {"0-5": (0, 5), "5-18": (5, 18)}  # DOMAIN.md 3: by age on the due date


def kpi_window(period_type: str, month: date, today: date) -> Window:
    """The window a KPI is counted over for ``month``, never past the reporting date: a
    snapshot is taken on the reporting date, other windows are cut at it."""
    as_at = reporting_date(month, today)
    if period_type == PeriodType.SNAPSHOT:
        return Window(as_at, as_at)
    return period_window(period_type, month).clipped(as_at)
