from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.performance.models import ExportJob, Kpi, KpiTarget


class KpiTargetInline(admin.TabularInline):
    model = KpiTarget
    extra = 0
    fields = ["local_authority", "effective_from", "target", "floor"]


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "polarity",
        "period_type",
        "unit",
        "activity_only",
        "display_order",
        "is_active",
    ]
    list_filter = ["polarity", "period_type", "activity_only", "is_active"]
    search_fields = ["code", "name"]
    # The code ties a definition to its calculation (apps.performance.measures): renaming
    # it would silently leave the KPI with "no data".
    readonly_fields = ["code"]
    inlines = [KpiTargetInline]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []


@admin.register(KpiTarget)
class KpiTargetAdmin(SimpleHistoryAdmin):
    list_display = ["kpi", "local_authority", "effective_from", "target", "floor"]
    list_filter = ["kpi", "local_authority"]
    ordering = ["kpi__display_order", "local_authority", "-effective_from"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Operations only need to see that jobs run; the files themselves are not offered."""

    list_display = ["id", "kind", "file_format", "requested_by", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    exclude = ["content"]
    readonly_fields = [
        "requested_by",
        "kind",
        "file_format",
        "params",
        "status",
        "progress",
        "row_count",
        "filename",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "fetched_at",
    ]

    def has_add_permission(self, request):
        return False
