from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For logs: shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history and revert pages look the row up by id alone; here
    they answer 404 unless the row is in the admin's own queryset, as the change page does.
    Without this an LA's admin could open another organisation's user through its history
    and revert it into their own organisation (found walking the admin as Kent's admin)."""

    def _in_scope_or_404(self, request, object_id) -> None:
        from django.contrib.admin.utils import unquote
        from django.http import Http404

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


class ChildScopedAdmin(ScopedHistoryAdmin):
    """Admin pages for records about a child show only the children the user may see
    (the same selector as the API and pages); superusers (operations) see all."""

    child_lookup = "child"

    def get_queryset(self, request):
        from apps.children.selectors import children_visible_to

        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = children_visible_to(request.user).values("pk")
        lookup = "pk__in" if self.child_lookup == "" else f"{self.child_lookup}__in"
        return queryset.filter(**{lookup: visible})


class OrganisationScopedAdmin(ScopedHistoryAdmin):
    """Admin pages for an organisation's own settings (its users, teams, policies).

    An organisation's administrator sees and changes only the rows of their own organisation,
    and may only choose their own organisation (and its teams) in a form; platform operators
    (superusers) see all. Without this, an LA's admin could reset a provider's nurse's password
    and sign in as them (issue 17, finding 2)."""

    # The path from a row to the organisation it belongs to ("pk" for an Organisation).
    organisation_lookup = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if request.user.organisation_id is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_lookup: request.user.organisation_id})

    def _limit_choices(self, db_field, request, kwargs):
        if request.user.is_superuser:
            return kwargs
        from apps.accounts.models import Organisation, Team

        model = db_field.related_model
        if model is Organisation:
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
        elif model is Team:
            kwargs["queryset"] = Team.objects.filter(organisation_id=request.user.organisation_id)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._limit_choices(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._limit_choices(db_field, request, kwargs)
        )
