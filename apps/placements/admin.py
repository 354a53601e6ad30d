from django.contrib import admin

from apps.children.admin_base import ChildScopedAdmin
from apps.placements.models import Placement


@admin.register(Placement)
class PlacementAdmin(ChildScopedAdmin):
    list_display = ["child", "start_date", "end_date", "place", "place_provider", "area"]
    list_filter = ["place", "place_provider"]
    raw_id_fields = ["child", "period_of_care"]
