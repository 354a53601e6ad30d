from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from apps.accounts.models import Organisation, Team, User


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    filter_horizontal = ["areas"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "area"]
    list_filter = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "organisation",
        "team",
        "is_active",
    ]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("Role", {"fields": ("organisation", "team", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Role", {"fields": ("organisation", "team", "role")}),
    )
