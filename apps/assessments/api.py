import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.assessments import selectors, services
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthHistory,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)
from apps.assessments.rules.status import BREACH_STATUSES
from apps.assessments.serializers import (
    AssessmentSerializer,
    BookInput,
    CompleteInput,
    DeclineInput,
    DentalCheckSerializer,
    HealthClockSerializer,
    HealthHistorySerializer,
    HealthReasonInput,
    ImmunisationRecordSerializer,
    OutcomeInput,
    OutOfAreaReferralSerializer,
    OverrideInput,
    ReferralEscalateInput,
    ReferralQaInput,
    ReferralRecordInput,
    RequestCompleteInput,
    RequestInput,
    ReturnReportInput,
    SdqRecordSerializer,
)
from apps.children.models import Child
from apps.children.selectors import children_visible_to, user_can_edit_case
from apps.core.api import require, split_version


class AssessmentFilter(django_filters.FilterSet):
    provider = django_filters.CharFilter(field_name="provider__code")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    breached = django_filters.BooleanFilter(method="filter_breached")

    class Meta:
        model = Assessment
        fields = ["child", "kind", "status"]

    def filter_breached(self, queryset, name, value):
        breached = Q(status__in=list(BREACH_STATUSES)) | Q(report_breached=True)
        return queryset.filter(breached) if value else queryset.exclude(breached)


def _action_schema(input_serializer):
    return extend_schema(request=input_serializer, responses=AssessmentSerializer)


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """IHAs and RHAs with deadlines, status and breach attribution. Workflow steps are POST
    sub-resources; a step out of order is a 400 naming the field."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = Assessment

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["due_date", "request_due", "id"]
    ordering = ["due_date", "id"]

    def get_queryset(self):
        return selectors.assessments_with_details(
            selectors.assessments_visible_to(self.request.user)
        )

    def _step(self, request: Request, step: str, input_class, run) -> Response:
        assessment = self.get_object()
        require(selectors.user_can(request.user, step, assessment))
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, version = (
            split_version(serializer)
            if "version" in input_class().fields
            else (dict(serializer.validated_data), None)
        )
        run(assessment, data, version)
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(AssessmentSerializer(fresh).data)

    @_action_schema(RequestInput)
    @action(detail=True, methods=["post"], url_path="request")
    def send_request(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "request",
            RequestInput,
            lambda a, d, v: services.assessment_request(
                assessment=a, requested_by=request.user, expected_version=v, **d
            ),
        )

    @_action_schema(RequestCompleteInput)
    @action(detail=True, methods=["post"], url_path="request-complete")
    def request_complete(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "request-complete",
            RequestCompleteInput,
            lambda a, d, v: services.assessment_request_complete(
                assessment=a, recorded_by=request.user, expected_version=v, **d
            ),
        )

    @_action_schema(BookInput)
    @action(detail=True, methods=["post"])
    def book(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "book",
            BookInput,
            lambda a, d, v: services.appointment_book(assessment=a, booked_by=request.user, **d),
        )

    @_action_schema(OutcomeInput)
    @action(detail=True, methods=["post"], url_path="record-outcome")
    def record_outcome(self, request: Request, pk=None) -> Response:
        def run(assessment, data, version):
            appointment = Appointment.objects.filter(
                pk=data.pop("appointment"), assessment=assessment
            ).first()
            if appointment is None:
                raise serializers.ValidationError(
                    {"appointment": ["No such appointment for this assessment."]}
                )
            services.appointment_record_outcome(
                appointment=appointment, recorded_by=request.user, **data
            )

        return self._step(request, "record-outcome", OutcomeInput, run)

    @_action_schema(CompleteInput)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "complete",
            CompleteInput,
            lambda a, d, v: services.assessment_complete(
                assessment=a, completed_by=request.user, expected_version=v, **d
            ),
        )

    @_action_schema(ReturnReportInput)
    @action(detail=True, methods=["post"], url_path="return-report")
    def return_report(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "return-report",
            ReturnReportInput,
            lambda a, d, v: services.assessment_return_report(
                assessment=a, returned_by=request.user, expected_version=v, **d
            ),
        )

    @_action_schema(DeclineInput)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "decline",
            DeclineInput,
            lambda a, d, v: services.assessment_decline(
                assessment=a, recorded_by=request.user, expected_version=v, **d
            ),
        )

    @_action_schema(HealthReasonInput)
    @action(detail=True, methods=["post"], url_path="health-reason")
    def health_reason(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "health-reason",
            HealthReasonInput,
            lambda a, d, v: services.assessment_record_health_reason(
                assessment=a, recorded_by=request.user, expected_version=v, **d
            ),
        )

    @_action_schema(OverrideInput)
    @action(detail=True, methods=["post"], url_path="override-breach")
    def override_breach(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            "override-breach",
            OverrideInput,
            lambda a, d, v: services.breach_override(
                assessment=a, overridden_by=request.user, expected_version=v, **{"reason": "", **d}
            ),
        )


class HealthSummaryView(APIView):
    """The next due date and status of every clock of one child."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = Child

    @extend_schema(
        responses=inline_serializer(
            "HealthSummary",
            {
                "child": serializers.IntegerField(),
                "assessments": AssessmentSerializer(many=True),
                "next_assessment": AssessmentSerializer(allow_null=True),
                "clocks": HealthClockSerializer(many=True),
                "clocks_pending_recompute": serializers.BooleanField(),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        child = get_object_or_404(children_visible_to(request.user), pk=pk)
        assessments = list(
            selectors.assessments_with_details(Assessment.objects.filter(child=child)).order_by(
                "due_date", "id"
            )
        )
        open_ones = [a for a in assessments if a.status in {"PENDING", "AT_RISK", "OVERDUE"}]
        return Response(
            {
                "child": child.pk,
                "assessments": AssessmentSerializer(assessments, many=True).data,
                "next_assessment": AssessmentSerializer(open_ones[0]).data if open_ones else None,
                "clocks": HealthClockSerializer(selectors.health_clocks_for(child), many=True).data,
                "clocks_pending_recompute": child.clocks_stale_since is not None,
            }
        )


class ChildRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Shared shape of the per-child health records: read by anyone who sees the child,
    written by the roles ``may_write`` allows, through the service."""

    filterset_fields = ["child"]
    model = None

    def get_queryset(self):
        return self.model.objects.filter(
            child__in=children_visible_to(self.request.user).values("pk")
        ).order_by("-id")

    def may_write(self, user, child) -> bool:
        return selectors.child_can_receive_health_records(user, child)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        require(self.may_write(request.user, data["child"]))
        record = self.write(request.user, data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class DentalCheckViewSet(ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = DentalCheck
    model = DentalCheck
    serializer_class = DentalCheckSerializer

    def may_write(self, user, child) -> bool:
        # DOMAIN.md 9: dental checks are the LAC nurse's (health admin books and returns).
        return user.role == Role.LAC_NURSE and super().may_write(user, child)

    def write(self, user, data):
        return services.dental_check_record(recorded_by=user, **data)


class SdqRecordViewSet(ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = SdqRecord
    model = SdqRecord
    serializer_class = SdqRecordSerializer

    def may_write(self, user, child) -> bool:
        # DOMAIN.md 9: social workers record SDQ; health staff may too.
        return user_can_edit_case(user, child) or super().may_write(user, child)

    def write(self, user, data):
        data.pop("band", None)
        return services.sdq_record(recorded_by=user, **data)


class ImmunisationViewSet(ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = ImmunisationRecord
    model = ImmunisationRecord
    serializer_class = ImmunisationRecordSerializer

    def may_write(self, user, child) -> bool:
        return user.role == Role.LAC_NURSE and super().may_write(user, child)

    def write(self, user, data):
        return services.immunisation_record(recorded_by=user, **data)


class HealthHistoryViewSet(ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = HealthHistory
    model = HealthHistory
    serializer_class = HealthHistorySerializer

    def may_write(self, user, child) -> bool:
        return user.role == Role.LAC_NURSE and super().may_write(user, child)

    def write(self, user, data):
        return services.health_history_record(written_by=user, **data)


class OutOfAreaReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Our children placed outside our area: the referral to the receiving area's provider,
    its quality assurance and any escalation to the designated nurse. Recorded by health
    staff of a provider with a request for the child."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = OutOfAreaReferral

    serializer_class = OutOfAreaReferralSerializer

    filterset_fields = ["child", "qa_outcome"]

    def get_queryset(self):
        from apps.assessments.models import OutOfAreaReferral

        return (
            OutOfAreaReferral.objects.filter(
                child__in=children_visible_to(self.request.user).values("pk")
            )
            .select_related("receiving_provider")
            .order_by("due_on", "id")
        )

    def _act(self, request, input_class, run):
        referral = self.get_object()
        require(selectors.child_can_receive_health_records(request.user, referral.child))
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = run(referral, dict(serializer.validated_data))
        return Response(OutOfAreaReferralSerializer(referral).data)

    @extend_schema(request=ReferralRecordInput, responses=OutOfAreaReferralSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk=None) -> Response:
        return self._act(
            request,
            ReferralRecordInput,
            lambda r, d: services.out_of_area_referral_record(
                referral=r, recorded_by=request.user, **d
            ),
        )

    @extend_schema(request=ReferralQaInput, responses=OutOfAreaReferralSerializer)
    @action(detail=True, methods=["post"], url_path="quality-assurance")
    def quality_assurance(self, request: Request, pk=None) -> Response:
        return self._act(
            request,
            ReferralQaInput,
            lambda r, d: services.out_of_area_referral_quality(
                referral=r, recorded_by=request.user, **d
            ),
        )

    @extend_schema(request=ReferralEscalateInput, responses=OutOfAreaReferralSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk=None) -> Response:
        return self._act(
            request,
            ReferralEscalateInput,
            lambda r, d: services.out_of_area_referral_escalate(
                referral=r, escalated_by=request.user, **d
            ),
        )
