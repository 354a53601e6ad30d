import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.access import Capability, may
from apps.assessments import selectors, services, workflow
from apps.assessments.correction_api import CorrectableAssessmentMixin, CorrectableRecordMixin
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
    DentalCheckSerializer,
    HealthClockSerializer,
    HealthHistorySerializer,
    ImmunisationRecordSerializer,
    OutOfAreaReferralSerializer,
    ReferralEscalateInput,
    ReferralQaInput,
    ReferralRecordInput,
    SdqRecordSerializer,
)
from apps.children.filters import VisibleChildFilterSet
from apps.children.models import Child
from apps.children.selectors import children_visible_to, visible_child_ids
from apps.core.api import require, split_version


class AssessmentFilter(VisibleChildFilterSet):
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


def _step_action(step: workflow.Step):
    """The POST sub-resource of one workflow step, from its registry entry."""

    def run(self, request: Request, pk=None) -> Response:
        assessment = self.get_object()
        require(step.allowed(request.user, assessment))
        serializer = step.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, version = (
            split_version(serializer)
            if "version" in serializer.fields
            else (dict(serializer.validated_data), None)
        )
        appointment = None
        if step.on_appointment:
            appointment = Appointment.objects.filter(
                pk=data.pop("appointment"), assessment=assessment
            ).first()
            if appointment is None:
                raise serializers.ValidationError(
                    {"appointment": ["No such appointment for this assessment."]}
                )
        step.run(
            assessment=assessment,
            user=request.user,
            data=step.api_data(data),
            appointment=appointment,
            version=version,
        )
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(AssessmentSerializer(fresh).data)

    run.__name__ = step.api_name
    run.__doc__ = step.help or None
    decorated = action(detail=True, methods=["post"], url_path=step.name)(run)
    return extend_schema(request=step.serializer, responses=AssessmentSerializer)(decorated)


class AssessmentViewSet(
    CorrectableAssessmentMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """IHAs and RHAs with deadlines, status and breach attribution. Workflow steps are POST
    sub-resources, one per step of the workflow registry (workflow.py); a step out of order
    is a 400 naming the field. PATCH corrects a held assessment, with a reason (issue 13)."""

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


for _step in workflow.STEPS:
    setattr(AssessmentViewSet, _step.api_name, _step_action(_step))


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

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The child filter chooses from the visible children only (no existence probing).
        cls.filterset_class = type(
            f"{cls.__name__}Filter",
            (VisibleChildFilterSet,),
            {"Meta": type("Meta", (), {"model": cls.model, "fields": ["child"]})},
        )

    def get_queryset(self):
        return self.model.objects.filter(child__in=visible_child_ids(self.request.user)).order_by(
            "-id"
        )

    # The capability that writes this record (apps/access).
    write_capability = Capability.CLINICAL_RECORD_WRITE

    def may_write(self, user, child) -> bool:
        return may(user, self.write_capability, child)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        require(self.may_write(request.user, data["child"]))
        record = self.write(request.user, data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class DentalCheckViewSet(CorrectableRecordMixin, ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = DentalCheck
    model = DentalCheck
    serializer_class = DentalCheckSerializer

    # DOMAIN.md 9: dental checks are the LAC nurse's (health admin books and returns).
    write_capability = Capability.CLINICAL_RECORD_WRITE

    def write(self, user, data):
        return services.dental_check_record(recorded_by=user, **data)


class SdqRecordViewSet(CorrectableRecordMixin, ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = SdqRecord
    model = SdqRecord
    serializer_class = SdqRecordSerializer

    # DOMAIN.md 9: social workers record SDQ; health staff may too.
    write_capability = Capability.SDQ_WRITE

    def write(self, user, data):
        data.pop("band", None)
        return services.sdq_record(recorded_by=user, **data)


class ImmunisationViewSet(CorrectableRecordMixin, ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = ImmunisationRecord
    model = ImmunisationRecord
    serializer_class = ImmunisationRecordSerializer

    write_capability = Capability.CLINICAL_RECORD_WRITE

    def write(self, user, data):
        return services.immunisation_record(recorded_by=user, **data)


class HealthHistoryViewSet(ChildRecordViewSet):
    # The access log finds the child of the record this view's pk names.
    access_record_model = HealthHistory
    model = HealthHistory
    serializer_class = HealthHistorySerializer

    write_capability = Capability.CLINICAL_RECORD_WRITE

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

    class Filter(VisibleChildFilterSet):
        class Meta:
            model = OutOfAreaReferral
            fields = ["child", "qa_outcome"]

    filterset_class = Filter

    def get_queryset(self):
        from apps.assessments.models import OutOfAreaReferral

        return (
            OutOfAreaReferral.objects.filter(child__in=visible_child_ids(self.request.user))
            .select_related("receiving_provider")
            .order_by("due_on", "id")
        )

    def _act(self, request, input_class, run):
        referral = self.get_object()
        require(may(request.user, Capability.OUT_OF_AREA_REFERRAL_WRITE, referral.child))
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
