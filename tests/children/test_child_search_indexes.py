"""Child search (issue 18): on PostgreSQL the name and reference searches the child list
runs are served by indexes (trigram GIN on names, upper-cased reference), not a scan."""

import pytest
from django.db import connection
from django.db.models import Q

from apps.children.models import Child
from tests.factories import ChildFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes"),
]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: can it use them?
        # Nor walk a whole name-ordered index (the child list's, issue 18) for the order:
        # on a few rows that looks cheapest, on the population a bitmap of matches is.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_name_search_uses_the_trigram_indexes(cast):
    ChildFactory(responsible_la=cast.our_la, last_name="Hollingsworth", first_name="Amy")
    search = Child.objects.filter(
        Q(last_name__icontains="lings") | Q(first_name__icontains="lings")
    )
    plan = _plan(search)
    assert "child_last_name_trigram" in plan and "child_first_name_trigram" in plan
    assert [c.last_name for c in search] == ["Hollingsworth"]


def test_a_reference_search_uses_the_upper_cased_index(cast):
    ChildFactory(responsible_la=cast.our_la, la_child_id="KC000123")
    search = Child.objects.filter(la_child_id__iexact="kc000123")
    assert "child_reference_upper" in _plan(search)
    assert search.count() == 1
