"""Issue 18: the row triggers on the assessments tables fire only when one of the columns
they check is in the UPDATE's SET list, and neither the nightly sweep nor the recompute sets
any of them, so a status transition runs no per-row trigger lookup. (That a changed date is
still refused: tests/dataquality/test_database_rules.py and test_scale_indexes.py.)"""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import Assessment
from apps.assessments.recompute import recompute_children
from apps.assessments.sweep import sweep_clocks
from apps.children.models import Child
from tests.performance import builders as b

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers"),
]

WITHIN_PERIOD = {
    "assessments_assessment": "request_sent_on, request_complete_on, held_on, report_returned_on",
    "assessments_appointment": "booked_on, appointment_date",
    "placements_placement": "start_date",
}
# Every column a row trigger of the assessments table watches (the date checks, the
# worklist copies, the access relationships).
WATCHED = {
    "child_id",
    "provider_id",
    "period_of_care_id",
    "request_sent_on",
    "request_complete_on",
    "held_on",
    "report_returned_on",
    "declined_on",
    "wl_la_id",
    "wl_team_id",
    "wl_in_care",
    "wl_booked_for",
    "wl_attended_on",
}


@pytest.mark.parametrize("table", sorted(WITHIN_PERIOD))
def test_the_within_period_trigger_lists_only_its_date_columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = %s",
            [f"{table}_within_period"],
        )
        (definition,) = cursor.fetchone()
    assert f"BEFORE INSERT OR UPDATE OF {WITHIN_PERIOD[table]} ON public.{table}" in definition


def test_no_assessment_trigger_fires_on_every_update():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = 'assessments_assessment'::regclass AND NOT tgisinternal"
        )
        definitions = dict(cursor.fetchall())
    assert definitions
    for name, definition in definitions.items():
        events = definition.split(" ON public.")[0]
        assert "UPDATE" not in events or "UPDATE OF" in events, name


def _set_columns(statement: str) -> dict[str, set[str]]:
    """{table: the columns set} of each UPDATE in a statement (the sweep's are CTEs)."""
    found: dict[str, set[str]] = {}
    for table, assignments in re.findall(
        r'UPDATE "(\w+)"(?: AS t)? SET (.*?) (?:FROM \(VALUES|WHERE) ', statement, re.S
    ):
        found.setdefault(table, set()).update(re.findall(r'"(\w+)" = ', assignments))
    return found


def test_the_sweep_and_the_recompute_set_no_watched_column(cast):
    kid = b.child(cast.our_la, team=cast.team_a, born=date(2014, 3, 1))
    entry = date(2026, 1, 5)
    care = b.period(kid, entry)
    b.iha(kid, care, complete=entry + timedelta(days=2))
    b.dental(kid, entry + timedelta(days=10))
    recompute_children([kid.pk], today=entry + timedelta(days=3))
    Child.objects.update(clocks_stale_since=None)
    later = entry + timedelta(days=200)  # the IHA is overdue and the dental check due
    with CaptureQueriesContext(connection) as captured:
        swept = sweep_clocks(today=later)
    sweep_statements = [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        recompute_children([kid.pk], today=later + timedelta(days=1))
    assert swept.newly_overdue == 1
    assert Assessment.objects.get(child=kid, kind="IHA").status == "OVERDUE"
    written: dict[str, set[str]] = {}
    for statement in sweep_statements + [q["sql"] for q in captured.captured_queries]:
        for table, columns in _set_columns(statement).items():
            written.setdefault(table, set()).update(columns)
    assert {"status", "breach_party"} <= written["assessments_assessment"]
    assert "status" in written["assessments_healthclock"]
    assert not written["assessments_assessment"] & WATCHED
    # The sweep's transitions are one statement: the stale children, the calendar and the
    # policies are read, then every UPDATE runs in one round trip.
    writes = [s for s in sweep_statements if "UPDATE" in s]
    assert len(writes) == 1
    assert writes[0].startswith("WITH ")
    assert len(sweep_statements) <= 4, sweep_statements
