from django.contrib import admin

from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthClock,
    HealthHistory,
    HealthPlan,
    HealthPlanAction,
    ImmunisationRecord,
    SdqRecord,
)
from apps.children.admin_base import ChildScopedAdmin


class SoftDeletableAdmin(ChildScopedAdmin):
    """Records deleted as entered in error (issue 13) stay listed here, with who deleted them,
    when and why; the deletion fields are read-only (the pages and API delete, with a
    reason)."""

    deletion_fields = ["deleted_at", "deleted_by", "deletion_reason"]

    def get_queryset(self, request):
        # All rows: the default manager leaves the deleted ones out.
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        if request.user.is_superuser:
            return queryset
        from apps.children.selectors import children_visible_to

        visible = children_visible_to(request.user).values("pk")
        return queryset.filter(**{f"{self.child_lookup}__in": visible})

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.deletion_fields]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "deleted_at", "deletion_reason"]


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
class AppointmentAdmin(SoftDeletableAdmin):
    child_lookup = "assessment__child"
    list_display = ["assessment", "appointment_date", "outcome", "cancelled_by"]
    raw_id_fields = ["assessment"]


@admin.register(HealthClock)
class HealthClockAdmin(ChildScopedAdmin):
    list_display = ["child", "kind", "due_date", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["child"]


for model in (DentalCheck, SdqRecord, ImmunisationRecord):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (SoftDeletableAdmin,), {"raw_id_fields": ["child"]})
    )
admin.site.register(
    HealthHistory, type("HealthHistoryAdmin", (ChildScopedAdmin,), {"raw_id_fields": ["child"]})
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
