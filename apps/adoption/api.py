"""Adoption API under /api/v1/adoption/. Every queryset starts from the adoption access rule
(selectors.adoption_children_visible_to): a record the user may not see is a 404; a write
their role does not allow on a record they can see is a 403; bad input is a 400 naming the
field."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.access.filters import visible_choice_filter
from apps.adoption import selectors, services
from apps.adoption.models import AdoptionCase, AdoptionWorkItem, WorkItemKind
from apps.adoption.rules import STAGE_LABELS, WORK_ITEM_STATUSES
from apps.adoption.serializers import (
    AdoptionCaseCreateInput,
    AdoptionCaseSerializer,
    AdoptionCaseUpdateInput,
    AdoptionWorkItemCompleteInput,
    AdoptionWorkItemSerializer,
)
from apps.core.api import require, split_version


def _inline_choice_filter(choices: list[tuple[str, str]], **kwargs) -> django_filters.ChoiceFilter:
    """A ChoiceFilter documented as an inline enum: other apps have "kind" and "status"
    filters with other choices, and a shared component name would collide."""

    @extend_schema_field({"type": "string", "enum": [value for value, _ in choices]})
    class InlineChoiceFilter(django_filters.ChoiceFilter):
        pass

    return InlineChoiceFilter(choices=choices, **kwargs)


def _adoption_child_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """``child`` chooses from the children whose adoption records the user may see, so a
    hidden child answers exactly as one that does not exist (no existence probing)."""
    from apps.children.models import Child

    return visible_choice_filter(
        selectors.adoption_children_visible_to, Child.objects.none, **kwargs
    )


class AdoptionCaseFilter(django_filters.FilterSet):
    child = _adoption_child_filter()
    local_authority = django_filters.CharFilter(field_name="child__responsible_la__code")
    team = django_filters.NumberFilter(field_name="child__team_id")
    stage = django_filters.ChoiceFilter(choices=list(STAGE_LABELS.items()), method="filter_stage")
    moved_in_after = django_filters.DateFilter(field_name="moved_in_on", lookup_expr="gte")
    moved_in_before = django_filters.DateFilter(field_name="moved_in_on", lookup_expr="lte")

    class Meta:
        model = AdoptionCase
        fields = ["child", "local_authority", "team", "stage"]

    def filter_stage(self, queryset, name, value):
        return selectors.with_stage(queryset).filter(stage_code=value)


class AdoptionCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A child's adoption case: its milestones, read by everyone the adoption access rule
    allows, recorded by the child's team (social worker or team manager). PATCH records or
    corrects milestones; the order rules are in apps.adoption.rules."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = AdoptionCase

    serializer_class = AdoptionCaseSerializer
    filterset_class = AdoptionCaseFilter
    ordering_fields = ["id", "moved_in_on", "match_decision_on", "adoption_plan_on"]
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.adoption_cases_visible_to(self.request.user)

    @extend_schema(request=AdoptionCaseCreateInput, responses={201: AdoptionCaseSerializer})
    def create(self, request: Request) -> Response:
        serializer = AdoptionCaseCreateInput(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = data.pop("child")
        require(selectors.user_can_record_milestones(request.user, child))
        case = services.adoption_case_create(child=child, created_by=request.user, data=data)
        return Response(AdoptionCaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdoptionCaseUpdateInput, responses=AdoptionCaseSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        require(selectors.user_can_record_milestones(request.user, case.child))
        serializer = AdoptionCaseUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, version = split_version(serializer)
        case = services.adoption_case_update(
            case=case, updated_by=request.user, data=data, expected_version=version
        )
        return Response(AdoptionCaseSerializer(case).data)


class AdoptionWorkItemFilter(django_filters.FilterSet):
    child = _adoption_child_filter(field_name="case__child")
    case = visible_choice_filter(
        selectors.adoption_cases_visible_to, AdoptionCase.objects.none, field_name="case"
    )
    kind = _inline_choice_filter(WorkItemKind.choices)
    status = _inline_choice_filter([(s.value, s.value.capitalize()) for s in WORK_ITEM_STATUSES])
    assigned_to = django_filters.CharFilter(field_name="assigned_to__username")
    open = django_filters.BooleanFilter(method="filter_open")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = AdoptionWorkItem
        fields = ["case", "child", "kind", "status", "assigned_to"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(Q(completed_on__isnull=value))


class AdoptionWorkItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The adoption medical adviser's work items: requested by the child's team, completed
    by a medical adviser. ``status`` (pending, overdue, met, breached) follows from the due
    date, the completion date and today."""

    # The access log finds the child of the record this view's pk names.
    access_record_model = AdoptionWorkItem

    serializer_class = AdoptionWorkItemSerializer
    filterset_class = AdoptionWorkItemFilter
    ordering_fields = ["due_date", "requested_on", "id"]
    ordering = ["due_date", "id"]

    def get_queryset(self):
        return selectors.work_items_visible_to(self.request.user)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = data.pop("case")
        require(selectors.user_can_request_work_item(request.user, case.child))
        item = services.adoption_work_item_request(requested_by=request.user, case=case, **data)
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdoptionWorkItemCompleteInput, responses=AdoptionWorkItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        item = self.get_object()
        require(selectors.user_can_complete_work_item(request.user, item))
        serializer = AdoptionWorkItemCompleteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, version = split_version(serializer)
        services.adoption_work_item_complete(
            work_item=item, completed_by=request.user, expected_version=version, **data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)
