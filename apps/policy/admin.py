from django.contrib import admin

from apps.accounts.admin_base import OrganisationScopedAdmin
from apps.policy.models import LocalAuthorityPolicy


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
