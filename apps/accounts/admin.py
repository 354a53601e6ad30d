"""The Django admin for organisations, teams and users.

An organisation's administrator manages their own organisation's users and teams only;
superuser status, permissions, groups and an organisation's areas are for platform operators
(superusers), who create each other with ``createsuperuser``. API tokens have no admin page:
they are issued by their owner and shown once (apps.accounts.tokens)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.admin_base import OrganisationScopedAdmin
from apps.accounts.models import IdentityLink, IdentitySignIn, Organisation, Team, User
from apps.accounts.services import user_admin_access_sync
from apps.accounts.tokens import ENROLMENT_CODE_DAYS, enrolment_code_issue
from apps.core.admin_base import ReadOnlyAdmin


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
        return ["kind", "code", "ons_code", "areas"]

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


class IdentityLinkForm(forms.ModelForm):
    class Meta:
        model = IdentityLink
        fields = ["issuer", "subject"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.OIDC_PROVIDERS:
            choices = {p.issuer: f"{p.label} ({p.issuer})" for p in settings.OIDC_PROVIDERS}
            if self.instance.issuer:
                choices.setdefault(self.instance.issuer, self.instance.issuer)
            self.fields["issuer"] = forms.ChoiceField(
                label="Identity provider", choices=[("", "---------"), *choices.items()]
            )

    def clean(self):
        cleaned = super().clean()
        issuer = cleaned.get("issuer")
        user = getattr(self.instance, "user", None)  # the inline sets it, saved or not
        if issuer and user is not None and settings.OIDC_PROVIDERS:
            code = user.organisation.code if user.organisation_id else None
            if not any(p.issuer == issuer and p.serves(code) for p in settings.OIDC_PROVIDERS):
                self.add_error(
                    "issuer", "That identity provider does not sign in this user's organisation."
                )
        return cleaned


class IdentityLinkInline(admin.TabularInline):
    """Who the user is at their organisation's identity provider: set up before their first
    sign-in there (users are never created or matched by email at sign-in)."""

    model = IdentityLink
    form = IdentityLinkForm
    extra = 0
    verbose_name = "sign-in with the organisation's account"
    verbose_name_plural = "sign-in with the organisation's account"

    # Whoever may change the user (an administrator of the user's own organisation, see
    # UserAdmin.get_queryset) manages their links; no separate permission to hand out.
    def _may_change_user(self, request, obj=None):
        return request.user.has_perm("accounts.change_user")

    has_view_permission = _may_change_user
    has_add_permission = _may_change_user
    has_change_permission = _may_change_user
    has_delete_permission = _may_change_user


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
    inlines = [IdentityLinkInline]
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


@admin.register(IdentitySignIn)
class IdentitySignInAdmin(ReadOnlyAdmin):
    """Sign-ins through identity providers, refused ones included; read-only. An
    organisation's administrator sees their own organisation's."""

    list_display = ["at", "provider", "subject", "user", "organisation", "refusal", "multi_factor"]
    list_filter = ["refusal", "provider", "multi_factor"]
    search_fields = ["subject", "user__username"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user", "organisation")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id=request.user.organisation_id or 0)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("accounts.change_user")

    def has_module_permission(self, request):
        return self.has_view_permission(request)
