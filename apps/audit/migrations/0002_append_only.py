"""The access log is append-only: the database itself refuses UPDATE and DELETE."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessevent_no_update BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_accessevent_append_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS audit_accessevent_no_update ON audit_accessevent;
DROP FUNCTION IF EXISTS audit_accessevent_append_only();
"""
# SQLite (the embedded development database) refuses updates only: the test runner empties
# tables with DELETE between transactional tests there. PostgreSQL, used in production and
# CI, empties them with TRUNCATE, which row triggers do not see, so it refuses both.
SQLITE = [
    """CREATE TRIGGER audit_accessevent_no_update BEFORE UPDATE ON audit_accessevent
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_accessevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
