from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.models import NonWorkingDay


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
