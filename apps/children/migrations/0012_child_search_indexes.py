"""Child search at national scale (issue 18). The child list searches names with
``icontains`` and the LA reference with ``iexact``; on PostgreSQL those are
``UPPER(col) LIKE UPPER('%q%')`` and ``UPPER(col) = UPPER('q')``, which no plain index
serves, so every search scanned all children. Trigram GIN indexes (pg_trgm) on the upper-
cased names serve the substring match, and a btree on the upper-cased reference the exact
one; the NHS number is already unique (an index). SQLite, the embedded default, keeps its
plain LIKE scan: nothing is created there."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS child_last_name_trigram ON children_child "
    "USING gin (UPPER(last_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS child_first_name_trigram ON children_child "
    "USING gin (UPPER(first_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS child_reference_upper ON children_child (UPPER(la_child_id))",
]
DROP = [
    "DROP INDEX IF EXISTS child_last_name_trigram",
    "DROP INDEX IF EXISTS child_first_name_trigram",
    "DROP INDEX IF EXISTS child_reference_upper",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("children", "0011_child_relationship_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
