from django.contrib import admin

from apps.audit.models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (the database refuses changes too)."""

    list_display = ["at", "username", "role", "action", "method", "path", "outcome"]
    list_filter = ["action", "outcome"]
    search_fields = ["username", "path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
