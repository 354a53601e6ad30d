"""The LA's request to the health provider, and the request made complete
(consent and the information health needs)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Organisation, OrganisationKind, User
from apps.assessments.models import (
    Assessment,
)
from apps.assessments.services.base import (
    EVENT_FIELD_NAMES,
    _event_date,
    _lock,
    _require_open,
    _save,
)
from apps.core.temporal_checks import enforce_assessment


@transaction.atomic
def assessment_request(
    *,
    assessment: Assessment,
    sent_on: date,
    provider: Organisation,
    requested_by: User,
    consent_obtained_on: date | None = None,
    request_complete_on: date | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """The LA sends the request (with consent, when it has it) to a health provider."""
    assessment = _lock(assessment, expected_version)
    _require_open(assessment, "sent_on")
    if assessment.request_sent_on is not None:
        raise ValidationError({"sent_on": "The request has already been sent."})
    if provider is None or provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError({"provider": "Choose a health provider."})
    _event_date("sent_on", sent_on, assessment, "The request date")
    assessment.request_sent_on = sent_on
    assessment.provider = provider
    if consent_obtained_on is not None:
        _event_date("consent_obtained_on", consent_obtained_on, assessment, "The consent date")
        assessment.consent_obtained_on = consent_obtained_on
    if request_complete_on is not None:
        _check_complete_date(assessment, request_complete_on)
        assessment.request_complete_on = request_complete_on
    enforce_assessment(assessment, {"request_sent_on", "request_complete_on"}, EVENT_FIELD_NAMES)
    _save(assessment)
    from apps.assessments.tasks import enqueue_request_notification

    enqueue_request_notification(assessment.pk)
    return assessment


def _check_complete_date(assessment: Assessment, complete_on: date) -> None:
    _event_date("request_complete_on", complete_on, assessment, "The date the request was complete")
    if complete_on < assessment.request_sent_on:
        raise ValidationError(
            {"request_complete_on": "A request cannot be complete before it is sent."}
        )


@transaction.atomic
def assessment_request_complete(
    *,
    assessment: Assessment,
    complete_on: date,
    recorded_by: User,
    consent_obtained_on: date | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Consent and the information health needs are in: the request is complete."""
    assessment = _lock(assessment, expected_version)
    _require_open(assessment, "request_complete_on")
    if assessment.request_sent_on is None:
        raise ValidationError(
            {"request_complete_on": "Send the request before recording it as complete."}
        )
    if assessment.request_complete_on is not None:
        raise ValidationError(
            {"request_complete_on": "The request is already recorded as complete."}
        )
    _check_complete_date(assessment, complete_on)
    assessment.request_complete_on = complete_on
    enforce_assessment(assessment, {"request_complete_on"})
    if consent_obtained_on is not None:
        _event_date("consent_obtained_on", consent_obtained_on, assessment, "The consent date")
        assessment.consent_obtained_on = consent_obtained_on
    return _save(assessment)
