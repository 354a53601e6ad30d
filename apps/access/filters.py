"""API filters on a foreign key that choose from the user's visible records only, so a
filter cannot be used to probe whether a record exists: a child the user may not see
answers exactly as a child that does not exist (400, "Select a valid choice")."""

import django_filters


def _visible_children(request):
    from apps.children.models import Child
    from apps.children.selectors import children_visible_to

    if request is None:  # the OpenAPI schema is generated without a user
        return Child.objects.none()
    return children_visible_to(request.user)


def visible_child_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(queryset=_visible_children, **kwargs)


class VisibleChildFilterSet(django_filters.FilterSet):
    """A FilterSet whose ``child`` filter chooses from the visible children only."""

    child = visible_child_filter()


def visible_choice_filter(visible, empty, **kwargs) -> django_filters.ModelChoiceFilter:
    """A foreign-key filter choosing from ``visible(user)`` (an app's own visibility rule,
    e.g. the adoption access rule), or ``empty()`` when there is no request (the schema)."""

    def queryset(request):
        return empty() if request is None else visible(request.user)

    return django_filters.ModelChoiceFilter(queryset=queryset, **kwargs)
