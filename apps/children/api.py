import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.assessments.serializers import (
    AssessmentBeforeRecordsInputSerializer,
    AssessmentBeforeRecordsSerializer,
)
from apps.children import selectors, services
from apps.children.filters import VisibleChildFilterSet
from apps.children.models import Child, PeriodOfCare
from apps.children.serializers import (
    AnnualOutcomeInputSerializer,
    AnnualOutcomeSerializer,
    ChildInputSerializer,
    ChildSerializer,
    ChildTeamSerializer,
    LegalStatusChangeInputSerializer,
    LegalStatusChangeSerializer,
    PeriodOfCareEndSerializer,
    PeriodOfCareSerializer,
    PeriodOfCareStartSerializer,
    PeriodOfCareUpdateSerializer,
)
from apps.core.api import correction_reason, require, split_version
from apps.interop.serializers import ReadinessSerializer


class ChildFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="Name, NHS number or reference"
    )
    in_care = django_filters.BooleanFilter(method="filter_in_care")
    born_after = django_filters.DateFilter(field_name="date_of_birth", lookup_expr="gte")
    born_before = django_filters.DateFilter(field_name="date_of_birth", lookup_expr="lte")

    class Meta:
        model = Child
        fields = ["team", "is_uasc", "sex", "responsible_la"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        query = (
            Q(last_name__icontains=value) | Q(first_name__icontains=value) | Q(la_child_id=value)
        )
        digits = value.replace(" ", "")
        if digits.isdigit():
            query |= Q(nhs_number=digits)
        return queryset.filter(query)

    def filter_in_care(self, queryset, name, value):
        open_care = Q(periods_of_care__end_date__isnull=True, periods_of_care__isnull=False)
        ids = Child.objects.filter(open_care).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class PeriodOfCareFilter(VisibleChildFilterSet):
    """``child`` chooses from the user's visible children (no existence probing)."""

    class Meta:
        model = PeriodOfCare
        fields = ["child", "legal_status"]


class ChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Children the caller may see. Social workers and team managers create and edit their
    team's children; other roles read."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = Child

    serializer_class = ChildSerializer
    filterset_class = ChildFilter
    ordering_fields = ["last_name", "date_of_birth", "id"]
    ordering = ["last_name", "first_name", "id"]

    def get_queryset(self):
        return (
            selectors.children_visible_to(self.request.user)
            .select_related("responsible_la", "team")
            .prefetch_related(
                Prefetch(
                    "periods_of_care",
                    queryset=PeriodOfCare.objects.filter(end_date__isnull=True),
                    to_attr="open_periods",
                )
            )
        )

    @extend_schema(request=ChildInputSerializer, responses={201: ChildSerializer})
    def create(self, request: Request) -> Response:
        require(selectors.user_can_create_children(request.user))
        serializer = ChildInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data, _ = split_version(serializer)
        child = services.child_create(created_by=request.user, **data)
        return Response(ChildSerializer(child).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChildInputSerializer, responses=ChildSerializer)
    def update(self, request: Request, pk=None, partial: bool = False) -> Response:
        child = self.get_object()
        require(selectors.user_can_edit_case(request.user, child))
        serializer = ChildInputSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data, version = split_version(serializer)
        child = services.child_update(
            child=child,
            updated_by=request.user,
            data=data,
            expected_version=version,
            reason=correction_reason(request),
        )
        return Response(ChildSerializer(child).data)

    @extend_schema(request=ChildInputSerializer, responses=ChildSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=ChildTeamSerializer, responses=ChildSerializer)
    @action(detail=True, methods=["post"])
    def team(self, request: Request, pk=None) -> Response:
        """Move the child into a team of its LA (an imported child has none). An LA admin
        or a team manager of the child's LA; others who see the child get 403."""
        child = self.get_object()
        require(selectors.user_can_allocate_team(request.user, child))
        serializer = ChildTeamSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, version = split_version(serializer)
        child = services.child_team_change(
            child=child, team=data["team"], changed_by=request.user, expected_version=version
        )
        return Response(ChildSerializer(child).data)

    @extend_schema(methods=["GET"], request=None, responses=LegalStatusChangeSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=LegalStatusChangeInputSerializer,
        responses={201: LegalStatusChangeSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="legal-status-changes")
    def legal_status_changes(self, request: Request, pk=None) -> Response:
        """Changes of legal status within the child's periods of care. POST records one in
        the open period (the child's team, as on the page)."""
        child = self.get_object()
        if request.method == "GET":
            changes = child.legal_status_changes.order_by("start_date", "id")
            return Response(LegalStatusChangeSerializer(changes, many=True).data)
        require(selectors.user_can_edit_case(request.user, child))
        serializer = LegalStatusChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = selectors.open_period_of_care(child)
        if period is None:
            raise ValidationError({"start_date": "The child is not looked after."})
        change = services.legal_status_change_record(
            period=period, recorded_by=request.user, **serializer.validated_data
        )
        return Response(LegalStatusChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AssessmentBeforeRecordsInputSerializer,
        responses={201: AssessmentBeforeRecordsSerializer},
    )
    @action(detail=True, methods=["post"], url_path="assessment-before-records")
    def assessment_before_records(self, request: Request, pk=None) -> Response:
        """The child's last statutory health assessment before our records began (a period
        of care imported part-way): the review clock follows it. The child's team."""
        from apps.assessments.services import assessment_before_records_record

        child = self.get_object()
        require(selectors.user_can_edit_case(request.user, child))
        serializer = AssessmentBeforeRecordsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = assessment_before_records_record(
            child=child, recorded_by=request.user, **serializer.validated_data
        )
        return Response(
            AssessmentBeforeRecordsSerializer(assessment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], request=None, responses=AnnualOutcomeSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AnnualOutcomeInputSerializer,
        responses={201: AnnualOutcomeSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="annual-outcomes")
    def annual_outcomes(self, request: Request, pk=None) -> Response:
        """The SSDA903 OC2 items of each year to 31 March that no health record holds:
        convictions, substance misuse, interventions. POST records (or completes) one
        year's (the child's team)."""
        child = self.get_object()
        if request.method == "GET":
            outcomes = child.annual_outcomes.order_by("-year_ending")
            return Response(AnnualOutcomeSerializer(outcomes, many=True).data)
        require(selectors.user_can_edit_case(request.user, child))
        serializer = AnnualOutcomeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        year_ending = data.pop("year_ending")
        outcome = services.annual_outcome_record(
            child=child, year_ending=year_ending, recorded_by=request.user, data=data
        )
        return Response(AnnualOutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                str,
                description="Collection year by its end, e.g. 2027 or 2026/27 (default: the "
                "year in progress)",
            )
        ],
        responses=ReadinessSerializer,
    )
    @action(detail=True, methods=["get"], url_path="ssda903-readiness")
    def ssda903_readiness(self, request: Request, pk=None) -> Response:
        """What the DfE's SSDA903 rules would find missing or inconsistent in the child's
        record for a collection year, in words, each with its field."""
        from apps.interop.selectors import CollectionYear, current_collection_year, readiness_of

        child = self.get_object()
        try:
            year = (
                CollectionYear.parse(request.query_params["year"])
                if request.query_params.get("year")
                else current_collection_year()
            )
        except ValueError:
            raise ValidationError(
                {"year": "Give a collection year, e.g. 2027 or 2026/27."}
            ) from None
        found = readiness_of(Child.objects.filter(pk=child.pk), year)
        problems = found.get(child.pk, [])
        return Response(
            ReadinessSerializer(
                {
                    "year": year.label,
                    "in_return": child.pk in found,
                    "ready": not problems,
                    "problems": [p.as_dict() for p in problems],
                }
            ).data
        )


class PeriodOfCareViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Periods of care. POST records an entry to care, which starts the IHA clock."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = PeriodOfCare

    serializer_class = PeriodOfCareSerializer
    filterset_class = PeriodOfCareFilter
    ordering_fields = ["start_date", "id"]
    ordering = ["-start_date", "id"]

    def get_queryset(self):
        return selectors.periods_of_care_visible_to(self.request.user).select_related("child")

    @extend_schema(request=PeriodOfCareStartSerializer, responses={201: PeriodOfCareSerializer})
    def create(self, request: Request) -> Response:
        serializer = PeriodOfCareStartSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        child = serializer.validated_data["child"]
        require(selectors.user_can_edit_case(request.user, child))
        period = services.period_of_care_start(
            child=child,
            start_date=serializer.validated_data["start_date"],
            legal_status=serializer.validated_data["legal_status"],
            category_of_need=serializer.validated_data.get("category_of_need", ""),
            started_by=request.user,
        )
        return Response(PeriodOfCareSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodOfCareUpdateSerializer, responses=PeriodOfCareSerializer)
    def update(self, request: Request, pk=None, partial: bool = False) -> Response:
        period = self.get_object()
        require(selectors.user_can_edit_case(request.user, period.child))
        serializer = PeriodOfCareUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, version = split_version(serializer)
        period = services.period_of_care_update(
            period=period,
            updated_by=request.user,
            data=data,
            expected_version=version,
            reason=correction_reason(request),
        )
        return Response(PeriodOfCareSerializer(period).data)

    @extend_schema(request=PeriodOfCareUpdateSerializer, responses=PeriodOfCareSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=PeriodOfCareEndSerializer, responses=PeriodOfCareSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        period = self.get_object()
        require(selectors.user_can_edit_case(request.user, period.child))
        serializer = PeriodOfCareEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = services.period_of_care_end(
            period=period, ended_by=request.user, **serializer.validated_data
        )
        return Response(PeriodOfCareSerializer(period).data)
