"""Numbered pages over disjoint parts (apps/core/pagination.py) and the pagination
component's items (the ``page_items`` tag): a page is the union's rows in order, the count
is the parts' sum, and a list of thousands of pages renders a handful of links."""

from types import SimpleNamespace

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from apps.children.models import Child
from apps.core.pagination import MergedParts
from tests.performance import builders as b


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("last_name", "id"), ("-last_name", "-id")])
def test_merged_parts_page_through_the_union_in_order(cast, order):
    names = ["Adams", "Brown", "Clark", "Brown", "Evans", "Adams", "Green", "Hill"]
    for index, name in enumerate(names):
        b.child(cast.our_la, team=[cast.team_a, cast.team_b, None][index % 3], last_name=name)
    ours = Child.objects.filter(responsible_la=cast.our_la)
    parts = [ours.filter(team=cast.team_a), ours.filter(team=cast.team_b), ours.filter(team=None)]
    expected = list(ours.order_by(*order).values_list("pk", flat=True))
    merged = MergedParts(parts, order)
    assert merged.count() == len(merged) == 8
    assert [c.pk for c in merged[0:8]] == expected
    paginator = Paginator(merged, 3)
    walked = [c.pk for number in paginator.page_range for c in paginator.page(number)]
    assert walked == expected
    assert [c.pk for c in paginator.page(2)] == expected[3:6]


@pytest.mark.django_db
def test_the_count_is_the_sum_of_the_parts_counted_once(cast, django_assert_num_queries):
    b.child(cast.our_la, team=cast.team_a)
    b.child(cast.our_la, team=cast.team_b)
    ours = Child.objects.filter(responsible_la=cast.our_la)
    merged = MergedParts([ours.filter(team=cast.team_a), ours.filter(team=cast.team_b)], ("id",))
    with django_assert_num_queries(2):
        assert merged.count() == 2
        assert merged.count() == 2  # counted once


def test_an_order_in_two_directions_is_refused():
    with pytest.raises(ValueError, match="one direction"):
        MergedParts([Child.objects.none()], ("last_name", "-id"))


def _render(number: int, count: int) -> str:
    paginator = Paginator(range(count), 25)
    request = RequestFactory().get("/breaches/", {"party": "LA"})
    template = Template('{% include "govuk/pagination.html" %}')
    return template.render(Context({"page": paginator.page(number), "request": request}))


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 100_000, [1, 2, 4000]),
        (2000, 100_000, [1, 1999, 2000, 2001, 4000]),
        (4000, 100_000, [1, 3999, 4000]),
        (2, 100, [1, 2, 3, 4]),
    ],
)
def test_the_pagination_shows_the_ends_and_the_neighbours_only(number, count, shown):
    html = _render(number, count)
    links = [int(part.split('"')[0]) for part in html.split('aria-label="Page ')[1:]]
    assert links == shown
    assert f'aria-current="page">{number}<' in html
    gaps = html.count("govuk-pagination__item--ellipses")
    assert gaps == sum(1 for a, z in zip(shown, shown[1:], strict=False) if z - a > 1)
    assert "party=LA&amp;page=" in html  # the page's other filters kept


def test_page_items_marks_each_gap_with_none():
    from apps.web.templatetags.lac import page_items

    page = SimpleNamespace(number=50, paginator=Paginator(range(2500), 25))
    assert page_items(page) == [1, None, 49, 50, 51, None, 100]
