"""The Django admin for clinic policies: an organisation's administrator (a provider's)
sees and changes only their own provider's versions; platform operators all. The page
/clinics/policy/ is where health admins and designated nurses add versions."""

from django.contrib import admin

from apps.accounts.admin_base import OrganisationScopedAdmin
from apps.clinics.models import ClinicPolicy


@admin.register(ClinicPolicy)
class ClinicPolicyAdmin(OrganisationScopedAdmin):
    organisation_lookup = "provider"
    list_display = [
        "provider",
        "effective_from",
        "iha_slot_minutes",
        "rha_slot_minutes",
        "reminder_working_days",
        "follow_up_working_days",
    ]
    list_filter = ["provider"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
