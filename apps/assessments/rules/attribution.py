"""Who a breach is charged to, and why, in words (DOMAIN.md 5). Pure functions.

The order of the rules is the order of the pathway: the LA must first send a complete request
on time; then the appointments decide. When appointments were cancelled or missed, the one
that decides is the last that was on or before the deadline: after it, the deadline could no
longer be met. If that one was an LA-side event (carer or young person cancelling, the child
not brought, a placement move) the LA is charged; if health cancelled it, health is (with
health's own reason if it recorded one). Cancellations after the deadline decide nothing:
the deadline was already lost. An assessment held in time whose report was late is health's
(REPORT_DELAYED, or health's own reason) whatever was cancelled before it: the appointment
deadline was met. Otherwise, with a complete request on time, the breach is
health's, with health's own reason or none ("no reason given" is its own column in reports).
With no request date recorded at all nobody can tell: UNDETERMINED.

Whenever more than the deciding appointment was cancelled or missed, the rule in words lists
every one of them with who cancelled it and whether it was in time, so a manager reading a
breach charged to one side can see what the other side did and review it.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from apps.core.working_days import WorkingDayCalendar
from apps.policy.rules import BreachReason, Party, Policy


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


def _is_lost(event: AppointmentEvent) -> bool:
    """An appointment that did not take place: cancelled (by anyone) or the child not brought."""
    return event.outcome in (AppointmentOutcome.CANCELLED, AppointmentOutcome.WAS_NOT_BROUGHT)


_CANCELLED_BY_WORDS: dict[str, str] = {
    CancelledBy.HEALTH: "health",
    CancelledBy.CARER: "the carer",
    CancelledBy.YOUNG_PERSON: "the young person",
}

# The rule is stored in a 500-character column (Assessment.breach_rule and provisional_rule).
RULE_MAX_LENGTH = 500


def _lost_words(event: AppointmentEvent, due: date) -> str:
    day = _fmt(event.on)
    if event.outcome == AppointmentOutcome.WAS_NOT_BROUGHT:
        words = f"the child was not brought to the appointment of {day}"
    else:
        who = _CANCELLED_BY_WORDS.get(event.cancelled_by, "someone not recorded")
        words = f"{who} cancelled the appointment of {day}"
    if event.placement_move:
        words += " because of a placement move"
    return words + (" (in time)" if event.on <= due else " (after the deadline)")


def _with_cancellations(
    words: str, lost: list[AppointmentEvent], deciding: AppointmentEvent | None, due: date
) -> str:
    """The deciding rule, then every cancelled or missed appointment in date order.

    A lone cancellation that decided the breach is already named by the rule, so it is not
    repeated. If the list would not fit the stored rule, the latest entries are kept (the
    deciding one is the last in time, so it is always among them) and the rest counted.
    """
    if not lost or (len(lost) == 1 and lost[0] is deciding):
        return words
    entries = [_lost_words(e, due) for e in lost]
    for dropped in range(len(entries)):
        kept = entries[dropped:]
        if deciding is not None and all(e is not deciding for e in lost[dropped:]):
            break
        listing = "; ".join(kept)
        if dropped:
            earlier = "appointment" if dropped == 1 else "appointments"
            listing = f"{dropped} earlier cancelled or missed {earlier}; {listing}"
        text = f"{words} {listing[0].upper()}{listing[1:]}."
        if len(text) <= RULE_MAX_LENGTH:
            return text
    return words


_LA_EVENT_WORDS: dict[str, str] = {
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
    # Sorted by date; the sort is stable, so two on one day keep the order they were given.
    lost = sorted((e for e in appointments if _is_lost(e)), key=lambda e: e.on)
    deciding = next((e for e in reversed(lost) if e.on <= due), None)
    la_reason = _la_event_reason(deciding) if deciding is not None else None

    def decided(party: str, reason: str, words: str) -> Attribution:
        return Attribution(party, reason, _with_cancellations(words, lost, deciding, due))

    in_time = "Request complete in time"
    if (
        held_on is not None
        and held_on <= due
        and (report_returned_on is None or report_returned_on > due)
    ):
        # Held in time despite any cancellations: what was late is the report, not the
        # appointment, so no cancellation decided it (each is listed, for the record).
        def report_late(party: str, reason: str, words: str) -> Attribution:
            return Attribution(party, reason, _with_cancellations(words, lost, None, due))

        if health_reason:
            party = (
                Party.HEALTH
                if health_reason == BreachReason.OTHER
                else policy.party_for(health_reason)
            )
            return report_late(party, health_reason, f"{in_time}; health recorded the reason.")
        reason = BreachReason.REPORT_DELAYED
        return report_late(
            policy.party_for(reason),
            reason,
            f"{in_time}; assessment held on {_fmt(held_on)} but the report was late.",
        )
    if la_reason is not None and deciding is not None:
        who = "young person" if deciding.cancelled_by == CancelledBy.YOUNG_PERSON else "carer"
        words = _LA_EVENT_WORDS[la_reason].format(day=_fmt(deciding.on), who=who)
        return decided(
            policy.party_for(la_reason), la_reason, f"Request complete in time, but {words}."
        )
    if health_reason:
        party = (
            Party.HEALTH if health_reason == BreachReason.OTHER else policy.party_for(health_reason)
        )
        return decided(party, health_reason, f"{in_time}; health recorded the reason.")
    if deciding is not None:  # not an LA-side event, so health cancelled it
        reason = BreachReason.HEALTH_CANCELLED
        return decided(
            policy.party_for(reason),
            reason,
            f"{in_time}; health cancelled the appointment of {_fmt(deciding.on)}.",
        )
    return decided(Party.HEALTH, "", f"{in_time}, so the breach is health's; no reason given yet.")
