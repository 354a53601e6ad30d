"""Issue 18: a recompute writes only what changed, and every statement it sends is seen by
the query log (the UPDATEs go through Django's cursor, so these captures are complete).

- nothing changed: no INSERT, UPDATE or DELETE at all, for one child or a batch;
- one fact changed: only the affected rows are written, in one statement per table, setting
  only the columns that changed;
- the number of statements does not grow with the child's history."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import Assessment, HealthClock
from apps.assessments.recompute import recompute_children
from apps.core.models import NonWorkingDay
from apps.policy.models import LocalAuthorityPolicy
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
WRITES = ("INSERT", "UPDATE", "DELETE")
# These read the rows and columns out of the UPDATE ... FROM (VALUES ...) that PostgreSQL
# gets (SQLite gets one plain UPDATE per row).
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's bulk UPDATE form"
)


def _child(cast, years: int):
    """In care since January of ``years`` years before 2025, with a held IHA, a held review
    a year, appointments, dental checks, SDQs and placements (born 2014: every clock runs)."""
    kid = b.child_with_history(cast, years, born=date(2014, 3, 1))
    recompute_children([kid.pk], today=TODAY)  # the first run writes the computed fields
    return kid


def _statements(child_ids: list[int]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        recompute_children(child_ids, today=TODAY)
    return [q["sql"] for q in captured.captured_queries]


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def _updated(statement: str) -> tuple[str, list[str], set[int]]:
    """(table, the columns set, the ids written) of one of the recompute's UPDATEs."""
    match = re.match(r'UPDATE "(\w+)" AS t SET (.*) FROM \(VALUES (.*)\) AS v\(', statement, re.S)
    assert match, statement
    table, assignments, rows = match.groups()
    columns = re.findall(r'"(\w+)" = v\.', assignments)
    ids = {int(first) for first in re.findall(r"\((\d+),", rows)}
    return table, columns, ids


def test_a_second_recompute_with_nothing_changed_writes_nothing(cast):
    one, other = _child(cast, 2), _child(cast, 5)
    assert HealthClock.objects.filter(child=other).exists()
    assert _writes(_statements([other.pk])) == []
    assert _writes(_statements([one.pk, other.pk])) == []


@postgresql_only
def test_a_new_dental_check_rewrites_only_that_clock_and_only_its_changed_columns(cast):
    kid = _child(cast, 3)
    clock = HealthClock.objects.get(child=kid, kind="DENTAL")
    before = {
        (h.kind, h.due_date, h.last_completed_on, h.status)
        for h in HealthClock.objects.filter(child=kid).exclude(pk=clock.pk)
    }
    b.dental(kid, TODAY - timedelta(days=10))
    writes = _writes(_statements([kid.pk]))
    assert len(writes) == 1, writes
    table, columns, ids = _updated(writes[0])
    assert table == "assessments_healthclock"
    assert ids == {clock.pk}
    # The due date and the completion moved; a status that stayed is not rewritten.
    clock_after = HealthClock.objects.get(pk=clock.pk)
    assert clock_after.last_completed_on == TODAY - timedelta(days=10)
    assert (
        {"due_date", "last_completed_on"}
        <= set(columns)
        <= {
            "due_date",
            "last_completed_on",
            "status",
        }
    )
    assert ("status" in columns) == (clock_after.status != clock.status)
    after = {
        (h.kind, h.due_date, h.last_completed_on, h.status)
        for h in HealthClock.objects.filter(child=kid).exclude(pk=clock.pk)
    }
    assert after == before


@postgresql_only
def test_holding_the_open_review_writes_that_row_and_creates_the_next_one_only(cast):
    kid = _child(cast, 3)
    held = set(
        Assessment.objects.filter(child=kid, held_on__isnull=False).values_list("pk", flat=True)
    )
    nxt = Assessment.objects.get(child=kid, held_on__isnull=True)
    Assessment.objects.filter(pk=nxt.pk).update(held_on=TODAY - timedelta(days=2))
    writes = _writes(_statements([kid.pk]))
    assessment_updates = [w for w in writes if w.startswith('UPDATE "assessments_assessment"')]
    inserts = [w for w in writes if w.startswith('INSERT INTO "assessments_assessment"')]
    assert len(assessment_updates) == 1, writes
    table, columns, ids = _updated(assessment_updates[0])
    assert ids == {nxt.pk}
    assert "status" in columns
    assert not {"clock_start", "due_date", "request_due", "previous_id"} & set(columns)
    assert len(inserts) == 1
    follower = Assessment.objects.get(child=kid, previous=nxt)
    assert follower.held_on is None
    # Held (late: it was overdue), so the review is settled as held late.
    assert (nxt.status, Assessment.objects.get(pk=nxt.pk).status) == ("OVERDUE", "BREACHED")
    # The held rows before it were not touched, and no clock row was deleted.
    assert not any(w.startswith("DELETE") for w in writes)
    assert held.isdisjoint(ids)
    # And the recompute after that finds nothing more to do.
    assert _writes(_statements([kid.pk])) == []


def test_the_number_of_statements_does_not_grow_with_the_history(cast):
    short, long = _child(cast, 1), _child(cast, 8)
    assert Assessment.objects.filter(child=long).count() >= 9
    short_statements, long_statements = _statements([short.pk]), _statements([long.pk])
    # The lock, one read of every fact, and the savepoint around them (a transaction
    # outside a test): no query per source.
    assert len(short_statements) == len(long_statements) <= 4, long_statements
    # With one changed fact each, still the same number (the reads plus one UPDATE).
    for kid in (short, long):
        b.dental(kid, TODAY - timedelta(days=3))
    changed_short, changed_long = _statements([short.pk]), _statements([long.pk])
    assert len(changed_short) == len(changed_long) == len(short_statements) + 1


def test_the_calendar_and_the_policy_read_with_the_facts_are_the_ones_in_force(cast):
    kid = b.child(cast.our_la, team=cast.team_a, born=date(2014, 3, 1))
    entry = date(2026, 5, 4)  # a Monday
    b.period(kid, entry)
    recompute_children([kid.pk], today=TODAY)
    iha = Assessment.objects.get(child=kid, kind="IHA")
    # An extra non-working day inside the request window moves the deadlines on.
    NonWorkingDay.objects.create(date=entry + timedelta(days=1), reason="Local closure")
    recompute_children([kid.pk], today=TODAY)
    moved = Assessment.objects.get(pk=iha.pk)
    assert moved.request_due > iha.request_due
    assert moved.due_date > iha.due_date
    # The LA's own policy record in force on day 0 sets the request window.
    LocalAuthorityPolicy.objects.create(
        local_authority=cast.our_la,
        effective_from=date(2026, 1, 1),
        iha_request_working_days=2,
    )
    recompute_children([kid.pk], today=TODAY)
    shorter = Assessment.objects.get(pk=iha.pk)
    assert shorter.request_due < moved.request_due
