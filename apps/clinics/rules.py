"""The rules of the clinic diary (issue 15). Pure functions, no ORM.

- Kinds: an IHA clinic takes IHAs, an RHA clinic RHAs, an "either" clinic both; an adoption
  medical clinic takes neither (adoption medicals are the medical adviser's work items).
- Clinicians (DOMAIN.md 2): the IHA is carried out by a registered medical practitioner, so
  an IHA, "either" or adoption clinic needs a paediatrician, GP or other doctor; an RHA
  clinic may be held by any clinician role.
- Slots: Default 60 minutes for an IHA, 45 for an RHA (a per-provider policy); an "either"
  or adoption clinic uses the IHA length, so any assessment fits any of its slots.
- Recurring clinics: one session a week on the first date's weekday, for N weeks; a week
  whose day is not a working day (DOMAIN.md 1: bank holidays, the admin's extra closed
  dates) is skipped and reported, not moved.
- Reschedule reasons: a carer or young person asking, or health moving it, is a cancellation
  by that party (DOMAIN.md 5 charges carer/young person to the LA, health to health); an
  admin correction (wrong slot picked) moves the appointment in place and is no event at all.
- Bulk booking: the requests are taken in due-date order, earliest deadline first, into the
  session's free slots in time order.
- Reminders: Default 3 working days before the appointment; a missed appointment ("was not
  brought") is followed up within Default 5 working days.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from apps.core.working_days import WorkingDayCalendar


class ClinicKind(StrEnum):
    IHA = "IHA"
    RHA = "RHA"
    EITHER = "EITHER"
    ADOPTION = "ADOPTION"


CLINIC_KIND_LABELS = {
    ClinicKind.IHA: "Initial health assessments",
    ClinicKind.RHA: "Review health assessments",
    ClinicKind.EITHER: "Initial or review health assessments",
    ClinicKind.ADOPTION: "Adoption medicals",
}

MEDICAL_PRACTITIONER_ROLES = frozenset({"PAEDIATRICIAN", "GP", "OTHER_DOCTOR"})

DEFAULT_IHA_SLOT_MINUTES = 60
DEFAULT_RHA_SLOT_MINUTES = 45
DEFAULT_REMINDER_WORKING_DAYS = 3
DEFAULT_FOLLOW_UP_WORKING_DAYS = 5


class RescheduleReason(StrEnum):
    CARER = "CARER"
    YOUNG_PERSON = "YOUNG_PERSON"
    HEALTH = "HEALTH"
    ADMIN_CORRECTION = "ADMIN_CORRECTION"


RESCHEDULE_REASON_LABELS = {
    RescheduleReason.CARER: "The carer asked to rearrange",
    RescheduleReason.YOUNG_PERSON: "The young person asked to rearrange",
    RescheduleReason.HEALTH: "Health needs to move it",
    RescheduleReason.ADMIN_CORRECTION: "Correction: the wrong slot was picked",
}


def cancelled_by_for(reason: str) -> str | None:
    """Who the old appointment counts as cancelled by, or None when the move is a correction
    that leaves no cancellation for attribution to read."""
    reason = RescheduleReason(reason)
    if reason is RescheduleReason.ADMIN_CORRECTION:
        return None
    return reason.value


def assessment_fits(clinic_kind: str, assessment_kind: str) -> bool:
    kind = ClinicKind(clinic_kind)
    if kind is ClinicKind.EITHER:
        return assessment_kind in {"IHA", "RHA"}
    if kind is ClinicKind.ADOPTION:
        return False
    return assessment_kind == kind.value


def clinician_role_error(clinic_kind: str, clinician_role: str) -> str | None:
    """Why this clinician role may not hold this kind of clinic, or None when it may."""
    kind = ClinicKind(clinic_kind)
    if not clinician_role:
        return "Say the clinician's role."
    if kind is ClinicKind.RHA:
        return None
    if clinician_role not in MEDICAL_PRACTITIONER_ROLES:
        return (
            "An initial health assessment or adoption medical is carried out by a registered "
            "medical practitioner (paediatrician, GP or other doctor)."
        )
    return None


def default_slot_minutes(
    clinic_kind: str,
    *,
    iha_minutes: int = DEFAULT_IHA_SLOT_MINUTES,
    rha_minutes: int = DEFAULT_RHA_SLOT_MINUTES,
) -> int:
    return rha_minutes if ClinicKind(clinic_kind) is ClinicKind.RHA else iha_minutes


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def slot_times(start: time, end: time, minutes: int) -> list[time]:
    """The start times of the slots that fit whole between start and end."""
    if minutes <= 0:
        raise ValueError("A slot is at least one minute long.")
    if end <= start:
        raise ValueError("A session ends after it starts.")
    first, last = _minutes(start), _minutes(end)
    return [_time(m) for m in range(first, last - minutes + 1, minutes)]


def slot_end(start: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def overlaps(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    """Half-open intervals: a slot ending at 10:00 does not clash with one starting at 10:00."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class Interval:
    key: object
    start: time
    end: time


def conflicts(intervals: Sequence[Interval]) -> list[tuple[object, object]]:
    """Every pair of intervals that overlap, by key, in start order."""
    ordered = sorted(intervals, key=lambda i: (i.start, i.end))
    found = []
    for index, current in enumerate(ordered):
        for later in ordered[index + 1 :]:
            if later.start >= current.end:
                break
            found.append((current.key, later.key))
    return found


@dataclass(frozen=True)
class RecurringPlan:
    dates: list[date]
    skipped: list[date]


def recurring_dates(first: date, weeks: int, calendar: WorkingDayCalendar) -> RecurringPlan:
    """The first date's weekday, every week for `weeks` weeks; non-working days skipped."""
    if weeks < 1:
        raise ValueError("A recurring clinic runs for at least one week.")
    dates: list[date] = []
    skipped: list[date] = []
    for week in range(weeks):
        day = first + timedelta(weeks=week)
        (dates if calendar.is_working_day(day) else skipped).append(day)
    return RecurringPlan(dates=dates, skipped=skipped)


@dataclass(frozen=True)
class Request[K]:
    key: K
    due: date


@dataclass(frozen=True)
class FreeSlot[K]:
    key: K
    on: date
    start: time


def bulk_fill[R, S](
    requests: Iterable[Request[R]], free_slots: Iterable[FreeSlot[S]]
) -> tuple[list[tuple[R, S]], list[R]]:
    """(request, slot) pairs, earliest deadline into the earliest slot; and the requests left
    over when the slots run out (the latest deadlines)."""
    ordered = sorted(requests, key=lambda r: (r.due, str(r.key)))
    slots = sorted(free_slots, key=lambda s: (s.on, s.start, str(s.key)))
    pairs = [(r.key, s.key) for r, s in zip(ordered, slots, strict=False)]
    left = [r.key for r in ordered[len(slots) :]]
    return pairs, left


def reminder_date(
    appointment_date: date,
    calendar: WorkingDayCalendar,
    working_days: int = DEFAULT_REMINDER_WORKING_DAYS,
) -> date:
    """The reminder goes out on the N-th working day before the appointment."""
    return calendar.subtract_working_days(appointment_date, working_days)


def reminder_due(
    appointment_date: date,
    today: date,
    calendar: WorkingDayCalendar,
    working_days: int = DEFAULT_REMINDER_WORKING_DAYS,
) -> bool:
    """Due from the reminder date until the day before the appointment (a lost run catches up
    the next day; a reminder on the day itself is too late to help)."""
    return reminder_date(appointment_date, calendar, working_days) <= today < appointment_date


def follow_up_due(
    missed_on: date,
    calendar: WorkingDayCalendar,
    working_days: int = DEFAULT_FOLLOW_UP_WORKING_DAYS,
) -> date:
    return calendar.add_working_days(missed_on, working_days)


def initials(first_name: str, last_name: str) -> str:
    return "".join(part[:1].upper() for part in (first_name, last_name) if part)


# ---- Clinic policy versions (effective-dated) ---------------------------------------------

# The ranges a provider's clinic policy may take, each with the field it is about.
POLICY_RANGES: dict[str, tuple[int, int, str]] = {
    "iha_slot_minutes": (5, 480, "An IHA slot"),
    "rha_slot_minutes": (5, 480, "An RHA slot"),
    "reminder_working_days": (1, 20, "The reminder"),
    "follow_up_working_days": (1, 60, "The follow-up of a missed appointment"),
}
_UNITS = {
    "iha_slot_minutes": "minutes",
    "rha_slot_minutes": "minutes",
    "reminder_working_days": "working days before the appointment",
    "follow_up_working_days": "working days after it",
}


def policy_version_errors(
    *, effective_from: date, today: date, existing: Sequence[date], values: dict[str, int]
) -> dict[str, str]:
    """What is wrong with a new version of a clinic policy, by field. A version starts today
    or later (what applied in the past stays as it was: letters were sent and reminders
    timed by it), on a day no other version starts, and its numbers are in range."""
    errors: dict[str, str] = {}
    if effective_from < today:
        errors["effective_from"] = (
            f"The date it takes effect must be today ({today:%d/%m/%Y}) or later."
        )
    elif effective_from in existing:
        errors["effective_from"] = (
            f"A version already takes effect on {effective_from:%d/%m/%Y}: choose another date."
        )
    for name, (low, high, what) in POLICY_RANGES.items():
        value = values.get(name)
        if value is None:
            continue
        if not low <= value <= high:
            errors[name] = f"{what} must be from {low} to {high} {_UNITS[name]}."
    return errors


def version_in_force[V](versions: Sequence[tuple[date, V]], on: date) -> V | None:
    """The version in force on a date: the latest that took effect on or before it."""
    best: tuple[date, V] | None = None
    for starts, version in versions:
        if starts <= on and (best is None or starts > best[0]):
            best = (starts, version)
    return best[1] if best else None
