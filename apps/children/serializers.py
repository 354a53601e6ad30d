from rest_framework import serializers

from apps.accounts.models import Team, User
from apps.children.models import UPN_REGEX, AnnualOutcome, CategoryOfNeed, Child, PeriodOfCare
from apps.core.codes import Ethnicity, LegalStatus, ReasonEpisodeCeased, Sex


class PeriodOfCareSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeriodOfCare
        fields = [
            "id",
            "child",
            "start_date",
            "legal_status",
            "category_of_need",
            "reason_new_episode",
            "end_date",
            "reason_end",
            "version",
        ]
        read_only_fields = fields


class ChildSerializer(serializers.ModelSerializer):
    responsible_la = serializers.SlugRelatedField(slug_field="code", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None)
    in_care = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "id",
            "la_child_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "nhs_number",
            "ethnicity",
            "responsible_la",
            "team",
            "team_name",
            "allocated_worker",
            "is_uasc",
            "uasc_arrival_date",
            "age_disputed",
            "date_of_death",
            "upn",
            "is_mother",
            "mother_child_dob",
            "in_care",
            "version",
        ]
        read_only_fields = fields

    def get_in_care(self, child: Child) -> bool:
        open_periods = getattr(child, "open_periods", None)
        if open_periods is not None:
            return bool(open_periods)
        return child.periods_of_care.filter(end_date__isnull=True).exists()


class ChildInputSerializer(serializers.Serializer):
    """What a caller may send to create or change a child. Relations are limited to the
    caller's own organisation."""

    la_child_id = serializers.CharField(max_length=10, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    nhs_number = serializers.CharField(
        max_length=14, required=False, allow_blank=True, allow_null=True
    )
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(), required=False, allow_null=True
    )
    allocated_worker = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )
    is_uasc = serializers.BooleanField(required=False)
    uasc_arrival_date = serializers.DateField(required=False, allow_null=True)
    age_disputed = serializers.BooleanField(required=False)
    date_of_death = serializers.DateField(required=False, allow_null=True)
    # SSDA903 items, each optional when the child is recorded (the return asks for them).
    upn = serializers.RegexField(
        UPN_REGEX,
        required=False,
        allow_blank=True,
        help_text="Unique pupil number, or UN1-UN5 when the child has none (SSDA903 Header)",
    )
    is_mother = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="A girl who is a mother (SSDA903 MOTHER); null when not known yet",
    )
    mother_child_dob = serializers.DateField(
        required=False, allow_null=True, help_text="Date of birth of her first child"
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="For optimistic concurrency"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        organisation_id = getattr(user, "organisation_id", None)
        self.fields["team"].queryset = Team.objects.filter(organisation_id=organisation_id)
        self.fields["allocated_worker"].queryset = User.objects.filter(
            organisation_id=organisation_id
        )


class PeriodOfCareStartSerializer(serializers.Serializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    start_date = serializers.DateField()
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices)
    category_of_need = serializers.ChoiceField(
        choices=CategoryOfNeed.choices,
        required=False,
        allow_blank=True,
        help_text="Category of need at the start of the period (SSDA903 CIN, fixed for it)",
    )

    def __init__(self, *args, **kwargs):
        from apps.children.selectors import children_visible_to

        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children_visible_to(
            getattr(self.context.get("request"), "user", None)
        )


class PeriodOfCareUpdateSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False)
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False)
    category_of_need = serializers.ChoiceField(
        choices=CategoryOfNeed.choices, required=False, allow_blank=True
    )
    version = serializers.IntegerField(required=False, min_value=1)


class PeriodOfCareEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason_end = serializers.ChoiceField(choices=ReasonEpisodeCeased.choices)


class ChildTeamSerializer(serializers.Serializer):
    """Move a child into a team of its responsible local authority."""

    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="For optimistic concurrency"
    )


class LegalStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        from apps.children.models import LegalStatusChange

        model = LegalStatusChange
        fields = ["id", "child", "period_of_care", "start_date", "legal_status"]
        read_only_fields = fields


class LegalStatusChangeInputSerializer(serializers.Serializer):
    start_date = serializers.DateField(help_text="The date the legal status changed")
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices)


class AnnualOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualOutcome
        fields = [
            "id",
            "child",
            "year_ending",
            "convicted",
            "substance_misuse",
            "intervention_received",
            "intervention_offered",
            "version",
        ]
        read_only_fields = fields


class AnnualOutcomeInputSerializer(serializers.Serializer):
    """The SSDA903 OC2 items of a year to 31 March that no health record holds; null is not
    known (yet). Recording a year again changes the items given."""

    year_ending = serializers.DateField(help_text="31 March at the end of the collection year")
    convicted = serializers.BooleanField(
        required=False, allow_null=True, help_text="Convicted of an offence in the year (10+)"
    )
    substance_misuse = serializers.BooleanField(
        required=False, allow_null=True, help_text="Substance misuse problem identified"
    )
    intervention_received = serializers.BooleanField(required=False, allow_null=True)
    intervention_offered = serializers.BooleanField(required=False, allow_null=True)
