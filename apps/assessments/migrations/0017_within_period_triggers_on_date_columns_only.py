"""The within-period triggers (0010) fire only when one of their date columns is in the
UPDATE's SET list (issue 18), as the date-of-birth triggers do since 0008. As BEFORE INSERT
OR UPDATE they ran on every UPDATE: the nightly sweep's status-only UPDATEs and the
recompute's derived columns paid, per row, a lookup of the period of care and two dynamic
reads per date column, for a check that refuses only a date that changes. A date that is
not in the SET list cannot change (no other trigger writes these columns), so the check is
the same; INSERT and a full ``save()`` still check every row."""

from django.db import migrations

TABLES = {
    "assessments_assessment": [
        "request_sent_on",
        "request_complete_on",
        "held_on",
        "report_returned_on",
    ],
    "assessments_appointment": ["booked_on", "appointment_date"],
    "placements_placement": ["start_date"],
}


def _recreate(schema_editor, *, only_date_columns: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in TABLES.items():
        args = ", ".join(f"'{column}'" for column in columns)
        event = (
            f"INSERT OR UPDATE OF {', '.join(columns)}" if only_date_columns else "INSERT OR UPDATE"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_within_period ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_within_period BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION lac_events_within_period({args})"
        )


def forwards(apps, schema_editor):
    _recreate(schema_editor, only_date_columns=True)


def backwards(apps, schema_editor):
    _recreate(schema_editor, only_date_columns=False)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0016_worklist_list_indexes"),
        ("placements", "0005_temporary_placements_have_no_provider"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
