"""The status of a clock on a given day (DOMAIN.md 5)."""

from datetime import date
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
