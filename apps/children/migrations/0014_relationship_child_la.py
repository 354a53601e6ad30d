"""Each child relationship row carries a copy of the child's responsible LA (issue 18), so
that "another LA's child placed in this area" (the provider's and commissioner's second
part of the access rule) is a condition on the row itself, read from a small partial
index, instead of a join of every child placed in the area with the children table. On
PostgreSQL triggers keep the copy: a row takes it from the child when it is written, and a
change of the child's responsible LA is copied to all its rows in the same transaction.
SQLite (the embedded default) has no triggers and reads the rule."""

from django.db import migrations, models

FUNCTIONS = """
CREATE OR REPLACE FUNCTION lac_relationship_child_la() RETURNS trigger AS $$
BEGIN
    SELECT responsible_la_id INTO NEW.child_la_id FROM children_child WHERE id = NEW.child_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lac_child_la_to_relationships() RETURNS trigger AS $$
BEGIN
    IF NEW.responsible_la_id IS DISTINCT FROM OLD.responsible_la_id THEN
        UPDATE children_childrelationship SET child_la_id = NEW.responsible_la_id
         WHERE child_id = NEW.id AND child_la_id IS DISTINCT FROM NEW.responsible_la_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER children_childrelationship_child_la
    BEFORE INSERT OR UPDATE OF child_id ON children_childrelationship
    FOR EACH ROW EXECUTE FUNCTION lac_relationship_child_la();
CREATE TRIGGER children_child_la_to_relationships
    AFTER UPDATE OF responsible_la_id ON children_child
    FOR EACH ROW EXECUTE FUNCTION lac_child_la_to_relationships();

UPDATE children_childrelationship r SET child_la_id = c.responsible_la_id
  FROM children_child c
 WHERE c.id = r.child_id AND r.child_la_id IS DISTINCT FROM c.responsible_la_id;
"""

DROP = """
DROP TRIGGER IF EXISTS children_childrelationship_child_la ON children_childrelationship;
DROP TRIGGER IF EXISTS children_child_la_to_relationships ON children_child;
DROP FUNCTION IF EXISTS lac_relationship_child_la();
DROP FUNCTION IF EXISTS lac_child_la_to_relationships();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organisation_ons_code"),
        ("children", "0013_child_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="childrelationship",
            name="child_la_id",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="childrelationship",
            index=models.Index(
                condition=models.Q(("ended_on__isnull", True), ("reason", "PLACED_IN_AREA"))
                & ~models.Q(organisation=models.F("child_la_id")),
                fields=["organisation", "child"],
                name="relationship_placed_away",
            ),
        ),
    ]
