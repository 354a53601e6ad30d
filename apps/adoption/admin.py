from django.contrib import admin

from apps.adoption.models import AdoptionCase, AdoptionWorkItem
from apps.core.admin_base import ScopedHistoryAdmin


class AdoptionScopedAdmin(ScopedHistoryAdmin):
    """Admin pages show only the adoption records the user may see (the same selector as
    the pages and API); superusers (operations) see all."""

    child_lookup = "child"

    def get_queryset(self, request):
        from apps.adoption.selectors import adoption_children_visible_to

        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = adoption_children_visible_to(request.user).values("pk")
        return queryset.filter(**{f"{self.child_lookup}__in": visible})


@admin.register(AdoptionCase)
class AdoptionCaseAdmin(AdoptionScopedAdmin):
    list_display = [
        "child",
        "adoption_plan_on",
        "match_decision_on",
        "moved_in_on",
        "adoption_order_on",
    ]
    raw_id_fields = ["child", "created_by"]
    readonly_fields = ["version"]


@admin.register(AdoptionWorkItem)
class AdoptionWorkItemAdmin(AdoptionScopedAdmin):
    child_lookup = "case__child"
    list_display = ["case", "kind", "requested_on", "due_date", "assigned_to", "completed_on"]
    list_filter = ["kind"]
    raw_id_fields = ["case", "requested_by", "assigned_to", "completed_by"]
    readonly_fields = ["version"]
