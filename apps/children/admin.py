from django.contrib import admin

from apps.children.admin_base import ChildScopedAdmin
from apps.children.models import Child, PeriodOfCare, RetentionReview


@admin.register(Child)
class ChildAdmin(ChildScopedAdmin):
    child_lookup = ""
    list_display = ["__str__", "la_child_id", "date_of_birth", "responsible_la", "team", "is_uasc"]
    list_filter = ["responsible_la", "is_uasc"]
    search_fields = ["last_name", "first_name", "nhs_number", "la_child_id"]
    raw_id_fields = ["allocated_worker"]


@admin.register(PeriodOfCare)
class PeriodOfCareAdmin(ChildScopedAdmin):
    list_display = ["child", "start_date", "legal_status", "end_date", "reason_end"]
    list_filter = ["legal_status"]
    raw_id_fields = ["child"]


@admin.register(RetentionReview)
class RetentionReviewAdmin(ChildScopedAdmin):
    list_display = ["child", "retain_until", "reason", "identified_on", "decision"]
    list_filter = ["decision", "reason"]
    raw_id_fields = ["child", "decided_by"]
    readonly_fields = ["retain_until", "reason", "identified_on"]
