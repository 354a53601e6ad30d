from rest_framework import serializers

from apps.accounts.models import Organisation, OrganisationKind
from apps.children.models import CategoryOfNeed, Child
from apps.children.serializers import ChildInputSerializer, ChildSerializer, PeriodOfCareSerializer
from apps.core.codes import LegalStatus, PlacementProvider, ReasonPlaceChange
from apps.core.codes import Placement as PlacementType
from apps.placements.models import Placement


def _area_field(**kwargs) -> serializers.SlugRelatedField:
    kwargs.setdefault("help_text", "DfE code of the local authority area where the child lives")
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY),
        **kwargs,
    )


class PlacementSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    out_of_area = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = [
            "id",
            "child",
            "period_of_care",
            "start_date",
            "end_date",
            "place",
            "place_provider",
            "area",
            "out_of_area",
            "postcode_district",
            "carer_name",
            "home_postcode",
            "placement_postcode",
            "urn",
            "same_carer",
            "reason_place_change",
            "version",
        ]
        read_only_fields = fields

    def get_out_of_area(self, placement: Placement) -> bool:
        return placement.area_id != placement.child.responsible_la_id


# What a new placement records, from its type to the provider's URN: the fields that
# POST /placements/ and POST /entries-to-care/ share, each adding its own child and dates.
# (A comment, not a docstring: drf-spectacular would give the subclasses its description.)
class PlacementFieldsSerializer(serializers.Serializer):
    place = serializers.ChoiceField(choices=PlacementType.choices)
    place_provider = serializers.ChoiceField(
        choices=PlacementProvider.choices,
        allow_blank=True,
        help_text="Blank for a temporary placement (T0 to T4), required otherwise",
    )
    area = _area_field(
        required=False,
        allow_null=True,
        help_text="DfE code of the local authority area where the child lives; when left "
        "out, found from the full placement postcode (ONS postcode directory)",
    )
    postcode_district = serializers.CharField(max_length=5, required=False, allow_blank=True)
    carer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    home_postcode = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="Full postcode of the child's home before care (SSDA903 HOME_POST)",
    )
    placement_postcode = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="Full postcode of the placement (SSDA903 PL_POST): the DfE derives the "
        "placement's LA, location and distance from it",
    )
    urn = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="Ofsted URN of the provider (XXXXXXX when it has none)",
    )

    PLACEMENT_FIELDS = (
        "place",
        "place_provider",
        "area",
        "postcode_district",
        "carer_name",
        "home_postcode",
        "placement_postcode",
        "urn",
    )


class PlacementStartSerializer(PlacementFieldsSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    start_date = serializers.DateField()
    same_carer = serializers.BooleanField(
        required=False, help_text="The carer(s) stay the same: a change of placement type only"
    )
    previous_reason_place_change = serializers.ChoiceField(
        choices=ReasonPlaceChange.choices,
        required=False,
        allow_blank=True,
        help_text="Why the previous placement ended (SSDA903 REASON_PLACE_CHANGE)",
    )

    def __init__(self, *args, **kwargs):
        from apps.children.selectors import children_visible_to

        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children_visible_to(
            getattr(self.context.get("request"), "user", None)
        )


class PlacementUpdateSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False)
    place = serializers.ChoiceField(choices=PlacementType.choices, required=False)
    place_provider = serializers.ChoiceField(
        choices=PlacementProvider.choices, required=False, allow_blank=True
    )
    area = _area_field(required=False)
    postcode_district = serializers.CharField(max_length=5, required=False, allow_blank=True)
    carer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    home_postcode = serializers.CharField(max_length=8, required=False, allow_blank=True)
    placement_postcode = serializers.CharField(max_length=8, required=False, allow_blank=True)
    urn = serializers.CharField(max_length=8, required=False, allow_blank=True)
    same_carer = serializers.BooleanField(required=False)
    reason_place_change = serializers.ChoiceField(
        choices=ReasonPlaceChange.choices,
        required=False,
        allow_blank=True,
        help_text="Why this placement ended (SSDA903 REASON_PLACE_CHANGE)",
    )
    version = serializers.IntegerField(required=False, min_value=1)


class PlacementEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()


class EntryToCareSerializer(ChildInputSerializer, PlacementFieldsSerializer):
    """A child new to us enters care, in one call: the child (as ``POST /children/``), the
    period of care it starts and the first placement, from the same entry date."""

    # Not known when a child enters care, or not an input of a new record.
    date_of_death = None
    version = None

    entry_date = serializers.DateField(help_text="The date the child became looked after")
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices)
    category_of_need = serializers.ChoiceField(
        choices=CategoryOfNeed.choices,
        required=False,
        allow_blank=True,
        help_text="Category of need at the start of the period (SSDA903 CIN, fixed for it)",
    )

    PERIOD_FIELDS = ("entry_date", "legal_status", "category_of_need")

    def service_arguments(self) -> dict:
        """``child_enter_care``'s keyword arguments from the validated data."""
        data = dict(self.validated_data)
        placement = {name: data.pop(name) for name in self.PLACEMENT_FIELDS if name in data}
        period = {name: data.pop(name) for name in self.PERIOD_FIELDS if name in data}
        return {"child": data, "placement": placement, **period}


class EntryToCareResultSerializer(serializers.Serializer):
    child = ChildSerializer()
    period_of_care = PeriodOfCareSerializer()
    placement = PlacementSerializer()
