"""A breach's reason given by health, and who a breach is charged to."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.assessments.models import (
    Assessment,
)
from apps.assessments.rules.status import BREACH_STATUSES
from apps.assessments.services.base import _lock, _save
from apps.policy.rules import BreachReason


@transaction.atomic
def assessment_record_health_reason(
    *,
    assessment: Assessment,
    reason: str,
    recorded_by: User,
    note: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """Health's reason for a breach charged to it (blank until given)."""
    assessment = _lock(assessment, expected_version)
    if assessment.status not in BREACH_STATUSES and not assessment.report_breached:
        raise ValidationError({"reason": "This assessment is not in breach."})
    if reason not in BreachReason.__members__.values():
        raise ValidationError({"reason": "Choose a reason from the list."})
    if reason == BreachReason.OTHER and not note.strip():
        raise ValidationError({"note": "Describe the reason when choosing Other."})
    assessment.health_reason = reason
    assessment.health_reason_note = note.strip()
    return _save(assessment)


@transaction.atomic
def breach_override(
    *,
    assessment: Assessment,
    party: str,
    reason: str,
    note: str,
    overridden_by: User,
    expected_version: int | None = None,
) -> Assessment:
    """A team manager or designated professional changes who a breach is charged to, with
    a note; the author and the previous values stay in history. Charging the other agency
    is a proposal that agency answers (apps.assessments.proposal_services); the assessment
    is returned either way."""
    from apps.assessments.proposal_services import attribution_change

    assessment = _lock(assessment, expected_version)
    if assessment.status not in BREACH_STATUSES and not assessment.report_breached:
        raise ValidationError({"party": "This assessment is not in breach."})
    attribution_change(
        assessment=assessment, party=party, reason=reason, note=note, changed_by=overridden_by
    )
    return assessment
