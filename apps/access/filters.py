"""API filters on a foreign key that choose from the user's visible records only, so a
filter cannot be used to probe whether a record exists: a child the user may not see
answers exactly as a child that does not exist (400, "Select a valid choice"). The child
filter itself is the children app's (apps.children.filters), built on this one."""

import django_filters


def visible_choice_filter(visible, empty, **kwargs) -> django_filters.ModelChoiceFilter:
    """A foreign-key filter choosing from ``visible(user)`` (an app's own visibility rule,
    e.g. the adoption access rule), or ``empty()`` when there is no request (the schema)."""

    def queryset(request):
        return empty() if request is None else visible(request.user)

    return django_filters.ModelChoiceFilter(queryset=queryset, **kwargs)
