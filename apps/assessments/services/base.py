"""What every assessment write shares: the row locks, the event-date checks, the
save that marks the child's clocks stale and enqueues their recompute after commit."""

from datetime import date

from django.core.exceptions import ValidationError

from apps.assessments.models import (
    Assessment,
)
from apps.assessments.recompute import mark_clocks_stale, recompute_children
from apps.children.models import Child
from apps.core.services import (
    bump_version,
    check_not_before_birth,
    check_not_future,
    check_version,
    save_with_constraints,
)

# The API's names for the assessment's event dates (the temporal rules use the model's).
EVENT_FIELD_NAMES = {"request_sent_on": "sent_on", "report_returned_on": "returned_on"}


def child_clocks_recompute(*, child_id: int) -> None:
    recompute_children([child_id])


def clocks_changed(child_id: int) -> None:
    """Mark in this transaction, recompute through Celery after commit. If the message is
    lost (Redis down), the mark stays and the nightly sweep recomputes the child."""
    from apps.assessments.tasks import enqueue_child_recompute

    mark_clocks_stale(child_id)
    enqueue_child_recompute(child_id)


def _lock(assessment: Assessment, expected_version: int | None = None) -> Assessment:
    Child.objects.select_for_update().filter(pk=assessment.child_id).exists()
    locked = Assessment.objects.select_for_update().select_related("child").get(pk=assessment.pk)
    check_version(locked, expected_version)
    return locked


def _event_date(field: str, value: date, assessment: Assessment, label: str) -> None:
    check_not_future(field, value, label)
    check_not_before_birth(field, value, assessment.child.date_of_birth, label)


def _require_open(assessment: Assessment, field: str) -> None:
    if assessment.held_on is not None:
        raise ValidationError({field: "This assessment has already been completed."})
    if assessment.declined_on is not None:
        raise ValidationError({field: "The young person declined this assessment."})
    if assessment.not_required_reason:
        raise ValidationError({field: "This assessment is marked as not required."})


def _save(assessment: Assessment) -> Assessment:
    bump_version(assessment)
    save_with_constraints(assessment)
    clocks_changed(assessment.child_id)
    return assessment
