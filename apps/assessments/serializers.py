from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import Organisation, OrganisationKind
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthClock,
    HealthHistory,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)
from apps.assessments.models.assessment import PARTY_CHOICES, REASON_CHOICES, AssessmentKind
from apps.assessments.models.records import SdqInformant, SdqReason
from apps.assessments.rules.attribution import AppointmentOutcome, CancelledBy
from apps.children.models import Child


class AppointmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = [
            "id",
            "appointment_date",
            "booked_on",
            "location",
            "outcome",
            "cancelled_by",
            "placement_move",
            "outcome_recorded_on",
            "note",
            "version",
        ]
        read_only_fields = fields


class OverrideAuthorSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    # The name the assessment page shows for the author (User.__str__: full name, else
    # the username), so the API and the page name the same person the same way.
    display_name = serializers.CharField(source="__str__", read_only=True)


class BreachSerializer(serializers.Serializer):
    party = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    reason_label = serializers.CharField(allow_blank=True)
    rule = serializers.CharField(allow_blank=True)
    overridden = serializers.BooleanField()
    override_note = serializers.CharField(allow_blank=True)
    overridden_by = OverrideAuthorSerializer(
        allow_null=True, read_only=True, help_text="Who overrode the attribution; null if nobody"
    )
    overridden_at = serializers.DateTimeField(
        allow_null=True, read_only=True, help_text="When the attribution was overridden"
    )


class AssessmentSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="code", read_only=True)
    appointments = AppointmentSerializer(many=True, read_only=True)
    breach = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "child",
            "period_of_care",
            "kind",
            "provider",
            "clock_start",
            "request_due",
            "due_date",
            "status",
            "request_sent_on",
            "consent_obtained_on",
            "request_complete_on",
            "held_on",
            "clinician_role",
            "report_returned_on",
            "report_breached",
            "declined_on",
            "not_required_reason",
            "not_required_note",
            "health_reason",
            "health_reason_note",
            "breach",
            "appointments",
            # A statutory assessment recorded as held before our records began.
            "before_records",
            "held_by_provider",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(BreachSerializer(allow_null=True))
    def get_breach(self, assessment: Assessment) -> dict | None:
        if not assessment.breach_party and not assessment.override_party:
            return None
        reason = assessment.effective_reason
        return BreachSerializer(
            {
                "party": assessment.effective_party,
                "reason": reason,
                "reason_label": dict(REASON_CHOICES).get(reason, "No reason given"),
                "rule": assessment.breach_rule,
                "overridden": bool(assessment.override_party),
                "override_note": assessment.override_note,
                # overridden_by is select_related by assessments_with_details: no query each.
                "overridden_by": assessment.overridden_by if assessment.override_party else None,
                "overridden_at": assessment.overridden_at if assessment.override_party else None,
            }
        ).data


def _provider_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER)
    )


class VersionedInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="For optimistic concurrency"
    )


class RequestInput(VersionedInput):
    sent_on = serializers.DateField()
    provider = _provider_field()
    consent_obtained_on = serializers.DateField(required=False, allow_null=True)
    request_complete_on = serializers.DateField(required=False, allow_null=True)


class RequestCompleteInput(VersionedInput):
    complete_on = serializers.DateField()
    consent_obtained_on = serializers.DateField(required=False, allow_null=True)


class BookInput(serializers.Serializer):
    appointment_date = serializers.DateField()
    booked_on = serializers.DateField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)


class OutcomeInput(serializers.Serializer):
    appointment = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=[o.value for o in AppointmentOutcome if o != AppointmentOutcome.BOOKED]
    )
    recorded_on = serializers.DateField()
    cancelled_by = serializers.ChoiceField(
        choices=[c.value for c in CancelledBy], required=False, allow_blank=True
    )
    placement_move = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReturnReportInput(VersionedInput):
    returned_on = serializers.DateField()


class DeclineInput(VersionedInput):
    declined_on = serializers.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class HealthReasonInput(VersionedInput):
    reason = serializers.ChoiceField(choices=REASON_CHOICES)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OverrideInput(VersionedInput):
    party = serializers.ChoiceField(choices=[c for c in PARTY_CHOICES if c[0] != "UNDETERMINED"])
    reason = serializers.ChoiceField(choices=REASON_CHOICES, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000)


class HealthClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthClock
        fields = ["kind", "due_date", "last_completed_on", "status"]


def _visible_child_field(serializer) -> None:
    from apps.children.selectors import children_visible_to

    user = getattr(serializer.context.get("request"), "user", None)
    serializer.fields["child"].queryset = children_visible_to(user)


class DentalCheckSerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())

    class Meta:
        model = DentalCheck
        fields = ["id", "child", "checked_on", "practice", "treatment_needed", "note", "version"]
        read_only_fields = ["version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _visible_child_field(self)


class SdqRecordSerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    informant = serializers.ChoiceField(
        choices=SdqInformant.choices, required=False, allow_blank=True
    )
    total_score = serializers.IntegerField(
        min_value=0, max_value=40, required=False, allow_null=True
    )
    emotional = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    conduct = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    hyperactivity = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    peer = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    prosocial = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    reason_not_completed = serializers.ChoiceField(
        choices=SdqReason.choices, required=False, allow_blank=True
    )
    band = serializers.CharField(read_only=True)

    class Meta:
        model = SdqRecord
        fields = [
            "id",
            "child",
            "completed_on",
            "informant",
            "total_score",
            "emotional",
            "conduct",
            "hyperactivity",
            "peer",
            "prosocial",
            "reason_not_completed",
            "band",
            "version",
        ]
        read_only_fields = ["version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _visible_child_field(self)


class ImmunisationRecordSerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())

    class Meta:
        model = ImmunisationRecord
        fields = [
            "id",
            "child",
            "assessment",
            "checked_on",
            "status",
            "uk_schedule_started",
            "tb_screening_done",
            "bbv_testing_offered",
            "note",
            "version",
        ]
        read_only_fields = ["assessment", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _visible_child_field(self)


class HealthHistorySerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    written_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = HealthHistory
        fields = ["id", "child", "provided_on", "summary", "written_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _visible_child_field(self)


class OutOfAreaReferralSerializer(serializers.ModelSerializer):
    receiving_provider = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = OutOfAreaReferral
        fields = [
            "id",
            "child",
            "placement",
            "due_on",
            "status",
            "referred_on",
            "receiving_provider",
            "receiving_provider_name",
            "qa_outcome",
            "qa_on",
            "escalated_on",
            "escalation_note",
            "version",
        ]
        read_only_fields = fields

    def get_status(self, referral) -> str:
        from apps.assessments.rules.status import clock_status
        from apps.core.selectors import working_day_calendar
        from apps.core.services import today

        return clock_status(
            due=referral.due_on,
            completed_on=referral.referred_on,
            today=today(),
            calendar=working_day_calendar(),
            at_risk_working_days=5,
        )


class ReferralRecordInput(serializers.Serializer):
    referred_on = serializers.DateField()
    receiving_provider = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        required=False,
        allow_null=True,
    )
    receiving_provider_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )


class ReferralQaInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["ACCEPTED", "RETURNED"])
    on = serializers.DateField()


class ReferralEscalateInput(serializers.Serializer):
    on = serializers.DateField()
    note = serializers.CharField(max_length=2000)


class AssessmentBeforeRecordsInputSerializer(serializers.Serializer):
    """The child's last statutory health assessment before our records began."""

    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    held_on = serializers.DateField(help_text="The date the assessment was held")
    held_by_provider = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Who held it (free text)"
    )


class AssessmentBeforeRecordsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "id",
            "child",
            "kind",
            "held_on",
            "held_by_provider",
            "before_records",
            "not_required_reason",
        ]
        read_only_fields = fields
