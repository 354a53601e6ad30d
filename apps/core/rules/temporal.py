"""Dates that cannot contradict each other (issue 13). Pure: no ORM.

Every event of a health assessment's clock lies within the period of care it belongs to
(request sent, request complete, booking, appointment, held, report returned are on or after
the period's start) and, for an IHA or RHA, not after the child's 18th birthday unless the
caller's policy allows it; a request is complete on or after it was sent; an appointment is
booked on or after the request was sent; a report is returned on or after the assessment was
held; a placement lies within its period of care; dental checks, SDQs and immunisation checks
are on or after the child's birth and not in the future.

Not a rule: held on or after the request was complete. Health may hold the assessment before
the consent paperwork arrives; that is recorded and shown, never refused.

Each breach names the field and the other date in words ("The date the request was sent must
be on or after the date the child entered care, 30 November 2026"), so a service can raise it
as a ValidationError on the field and the data-quality report can list it as it is.
``apps.dataquality.selectors`` builds the facts from the database.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from apps.core.working_days import date_of_age


class Rule(StrEnum):
    BEFORE_ENTRY = "BEFORE_ENTRY"
    AFTER_EIGHTEENTH_BIRTHDAY = "AFTER_EIGHTEENTH_BIRTHDAY"
    COMPLETE_BEFORE_SENT = "COMPLETE_BEFORE_SENT"
    BOOKED_BEFORE_SENT = "BOOKED_BEFORE_SENT"
    REPORT_BEFORE_HELD = "REPORT_BEFORE_HELD"
    PLACEMENT_BEFORE_PERIOD = "PLACEMENT_BEFORE_PERIOD"
    PLACEMENT_AFTER_PERIOD = "PLACEMENT_AFTER_PERIOD"
    BEFORE_BIRTH = "BEFORE_BIRTH"
    IN_FUTURE = "IN_FUTURE"


RULE_LABELS = {
    Rule.BEFORE_ENTRY: "An assessment event before the start of its period of care",
    Rule.AFTER_EIGHTEENTH_BIRTHDAY: "An assessment event after the child's 18th birthday",
    Rule.COMPLETE_BEFORE_SENT: "A request complete before it was sent",
    Rule.BOOKED_BEFORE_SENT: "An appointment booked before the request was sent",
    Rule.REPORT_BEFORE_HELD: "A report returned before the assessment was held",
    Rule.PLACEMENT_BEFORE_PERIOD: "A placement starting before its period of care",
    Rule.PLACEMENT_AFTER_PERIOD: "A placement going on after its period of care ended",
    Rule.BEFORE_BIRTH: "A health record dated before the child's birth",
    Rule.IN_FUTURE: "A health record dated in the future",
}

ASSESSMENT_EVENT_LABELS = {
    "request_sent_on": "The date the request was sent",
    "request_complete_on": "The date the request was complete",
    "held_on": "The date the assessment was held",
    "report_returned_on": "The date the report was returned",
}
APPOINTMENT_EVENT_LABELS = {
    "booked_on": "The booking date",
    "appointment_date": "The appointment date",
}
RECORD_LABELS = {
    "DENTAL": ("checked_on", "The dental check date"),
    "SDQ": ("completed_on", "The SDQ date"),
    "IMMUNISATION": ("checked_on", "The date the immunisations were checked"),
}


def long_date(day: date) -> str:
    """30 November 2026 (GOV.UK style: no leading zero, the month in full)."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Breach:
    rule: Rule
    record: str  # "assessment", "appointment", "placement", "dental", "sdq", "immunisation"
    record_id: int | None
    field: str
    message: str


@dataclass(frozen=True)
class Period:
    id: int | None
    start: date
    end: date | None = None
    # False when the period was imported part-way (its first episode on record is not
    # "started to be looked after"): its start is then not the date the child entered care.
    from_entry: bool = True

    def start_words(self) -> str:
        if self.from_entry:
            return f"the date the child entered care, {long_date(self.start)}"
        return f"the start of the period of care on record, {long_date(self.start)}"


@dataclass(frozen=True)
class AppointmentFacts:
    id: int | None
    booked_on: date
    appointment_date: date


@dataclass(frozen=True)
class AssessmentFacts:
    id: int | None
    kind: str  # IHA or RHA
    period_id: int | None
    request_sent_on: date | None = None
    request_complete_on: date | None = None
    held_on: date | None = None
    report_returned_on: date | None = None
    appointments: tuple[AppointmentFacts, ...] = ()
    # Held before our records began: it belongs to no period on record.
    before_records: bool = False


@dataclass(frozen=True)
class PlacementFacts:
    id: int | None
    period_id: int
    start: date
    end: date | None = None


@dataclass(frozen=True)
class DatedRecord:
    kind: str  # DENTAL, SDQ or IMMUNISATION
    id: int | None
    on: date


@dataclass(frozen=True)
class ChildFacts:
    id: int | None
    date_of_birth: date
    periods: tuple[Period, ...] = ()
    assessments: tuple[AssessmentFacts, ...] = ()
    placements: tuple[PlacementFacts, ...] = ()
    records: tuple[DatedRecord, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False)


# The single-record checks ------------------------------------------------------------------


def assessment_breaches(
    assessment: AssessmentFacts,
    *,
    date_of_birth: date,
    period: Period | None,
    events_after_18_allowed: bool = False,
) -> list[Breach]:
    """The breaches of one assessment and its appointments. ``period`` is the period of care
    the assessment belongs to (None for one held before our records)."""
    breaches: list[Breach] = []
    eighteenth = date_of_age(date_of_birth, 18)

    def check_event(
        record: str, record_id: int | None, name: str, label: str, day: date | None
    ) -> None:
        if day is None:
            return
        if period is not None and day < period.start:
            breaches.append(
                Breach(
                    Rule.BEFORE_ENTRY,
                    record,
                    record_id,
                    name,
                    f"{label} must be on or after {period.start_words()}.",
                )
            )
        if not events_after_18_allowed and day > eighteenth:
            breaches.append(
                Breach(
                    Rule.AFTER_EIGHTEENTH_BIRTHDAY,
                    record,
                    record_id,
                    name,
                    f"{label} must be on or before the child's 18th birthday, "
                    f"{long_date(eighteenth)}.",
                )
            )

    if not assessment.before_records:
        for name, label in ASSESSMENT_EVENT_LABELS.items():
            check_event("assessment", assessment.id, name, label, getattr(assessment, name))
    sent = assessment.request_sent_on
    complete = assessment.request_complete_on
    if sent is not None and complete is not None and complete < sent:
        breaches.append(
            Breach(
                Rule.COMPLETE_BEFORE_SENT,
                "assessment",
                assessment.id,
                "request_complete_on",
                "The date the request was complete must be on or after the date it was sent, "
                f"{long_date(sent)}.",
            )
        )
    held, returned = assessment.held_on, assessment.report_returned_on
    if held is not None and returned is not None and returned < held:
        breaches.append(
            Breach(
                Rule.REPORT_BEFORE_HELD,
                "assessment",
                assessment.id,
                "report_returned_on",
                "The date the report was returned must be on or after the date the assessment "
                f"was held, {long_date(held)}.",
            )
        )
    for appointment in assessment.appointments:
        breaches.extend(
            appointment_breaches(
                appointment,
                assessment=assessment,
                date_of_birth=date_of_birth,
                period=period,
                events_after_18_allowed=events_after_18_allowed,
            )
        )
    return breaches


def appointment_breaches(
    appointment: AppointmentFacts,
    *,
    assessment: AssessmentFacts,
    date_of_birth: date,
    period: Period | None,
    events_after_18_allowed: bool = False,
) -> list[Breach]:
    breaches: list[Breach] = []
    eighteenth = date_of_age(date_of_birth, 18)
    for name, label in APPOINTMENT_EVENT_LABELS.items():
        day = getattr(appointment, name)
        if period is not None and day < period.start:
            breaches.append(
                Breach(
                    Rule.BEFORE_ENTRY,
                    "appointment",
                    appointment.id,
                    name,
                    f"{label} must be on or after {period.start_words()}.",
                )
            )
        if not events_after_18_allowed and day > eighteenth:
            breaches.append(
                Breach(
                    Rule.AFTER_EIGHTEENTH_BIRTHDAY,
                    "appointment",
                    appointment.id,
                    name,
                    f"{label} must be on or before the child's 18th birthday, "
                    f"{long_date(eighteenth)}.",
                )
            )
    sent = assessment.request_sent_on
    if sent is not None and appointment.booked_on < sent:
        breaches.append(
            Breach(
                Rule.BOOKED_BEFORE_SENT,
                "appointment",
                appointment.id,
                "booked_on",
                f"The booking date must be on or after the date the request was sent, "
                f"{long_date(sent)}.",
            )
        )
    return breaches


def placement_breaches(placement: PlacementFacts, *, period: Period) -> list[Breach]:
    """A placement lies within its period of care: it starts on or after the period starts,
    and, once the period has ended, it starts and ends on or before that day."""
    breaches: list[Breach] = []
    if placement.start < period.start:
        breaches.append(
            Breach(
                Rule.PLACEMENT_BEFORE_PERIOD,
                "placement",
                placement.id,
                "start_date",
                f"The placement start date must be on or after {period.start_words()}.",
            )
        )
    if period.end is not None:
        ended = long_date(period.end)
        if placement.start > period.end:
            breaches.append(
                Breach(
                    Rule.PLACEMENT_AFTER_PERIOD,
                    "placement",
                    placement.id,
                    "start_date",
                    "The placement start date must be on or before the date the child left "
                    f"care, {ended}.",
                )
            )
        elif placement.end is None or placement.end > period.end:
            breaches.append(
                Breach(
                    Rule.PLACEMENT_AFTER_PERIOD,
                    "placement",
                    placement.id,
                    "end_date",
                    "The placement end date must be on or before the date the child left "
                    f"care, {ended}.",
                )
            )
    return breaches


def record_breaches(record: DatedRecord, *, date_of_birth: date, today: date) -> list[Breach]:
    """A dental check, SDQ or immunisation check is on or after birth and not in the future."""
    name, label = RECORD_LABELS[record.kind]
    kind = record.kind.lower()
    breaches: list[Breach] = []
    if record.on < date_of_birth:
        breaches.append(
            Breach(
                Rule.BEFORE_BIRTH,
                kind,
                record.id,
                name,
                f"{label} must be on or after the child's date of birth, "
                f"{long_date(date_of_birth)}.",
            )
        )
    if record.on > today:
        breaches.append(
            Breach(
                Rule.IN_FUTURE,
                kind,
                record.id,
                name,
                f"{label} must be today or earlier, {long_date(today)}: it cannot be in the future.",
            )
        )
    return breaches


# The whole of a child's record --------------------------------------------------------------


def child_breaches(
    child: ChildFacts, *, today: date, events_after_18_allowed: bool = False
) -> list[Breach]:
    """Every breach in a child's record, in a stable order (assessments, placements, health
    records). The data-quality report lists these; a correction refuses any it would add."""
    periods = {p.id: p for p in child.periods}
    breaches: list[Breach] = []
    for assessment in child.assessments:
        breaches.extend(
            assessment_breaches(
                assessment,
                date_of_birth=child.date_of_birth,
                period=periods.get(assessment.period_id),
                events_after_18_allowed=events_after_18_allowed,
            )
        )
    for placement in child.placements:
        period = periods.get(placement.period_id)
        if period is not None:
            breaches.extend(placement_breaches(placement, period=period))
    for record in child.records:
        breaches.extend(record_breaches(record, date_of_birth=child.date_of_birth, today=today))
    return breaches


def new_breaches(before: Iterable[Breach], after: Iterable[Breach]) -> list[Breach]:
    """The breaches a change would add. A correction is refused only for these, so a record
    imported with an old contradiction can still be corrected in its other details."""
    seen = {(b.rule, b.record, b.record_id, b.field) for b in before}
    return [b for b in after if (b.rule, b.record, b.record_id, b.field) not in seen]


def errors_by_field(
    breaches: Iterable[Breach], rename: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """{field: [messages]} for a ValidationError, with the caller's field names."""
    rename = rename or {}
    errors: dict[str, list[str]] = {}
    for breach in breaches:
        errors.setdefault(rename.get(breach.field, breach.field), []).append(breach.message)
    return errors


def counts_by_rule(breaches: Iterable[Breach]) -> dict[Rule, int]:
    counts = {rule: 0 for rule in Rule}
    for breach in breaches:
        counts[breach.rule] += 1
    return counts


def iter_rules() -> Iterator[tuple[Rule, str]]:
    yield from RULE_LABELS.items()
