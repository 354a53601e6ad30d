"""DOMAIN.md 10 in the database: no event before the child's date of birth. A check
constraint cannot look at another table, so PostgreSQL triggers do it (the services check
first and give the friendly message; this is the last line)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION lac_dates_not_before_birth() RETURNS trigger AS $$
DECLARE
    dob date;
    col text;
    val date;
BEGIN
    SELECT date_of_birth INTO dob FROM children_child WHERE id = NEW.child_id;
    FOREACH col IN ARRAY TG_ARGV LOOP
        EXECUTE format('SELECT ($1).%I::date', col) USING NEW INTO val;
        IF val IS NOT NULL AND val < dob THEN
            RAISE EXCEPTION USING
                ERRCODE = '23514',
                CONSTRAINT = 'date_not_before_birth',
                MESSAGE = format('date_not_before_birth: %s.%s (%s) is before the date of birth (%s)',
                                 TG_TABLE_NAME, col, val, dob);
        END IF;
    END LOOP;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_birth_not_after_events() RETURNS trigger AS $$
BEGIN
    IF NEW.date_of_birth > OLD.date_of_birth AND EXISTS (
        SELECT 1 FROM children_periodofcare WHERE child_id = NEW.id AND start_date < NEW.date_of_birth
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = '23514',
            CONSTRAINT = 'date_not_before_birth',
            MESSAGE = 'date_not_before_birth: the date of birth cannot be after the child''s entry to care';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TABLES = {
    "children_periodofcare": ["start_date", "end_date"],
    "placements_placement": ["start_date", "end_date"],
    "assessments_assessment": ["request_sent_on", "request_complete_on", "held_on", "report_returned_on", "declined_on"],
    "assessments_dentalcheck": ["checked_on"],
    "assessments_sdqrecord": ["completed_on"],
    "assessments_immunisationrecord": ["checked_on"],
    "assessments_healthhistory": ["provided_on"],
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, columns in TABLES.items():
        args = ", ".join(f"'{c}'" for c in columns)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_not_before_birth BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION lac_dates_not_before_birth({args})"
        )
    schema_editor.execute(
        "CREATE TRIGGER children_child_birth_not_after_events BEFORE UPDATE OF date_of_birth ON children_child "
        "FOR EACH ROW EXECUTE FUNCTION lac_birth_not_after_events()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_not_before_birth ON {table}")
    schema_editor.execute("DROP TRIGGER IF EXISTS children_child_birth_not_after_events ON children_child")
    schema_editor.execute("DROP FUNCTION IF EXISTS lac_dates_not_before_birth(); DROP FUNCTION IF EXISTS lac_birth_not_after_events();")


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0004_retention_review"),
        ("placements", "0002_ssda903_items"),
        ("assessments", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
