from django.contrib import admin

from apps.assessments.models import Assessment
from apps.core.admin_base import ChildScopedAdmin


@admin.register(Assessment)
class AssessmentAdmin(ChildScopedAdmin):
    list_display = ["child", "kind", "provider"]
    raw_id_fields = ["child"]
