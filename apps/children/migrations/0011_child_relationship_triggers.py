"""The child relationships table kept by PostgreSQL itself (issue 18): whatever writes an
assessment's provider or a placement's area and dates (a service, the SSDA903 importer, a
test factory, the admin), the relationship follows in the same transaction, so the access
selector can trust the table. Each trigger writes only the row that changed. SQLite (the
embedded default) has no triggers: there the access selector keeps the EXISTS rule."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION lac_relationship_request(child bigint, provider bigint) RETURNS void AS $$
DECLARE
    since date;
BEGIN
    IF child IS NULL OR provider IS NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM assessments_assessment WHERE child_id = child AND provider_id = provider) THEN
        SELECT MIN(request_sent_on) INTO since FROM assessments_assessment
         WHERE child_id = child AND provider_id = provider;
        UPDATE children_childrelationship SET started_on = since
         WHERE child_id = child AND organisation_id = provider AND reason = 'PROVIDER_REQUEST'
           AND started_on IS DISTINCT FROM since;
        IF NOT EXISTS (SELECT 1 FROM children_childrelationship WHERE child_id = child
                       AND organisation_id = provider AND reason = 'PROVIDER_REQUEST') THEN
            INSERT INTO children_childrelationship (child_id, organisation_id, reason, started_on)
            VALUES (child, provider, 'PROVIDER_REQUEST', since);
        END IF;
    ELSE
        DELETE FROM children_childrelationship
         WHERE child_id = child AND organisation_id = provider AND reason = 'PROVIDER_REQUEST';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_relationship_assessment() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.child_id = NEW.child_id
       AND OLD.provider_id IS NOT DISTINCT FROM NEW.provider_id
       AND OLD.request_sent_on IS NOT DISTINCT FROM NEW.request_sent_on THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM lac_relationship_request(OLD.child_id, OLD.provider_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM lac_relationship_request(NEW.child_id, NEW.provider_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_relationship_placement() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.child_id = NEW.child_id
       AND OLD.area_id IS NOT DISTINCT FROM NEW.area_id
       AND OLD.start_date = NEW.start_date
       AND OLD.end_date IS NOT DISTINCT FROM NEW.end_date THEN
        RETURN NULL;
    END IF;
    -- One row per distinct (child, area, start, end): the old one goes when no other
    -- placement has the same facts, the new one comes when it is not there yet.
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.area_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM placements_placement WHERE child_id = OLD.child_id AND area_id = OLD.area_id
           AND start_date = OLD.start_date AND end_date IS NOT DISTINCT FROM OLD.end_date
    ) THEN
        DELETE FROM children_childrelationship
         WHERE child_id = OLD.child_id AND organisation_id = OLD.area_id
           AND reason = 'PLACED_IN_AREA' AND started_on = OLD.start_date
           AND ended_on IS NOT DISTINCT FROM OLD.end_date;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.area_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM children_childrelationship
         WHERE child_id = NEW.child_id AND organisation_id = NEW.area_id
           AND reason = 'PLACED_IN_AREA' AND started_on = NEW.start_date
           AND ended_on IS NOT DISTINCT FROM NEW.end_date
    ) THEN
        INSERT INTO children_childrelationship (child_id, organisation_id, reason, started_on, ended_on)
        VALUES (NEW.child_id, NEW.area_id, 'PLACED_IN_AREA', NEW.start_date, NEW.end_date);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assessments_assessment_relationship
    AFTER INSERT OR UPDATE OF child_id, provider_id, request_sent_on OR DELETE ON assessments_assessment
    FOR EACH ROW EXECUTE FUNCTION lac_relationship_assessment();
CREATE TRIGGER placements_placement_relationship
    AFTER INSERT OR UPDATE OF child_id, area_id, start_date, end_date OR DELETE ON placements_placement
    FOR EACH ROW EXECUTE FUNCTION lac_relationship_placement();
"""

DROP = """
DROP TRIGGER IF EXISTS assessments_assessment_relationship ON assessments_assessment;
DROP TRIGGER IF EXISTS placements_placement_relationship ON placements_placement;
DROP FUNCTION IF EXISTS lac_relationship_assessment();
DROP FUNCTION IF EXISTS lac_relationship_placement();
DROP FUNCTION IF EXISTS lac_relationship_request(bigint, bigint);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("children", "0010_child_relationships")]
    operations = [migrations.RunPython(forwards, backwards)]
