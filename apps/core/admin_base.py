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
