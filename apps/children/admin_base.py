"""The admin base for records about a child (issue 12: moved from apps.core, which imports no
domain app)."""

from apps.children.selectors import children_visible_to
from apps.core.admin_base import ScopedHistoryAdmin


class ChildScopedAdmin(ScopedHistoryAdmin):
    """Admin pages for records about a child show only the children the user may see
    (the same selector as the API and pages); superusers (operations) see all."""

    child_lookup = "child"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = children_visible_to(request.user).values("pk")
        lookup = "pk__in" if self.child_lookup == "" else f"{self.child_lookup}__in"
        return queryset.filter(**{lookup: visible})
