"""The states an assessment passes through after it is held, as a pure function of the
facts (issue 14): attended -> awaiting write-up -> signed off -> returned -> read.

"Attended" is the held date (DOMAIN.md 2: the held date is the attendance date, whoever
records it first); from then the write-up is awaited. A write-up not signed off N working
days after the assessment was held is at risk, and a returned report unread after M working
days is late: N and M are the LA's policy (``write_up_working_days`` and
``report_read_working_days``, Default 5 each) in force on the clock's day 0, passed in."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from apps.core.working_days import WorkingDayCalendar


class LoopState(StrEnum):
    NOT_HELD = "NOT_HELD"
    AWAITING_WRITE_UP = "AWAITING_WRITE_UP"
    SIGNED_OFF = "SIGNED_OFF"
    RETURNED = "RETURNED"
    READ = "READ"


LABELS = {
    LoopState.NOT_HELD: "Not held yet",
    LoopState.AWAITING_WRITE_UP: "Held, awaiting write-up",
    LoopState.SIGNED_OFF: "Signed off, report to return",
    LoopState.RETURNED: "Report returned, not yet read",
    LoopState.READ: "Report read",
}

ORDER = list(LoopState)


@dataclass(frozen=True)
class LoopFacts:
    held_on: date | None
    signed_off_at: datetime | None = None
    returned_on: date | None = None
    read_at: datetime | None = None


class LoopError(ValueError):
    pass


def loop_state(facts: LoopFacts) -> LoopState:
    if facts.held_on is None:
        return LoopState.NOT_HELD
    if facts.signed_off_at is None:
        return LoopState.AWAITING_WRITE_UP
    if facts.returned_on is None:
        return LoopState.SIGNED_OFF
    if facts.read_at is None:
        return LoopState.RETURNED
    return LoopState.READ


def check_step(facts: LoopFacts, target: LoopState) -> None:
    """A step is allowed only from the state just before it: no sign-off before the
    assessment is held, no return before sign-off, no reading before return."""
    current = loop_state(facts)
    if ORDER.index(target) != ORDER.index(current) + 1:
        raise LoopError(
            f"Cannot move to \u201c{LABELS[target]}\u201d from \u201c{LABELS[current]}\u201d."
        )


def write_up_due_on(held_on: date, calendar: WorkingDayCalendar, days: int) -> date:
    return calendar.add_working_days(held_on, days)


def write_up_at_risk(
    facts: LoopFacts,
    today: date,
    calendar: WorkingDayCalendar,
    days: int,
) -> bool:
    if facts.held_on is None or loop_state(facts) != LoopState.AWAITING_WRITE_UP:
        return False
    return today > write_up_due_on(facts.held_on, calendar, days)


def unread_too_long(
    returned_on: date,
    read: bool,
    today: date,
    calendar: WorkingDayCalendar,
    days: int,
) -> bool:
    """Late on the worklist once the ``days``-th working day after return has passed."""
    return not read and today > calendar.add_working_days(returned_on, days)
