"""The API of the health records' corrections (issue 13): PATCH with a ``reason`` (and the
``version`` read, for a 409 on a stale one) corrects; DELETE with a ``reason`` (in the body or
the query string) deletes a record entered in error (204; the row stays, visible in history
and to auditors). The same services and checks as the pages (apps/assessments/corrections.py):
400 naming the field, 403 for a role that may not change the record, 404 for one the user
may not see.

- ``/api/v1/requests/{assessment id}/``: the IHA/RHA request (GET, PATCH, DELETE);
- ``/api/v1/appointments/{id}/`` (GET, PATCH, DELETE);
- PATCH ``/api/v1/assessments/{id}/``: the held assessment's date, clinician, report date;
- PATCH and DELETE on ``/api/v1/dental-checks/{id}/``, ``sdq-records/{id}/``,
  ``immunisations/{id}/`` (CorrectableRecordMixin on their viewsets)."""

from typing import Any, cast

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.access import Capability, may
from apps.accounts.models import Organisation, OrganisationKind, User
from apps.assessments import corrections, selectors
from apps.assessments.models import Appointment, Assessment, ClinicianRole
from apps.assessments.models.records import ImmunisationStatus, SdqInformant, SdqReason
from apps.assessments.serializers import AppointmentSerializer, AssessmentSerializer
from apps.core.api import correction_reason, require, split_version


class VersionedCorrection(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version read, for optimistic concurrency"
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why the record is corrected (required)"
    )


class RequestCorrectionInput(VersionedCorrection):
    request_sent_on = serializers.DateField(required=False)
    provider = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        required=False,
    )
    consent_obtained_on = serializers.DateField(required=False, allow_null=True)
    request_complete_on = serializers.DateField(required=False, allow_null=True)


class AppointmentCorrectionInput(VersionedCorrection):
    appointment_date = serializers.DateField(required=False)
    booked_on = serializers.DateField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AssessmentCorrectionInput(VersionedCorrection):
    held_on = serializers.DateField(required=False)
    clinician_role = serializers.ChoiceField(choices=ClinicianRole.choices, required=False)
    report_returned_on = serializers.DateField(required=False, allow_null=True)
    outcome_summary = serializers.CharField(required=False, allow_blank=True)


class DentalCorrectionInput(VersionedCorrection):
    checked_on = serializers.DateField(required=False)
    practice = serializers.CharField(required=False, allow_blank=True, max_length=200)
    treatment_needed = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def _score(top: int) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=top, required=False, allow_null=True)


class SdqCorrectionInput(VersionedCorrection):
    completed_on = serializers.DateField(required=False)
    informant = serializers.ChoiceField(
        choices=SdqInformant.choices, required=False, allow_blank=True
    )
    total_score = _score(40)
    emotional = _score(10)
    conduct = _score(10)
    hyperactivity = _score(10)
    peer = _score(10)
    prosocial = _score(10)
    reason_not_completed = serializers.ChoiceField(
        choices=SdqReason.choices, required=False, allow_blank=True
    )


class ImmunisationCorrectionInput(VersionedCorrection):
    checked_on = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=ImmunisationStatus.choices, required=False)
    uk_schedule_started = serializers.BooleanField(required=False, allow_null=True)
    tb_screening_done = serializers.BooleanField(required=False, allow_null=True)
    bbv_testing_offered = serializers.BooleanField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def _user(request: Request) -> User:
    # DRF's default permission: an authenticated user.
    return cast("User", request.user)


def _input(serializer_class: type[serializers.Serializer], request: Request) -> tuple[dict, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data, version = split_version(serializer)
    data.pop("reason", None)
    return data, version


def deletion_reason(request: Request) -> str:
    """The reason of a DELETE, from the body or the query string (some clients send no body
    with a DELETE); the service refuses a blank one with a 400 naming ``reason``."""
    reason = request.data.get("reason") if hasattr(request.data, "get") else None
    if reason is None:
        reason = request.query_params.get("reason", "")
    if not isinstance(reason, str):
        raise exceptions.ValidationError({"reason": ["Give the reason as text."]})
    return reason


def deletion_version(request: Request) -> int | None:
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    raw = raw if raw is not None else request.query_params.get("version")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError) as error:
        raise exceptions.ValidationError({"version": ["Give the version as a number."]}) from error


_DELETE_PARAMETERS = [
    OpenApiParameter("reason", str, description="Why the record was entered in error"),
    OpenApiParameter("version", int, description="The version read"),
]


class RequestCorrectionView(APIView):
    """The IHA/RHA request of an assessment (the LA's record): its dates and provider."""

    access_record_model = Assessment

    def _assessment(self, request: Request, pk: int) -> Assessment:
        assessment = get_object_or_404(selectors.assessments_visible_to(_user(request)), pk=pk)
        return assessment

    @extend_schema(responses=AssessmentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(AssessmentSerializer(self._assessment(request, pk)).data)

    @extend_schema(request=RequestCorrectionInput, responses=AssessmentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        assessment = self._assessment(request, pk)
        require(may(request.user, Capability.ASSESSMENT_REQUEST, assessment))
        data, version = _input(RequestCorrectionInput, request)
        assessment = corrections.request_correct(
            assessment=assessment,
            corrected_by=_user(request),
            data=data,
            reason=correction_reason(request),
            expected_version=version,
        )
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(parameters=_DELETE_PARAMETERS, request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        assessment = self._assessment(request, pk)
        require(may(request.user, Capability.ASSESSMENT_REQUEST, assessment))
        corrections.request_delete(
            assessment=assessment,
            deleted_by=_user(request),
            reason=deletion_reason(request),
            expected_version=deletion_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AppointmentCorrectionView(APIView):
    """An appointment: correct its dates and place, or delete it as entered in error."""

    access_record_model = Appointment

    def _appointment(self, request: Request, pk: int) -> Appointment:
        return get_object_or_404(
            Appointment.objects.select_related("assessment").filter(
                assessment__in=selectors.assessments_visible_to(_user(request)).values("pk")
            ),
            pk=pk,
        )

    @extend_schema(responses=AppointmentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(AppointmentSerializer(self._appointment(request, pk)).data)

    @extend_schema(request=AppointmentCorrectionInput, responses=AppointmentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        appointment = self._appointment(request, pk)
        require(may(request.user, Capability.ASSESSMENT_BOOK, appointment.assessment))
        data, version = _input(AppointmentCorrectionInput, request)
        appointment = corrections.appointment_correct(
            appointment=appointment,
            corrected_by=_user(request),
            data=data,
            reason=correction_reason(request),
            expected_version=version,
        )
        return Response(AppointmentSerializer(appointment).data)

    @extend_schema(parameters=_DELETE_PARAMETERS, request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        appointment = self._appointment(request, pk)
        require(may(request.user, Capability.ASSESSMENT_BOOK, appointment.assessment))
        corrections.appointment_delete(
            appointment=appointment,
            deleted_by=_user(request),
            reason=deletion_reason(request),
            expected_version=deletion_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CorrectableAssessmentMixin:
    """PATCH on /api/v1/assessments/{id}/: the held assessment's outcome (health's)."""

    @extend_schema(request=AssessmentCorrectionInput, responses=AssessmentSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        assessment = self.get_object()  # type: ignore[attr-defined]
        require(may(request.user, Capability.ASSESSMENT_COMPLETE, assessment))
        data, version = _input(AssessmentCorrectionInput, request)
        assessment = corrections.assessment_correct(
            assessment=assessment,
            corrected_by=_user(request),
            data=data,
            reason=correction_reason(request),
            expected_version=version,
        )
        return Response(AssessmentSerializer(assessment).data)


_RECORD_SERVICES = {
    "DentalCheck": (
        DentalCorrectionInput,
        lambda r, u, **kw: corrections.dental_check_correct(check=r, corrected_by=u, **kw),
        lambda r, u, **kw: corrections.dental_check_delete(check=r, deleted_by=u, **kw),
    ),
    "SdqRecord": (
        SdqCorrectionInput,
        lambda r, u, **kw: corrections.sdq_correct(record=r, corrected_by=u, **kw),
        lambda r, u, **kw: corrections.sdq_delete(record=r, deleted_by=u, **kw),
    ),
    "ImmunisationRecord": (
        ImmunisationCorrectionInput,
        lambda r, u, **kw: corrections.immunisation_correct(record=r, corrected_by=u, **kw),
        lambda r, u, **kw: corrections.immunisation_delete(record=r, deleted_by=u, **kw),
    ),
}


class CorrectableRecordMixin:
    """PATCH and DELETE on a dental check, an SDQ or an immunisation check, with the write
    capability of its viewset (``may_write``)."""

    def _services(self):
        return _RECORD_SERVICES[self.model.__name__]

    def partial_update(self, request: Request, pk=None) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        require(self.may_write(request.user, record.child))  # type: ignore[attr-defined]
        input_class, correct, _ = self._services()
        data, version = _input(input_class, request)
        record = correct(
            record,
            request.user,
            data=data,
            reason=correction_reason(request),
            expected_version=version,
        )
        return Response(self.get_serializer(record).data)  # type: ignore[attr-defined]

    def destroy(self, request: Request, pk=None) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        require(self.may_write(request.user, record.child))  # type: ignore[attr-defined]
        _, _, delete = self._services()
        delete(
            record,
            request.user,
            reason=deletion_reason(request),
            expected_version=deletion_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def urls() -> list:
    return [
        path("requests/<int:pk>/", RequestCorrectionView.as_view(), name="api-request-correct"),
        path(
            "appointments/<int:pk>/",
            AppointmentCorrectionView.as_view(),
            name="api-appointment-correct",
        ),
    ]
