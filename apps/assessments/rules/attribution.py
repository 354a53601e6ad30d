"""Who a breach is charged to, and why, in words (DOMAIN.md 5). Pure functions.

The order of the rules is the order of the pathway: the LA must first send a complete request
on time; an LA-side event (carer or young person cancelling, the child not brought, a
placement move) then charges the LA; otherwise, with a complete request on time, the breach is
health's, with health's own reason or none ("no reason given" is its own column in reports).
With no request date recorded at all nobody can tell: UNDETERMINED.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from apps.assessments.rules.policy import BreachReason, Party, Policy
from apps.core.working_days import WorkingDayCalendar


class AppointmentOutcome(StrEnum):
    BOOKED = "BOOKED"
    ATTENDED = "ATTENDED"
    CANCELLED = "CANCELLED"
    WAS_NOT_BROUGHT = "WAS_NOT_BROUGHT"


class CancelledBy(StrEnum):
    CARER = "CARER"
    YOUNG_PERSON = "YOUNG_PERSON"
    HEALTH = "HEALTH"


@dataclass(frozen=True)
class AppointmentEvent:
    on: date
    outcome: str
    cancelled_by: str = ""
    placement_move: bool = False


@dataclass(frozen=True)
class Attribution:
    party: str
    reason: str  # "" when health has not given one
    rule: str  # the rule that decided, in words, shown to the user


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _la_event_reason(event: AppointmentEvent) -> str | None:
    if event.placement_move and event.outcome in (
        AppointmentOutcome.CANCELLED,
        AppointmentOutcome.WAS_NOT_BROUGHT,
    ):
        return BreachReason.PLACEMENT_MOVE
    if event.outcome == AppointmentOutcome.WAS_NOT_BROUGHT:
        return BreachReason.WAS_NOT_BROUGHT
    if event.outcome == AppointmentOutcome.CANCELLED and event.cancelled_by in (
        CancelledBy.CARER,
        CancelledBy.YOUNG_PERSON,
    ):
        return BreachReason.CARER_OR_YP_CANCELLED
    return None


_LA_EVENT_WORDS = {
    BreachReason.PLACEMENT_MOVE: "a placement move forced re-booking of the appointment of {day}",
    BreachReason.WAS_NOT_BROUGHT: "the child was not brought to the appointment of {day}",
    BreachReason.CARER_OR_YP_CANCELLED: "the {who} cancelled the appointment of {day}",
}


def _request_position(
    *,
    kind: str,
    clock_start: date,
    request_due: date,
    day: date,
    calendar: WorkingDayCalendar,
    due: date,
) -> str:
    """Where a request date sits against its deadline, in the words people use."""
    if kind == "IHA":
        number = calendar.working_day_number(clock_start, day)
        when = f"working day {number}"
        if not calendar.is_working_day(day):
            # A request sent on a weekend or bank holiday is acted on the next working day.
            when = f"{_fmt(day)}, a non-working day, so working day {number + 1}"
        return (
            f"{when} after entry to care, "
            f"deadline was working day {calendar.working_day_number(clock_start, request_due)}"
        )
    return f"{_fmt(day)}, deadline was {_fmt(request_due)} ({calendar.working_day_number(request_due, due)} working days before the due date)"


def attribute_breach(
    *,
    kind: str,
    clock_start: date,
    request_due: date,
    due: date,
    request_sent_on: date | None,
    request_complete_on: date | None,
    appointments: list[AppointmentEvent],
    health_reason: str,
    held_on: date | None,
    report_returned_on: date | None,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> Attribution:
    """The party and reason for a breached (or, if nothing else happens, breaching) clock."""
    if request_sent_on is None:
        return Attribution(
            Party.UNDETERMINED,
            "",
            "No request date is recorded, so the breach cannot be attributed.",
        )
    if request_sent_on > request_due:
        reason = BreachReason.LATE_REQUEST
        position = _request_position(
            kind=kind,
            clock_start=clock_start,
            request_due=request_due,
            day=request_sent_on,
            calendar=calendar,
            due=due,
        )
        return Attribution(policy.party_for(reason), reason, f"Request sent on {position}.")
    if request_complete_on is None or request_complete_on > request_due:
        reason = BreachReason.INCOMPLETE_REQUEST
        if request_complete_on is None:
            words = f"Request sent in time but never completed (consent and information); the deadline was {_fmt(request_due)}."
        else:
            position = _request_position(
                kind=kind,
                clock_start=clock_start,
                request_due=request_due,
                day=request_complete_on,
                calendar=calendar,
                due=due,
            )
            words = f"Request complete (consent and information) on {position}."
        return Attribution(policy.party_for(reason), reason, words)
    la_events = [
        (event, reason)
        for event in sorted(appointments, key=lambda e: e.on)
        if event.on <= due and (reason := _la_event_reason(event)) is not None
    ]
    if la_events:
        event, reason = la_events[-1]
        who = "young person" if event.cancelled_by == CancelledBy.YOUNG_PERSON else "carer"
        words = _LA_EVENT_WORDS[reason].format(day=_fmt(event.on), who=who)
        return Attribution(
            policy.party_for(reason), reason, f"Request complete in time, but {words}."
        )
    in_time = "Request complete in time"
    if health_reason:
        party = (
            Party.HEALTH if health_reason == BreachReason.OTHER else policy.party_for(health_reason)
        )
        return Attribution(party, health_reason, f"{in_time}; health recorded the reason.")
    health_cancelled = [
        e
        for e in appointments
        if e.outcome == AppointmentOutcome.CANCELLED
        and e.cancelled_by == CancelledBy.HEALTH
        and e.on <= due
    ]
    if health_cancelled:
        reason = BreachReason.HEALTH_CANCELLED
        return Attribution(
            policy.party_for(reason),
            reason,
            f"{in_time}; health cancelled the appointment of {_fmt(max(e.on for e in health_cancelled))}.",
        )
    if (
        held_on is not None
        and held_on <= due
        and (report_returned_on is None or report_returned_on > due)
    ):
        reason = BreachReason.REPORT_DELAYED
        return Attribution(
            policy.party_for(reason),
            reason,
            f"{in_time}; assessment held on {_fmt(held_on)} but the report was late.",
        )
    return Attribution(
        Party.HEALTH, "", f"{in_time}, so the breach is health's; no reason given yet."
    )
