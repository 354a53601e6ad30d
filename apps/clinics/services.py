"""Writes of the clinic diary (issue 15). Booking goes through the assessments app's own
services (appointment_book, appointment_record_outcome), so every rule of the workflow and
the clock recompute apply as they do to a booking made on the assessment page."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationKind, Role, User
from apps.assessments.models import Appointment, Assessment
from apps.assessments.rules.attribution import AppointmentOutcome
from apps.assessments.services import (
    appointment_book,
    appointment_record_outcome,
    clocks_changed,
)
from apps.clinics import rules
from apps.clinics.models import Booking, ClinicPolicy, ClinicSession, ReleaseReason, Slot
from apps.core.selectors import working_day_calendar
from apps.core.services import bump_version, register_constraint_message, save_with_constraints
from apps.core.services import today as local_today

register_constraint_message(
    "one_live_booking_per_slot", "slot", "This slot has just been booked: choose another."
)
register_constraint_message(
    "one_live_booking_per_appointment", "slot", "This appointment is already in a slot."
)
register_constraint_message(
    "clinic_session_ends_after_start", "end_time", "The clinic must end after it starts."
)

CLINICIAN_USER_ROLES = {Role.LAC_NURSE, Role.MEDICAL_ADVISER}


def free_slots(slots: QuerySet[Slot]) -> QuerySet[Slot]:
    """The slots with no live booking."""
    live = Booking.objects.filter(slot=OuterRef("pk"), released_at__isnull=True)
    return slots.filter(~Exists(live))


register_constraint_message(
    "one_clinic_policy_per_provider_per_date",
    "effective_from",
    "A version already takes effect on that date: choose another date.",
)

POLICY_FIELDS = (
    "iha_slot_minutes",
    "rha_slot_minutes",
    "reminder_working_days",
    "follow_up_working_days",
    "what_to_bring",
    "how_to_rearrange",
    "contact_phone",
    "contact_email",
)


def policy_for(provider: Organisation, on: date | None = None) -> ClinicPolicy:
    """The provider's policy in force on `on` (default today): the latest version that took
    effect on or before it, or the shipped defaults (unsaved) when there is none."""
    day = on or local_today()
    return ClinicPolicy.objects.filter(provider=provider, effective_from__lte=day).order_by(
        "-effective_from"
    ).first() or ClinicPolicy(provider=provider, effective_from=day)


class PolicyBook:
    """Every version of the given providers' policies, loaded in one query, for work that
    needs the policy of many (provider, date) pairs (the reminders, the missed list)."""

    def __init__(self, provider_ids: Iterable[int]):
        self._versions: dict[int, list[tuple[date, ClinicPolicy]]] = {}
        for policy in ClinicPolicy.objects.filter(provider_id__in=list(provider_ids)):
            self._versions.setdefault(policy.provider_id, []).append(
                (policy.effective_from, policy)
            )

    def on(self, provider_id: int, day: date) -> ClinicPolicy:
        found = rules.version_in_force(self._versions.get(provider_id, []), day)
        return found or ClinicPolicy(provider_id=provider_id, effective_from=day)


@transaction.atomic
def clinic_policy_add(
    *, provider: Organisation, effective_from: date, by: User, **values: object
) -> ClinicPolicy:
    """A new version of the provider's clinic policy, in force from `effective_from` (today
    or later) until the next version. The versions before it are kept as they were."""
    if provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError({"provider": "Clinic policies belong to a health provider."})
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError({"__all__": f"Not a clinic policy setting: {sorted(unknown)}"})
    # Lock the provider's row, so two versions for the same day cannot both pass the check.
    Organisation.objects.select_for_update().filter(pk=provider.pk).first()
    existing = list(
        ClinicPolicy.objects.filter(provider=provider).values_list("effective_from", flat=True)
    )
    errors = rules.policy_version_errors(
        effective_from=effective_from,
        today=local_today(),
        existing=existing,
        values={k: v for k, v in values.items() if k in rules.POLICY_RANGES and isinstance(v, int)},
    )
    if errors:
        raise ValidationError(errors)
    # Unset settings carry over from the version in force the day before it starts.
    before = policy_for(provider, effective_from)
    policy = ClinicPolicy(provider=provider, effective_from=effective_from, created_by=by)
    for name in POLICY_FIELDS:
        setattr(policy, name, values[name] if name in values else getattr(before, name))
    policy.full_clean(validate_constraints=False)
    save_with_constraints(policy)
    return policy


def _check_clinician(
    provider: Organisation, clinician: User, kind: str, clinician_role: str
) -> None:
    if clinician.organisation_id != provider.pk or clinician.role not in CLINICIAN_USER_ROLES:
        raise ValidationError(
            {
                "clinician": "Choose a clinician (LAC nurse, paediatrician or medical adviser) of this provider."
            }
        )
    message = rules.clinician_role_error(kind, clinician_role)
    if message:
        raise ValidationError({"clinician_role": message})


def _check_no_clash(clinician: User, day: date, start: time, end: time) -> None:
    """A clinician cannot hold two clinics at once."""
    others = ClinicSession.objects.filter(
        clinician=clinician, date=day, cancelled_on__isnull=True
    ).values_list("pk", "start_time", "end_time", "venue_name")
    intervals = [rules.Interval("new", start, end)] + [
        rules.Interval(pk, s, e) for pk, s, e, _ in others
    ]
    clashes = [b if a == "new" else a for a, b in rules.conflicts(intervals) if "new" in (a, b)]
    if clashes:
        venue = next(v for pk, _, _, v in others if pk == clashes[0])
        raise ValidationError(
            {
                "start_time": f"{clinician.get_full_name() or clinician.username} already has a clinic "
                f"at {venue} on {day:%d/%m/%Y} at that time."
            }
        )


def _create_session(
    *,
    provider: Organisation,
    kind: str,
    day: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    series: uuid.UUID | None,
    **venue: object,  # the venue, clinician and creator fields of the session
) -> ClinicSession:
    session = ClinicSession(
        provider=provider,
        kind=kind,
        date=day,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        series=series,
        **venue,
    )
    save_with_constraints(session)
    times = rules.slot_times(start_time, end_time, slot_minutes)
    if not times:
        raise ValidationError({"end_time": "The clinic is too short for one slot."})
    Slot.objects.bulk_create(
        [Slot(session=session, start_time=t, minutes=slot_minutes) for t in times]
    )
    return session


@dataclass
class SeriesResult:
    sessions: list[ClinicSession]
    skipped: list[date] = field(default_factory=list)


@transaction.atomic
def clinic_sessions_create(
    *,
    provider: Organisation,
    kind: str,
    first_date: date,
    start_time: time,
    end_time: time,
    venue_name: str,
    venue_address: str,
    venue_postcode: str,
    clinician: User,
    clinician_role: str,
    created_by: User,
    weeks: int = 1,
    slot_minutes: int | None = None,
) -> SeriesResult:
    """One clinic, or the same clinic every week for `weeks` weeks (non-working days
    skipped), each with its slots, in one step."""
    if provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError({"provider": "Clinics belong to a health provider."})
    if kind not in rules.ClinicKind.__members__.values():
        raise ValidationError({"kind": "Choose the kind of clinic."})
    if end_time <= start_time:
        raise ValidationError({"end_time": "The clinic must end after it starts."})
    if first_date < local_today():
        raise ValidationError({"first_date": "A clinic cannot be set up in the past."})
    if not 1 <= weeks <= 52:
        raise ValidationError({"weeks": "A recurring clinic runs for 1 to 52 weeks."})
    _check_clinician(provider, clinician, kind, clinician_role)
    if slot_minutes is not None and slot_minutes < 5:
        raise ValidationError({"slot_minutes": "A slot is at least 5 minutes long."})
    plan = rules.recurring_dates(first_date, weeks, working_day_calendar())
    if not plan.dates:
        raise ValidationError({"first_date": "None of these dates is a working day."})
    series = uuid.uuid4() if weeks > 1 else None
    # Without a length given, each clinic's slots follow the policy in force on its date.
    policies = PolicyBook([provider.pk])
    sessions = []
    for day in plan.dates:
        policy = policies.on(provider.pk, day)
        minutes = slot_minutes or rules.default_slot_minutes(
            kind, iha_minutes=policy.iha_slot_minutes, rha_minutes=policy.rha_slot_minutes
        )
        _check_no_clash(clinician, day, start_time, end_time)
        sessions.append(
            _create_session(
                provider=provider,
                kind=kind,
                day=day,
                start_time=start_time,
                end_time=end_time,
                slot_minutes=minutes,
                series=series,
                venue_name=venue_name.strip(),
                venue_address=venue_address.strip(),
                venue_postcode=venue_postcode.strip().upper(),
                clinician=clinician,
                clinician_role=clinician_role,
                created_by=created_by,
            )
        )
    return SeriesResult(sessions=sessions, skipped=plan.skipped)


def _location(slot: Slot) -> str:
    session = slot.session
    who = session.clinician.get_full_name() or session.clinician.username
    text = f"{slot.start_time:%H:%M}, {session.venue_name}, {session.venue_postcode}, with {who}"
    return text[:200]


def _check_bookable(slot: Slot, assessment: Assessment, today: date) -> None:
    session = slot.session
    if session.cancelled_on is not None:
        raise ValidationError({"slot": "This clinic has been cancelled."})
    if session.date < today:
        raise ValidationError({"slot": "This clinic has already taken place."})
    if not rules.assessment_fits(session.kind, assessment.kind):
        raise ValidationError(
            {
                "slot": f"A {session.get_kind_display().lower()} clinic cannot take an {assessment.kind}."
            }
        )
    if assessment.provider_id != session.provider_id:
        raise ValidationError({"slot": "The request was sent to another provider."})


def _lock_slot(slot: Slot) -> Slot:
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("session", "session__clinician")
        .get(pk=slot.pk)
    )


def _new_booking(slot: Slot, appointment: Appointment, booked_by: User) -> Booking:
    booking = Booking(slot=slot, appointment=appointment, booked_by=booked_by)
    # The partial unique constraint decides a race: the loser's INSERT fails here.
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise ValidationError(
            {"slot": "This slot has just been booked: choose another."}
        ) from error
    return booking


@transaction.atomic
def slot_book(*, slot: Slot, assessment: Assessment, booked_by: User) -> Booking:
    """Book a request into a free slot: the appointment (date, and the time, venue and
    clinician in its location) is made by the assessments service."""
    today = local_today()
    slot = Slot.objects.select_related("session", "session__clinician").get(pk=slot.pk)
    _check_bookable(slot, assessment, today)
    if Booking.objects.filter(slot=slot, released_at__isnull=True).exists():
        raise ValidationError({"slot": "This slot is already booked: choose another."})
    appointment = appointment_book(
        assessment=assessment,
        appointment_date=slot.session.date,
        booked_on=today,
        booked_by=booked_by,
        location=_location(slot),
    )
    return _new_booking(slot, appointment, booked_by)


@dataclass
class BulkResult:
    booked: list[Booking]
    not_booked: list[tuple[Assessment, str]]


@transaction.atomic
def session_bulk_book(
    *, session: ClinicSession, assessments: list[Assessment], booked_by: User
) -> BulkResult:
    """Fill the session's free slots with the chosen requests, earliest deadline first. A
    request that cannot be booked (another kind, already booked) is reported, not fatal."""
    session = ClinicSession.objects.select_for_update().get(pk=session.pk)
    free = list(free_slots(session.slots.all()))
    by_key = {a.pk: a for a in assessments}
    pairs, left = rules.bulk_fill(
        [rules.Request(a.pk, a.due_date) for a in assessments],
        [rules.FreeSlot(s.pk, session.date, s.start_time) for s in free],
    )
    slots = {s.pk: s for s in free}
    booked, not_booked = [], []
    for assessment_id, slot_id in pairs:
        try:
            with transaction.atomic():
                booked.append(
                    slot_book(
                        slot=slots[slot_id], assessment=by_key[assessment_id], booked_by=booked_by
                    )
                )
        except ValidationError as error:
            not_booked.append((by_key[assessment_id], " ".join(error.messages)))
    for assessment_id in left:
        not_booked.append((by_key[assessment_id], "No free slot left in this clinic."))
    return BulkResult(booked=booked, not_booked=not_booked)


def _live_booking(booking: Booking) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("appointment", "appointment__assessment", "slot", "slot__session")
        .get(pk=booking.pk)
    )
    if booking.released_at is not None:
        raise ValidationError({"booking": "This booking has already been moved or cancelled."})
    return booking


def _release(booking: Booking, reason: str, by: User, note: str) -> None:
    booking.released_at = timezone.now()
    booking.released_by = by
    booking.release_reason = reason
    booking.release_note = note.strip()[:500]
    booking.save(update_fields=["released_at", "released_by", "release_reason", "release_note"])


@transaction.atomic
def booking_cancel(*, booking: Booking, cancelled_by: str, by: User, note: str = "") -> Booking:
    """The carer, young person or health cancels: the appointment's outcome is recorded as
    cancelled by them (which attribution reads) and the slot is freed."""
    booking = _live_booking(booking)
    if booking.appointment.outcome != AppointmentOutcome.BOOKED:
        raise ValidationError({"booking": "This appointment's outcome is already recorded."})
    if cancelled_by not in {"CARER", "YOUNG_PERSON", "HEALTH"}:
        raise ValidationError({"cancelled_by": "Say who cancelled: carer, young person or health."})
    appointment_record_outcome(
        appointment=booking.appointment,
        outcome=AppointmentOutcome.CANCELLED,
        cancelled_by=cancelled_by,
        recorded_by=by,
        recorded_on=local_today(),
        note=note,
    )
    _release(booking, cancelled_by, by, note)
    return booking


def _check_reschedule(reason: str, note: str) -> str | None:
    if reason not in rules.RescheduleReason.__members__.values():
        raise ValidationError({"reason": "Say why the appointment is moving."})
    if reason == rules.RescheduleReason.ADMIN_CORRECTION and not note.strip():
        raise ValidationError({"note": "Say what was wrong with the slot first picked."})
    return rules.cancelled_by_for(reason)


def _correct_in_place(appointment: Appointment, slot: Slot, by: User) -> Booking:
    """An admin correction: the same appointment, now in `slot` (its history keeps the old
    date and place); nothing is cancelled, so nothing counts in attribution."""
    new_slot = _lock_slot(slot)
    _check_bookable(new_slot, appointment.assessment, local_today())
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.appointment_date = new_slot.session.date
    appointment.location = _location(new_slot)
    bump_version(appointment)
    save_with_constraints(appointment)
    clocks_changed(appointment.assessment.child_id)
    return _new_booking(new_slot, appointment, by)


@transaction.atomic
def booking_reschedule(
    *, booking: Booking, slot: Slot, reason: str, by: User, note: str = ""
) -> Booking:
    """Move an appointment to another slot. Asked for by the carer, young person or health:
    the old appointment is cancelled by that party (it counts in attribution as DOMAIN.md 5
    says) and a new one is booked. An admin correction moves the same appointment in place,
    leaving no cancellation; its history keeps the old date and place."""
    cancelled_by = _check_reschedule(reason, note)
    booking = _live_booking(booking)
    appointment = booking.appointment
    if appointment.outcome != AppointmentOutcome.BOOKED:
        raise ValidationError({"booking": "This appointment's outcome is already recorded."})
    if slot.pk == booking.slot_id:
        raise ValidationError({"slot": "Choose a different slot."})
    if cancelled_by is not None:
        booking_cancel(booking=booking, cancelled_by=cancelled_by, by=by, note=note)
        return slot_book(slot=slot, assessment=appointment.assessment, booked_by=by)
    _release(booking, ReleaseReason.ADMIN_CORRECTION, by, note)
    return _correct_in_place(appointment, slot, by)


@transaction.atomic
def appointment_move_into_slot(
    *, appointment: Appointment, slot: Slot, reason: str, by: User, note: str = ""
) -> Booking:
    """Move an appointment booked without a clinic slot (on the assessment page) into one,
    with the same reasons as a reschedule: asked for by the carer, young person or health,
    the old appointment is cancelled by that party and the child is booked into the slot;
    an admin correction (the appointment was really in this clinic) puts the same
    appointment in the slot and counts as nothing."""
    cancelled_by = _check_reschedule(reason, note)
    appointment = Appointment.objects.select_related("assessment").get(pk=appointment.pk)
    if appointment.outcome != AppointmentOutcome.BOOKED:
        raise ValidationError({"booking": "This appointment's outcome is already recorded."})
    if Booking.objects.filter(appointment=appointment, released_at__isnull=True).exists():
        raise ValidationError({"booking": "This appointment is already in a clinic slot."})
    if cancelled_by is not None:
        slot_session = Slot.objects.select_related("session").get(pk=slot.pk)
        # Checked before the cancellation, so a refused slot leaves the appointment as it was.
        _check_bookable(slot_session, appointment.assessment, local_today())
        appointment_record_outcome(
            appointment=appointment,
            outcome=AppointmentOutcome.CANCELLED,
            cancelled_by=cancelled_by,
            recorded_by=by,
            recorded_on=local_today(),
            note=note,
        )
        return slot_book(slot=slot, assessment=appointment.assessment, booked_by=by)
    return _correct_in_place(appointment, slot, by)


@transaction.atomic
def clinic_session_cancel(*, session: ClinicSession, reason: str, by: User) -> list[Assessment]:
    """Health cancels a clinic: each booked appointment becomes "cancelled by health" and the
    children are returned for rebooking (they reappear on the list of requests to book)."""
    session = ClinicSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_on is not None:
        raise ValidationError({"reason": "This clinic is already cancelled."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the clinic is cancelled."})
    to_rebook = []
    live = Booking.objects.filter(slot__session=session, released_at__isnull=True).select_related(
        "appointment", "appointment__assessment"
    )
    for booking in live:
        if booking.appointment.outcome == AppointmentOutcome.BOOKED:
            appointment_record_outcome(
                appointment=booking.appointment,
                outcome=AppointmentOutcome.CANCELLED,
                cancelled_by="HEALTH",
                recorded_by=by,
                recorded_on=local_today(),
                note=f"Clinic cancelled: {reason.strip()}"[:500],
            )
            to_rebook.append(booking.appointment.assessment)
        _release(booking, ReleaseReason.SESSION_CANCELLED, by, reason)
    session.cancelled_on = local_today()
    session.cancel_reason = reason.strip()[:500]
    bump_version(session)
    save_with_constraints(session)
    return to_rebook


@transaction.atomic
def booking_send_invitation(*, booking: Booking, carer_email: str, by: User) -> Booking:
    """Send the invitation (to the carer where an address is given, and to the social worker)
    after commit; the task claims it, so a repeated message sends once."""
    from apps.clinics.tasks import send_invitation
    from apps.core.outbox import outbox_enqueue

    booking = _live_booking(booking)
    booking.carer_email = carer_email.strip()
    booking.full_clean(validate_constraints=False)
    booking.invitation_sent_at = None
    booking.save(update_fields=["carer_email", "invitation_sent_at"])
    # Through the outbox: saved with the change, published after commit, relayed if Redis
    # is down.
    outbox_enqueue(send_invitation.name, booking.pk)
    return booking
