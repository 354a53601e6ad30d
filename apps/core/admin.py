from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.models import NonWorkingDay


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(SimpleHistoryAdmin):
    """Extra non-working days move every organisation's deadlines, so only a platform
    operator (superuser) adds or changes them; organisations' administrators see them."""

    list_display = ["date", "reason"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
