"""After the appointment: the assessment held in one go (demo data, imports,
tests), written up, its report returned, or declined by the young person."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.assessments.models import (
    Assessment,
    HealthPlan,
    HealthPlanAction,
    ImmunisationRecord,
)
from apps.assessments.models.assessment import MEDICAL_PRACTITIONER_ROLES
from apps.assessments.rules.attribution import AppointmentOutcome
from apps.assessments.services.appointments import _record_held
from apps.assessments.services.base import (
    EVENT_FIELD_NAMES,
    _event_date,
    _lock,
    _require_open,
    _save,
)
from apps.core.services import (
    save_with_constraints,
)
from apps.core.temporal_checks import enforce_assessment


@transaction.atomic
def assessment_complete(
    *,
    assessment: Assessment,
    held_on: date,
    clinician_role: str,
    completed_by: User,
    outcome_summary: str = "",
    immunisation_status: str = "",
    health_plan_summary: str = "",
    health_plan_actions: list[dict] | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Record an assessment as held in one go, without the appointment and the structured
    write-up: for demo data, imports and tests only. No page or API reaches it since issue
    14 (the one path is "Attended" on the appointment, then the write-up's sign-off). The
    held date follows the same rule as an attendance (``_record_held``): a booked
    appointment on ``held_on`` is recorded as attended."""
    assessment = _lock(assessment, expected_version)
    if assessment.held_on is not None:
        raise ValidationError(
            {
                "held_on": f"This assessment is already recorded as held on {assessment.held_on:%d/%m/%Y}."
            }
        )
    if assessment.request_sent_on is None:
        raise ValidationError({"held_on": "No request has been received for this assessment."})
    if assessment.kind == "IHA" and clinician_role not in MEDICAL_PRACTITIONER_ROLES:
        raise ValidationError(
            {
                "clinician_role": "An initial health assessment is carried out by a registered medical practitioner."
            }
        )
    if not clinician_role:
        raise ValidationError({"clinician_role": "Say who carried out the assessment."})
    booked = assessment.appointments.filter(outcome=AppointmentOutcome.BOOKED).first()
    if booked is not None and booked.appointment_date != held_on:
        raise ValidationError(
            {
                "held_on": f"An appointment is booked for {booked.appointment_date:%d/%m/%Y}: record its outcome first."
            }
        )
    _record_held(assessment, held_on, "held_on")
    assessment.clinician_role = clinician_role
    assessment.outcome_summary = outcome_summary.strip()
    if booked is not None:
        booked.outcome = AppointmentOutcome.ATTENDED
        booked.outcome_recorded_on = held_on
        save_with_constraints(booked)
    _save(assessment)
    if immunisation_status:
        ImmunisationRecord.objects.create(
            child=assessment.child,
            assessment=assessment,
            checked_on=held_on,
            status=immunisation_status,
        )
    if health_plan_summary or health_plan_actions:
        plan = HealthPlan.objects.create(assessment=assessment, summary=health_plan_summary.strip())
        for index, item in enumerate(health_plan_actions or []):
            action = HealthPlanAction(plan=plan, **item)
            try:
                action.full_clean(exclude=["plan"])
            except ValidationError as error:
                raise ValidationError({f"health_plan_actions[{index}]": error.messages}) from error
            action.save()
    return assessment


@transaction.atomic
def assessment_written_up(
    *, assessment: Assessment, clinician_role: str, signed_by: User
) -> Assessment:
    """The structured write-up is signed off (apps.writeups): the assessment records the
    clinician's role, as the old "complete" step did. The held date does not move."""
    assessment = _lock(assessment)
    if assessment.held_on is None:
        raise ValidationError({"sign_off": "Record that the child attended first."})
    if assessment.kind == "IHA" and clinician_role not in MEDICAL_PRACTITIONER_ROLES:
        raise ValidationError(
            {
                "role": "An initial health assessment is signed off by a registered medical practitioner."
            }
        )
    assessment.clinician_role = clinician_role
    return _save(assessment)


@transaction.atomic
def assessment_return_report(
    *,
    assessment: Assessment,
    returned_on: date,
    returned_by: User,
    expected_version: int | None = None,
) -> Assessment:
    assessment = _lock(assessment, expected_version)
    if assessment.held_on is None:
        raise ValidationError({"returned_on": "The assessment has not been held yet."})
    if assessment.report_returned_on is not None:
        raise ValidationError({"returned_on": "The report has already been returned."})
    _event_date("returned_on", returned_on, assessment, "The date the report was returned")
    if returned_on < assessment.held_on:
        raise ValidationError(
            {"returned_on": "The report cannot be returned before the assessment was held."}
        )
    assessment.report_returned_on = returned_on
    enforce_assessment(assessment, {"report_returned_on"}, EVENT_FIELD_NAMES)
    return _save(assessment)


@transaction.atomic
def assessment_decline(
    *,
    assessment: Assessment,
    declined_on: date,
    recorded_by: User,
    note: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """The young person declined the assessment (DOMAIN.md 2: recorded with the date)."""
    assessment = _lock(assessment, expected_version)
    _require_open(assessment, "declined_on")
    _event_date("declined_on", declined_on, assessment, "The date declined")
    if declined_on < assessment.clock_start:
        raise ValidationError(
            {"declined_on": "The assessment cannot be declined before its clock started."}
        )
    assessment.declined_on = declined_on
    assessment.outcome_summary = note.strip()
    return _save(assessment)
