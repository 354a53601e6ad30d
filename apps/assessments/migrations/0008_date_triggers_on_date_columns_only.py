"""The date-of-birth triggers of the assessments tables (children 0005) fire only when a
date column or the child changes (issue 18). As BEFORE INSERT OR UPDATE they ran on every
UPDATE, and the nightly sweep's status-only UPDATEs paid a lookup of the child per row (about
60% of its write cost) for a check that cannot fail when no date moves. ``UPDATE OF`` fires
when a listed column is in the SET list, so a full ``save()`` still checks."""

from django.db import migrations

TABLES = {
    "assessments_assessment": [
        "request_sent_on",
        "request_complete_on",
        "held_on",
        "report_returned_on",
        "declined_on",
    ],
    "assessments_dentalcheck": ["checked_on"],
    "assessments_sdqrecord": ["completed_on"],
    "assessments_immunisationrecord": ["checked_on"],
    "assessments_healthhistory": ["provided_on"],
}


def _recreate(schema_editor, *, only_date_columns: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in TABLES.items():
        args = ", ".join(f"'{column}'" for column in columns)
        watched = ", ".join([*columns, "child_id"])
        event = f"INSERT OR UPDATE OF {watched}" if only_date_columns else "INSERT OR UPDATE"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_not_before_birth ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_not_before_birth BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION lac_dates_not_before_birth({args})"
        )


def forwards(apps, schema_editor):
    _recreate(schema_editor, only_date_columns=True)


def backwards(apps, schema_editor):
    _recreate(schema_editor, only_date_columns=False)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_worklist_breach_and_sweep_indexes"),
        ("children", "0005_dates_not_before_birth"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
