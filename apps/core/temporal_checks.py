"""The temporal rules (apps.core.rules.temporal, issue 13) applied to one record before
the service that writes it saves it: its own dates against the child's date of birth and its
period of care. Each refusal is a ValidationError on the field, with the other date in words.

They read only the record given (and its child and period of care), so the services of every
layer call them directly (issue 12); a change that moves the dates other records are checked
against is checked on the child's whole record by the data-quality app, behind the care-record
hook (apps.core.hooks, CareRecordChange.REFERENCE_DATES)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.rules.temporal import (
    AppointmentFacts,
    AssessmentFacts,
    DatedRecord,
    Period,
    PlacementFacts,
    appointment_breaches,
    assessment_breaches,
    errors_by_field,
    placement_breaches,
    record_breaches,
)


def _period(period_of_care) -> Period | None:
    if period_of_care is None:
        return None
    return period_facts(period_of_care)


def period_facts(period_of_care) -> Period:
    return Period(
        id=period_of_care.pk,
        start=period_of_care.start_date,
        end=period_of_care.end_date,
        from_entry=period_of_care.reason_new_episode == "S",
    )


def _assessment_facts(assessment) -> AssessmentFacts:
    return AssessmentFacts(
        id=assessment.pk,
        kind=assessment.kind,
        period_id=assessment.period_of_care_id,
        request_sent_on=assessment.request_sent_on,
        request_complete_on=assessment.request_complete_on,
        held_on=assessment.held_on,
        report_returned_on=assessment.report_returned_on,
        before_records=assessment.before_records,
    )


def enforce_assessment(assessment, fields: set[str], rename: dict[str, str] | None = None) -> None:
    """Refuse the assessment's new dates (``fields``, model names) that break a rule."""
    breaches = [
        b
        for b in assessment_breaches(
            _assessment_facts(assessment),
            date_of_birth=assessment.child.date_of_birth,
            period=_period(assessment.period_of_care),
        )
        if b.field in fields
    ]
    if breaches:
        raise ValidationError(errors_by_field(breaches, rename))


def enforce_appointment(
    *, assessment, booked_on: date, appointment_date: date, rename: dict[str, str] | None = None
) -> None:
    breaches = appointment_breaches(
        AppointmentFacts(None, booked_on, appointment_date),
        assessment=_assessment_facts(assessment),
        date_of_birth=assessment.child.date_of_birth,
        period=_period(assessment.period_of_care),
    )
    if breaches:
        raise ValidationError(errors_by_field(breaches, rename))


def enforce_placement(placement, period_of_care, fields: set[str] | None = None) -> None:
    """Refuse a placement outside its period of care (only ``fields``, when given)."""
    breaches = placement_breaches(
        PlacementFacts(placement.pk, period_of_care.pk, placement.start_date, placement.end_date),
        period=period_facts(period_of_care),
    )
    breaches = [b for b in breaches if fields is None or b.field in fields]
    if breaches:
        raise ValidationError(errors_by_field(breaches))


def enforce_record(*, kind: str, on: date, date_of_birth: date, field: str) -> None:
    """A dental check, SDQ or immunisation check: after birth, not in the future."""
    breaches = record_breaches(
        DatedRecord(kind, None, on), date_of_birth=date_of_birth, today=timezone.localdate()
    )
    if breaches:
        raise ValidationError({field: [b.message for b in breaches]})
