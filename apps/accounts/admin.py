"""The Django admin for organisations, teams and users.

An organisation's administrator manages their own organisation's users and teams only;
superuser status, permissions, groups and an organisation's areas are for platform operators
(superusers), who create each other with ``createsuperuser``. API tokens have no admin page:
they are issued by their owner and shown once (apps.accounts.tokens)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import Organisation, Team, User
from apps.accounts.services import user_admin_access_sync
from apps.accounts.tokens import ENROLMENT_CODE_DAYS, enrolment_code_issue
from apps.core.admin_base import OrganisationScopedAdmin


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_lookup = "pk"
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    filter_horizontal = ["areas"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        # The areas decide which other LAs' children a commissioner's staff see: only a
        # platform operator changes them.
        return ["kind", "code", "areas"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Team)
class TeamAdmin(OrganisationScopedAdmin):
    list_display = ["name", "organisation", "area"]
    list_filter = ["organisation"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)


ROLE_FIELDSET = ("Role", {"fields": ("organisation", "team", "role")})


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, BaseUserAdmin):
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
    actions = ["issue_enrolment_code"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ROLE_FIELDSET,
        ("Service account", {"fields": ("is_service_account",)}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (ROLE_FIELDSET,)
    # What an organisation's administrator may change: never superuser status, staff status,
    # groups or permissions (Kent's admin once made itself a superuser through this page).
    organisation_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active",)}),
        ROLE_FIELDSET,
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Platform operators are not an organisation's to manage, even if they have one.
        return queryset.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.organisation_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
        if not request.user.is_superuser:
            user_admin_access_sync(user=obj)

    @admin.action(description="Issue a two-factor enrolment code (give it to the user in person)")
    def issue_enrolment_code(self, request, queryset):
        # The code is shown once, here; the user enters it before setting up an
        # authenticator app, so their password alone cannot enrol one.
        for user in queryset:
            code = enrolment_code_issue(user=user, issued_by=request.user)
            self.message_user(
                request,
                f"Enrolment code for {user.username}: {code} (valid {ENROLMENT_CODE_DAYS} days, "
                "once). Give it to them in person or by phone, not by email to this account.",
                messages.SUCCESS,
            )
