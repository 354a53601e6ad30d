"""Fast bulk updates of many rows with different values.

Django's bulk_update builds a CASE WHEN per field and row, which costs seconds of Python per
thousand rows. Here: PostgreSQL gets one UPDATE ... FROM (VALUES ...) per page of rows; other
databases an executemany of a plain UPDATE."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def bulk_update_rows(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    fields: Sequence[str],
    page_size: int = 2000,
) -> int:
    """Each row is {"id": pk, field: value, ...} with every named field present."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in fields]
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    values = [
        [
            row["id"],
            *(
                column.get_db_prep_save(row[name], connection)
                for column, name in zip(columns, fields, strict=True)
            ),
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            assignments = ", ".join(
                f"{connection.ops.quote_name(c.column)} = v.{connection.ops.quote_name(c.column)}::{c.db_type(connection)}"
                for c in columns
            )
            names = ", ".join(["id", *(connection.ops.quote_name(c.column) for c in columns)])
            sql = f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) AS v({names}) WHERE t.{pk_column} = v.id"
            execute_values(
                cursor.cursor if hasattr(cursor, "cursor") else cursor,
                sql,
                values,
                page_size=page_size,
            )
        else:
            assignments = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s"
            cursor.executemany(sql, [[*v[1:], v[0]] for v in values])
    return len(rows)
