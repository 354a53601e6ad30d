import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.children.filters import VisibleChildFilterSet
from apps.children.selectors import user_can_create_children, user_can_edit_case
from apps.core.api import correction_reason, require, split_version
from apps.placements import selectors, services
from apps.placements.models import Placement
from apps.placements.serializers import (
    EntryToCareResultSerializer,
    EntryToCareSerializer,
    PlacementEndSerializer,
    PlacementSerializer,
    PlacementStartSerializer,
    PlacementUpdateSerializer,
)


class PlacementFilter(VisibleChildFilterSet):
    """``child`` chooses from the user's visible children (no existence probing)."""

    open = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="Open")
    area = django_filters.CharFilter(field_name="area__code")

    class Meta:
        model = Placement
        fields = ["child", "period_of_care", "place", "place_provider"]


class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Placements. POST starts a placement and ends the child's current one that day."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = Placement

    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter
    ordering_fields = ["start_date", "id"]
    ordering = ["-start_date", "id"]

    def get_queryset(self):
        return selectors.placements_visible_to(self.request.user).select_related("child", "area")

    @extend_schema(request=PlacementStartSerializer, responses={201: PlacementSerializer})
    def create(self, request: Request) -> Response:
        serializer = PlacementStartSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        require(user_can_edit_case(request.user, data["child"]))
        placement = services.placement_start(started_by=request.user, **data)
        return Response(PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlacementUpdateSerializer, responses=PlacementSerializer)
    def update(self, request: Request, pk=None, partial: bool = False) -> Response:
        placement = self.get_object()
        require(user_can_edit_case(request.user, placement.child))
        serializer = PlacementUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, version = split_version(serializer)
        placement = services.placement_update(
            placement=placement,
            updated_by=request.user,
            data=data,
            expected_version=version,
            reason=correction_reason(request),
        )
        return Response(PlacementSerializer(placement).data)

    @extend_schema(request=PlacementUpdateSerializer, responses=PlacementSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=PlacementEndSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        placement = self.get_object()
        require(user_can_edit_case(request.user, placement.child))
        serializer = PlacementEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = services.placement_end(
            placement=placement, ended_by=request.user, **serializer.validated_data
        )
        return Response(PlacementSerializer(placement).data)


class EntryToCareView(generics.GenericAPIView):
    """A child new to us enters care in one call: the child, the period of care (legal
    status, category of need) and the first placement, all or nothing. The initial health
    assessment and its deadlines exist when it answers. (``POST /children/``,
    ``/periods-of-care/`` and ``/placements/`` still record each part on its own.)"""

    serializer_class = EntryToCareSerializer

    def get_queryset(self):
        return Placement.objects.none()

    @extend_schema(request=EntryToCareSerializer, responses={201: EntryToCareResultSerializer})
    def post(self, request: Request) -> Response:
        require(user_can_create_children(request.user))
        serializer = EntryToCareSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        placement = services.child_enter_care(
            created_by=request.user, **serializer.service_arguments()
        )
        result = {
            "child": placement.child,
            "period_of_care": placement.period_of_care,
            "placement": placement,
        }
        return Response(EntryToCareResultSerializer(result).data, status=status.HTTP_201_CREATED)
