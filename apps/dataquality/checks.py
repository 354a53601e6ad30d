"""The temporal rules applied by the services that write the records (issue 13): each
refusal is a ValidationError on the field, with the other date in words.

A single record's own dates are checked before it is saved. A change that moves other
records' reference dates (a date of birth, the start of a period of care) is checked on the
whole of the child's record afterwards, in the same transaction, and refused only for the
contradictions it adds: a record imported with an old contradiction can still be corrected
in its other details, and the data-quality report lists what was there before."""

from collections.abc import Iterator
from contextlib import contextmanager
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
    new_breaches,
    placement_breaches,
    record_breaches,
)
from apps.dataquality.selectors import breaches_of_child


def _period(period_of_care) -> Period | None:
    if period_of_care is None:
        return None
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
        period=_period(period_of_care),
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


@contextmanager
def no_new_breaches(child_id: int, *, field: str) -> Iterator[None]:
    """Around a write that moves the dates other records are checked against: after it,
    the child's record may hold no contradiction it did not hold before. Raised inside the
    service's transaction, so the write is rolled back."""
    before = breaches_of_child(child_id)
    yield
    added = new_breaches(before, breaches_of_child(child_id))
    if added:
        raise ValidationError(
            {field: [f"This would contradict another record: {b.message}" for b in added]}
        )
