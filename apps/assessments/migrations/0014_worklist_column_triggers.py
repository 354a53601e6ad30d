"""The worklist columns kept by PostgreSQL itself (issue 18; apps/assessments/
worklist_columns.py): whatever writes a child's LA or team, a period of care or an
appointment (a service, the SSDA903 importer, a test factory, the admin), the assessments'
copies follow in the same transaction. An UPDATE of an assessment from the app keeps the
stored copies (a save() sends the values it loaded, which may be older than the trigger's);
only these triggers (nested, trigger depth above 1) and the rebuild (lac.worklist_rebuild
set for its transaction) write them. SQLite (the embedded default) has no triggers: there
the worklists read the facts themselves. The backfill writes the existing rows first."""

from django.db import migrations

BACKFILL = """
UPDATE assessments_assessment a
   SET wl_la_id = f.la_id, wl_team_id = f.team_id, wl_in_care = f.in_care,
       wl_booked_for = f.booked_for, wl_attended_on = f.attended_on
  FROM (SELECT a.id, c.responsible_la_id AS la_id, c.team_id AS team_id,
               EXISTS (SELECT 1 FROM children_periodofcare p
                        WHERE p.child_id = a.child_id AND p.end_date IS NULL) AS in_care,
               ap.booked_for, ap.attended_on
          FROM assessments_assessment a
          JOIN children_child c ON c.id = a.child_id
          LEFT JOIN (SELECT assessment_id,
                            MAX(appointment_date) FILTER (WHERE outcome = 'BOOKED') AS booked_for,
                            MAX(appointment_date) FILTER (WHERE outcome = 'ATTENDED') AS attended_on
                       FROM assessments_appointment WHERE deleted_at IS NULL GROUP BY assessment_id) ap
                 ON ap.assessment_id = a.id) f
 WHERE f.id = a.id;
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION lac_wl_in_care(child bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM children_periodofcare WHERE child_id = child AND end_date IS NULL);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION lac_wl_assessment() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.child_id IS DISTINCT FROM OLD.child_id THEN
        SELECT responsible_la_id, team_id INTO NEW.wl_la_id, NEW.wl_team_id
          FROM children_child WHERE id = NEW.child_id;
        NEW.wl_in_care := lac_wl_in_care(NEW.child_id);
        IF TG_OP = 'INSERT' THEN
            -- No appointment can refer to a row not inserted yet.
            NEW.wl_booked_for := NULL;
            NEW.wl_attended_on := NULL;
        ELSE
            NEW.wl_booked_for := OLD.wl_booked_for;
            NEW.wl_attended_on := OLD.wl_attended_on;
        END IF;
        RETURN NEW;
    END IF;
    IF pg_trigger_depth() = 1
       AND coalesce(current_setting('lac.worklist_rebuild', true), '') <> 'on' THEN
        NEW.wl_la_id := OLD.wl_la_id;
        NEW.wl_team_id := OLD.wl_team_id;
        NEW.wl_in_care := OLD.wl_in_care;
        NEW.wl_booked_for := OLD.wl_booked_for;
        NEW.wl_attended_on := OLD.wl_attended_on;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_wl_appointments(assessment bigint) RETURNS void AS $$
    UPDATE assessments_assessment a
       SET wl_booked_for = s.booked_for, wl_attended_on = s.attended_on
      FROM (SELECT MAX(appointment_date) FILTER (WHERE outcome = 'BOOKED') AS booked_for,
                   MAX(appointment_date) FILTER (WHERE outcome = 'ATTENDED') AS attended_on
              FROM assessments_appointment
             WHERE assessment_id = assessment AND deleted_at IS NULL) s
     WHERE a.id = assessment
       AND (a.wl_booked_for IS DISTINCT FROM s.booked_for
            OR a.wl_attended_on IS DISTINCT FROM s.attended_on);
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION lac_wl_appointment() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM lac_wl_appointments(OLD.assessment_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.assessment_id <> OLD.assessment_id) THEN
        PERFORM lac_wl_appointments(NEW.assessment_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_wl_child() RETURNS trigger AS $$
BEGIN
    UPDATE assessments_assessment SET wl_la_id = NEW.responsible_la_id, wl_team_id = NEW.team_id
     WHERE child_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_wl_care(child bigint) RETURNS void AS $$
    UPDATE assessments_assessment SET wl_in_care = lac_wl_in_care(child)
     WHERE child_id = child AND wl_in_care IS DISTINCT FROM lac_wl_in_care(child);
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION lac_wl_period() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM lac_wl_care(OLD.child_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.child_id <> OLD.child_id) THEN
        PERFORM lac_wl_care(NEW.child_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assessments_assessment_worklist
    BEFORE INSERT OR UPDATE OF child_id, wl_la_id, wl_team_id, wl_in_care, wl_booked_for,
        wl_attended_on ON assessments_assessment
    FOR EACH ROW EXECUTE FUNCTION lac_wl_assessment();
CREATE TRIGGER assessments_appointment_worklist
    AFTER INSERT OR UPDATE OF assessment_id, appointment_date, outcome, deleted_at OR DELETE
    ON assessments_appointment
    FOR EACH ROW EXECUTE FUNCTION lac_wl_appointment();
CREATE TRIGGER children_child_worklist
    AFTER UPDATE OF responsible_la_id, team_id ON children_child
    FOR EACH ROW
    WHEN (OLD.responsible_la_id IS DISTINCT FROM NEW.responsible_la_id
          OR OLD.team_id IS DISTINCT FROM NEW.team_id)
    EXECUTE FUNCTION lac_wl_child();
CREATE TRIGGER children_periodofcare_worklist
    AFTER INSERT OR UPDATE OF child_id, end_date OR DELETE ON children_periodofcare
    FOR EACH ROW EXECUTE FUNCTION lac_wl_period();
"""

DROP = """
DROP TRIGGER IF EXISTS assessments_assessment_worklist ON assessments_assessment;
DROP TRIGGER IF EXISTS assessments_appointment_worklist ON assessments_appointment;
DROP TRIGGER IF EXISTS children_child_worklist ON children_child;
DROP TRIGGER IF EXISTS children_periodofcare_worklist ON children_periodofcare;
DROP FUNCTION IF EXISTS lac_wl_assessment();
DROP FUNCTION IF EXISTS lac_wl_appointment();
DROP FUNCTION IF EXISTS lac_wl_appointments(bigint);
DROP FUNCTION IF EXISTS lac_wl_child();
DROP FUNCTION IF EXISTS lac_wl_period();
DROP FUNCTION IF EXISTS lac_wl_care(bigint);
DROP FUNCTION IF EXISTS lac_wl_in_care(bigint);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL, params=None)
        schema_editor.execute(FUNCTIONS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0013_worklist_columns"),
        ("children", "0012_child_search_indexes"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
