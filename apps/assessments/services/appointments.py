"""Booking the appointment and recording its outcome: attended (the held date,
DOMAIN.md 2), cancelled or was not brought."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.assessments.models import (
    Appointment,
    Assessment,
)
from apps.assessments.rules.attribution import AppointmentOutcome, CancelledBy
from apps.assessments.rules.held import held_date
from apps.assessments.services.base import _event_date, _lock, _require_open, clocks_changed
from apps.core.services import (
    bump_version,
    check_not_future,
    register_constraint_message,
    save_with_constraints,
)
from apps.core.temporal_checks import enforce_appointment, enforce_assessment

register_constraint_message(
    "one_booked_appointment_per_assessment",
    "appointment_date",
    "An appointment is already booked: record its outcome first.",
)


@transaction.atomic
def appointment_book(
    *,
    assessment: Assessment,
    appointment_date: date,
    booked_on: date,
    booked_by: User,
    location: str = "",
) -> Appointment:
    assessment = _lock(assessment)
    _require_open(assessment, "appointment_date")
    if assessment.request_sent_on is None:
        raise ValidationError(
            {"appointment_date": "No request has been received for this assessment yet."}
        )
    check_not_future("booked_on", booked_on, "The booking date")
    if booked_on < assessment.request_sent_on:
        raise ValidationError(
            {"booked_on": "An appointment cannot be booked before the request was sent."}
        )
    if appointment_date < booked_on:
        raise ValidationError(
            {"appointment_date": "The appointment cannot be before the date it was booked."}
        )
    enforce_appointment(
        assessment=assessment, booked_on=booked_on, appointment_date=appointment_date
    )
    if assessment.appointments.filter(outcome=AppointmentOutcome.BOOKED).exists():
        raise ValidationError(
            {"appointment_date": "An appointment is already booked: record its outcome first."}
        )
    appointment = Appointment(
        assessment=assessment,
        appointment_date=appointment_date,
        booked_on=booked_on,
        location=location.strip(),
    )
    save_with_constraints(appointment)
    clocks_changed(assessment.child_id)
    return appointment


def _record_held(assessment: Assessment, attended_on: date, field: str) -> None:
    """The child attended on ``attended_on``: the assessment is held on that date, unless
    a held date is already recorded, which stands (DOMAIN.md 2: the held date is the
    attendance date, whoever records it first). From here it is "held, awaiting write-up"
    until the clinician signs off the structured write-up (apps.writeups)."""
    if assessment.declined_on is not None:
        raise ValidationError({field: "The young person declined this assessment."})
    held_on = held_date(recorded=assessment.held_on, attended_on=attended_on)
    if held_on == assessment.held_on:
        return
    _event_date(field, held_on, assessment, "The date the assessment was held")
    if assessment.request_sent_on is None or held_on < assessment.request_sent_on:
        raise ValidationError({field: "The assessment cannot be held before the request was sent."})
    assessment.held_on = held_on
    # Held, it is no longer "not required" (as when the old "complete" step recorded it).
    assessment.not_required_reason = ""
    enforce_assessment(assessment, {"held_on"}, {"held_on": field})


@transaction.atomic
def appointment_record_outcome(
    *,
    appointment: Appointment,
    outcome: str,
    recorded_by: User,
    recorded_on: date,
    cancelled_by: str = "",
    placement_move: bool = False,
    note: str = "",
) -> Appointment:
    """Attended, cancelled (by carer, young person or health) or was not brought.
    "Attended" is the held date of the assessment (``_record_held``)."""
    assessment = _lock(appointment.assessment)
    appointment = (
        Appointment.objects.select_for_update().select_related("assessment").get(pk=appointment.pk)
    )
    if appointment.outcome != AppointmentOutcome.BOOKED:
        raise ValidationError({"outcome": "The outcome of this appointment is already recorded."})
    if outcome not in {
        AppointmentOutcome.ATTENDED,
        AppointmentOutcome.CANCELLED,
        AppointmentOutcome.WAS_NOT_BROUGHT,
    }:
        raise ValidationError({"outcome": "Choose attended, cancelled or was not brought."})
    if (
        outcome == AppointmentOutcome.CANCELLED
        and cancelled_by not in CancelledBy.__members__.values()
    ):
        raise ValidationError({"cancelled_by": "Say who cancelled: carer, young person or health."})
    if outcome != AppointmentOutcome.CANCELLED and cancelled_by:
        raise ValidationError({"cancelled_by": "Only a cancellation has someone who cancelled."})
    check_not_future("recorded_on", recorded_on, "The date recorded")
    if outcome in {AppointmentOutcome.ATTENDED, AppointmentOutcome.WAS_NOT_BROUGHT}:
        check_not_future("outcome", appointment.appointment_date, "An attendance")
    appointment.outcome = outcome
    appointment.cancelled_by = cancelled_by if outcome == AppointmentOutcome.CANCELLED else ""
    appointment.placement_move = placement_move
    appointment.outcome_recorded_on = recorded_on
    appointment.note = note.strip()
    bump_version(appointment)
    save_with_constraints(appointment)
    if outcome == AppointmentOutcome.ATTENDED:
        held_before = assessment.held_on
        _record_held(assessment, appointment.appointment_date, "outcome")
        if assessment.held_on != held_before:
            bump_version(assessment)
            save_with_constraints(assessment)
    clocks_changed(assessment.child_id)
    return appointment
