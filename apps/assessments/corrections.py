"""Corrections of the health records, and deletions of those entered in error (issue 13):
the IHA/RHA request (the LA's record), the appointment, the assessment's outcome, the dental
check, the SDQ and the immunisation check (health's; the SDQ is also the social worker's).

Each service locks the child and the record, refuses a stale version, asks for the reason
(kept in django-simple-history with its author: apps/core/corrections.py), re-checks the
temporal rules (apps/core/rules/temporal.py, each refusal naming the field and the other
date) and recomputes the child's clocks and breach attribution in its own transaction, so
the page it returns to already shows the result. A deletion is soft: the row stays, flagged
with who, when and why, and the default manager leaves it out of everything that counts.

Not here: moving a clinic slot (apps/clinics), a health plan action (apps/writeups)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import OrganisationKind, User
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    ImmunisationRecord,
    SdqRecord,
)
from apps.assessments.models.assessment import MEDICAL_PRACTITIONER_ROLES
from apps.assessments.recompute import recompute_children
from apps.assessments.rules.attribution import AppointmentOutcome
from apps.assessments.services import (
    _child_event,
    _event_date,
    _lock,
    check_sdq_scores,
    check_uasc_checks,
)
from apps.core.corrections import clean_reason, correction_mark, soft_delete_mark
from apps.core.rules.temporal import long_date
from apps.core.services import apply_changes, bump_version, check_version, save_with_constraints
from apps.core.temporal_checks import enforce_appointment, enforce_assessment

REQUEST_FIELDS = {"request_sent_on", "consent_obtained_on", "request_complete_on", "provider"}
APPOINTMENT_FIELDS = {"appointment_date", "booked_on", "location"}
ASSESSMENT_FIELDS = {"held_on", "clinician_role", "report_returned_on", "outcome_summary"}
DENTAL_FIELDS = {"checked_on", "practice", "treatment_needed", "note"}
SDQ_FIELDS = {
    "completed_on",
    "informant",
    "total_score",
    "emotional",
    "conduct",
    "hyperactivity",
    "peer",
    "prosocial",
    "reason_not_completed",
}
IMMUNISATION_FIELDS = {
    "checked_on",
    "status",
    "uk_schedule_started",
    "tb_screening_done",
    "bbv_testing_offered",
    "note",
}


def _recompute(child_id: int) -> None:
    # In this transaction: the child page and the breach list the user goes back to show
    # the corrected clocks and attribution at once (not after a Celery round trip).
    recompute_children([child_id])


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


def _save(instance: Any) -> None:
    bump_version(instance)
    save_with_constraints(instance)


def _live_appointments(assessment: Assessment) -> list[Appointment]:
    return list(assessment.appointments.order_by("booked_on", "id"))


# The request (the LA's record) --------------------------------------------------------------


def _check_request(assessment: Assessment, changed: list[str]) -> None:
    sent = assessment.request_sent_on
    if sent is None:
        raise ValidationError(
            {"request_sent_on": "Enter the date the request was sent, or delete the request."}
        )
    labels = {
        "request_sent_on": "The date the request was sent",
        "consent_obtained_on": "The consent date",
        "request_complete_on": "The date the request was complete",
    }
    for name, label in labels.items():
        value = getattr(assessment, name)
        if name in changed and value is not None:
            _event_date(name, value, assessment, label)
    complete = assessment.request_complete_on
    if complete is not None and complete < sent:
        raise ValidationError(
            {
                "request_complete_on": "The date the request was complete must be on or after "
                f"the date it was sent, {long_date(sent)}."
            }
        )
    if "provider" in changed:
        provider = assessment.provider
        if provider is None or provider.kind != OrganisationKind.PROVIDER:
            raise ValidationError({"provider": "Choose a health provider."})
        if _live_appointments(assessment):
            raise ValidationError(
                {
                    "provider": "An appointment is recorded with the provider: correct or "
                    "delete the appointment before changing the provider."
                }
            )
    if "request_sent_on" in changed:
        for appointment in _live_appointments(assessment):
            if appointment.booked_on < sent:
                raise ValidationError(
                    {
                        "request_sent_on": "The date the request was sent must be on or "
                        "before the date the appointment was booked, "
                        f"{long_date(appointment.booked_on)}."
                    }
                )
        if assessment.held_on is not None and assessment.held_on < sent:
            raise ValidationError(
                {
                    "request_sent_on": "The date the request was sent must be on or before "
                    f"the date the assessment was held, {long_date(assessment.held_on)}."
                }
            )
    enforce_assessment(assessment, set(changed) & {"request_sent_on", "request_complete_on"})


@transaction.atomic
def request_correct(
    *,
    assessment: Assessment,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> Assessment:
    """Correct the request sent to health: its dates (sent, consent, complete) and provider."""
    assessment = _lock(assessment, expected_version)
    if assessment.request_sent_on is None:
        raise ValidationError({"request_sent_on": "No request has been sent yet: send it."})
    correction_mark(assessment, by=corrected_by, reason=reason or "")
    changed = apply_changes(assessment, data, REQUEST_FIELDS)
    if not changed:
        return assessment
    _check_request(assessment, changed)
    _save(assessment)
    _recompute(assessment.child_id)
    return assessment


@transaction.atomic
def request_delete(
    *,
    assessment: Assessment,
    deleted_by: User,
    reason: str | None,
    expected_version: int | None = None,
) -> Assessment:
    """A request entered in error (sent for the wrong child, never sent): its dates and
    provider are cleared, so the clock is back to "request to send"; what it held stays in
    the assessment's history, with who deleted it, when and why."""
    assessment = _lock(assessment, expected_version)
    reason = clean_reason(reason)
    if assessment.request_sent_on is None:
        raise ValidationError({"reason": "There is no request to delete."})
    if assessment.held_on is not None:
        raise ValidationError(
            {"reason": "The assessment has been held: correct the request's dates instead."}
        )
    if _live_appointments(assessment):
        raise ValidationError(
            {"reason": "An appointment is recorded for this request: delete the appointment first."}
        )
    correction_mark(assessment, by=deleted_by, reason=reason)
    assessment.request_sent_on = None
    assessment.consent_obtained_on = None
    assessment.request_complete_on = None
    assessment.provider = None
    assessment.request_deleted_at = timezone.now()
    assessment.request_deleted_by = deleted_by
    assessment.request_deletion_reason = reason
    _save(assessment)
    _recompute(assessment.child_id)
    return assessment


# The appointment ---------------------------------------------------------------------------


def _lock_appointment(appointment: Appointment, expected_version: int | None) -> Appointment:
    _lock(appointment.assessment)
    locked = Appointment.all_objects.select_for_update().get(pk=appointment.pk)
    check_version(locked, expected_version)
    return locked


@transaction.atomic
def appointment_correct(
    *,
    appointment: Appointment,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> Appointment:
    """Correct a mistyped appointment date, booking date or place. Not a move: a slot move
    (with who asked for it) is the clinics' reschedule."""
    appointment = _lock_appointment(appointment, expected_version)
    correction_mark(appointment, by=corrected_by, reason=reason or "")
    changed = apply_changes(appointment, _strip(data), APPOINTMENT_FIELDS)
    if not changed:
        return appointment
    assessment = appointment.assessment
    booked_on, on = appointment.booked_on, appointment.appointment_date
    if "booked_on" in changed:
        _event_date("booked_on", booked_on, assessment, "The booking date")
    if on < booked_on:
        raise ValidationError(
            {
                "appointment_date": "The appointment date must be on or after the date it was "
                f"booked, {long_date(booked_on)}."
            }
        )
    if appointment.outcome in {AppointmentOutcome.ATTENDED, AppointmentOutcome.WAS_NOT_BROUGHT}:
        _event_date("appointment_date", on, assessment, "The date of an attended appointment")
    enforce_appointment(assessment=assessment, booked_on=booked_on, appointment_date=on)
    _save(appointment)
    _recompute(assessment.child_id)
    return appointment


@transaction.atomic
def appointment_delete(
    *,
    appointment: Appointment,
    deleted_by: User,
    reason: str | None,
    expected_version: int | None = None,
) -> Appointment:
    """An appointment entered in error: it no longer counts anywhere, not least in who a
    breach is charged to (a "cancelled by health" that never happened charges nobody). A
    clinic slot it held is released, as an admin correction."""
    appointment = _lock_appointment(appointment, expected_version)
    soft_delete_mark(appointment, by=deleted_by, reason=reason)
    _save(appointment)
    # The clinic booking (apps/clinics) through the reverse relation, so this app does not
    # import the app above it; an admin correction counts as nothing (clinics' rule).
    for booking in appointment.clinic_bookings.filter(released_at__isnull=True):
        booking.released_at = appointment.deleted_at
        booking.released_by = deleted_by
        booking.release_reason = "ADMIN_CORRECTION"
        booking.release_note = f"Appointment entered in error: {appointment.deletion_reason}"
        booking.save()
    _recompute(appointment.assessment.child_id)
    return appointment


# The assessment's outcome ------------------------------------------------------------------


@transaction.atomic
def assessment_correct(
    *,
    assessment: Assessment,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> Assessment:
    """Correct a held assessment: the date held, who held it, the report's return date and
    the outcome summary."""
    assessment = _lock(assessment, expected_version)
    if assessment.held_on is None:
        raise ValidationError(
            {"held_on": "The assessment has not been held: record it as completed instead."}
        )
    correction_mark(assessment, by=corrected_by, reason=reason or "")
    changed = apply_changes(assessment, _strip(data), ASSESSMENT_FIELDS)
    if not changed:
        return assessment
    held, returned = assessment.held_on, assessment.report_returned_on
    if held is None:
        raise ValidationError({"held_on": "Enter the date the assessment was held."})
    if "held_on" in changed:
        _event_date("held_on", held, assessment, "The date the assessment was held")
        sent = assessment.request_sent_on
        if sent is not None and held < sent:
            raise ValidationError(
                {
                    "held_on": "The date the assessment was held must be on or after the date "
                    f"the request was sent, {long_date(sent)}."
                }
            )
    if returned is not None:
        if "report_returned_on" in changed:
            _event_date(
                "report_returned_on", returned, assessment, "The date the report was returned"
            )
        if returned < held:
            raise ValidationError(
                {
                    "report_returned_on": "The date the report was returned must be on or "
                    f"after the date the assessment was held, {long_date(held)}."
                }
            )
    if assessment.kind == "IHA" and assessment.clinician_role not in MEDICAL_PRACTITIONER_ROLES:
        raise ValidationError(
            {
                "clinician_role": "An initial health assessment is carried out by a "
                "registered medical practitioner."
            }
        )
    if not assessment.clinician_role:
        raise ValidationError({"clinician_role": "Say who carried out the assessment."})
    enforce_assessment(assessment, set(changed) & {"held_on", "report_returned_on"})
    _save(assessment)
    _recompute(assessment.child_id)
    return assessment


# Dental checks, SDQs, immunisation checks --------------------------------------------------


def _lock_record(model: Any, record: Any, expected_version: int | None) -> Any:
    _child_event_lock(record.child_id)
    locked = model.all_objects.select_for_update().select_related("child").get(pk=record.pk)
    check_version(locked, expected_version)
    return locked


def _child_event_lock(child_id: int) -> None:
    from apps.children.models import Child

    Child.objects.select_for_update().filter(pk=child_id).exists()


@transaction.atomic
def dental_check_correct(
    *,
    check: DentalCheck,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> DentalCheck:
    check = _lock_record(DentalCheck, check, expected_version)
    correction_mark(check, by=corrected_by, reason=reason or "")
    changed = apply_changes(check, _strip(data), DENTAL_FIELDS)
    if not changed:
        return check
    if "checked_on" in changed:
        _child_event(check.child, "checked_on", check.checked_on, "The dental check date", "DENTAL")
    _save(check)
    _recompute(check.child_id)
    return check


@transaction.atomic
def sdq_correct(
    *,
    record: SdqRecord,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> SdqRecord:
    record = _lock_record(SdqRecord, record, expected_version)
    correction_mark(record, by=corrected_by, reason=reason or "")
    changed = apply_changes(record, _strip(data), SDQ_FIELDS)
    if not changed:
        return record
    if "completed_on" in changed:
        _child_event(record.child, "completed_on", record.completed_on, "The SDQ date", "SDQ")
    if record.reason_not_completed:
        # A reason code stands instead of the scores (DOMAIN.md 4).
        if record.total_score is not None:
            raise ValidationError({"reason_not_completed": "Give a score or a reason, not both."})
        record.informant = ""
    check_sdq_scores(
        informant=record.informant,
        total_score=record.total_score,
        reason_not_completed=record.reason_not_completed,
        subscales={
            n: getattr(record, n)
            for n in ("emotional", "conduct", "hyperactivity", "peer", "prosocial")
        },
    )
    _save(record)
    _recompute(record.child_id)
    return record


@transaction.atomic
def immunisation_correct(
    *,
    record: ImmunisationRecord,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> ImmunisationRecord:
    record = _lock_record(ImmunisationRecord, record, expected_version)
    correction_mark(record, by=corrected_by, reason=reason or "")
    changed = apply_changes(record, _strip(data), IMMUNISATION_FIELDS)
    if not changed:
        return record
    if "checked_on" in changed:
        _child_event(
            record.child,
            "checked_on",
            record.checked_on,
            "The date the immunisations were checked",
            "IMMUNISATION",
        )
    check_uasc_checks(
        record.child,
        record.uk_schedule_started,
        record.tb_screening_done,
        record.bbv_testing_offered,
    )
    _save(record)
    _recompute(record.child_id)
    return record


def _record_delete(model: Any, record: Any, deleted_by: User, reason: str | None, version) -> Any:
    record = _lock_record(model, record, version)
    soft_delete_mark(record, by=deleted_by, reason=reason)
    _save(record)
    _recompute(record.child_id)
    return record


@transaction.atomic
def dental_check_delete(
    *, check: DentalCheck, deleted_by: User, reason: str | None, expected_version: int | None = None
) -> DentalCheck:
    return _record_delete(DentalCheck, check, deleted_by, reason, expected_version)


@transaction.atomic
def sdq_delete(
    *, record: SdqRecord, deleted_by: User, reason: str | None, expected_version: int | None = None
) -> SdqRecord:
    return _record_delete(SdqRecord, record, deleted_by, reason, expected_version)


@transaction.atomic
def immunisation_delete(
    *,
    record: ImmunisationRecord,
    deleted_by: User,
    reason: str | None,
    expected_version: int | None = None,
) -> ImmunisationRecord:
    return _record_delete(ImmunisationRecord, record, deleted_by, reason, expected_version)
