"""Issue 18: the per-event recompute loads one child's facts in a constant number of
queries, whatever the length of the child's history, with no join or sort from a model's
default ordering, and writes only the rows that changed."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import Assessment
from apps.assessments.recompute import recompute_children
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def _child_with_history(cast, years: int):
    return b.child_with_history(cast, years, born=date(2008, 1, 1))


def _queries(child_id: int) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        recompute_children([child_id], today=TODAY)
    return [q["sql"] for q in captured.captured_queries]


def test_a_recompute_issues_the_same_queries_for_a_short_and_a_long_history(cast):
    short = _child_with_history(cast, 1)
    long = _child_with_history(cast, 8)
    # First runs write the computed fields; the second finds nothing changed.
    recompute_children([short.pk, long.pk], today=TODAY)
    short_queries, long_queries = _queries(short.pk), _queries(long.pk)
    assert Assessment.objects.filter(child=long).count() >= 9
    assert len(short_queries) == len(long_queries)
    assert len(long_queries) <= 12
    # Nothing changed: reads only (and the savepoint or transaction around them).
    writes = [q for q in long_queries if q.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert writes == []
    # No model's default ordering drags in a join with the children table.
    reads = [q for q in long_queries if q.lstrip().upper().startswith("SELECT")]
    joined = [q for q in reads if 'INNER JOIN "children_child"' in q and "ORDER BY" in q]
    assert joined == []


def test_an_event_writes_only_the_row_it_changed(cast):
    kid = _child_with_history(cast, 3)
    recompute_children([kid.pk], today=TODAY)
    latest = Assessment.objects.filter(child=kid, held_on__isnull=False).order_by("-due_date")[0]
    nxt = Assessment.objects.filter(child=kid, held_on__isnull=True).get()
    Assessment.objects.filter(pk=nxt.pk).update(request_sent_on=latest.held_on + timedelta(days=1))
    queries = _queries(kid.pk)
    updates = [q for q in queries if q.lstrip().upper().startswith("UPDATE")]
    assert len(updates) <= 1
    if updates:
        assert str(nxt.pk) in updates[0]
        assert str(latest.pk) not in updates[0].split("WHERE")[-1]
