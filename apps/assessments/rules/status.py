"""The status of a clock on a given day (DOMAIN.md 5)."""

from datetime import date, timedelta
from enum import StrEnum

from apps.core.working_days import WorkingDayCalendar


class ClockStatus(StrEnum):
    PENDING = "PENDING"
    AT_RISK = "AT_RISK"
    OVERDUE = "OVERDUE"
    MET = "MET"
    BREACHED = "BREACHED"
    NOT_REQUIRED = "NOT_REQUIRED"
    DECLINED = "DECLINED"


OPEN_STATUSES = {ClockStatus.PENDING, ClockStatus.AT_RISK, ClockStatus.OVERDUE}
BREACH_STATUSES = {ClockStatus.OVERDUE, ClockStatus.BREACHED}


def at_risk_cutoff(today: date, calendar: WorkingDayCalendar, working_days: int) -> date:
    """Clocks due on or before this date (and not yet past) are "at risk"."""
    return calendar.add_working_days(today, working_days)


def clock_status(
    *,
    due: date,
    completed_on: date | None,
    today: date,
    calendar: WorkingDayCalendar,
    at_risk_working_days: int,
    not_required: bool = False,
    declined: bool = False,
) -> ClockStatus:
    """A clock is breached when its deadline passes without its completing event, or the
    event happens after the deadline. "Within" is inclusive: on the due date is in time."""
    if completed_on is not None:
        return ClockStatus.MET if completed_on <= due else ClockStatus.BREACHED
    if declined:
        return ClockStatus.DECLINED
    if not_required:
        return ClockStatus.NOT_REQUIRED
    if today > due:
        return ClockStatus.OVERDUE
    if due <= at_risk_cutoff(today, calendar, at_risk_working_days):
        return ClockStatus.AT_RISK
    return ClockStatus.PENDING


def write_up_late(
    *, attended_on: date, today: date, calendar: WorkingDayCalendar, working_days: int
) -> bool:
    """Issue 14: the child attended and the assessment is not written up more than
    ``working_days`` working days later (on the last of them it is still in time)."""
    return calendar.working_day_number(attended_on, today) > working_days


def write_up_late_before(today: date, calendar: WorkingDayCalendar, working_days: int) -> date:
    """The write-up of an attendance before this date is late (``write_up_late`` as a
    cutoff, for a queryset): the (working_days + 1)-th working day on or before today."""
    return calendar.subtract_working_days(today + timedelta(days=1), working_days + 1)
