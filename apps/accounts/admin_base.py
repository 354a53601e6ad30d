"""The admin base for an organisation's own settings (issue 12: moved from apps.core, which
imports no domain app)."""

from apps.accounts.models import Organisation, Team
from apps.core.admin_base import ScopedHistoryAdmin


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
