from django.contrib import admin

from apps.audit.models import AccessEvent
from apps.core.admin_base import ReadOnlyAdmin


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only (the database refuses changes too)."""

    list_display = ["at", "username", "role", "action", "method", "path", "outcome"]
    list_filter = ["action", "outcome"]
    search_fields = ["username", "path"]
