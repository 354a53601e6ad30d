from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.access import Capability, roles_with
from apps.accounts.models import User
from apps.adoption.models import AdoptionCase, AdoptionWorkItem, WorkItemKind
from apps.adoption.rules import (
    ADOPTER_LEGAL_STATUSES,
    ADOPTER_SEXES,
    MILESTONE_FIELDS,
    NOTES,
    PLAN_CHANGE_REASONS,
    STAGE_LABELS,
    WORK_ITEM_STATUSES,
)
from apps.children.models import Child

CASE_INPUT_FIELDS = [
    *MILESTONE_FIELDS,
    *NOTES.values(),
    "plan_changed_reason",
    "adopters_sex",
    "adopters_legal_status",
    "adopted_by_foster_carers",
]


def _add_case_input_fields(fields: dict) -> None:
    """The milestones, notes, plan change reason and adopters, all optional (PATCH)."""
    for name in MILESTONE_FIELDS:
        fields[name] = serializers.DateField(required=False, allow_null=True)
    for name in NOTES.values():
        fields[name] = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    for name, codes in (
        ("plan_changed_reason", PLAN_CHANGE_REASONS),
        ("adopters_sex", ADOPTER_SEXES),
        ("adopters_legal_status", ADOPTER_LEGAL_STATUSES),
    ):
        fields[name] = serializers.ChoiceField(
            choices=list(codes.items()), required=False, allow_blank=True, allow_null=True
        )
    fields["adopted_by_foster_carers"] = serializers.BooleanField(required=False, allow_null=True)


# Inline enums (no named component), so these never collide with other apps' "status" and
# "stage" enums in the schema.
@extend_schema_field({"type": "string", "enum": list(STAGE_LABELS)})
class StageField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": [s.value for s in WORK_ITEM_STATUSES]})
class WorkItemStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": WorkItemKind.values})
class WorkItemKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=WorkItemKind.choices, **kwargs)


class AdoptionCaseSerializer(serializers.ModelSerializer):
    stage = StageField(read_only=True)
    stage_label = serializers.CharField(read_only=True)

    class Meta:
        model = AdoptionCase
        fields = [
            "id",
            "child",
            "stage",
            "stage_label",
            *CASE_INPUT_FIELDS,
            "number_of_adopters",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AdoptionCaseCreateInput(serializers.Serializer):
    """A new case: the child, and any milestones already known."""

    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.adoption.selectors import adoption_children_visible_to

        user = getattr(self.context.get("request"), "user", None)
        # A child the user may not see is "no such child", never a hint that it exists.
        self.fields["child"].queryset = adoption_children_visible_to(user)
        _add_case_input_fields(self.fields)


class AdoptionCaseUpdateInput(serializers.Serializer):
    """Milestones to record or correct (PATCH: only those given change; null clears one),
    with the version read, for optimistic concurrency."""

    version = serializers.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_case_input_fields(self.fields)


class AdoptionWorkItemSerializer(serializers.ModelSerializer):
    """A work item; on create (POST) the child's team gives the case, kind, request date,
    adviser (username) and an optional note. One serializer both ways, so the schema has
    one component (and one enum) for it."""

    case = serializers.PrimaryKeyRelatedField(queryset=AdoptionCase.objects.none())
    child = serializers.IntegerField(source="case.child_id", read_only=True)
    kind = WorkItemKindField()
    status = WorkItemStatusField(read_only=True)
    assigned_to = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(
            role__in=roles_with(Capability.ADOPTION_ADVISER_WORK), is_active=True
        ),
        help_text="The username of an adoption medical adviser",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    completed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AdoptionWorkItem
        fields = [
            "id",
            "case",
            "child",
            "kind",
            "note",
            "requested_on",
            "requested_by",
            "due_date",
            "status",
            "assigned_to",
            "completed_on",
            "completed_by",
            "version",
        ]
        read_only_fields = ["id", "due_date", "completed_on", "version"]
        extra_kwargs = {"requested_on": {"required": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.adoption.selectors import adoption_cases_visible_to

        user = getattr(self.context.get("request"), "user", None)
        # A case the user may not see is "no such case", never a hint that it exists.
        self.fields["case"].queryset = adoption_cases_visible_to(user)


class AdoptionWorkItemCompleteInput(serializers.Serializer):
    completed_on = serializers.DateField()
    version = serializers.IntegerField(required=False, min_value=1)
