"""API of the write-up: read and save sections of the draft, sign off, the health plan's
actions, and the report (download, return, acknowledge). The write-up's ``pk`` is the
assessment's id; errors are 400 naming the field, 404 for a record the user may not see."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.assessments.models import Assessment
from apps.assessments.models.assessment import ClinicianRole
from apps.children.selectors import children_visible_to
from apps.writeups import selectors, services
from apps.writeups.models import Addendum, PlanAction, Report, WriteUp
from apps.writeups.rules.loop import LABELS, loop_state

_NOT_FOUND = OpenApiResponse(description="No such record, or not one the user may see.")
TAGS = ["write-ups"]


class AddendumOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = Addendum
        fields = ["id", "section", "text", "author", "created_at"]


class WriteUpOut(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id")
    addenda = AddendumOut(many=True, read_only=True)
    state = serializers.SerializerMethodField()
    # The same choices as the assessment's clinician_role, so one enum in the schema.
    clinician_role = serializers.ChoiceField(
        source="signer_role", choices=ClinicianRole.choices, read_only=True
    )

    class Meta:
        model = WriteUp
        fields = [
            "assessment",
            "state",
            "sections",
            "computed",
            "signed_off_at",
            "signer_name",
            "clinician_role",
            "signer_registration",
            "addenda",
            "version",
        ]
        read_only_fields = fields

    def get_state(self, write_up: WriteUp) -> str:
        return LABELS[loop_state(services.loop_facts(write_up.assessment))]


class SectionIn(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["", "completed", "not_assessed"], required=False, allow_blank=True
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        required=False,
        help_text="The section's fields by name (see the write-up page), as strings; dates ISO 8601.",
    )


class SignOffIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    clinician_role = serializers.ChoiceField(choices=ClinicianRole.choices)
    registration = serializers.CharField(max_length=40)


class PlanActionOut(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id")

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "assessment",
            "need",
            "action",
            "owner_kind",
            "owner_user",
            "owner_name",
            "due_date",
            "status",
            "reason_not_done",
            "closed_on",
            "version",
        ]
        read_only_fields = fields


class PlanActionIn(serializers.Serializer):
    need = serializers.CharField(max_length=500)
    action = serializers.CharField(max_length=500)
    owner_kind = serializers.ChoiceField(choices=PlanAction._meta.get_field("owner_kind").choices)
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_date = serializers.DateField()


class PlanActionCorrectIn(serializers.Serializer):
    """A correction: the fields to change, the reason (kept in history) and the version
    the change was made against (409 when someone else has changed it since)."""

    need = serializers.CharField(max_length=500, required=False, allow_blank=True)
    action = serializers.CharField(max_length=500, required=False, allow_blank=True)
    # The model's choices (one enum in the schema with the action's own owner_kind).
    owner_kind = serializers.ChoiceField(
        choices=PlanAction._meta.get_field("owner_kind").choices, required=False
    )
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=100, allow_blank=True)
    version = serializers.IntegerField(min_value=1)


class PlanActionCloseIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=["DONE", "NOT_DONE"])
    closed_on = serializers.DateField()
    reason_not_done = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReportOut(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id")
    read_by = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "assessment", "source", "filename", "created_at", "returned_on", "read_by"]
        read_only_fields = fields

    def get_read_by(self, report: Report) -> list[str]:
        return [reading.reader.username for reading in report.readings.select_related("reader")]


def _assessment(request: Request, pk: int) -> Assessment:
    assessment = (
        Assessment.objects.filter(pk=pk, child__in=children_visible_to(request.user))
        .select_related("child")
        .first()
    )
    if assessment is None:
        raise NotFound()
    return assessment


def _writer_assessment(request: Request, pk: int) -> Assessment:
    assessment = _assessment(request, pk)
    if not services.may_write_up(request.user, assessment):
        raise NotFound()
    return assessment


class WriteUpView(APIView):
    """The write-up of an assessment (draft or signed), for the provider's clinicians."""

    access_record_model = Assessment

    @extend_schema(
        operation_id="write_up_retrieve", responses={200: WriteUpOut, 404: _NOT_FOUND}, tags=TAGS
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = _writer_assessment(request, pk)
        write_up = WriteUp.objects.filter(assessment=assessment).first()
        if write_up is None:
            raise NotFound("Nothing has been written up yet.")
        return Response(WriteUpOut(write_up).data)


class WriteUpSectionView(APIView):
    """Save one section of the draft (creating the draft on first save)."""

    access_record_model = Assessment

    @extend_schema(
        operation_id="write_up_section_update",
        request=SectionIn,
        responses={
            200: WriteUpOut,
            400: OpenApiResponse(description="Errors by field."),
            404: _NOT_FOUND,
        },
        tags=TAGS,
    )
    def put(self, request: Request, pk: int, key: str) -> Response:
        assessment = _writer_assessment(request, pk)
        serializer = SectionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data.get("values", {}))
        data["state"] = serializer.validated_data.get("state", "")
        data["reason"] = serializer.validated_data.get("reason", "")
        write_up = services.write_up_save_section(
            assessment=assessment, section=key, data=data, saved_by=request.user
        )
        return Response(WriteUpOut(write_up).data)


class WriteUpSignOffView(APIView):
    """Sign off the write-up: every section completed or not assessed with a reason."""

    access_record_model = Assessment

    @extend_schema(
        operation_id="write_up_sign_off",
        request=SignOffIn,
        responses={
            200: WriteUpOut,
            400: OpenApiResponse(description="The sections still open, by name."),
            404: _NOT_FOUND,
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = _writer_assessment(request, pk)
        serializer = SignOffIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        write_up = services.write_up_sign_off(
            assessment=assessment,
            signed_by=request.user,
            name=data["name"],
            role=data["clinician_role"],
            registration=data["registration"],
        )
        return Response(WriteUpOut(write_up).data)


class PlanActionsView(APIView):
    """The health plan's actions from an assessment."""

    access_record_model = Assessment

    @extend_schema(
        operation_id="plan_actions_list",
        responses={200: PlanActionOut(many=True), 404: _NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        return Response(
            PlanActionOut(PlanAction.objects.filter(assessment=assessment), many=True).data
        )

    @extend_schema(
        operation_id="plan_actions_create",
        request=PlanActionIn,
        responses={
            201: PlanActionOut,
            400: OpenApiResponse(description="Errors by field."),
            404: _NOT_FOUND,
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = _writer_assessment(request, pk)
        serializer = PlanActionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = services.plan_action_add(
            assessment=assessment,
            need=data["need"],
            action=data["action"],
            owner_kind=data["owner_kind"],
            owner_user=data.get("owner_user"),
            owner_name=data.get("owner_name", ""),
            due_date=data["due_date"],
            created_by=request.user,
        )
        return Response(PlanActionOut(item).data, status=status.HTTP_201_CREATED)


class PlanActionView(APIView):
    """One health plan action; PATCH corrects its need, action, owner or due date."""

    access_record_model = PlanAction

    def _item(self, request: Request, pk: int) -> PlanAction:
        item = (
            PlanAction.objects.filter(
                pk=pk, assessment__child__in=children_visible_to(request.user)
            )
            .select_related("assessment")
            .first()
        )
        if item is None:
            raise NotFound()
        return item

    @extend_schema(
        operation_id="plan_action_read",
        responses={200: PlanActionOut, 404: _NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PlanActionOut(self._item(request, pk)).data)

    @extend_schema(
        operation_id="plan_action_correct",
        request=PlanActionCorrectIn,
        responses={
            200: PlanActionOut,
            400: OpenApiResponse(description="Errors by field."),
            404: _NOT_FOUND,
            409: OpenApiResponse(description="Changed by someone else since that version."),
        },
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        item = self._item(request, pk)
        if not services.may_manage_actions(request.user, item.assessment):
            raise NotFound()
        serializer = PlanActionCorrectIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason, version = data.pop("reason"), data.pop("version")
        item = services.plan_action_correct(
            action=item,
            corrected_by=request.user,
            data=data,
            reason=reason,
            expected_version=version,
        )
        return Response(PlanActionOut(item).data)


class PlanActionCloseView(APIView):
    """Record an action as done, or not done with the reason."""

    access_record_model = PlanAction

    @extend_schema(
        operation_id="plan_action_close",
        request=PlanActionCloseIn,
        responses={
            200: PlanActionOut,
            400: OpenApiResponse(description="Errors by field."),
            404: _NOT_FOUND,
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        item = PlanAction.objects.filter(
            pk=pk, assessment__child__in=children_visible_to(request.user)
        ).first()
        if item is None or not services.may_close_action(request.user, item):
            raise NotFound()
        serializer = PlanActionCloseIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.plan_action_close(
            action=item, closed_by=request.user, **serializer.validated_data
        )
        return Response(PlanActionOut(item).data)


def _report(request: Request, pk: int) -> Report:
    report = selectors.visible_report(request.user, pk)
    if report is None:
        raise NotFound()
    return report


class ReportDownloadView(APIView):
    """The report PDF, for anyone who may see the child (logged as an export)."""

    access_record_model = Report

    @extend_schema(
        operation_id="report_download",
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The PDF."),
            404: _NOT_FOUND,
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = _report(request, pk)
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
        return response


class _ReportStepView(APIView):
    """A step on a returned report: the service refuses a user the step is not for (a 404
    here, as for a report they may not see) and a report not ready for it (400)."""

    access_record_model = Report

    def step(self, report: Report, user: User) -> Report:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        report = _report(request, pk)
        try:
            report = self.step(report, request.user)
        except PermissionDenied as error:
            raise NotFound() from error
        return Response(ReportOut(report).data)


def _report_step_schema(operation_id: str, refused: str):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            request=None,
            responses={200: ReportOut, 400: OpenApiResponse(description=refused), 404: _NOT_FOUND},
            tags=TAGS,
        )
    )


@_report_step_schema("report_return", "Not signed off, or returned already.")
class ReportReturnView(_ReportStepView):
    """Return the report to the social worker (recorded on the assessment's clock)."""

    def step(self, report: Report, user: User) -> Report:
        return services.report_return(report=report, returned_by=user)


@_report_step_schema("report_acknowledge", "Not returned yet, or read already.")
class ReportAcknowledgeView(_ReportStepView):
    """The social worker or their manager marks the report as read."""

    def step(self, report: Report, user: User) -> Report:
        services.report_acknowledge(report=report, reader=user)
        return report
