"""The worklist columns of an assessment (issue 18): ``wl_la_id``, ``wl_team_id``,
``wl_in_care``, ``wl_booked_for``, ``wl_attended_on``, copies of the facts the worklists
filter on (the child's responsible LA and team, an open period of care, the booked and the
last attended appointment). On PostgreSQL the triggers of assessments migration 0014 keep
them in the transaction that writes those facts, whoever writes them. ``rebuild`` sets them
from the facts in one set-based UPDATE (after a bulk load with triggers off, as the
benchmarks' synthetic populations are); ``differences`` counts the rows whose copies differ
from the facts (manage.py check_worklist_columns; 0 expected)."""

from django.db import connection, transaction

# One row per assessment: its id, and what each worklist column should hold.
FACTS_SQL = """
SELECT a.id,
       c.responsible_la_id AS la_id,
       c.team_id AS team_id,
       EXISTS (SELECT 1 FROM children_periodofcare p
                WHERE p.child_id = a.child_id AND p.end_date IS NULL) AS in_care,
       ap.booked_for,
       ap.attended_on
  FROM assessments_assessment a
  JOIN children_child c ON c.id = a.child_id
  LEFT JOIN (SELECT assessment_id,
                    MAX(appointment_date) FILTER (WHERE outcome = 'BOOKED') AS booked_for,
                    MAX(appointment_date) FILTER (WHERE outcome = 'ATTENDED') AS attended_on
               FROM assessments_appointment WHERE deleted_at IS NULL GROUP BY assessment_id) ap
         ON ap.assessment_id = a.id
"""

_DIFFERS = """
       a.wl_la_id IS DISTINCT FROM f.la_id
    OR a.wl_team_id IS DISTINCT FROM f.team_id
    OR a.wl_in_care IS DISTINCT FROM f.in_care
    OR a.wl_booked_for IS DISTINCT FROM f.booked_for
    OR a.wl_attended_on IS DISTINCT FROM f.attended_on
"""

REBUILD_SQL = f"""
UPDATE assessments_assessment a
   SET wl_la_id = f.la_id, wl_team_id = f.team_id, wl_in_care = f.in_care,
       wl_booked_for = f.booked_for, wl_attended_on = f.attended_on
  FROM ({FACTS_SQL}) f
 WHERE f.id = a.id AND ({_DIFFERS})
"""  # noqa: S608 (built from the constants above only)

DIFFERENCES_SQL = f"""
SELECT a.id FROM assessments_assessment a JOIN ({FACTS_SQL}) f ON f.id = a.id
 WHERE {_DIFFERS} ORDER BY a.id
"""  # noqa: S608 (built from the constants above only)


def kept() -> bool:
    """The columns are kept (and read by the worklists) on PostgreSQL only."""
    return connection.vendor == "postgresql"


def rebuild() -> int:
    """Set every assessment's worklist columns from the facts; returns the rows written."""
    if not kept():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # The row trigger keeps the stored copies against an app's UPDATE unless told that
        # this is the rebuild (for this transaction only).
        cursor.execute("SET LOCAL lac.worklist_rebuild = 'on'")
        cursor.execute(REBUILD_SQL)
        return cursor.rowcount


def differences() -> list[int]:
    """The ids of the assessments whose worklist columns differ from the facts."""
    if not kept():
        return []
    with connection.cursor() as cursor:
        cursor.execute(DIFFERENCES_SQL)
        return [row[0] for row in cursor.fetchall()]
