"""The API's ``child`` filter (issue 12, one access module): it chooses from the children
the user may see only, so a child the user may not see answers exactly as a child that does
not exist (400, "Select a valid choice"). The children app owns it since the visible
children are its selector's (apps.access.filters holds the generic foreign-key filter)."""

import django_filters

from apps.access.filters import visible_choice_filter
from apps.children.models import Child
from apps.children.selectors import children_visible_to


def visible_child_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    # Without a request (the OpenAPI schema is generated without a user): no child.
    return visible_choice_filter(children_visible_to, Child.objects.none, **kwargs)


class VisibleChildFilterSet(django_filters.FilterSet):
    """A FilterSet whose ``child`` filter chooses from the visible children only."""

    child = visible_child_filter()
