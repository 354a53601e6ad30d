from django.contrib import admin

from apps.accounts.admin_base import OrganisationScopedAdmin
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthClock,
    HealthHistory,
    HealthPlan,
    HealthPlanAction,
    ImmunisationRecord,
    LocalAuthorityPolicy,
    SdqRecord,
)
from apps.children.admin_base import ChildScopedAdmin


@admin.register(LocalAuthorityPolicy)
class LocalAuthorityPolicyAdmin(OrganisationScopedAdmin):
    # An LA's administrator sets their own LA's policy only.
    organisation_lookup = "local_authority"
    list_display = [
        "local_authority",
        "effective_from",
        "iha_request_working_days",
        "iha_completion_working_days",
    ]
    list_filter = ["local_authority"]


@admin.register(Assessment)
class AssessmentAdmin(ChildScopedAdmin):
    list_display = [
        "child",
        "kind",
        "due_date",
        "status",
        "breach_party",
        "breach_reason",
        "provider",
    ]
    list_filter = ["kind", "status", "breach_party"]
    raw_id_fields = ["child", "period_of_care", "previous", "overridden_by"]
    readonly_fields = [
        "status",
        "breach_party",
        "breach_reason",
        "breach_rule",
        "provisional_party",
        "provisional_reason",
        "provisional_rule",
    ]


@admin.register(Appointment)
class AppointmentAdmin(ChildScopedAdmin):
    child_lookup = "assessment__child"
    list_display = ["assessment", "appointment_date", "outcome", "cancelled_by"]
    raw_id_fields = ["assessment"]


@admin.register(HealthClock)
class HealthClockAdmin(ChildScopedAdmin):
    list_display = ["child", "kind", "due_date", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["child"]


for model in (DentalCheck, SdqRecord, ImmunisationRecord, HealthHistory):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ChildScopedAdmin,), {"raw_id_fields": ["child"]})
    )


@admin.register(HealthPlan)
class HealthPlanAdmin(ChildScopedAdmin):
    child_lookup = "assessment__child"
    raw_id_fields = ["assessment"]


@admin.register(HealthPlanAction)
class HealthPlanActionAdmin(ChildScopedAdmin):
    child_lookup = "plan__assessment__child"
    list_display = ["need", "owner", "due_date", "completed_on"]
    raw_id_fields = ["plan"]
