"""Issue 13 in the database: a request is complete on or after it was sent (a check
constraint on the row), and every event of an assessment's clock, and every placement,
starts on or after its period of care (PostgreSQL triggers: a check constraint cannot look
at another table; skipped on SQLite). The services check first and give the message in
words; these are the last line.

A trigger refuses only a date that changes (or a new row), so the rows already in a
database that break a rule (the data-quality report lists them) can still be updated in
their other columns, and the nightly recompute of their status is never refused."""

from django.db import migrations, models

FUNCTIONS = """
CREATE OR REPLACE FUNCTION lac_events_within_period() RETURNS trigger AS $$
DECLARE
    period_start date;
    col text;
    val date;
    old_val date;
BEGIN
    IF TG_TABLE_NAME = 'assessments_appointment' THEN
        SELECT p.start_date INTO period_start FROM assessments_assessment a
            JOIN children_periodofcare p ON p.id = a.period_of_care_id WHERE a.id = NEW.assessment_id;
    ELSE
        SELECT start_date INTO period_start FROM children_periodofcare WHERE id = NEW.period_of_care_id;
    END IF;
    IF period_start IS NULL THEN
        RETURN NEW;
    END IF;
    FOREACH col IN ARRAY TG_ARGV LOOP
        EXECUTE format('SELECT ($1).%I::date', col) USING NEW INTO val;
        IF TG_OP = 'UPDATE' THEN
            EXECUTE format('SELECT ($1).%I::date', col) USING OLD INTO old_val;
            IF val IS NOT DISTINCT FROM old_val THEN
                CONTINUE;
            END IF;
        END IF;
        IF val IS NOT NULL AND val < period_start THEN
            RAISE EXCEPTION USING
                ERRCODE = '23514',
                CONSTRAINT = 'event_within_period_of_care',
                MESSAGE = format('event_within_period_of_care_%s: %s.%s (%s) is before the period of care starts (%s)',
                                 col, TG_TABLE_NAME, col, val, period_start);
        END IF;
    END LOOP;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_period_start_not_after_events() RETURNS trigger AS $$
BEGIN
    -- Moving the start later may not leave behind a placement or an event that was within it.
    IF NEW.start_date > OLD.start_date AND (
        EXISTS (SELECT 1 FROM placements_placement WHERE period_of_care_id = NEW.id
                AND start_date >= OLD.start_date AND start_date < NEW.start_date)
        OR EXISTS (SELECT 1 FROM assessments_assessment WHERE period_of_care_id = NEW.id AND (
                (request_sent_on >= OLD.start_date AND request_sent_on < NEW.start_date)
             OR (request_complete_on >= OLD.start_date AND request_complete_on < NEW.start_date)
             OR (held_on >= OLD.start_date AND held_on < NEW.start_date)
             OR (report_returned_on >= OLD.start_date AND report_returned_on < NEW.start_date)))
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = '23514',
            CONSTRAINT = 'period_start_not_after_events',
            MESSAGE = 'period_start_not_after_events: the period of care cannot start after its placements or assessment events';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TABLES = {
    "assessments_assessment": ["request_sent_on", "request_complete_on", "held_on", "report_returned_on"],
    "assessments_appointment": ["booked_on", "appointment_date"],
    "placements_placement": ["start_date"],
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    for table, columns in TABLES.items():
        args = ", ".join(f"'{c}'" for c in columns)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_within_period BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION lac_events_within_period({args})"
        )
    schema_editor.execute(
        "CREATE TRIGGER children_periodofcare_start_not_after_events BEFORE UPDATE OF start_date "
        "ON children_periodofcare FOR EACH ROW EXECUTE FUNCTION lac_period_start_not_after_events()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_within_period ON {table}")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS children_periodofcare_start_not_after_events ON children_periodofcare"
    )
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS lac_events_within_period(); "
        "DROP FUNCTION IF EXISTS lac_period_start_not_after_events();"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_appointment_order_by_column"),
        ("children", "0012_child_search_indexes"),
        ("placements", "0005_temporary_placements_have_no_provider"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(request_complete_on__isnull=True)
                | models.Q(request_complete_on__gte=models.F("request_sent_on")),
                name="assessment_complete_not_before_sent",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
