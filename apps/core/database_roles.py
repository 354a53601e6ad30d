"""The database role the app connects as owns nothing (issue 17, finding 6).

A migration role owns the schema and runs ``migrate``; the app role (``DATABASE_APP_ROLE``,
default ``lac_app``) may read and write the tables, but on the access log only SELECT and
INSERT: without ownership it cannot TRUNCATE the log or ALTER TABLE ... DISABLE TRIGGER, the
two ways its append-only trigger could be bypassed through the app's own connection.

``manage.py grant_app_role`` (run as the owner after every migrate: compose's migrate job and
CI do) creates the role if needed and sets exactly these grants; it is idempotent."""

from django.db import connection

ACCESS_LOG_TABLE = "audit_accessevent"


def grant_app_role(*, role: str, password: str | None = None) -> list[str]:
    """Create or update the app role and its grants on every table of the public schema;
    returns the statements run (passwords masked)."""
    from psycopg2 import sql

    statements: list[tuple[sql.Composable, tuple]] = []
    ident = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        if not exists:
            statements.append((sql.SQL("CREATE ROLE {} LOGIN").format(ident), ()))
        statements.append(
            (
                sql.SQL("ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS").format(
                    ident
                ),
                (),
            )
        )
        if password:
            statements.append((sql.SQL("ALTER ROLE {} PASSWORD %s").format(ident), (password,)))
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]
        statements += [
            (
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(database), ident
                ),
                (),
            ),
            (sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident), ()),
            (
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
                ).format(ident),
                (),
            ),
            (
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(
                    ident
                ),
                (),
            ),
            (
                sql.SQL(
                    "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}"
                ).format(sql.Identifier(ACCESS_LOG_TABLE), ident),
                (),
            ),
            (sql.SQL("REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {}").format(ident), ()),
        ]
        done = []
        for statement, params in statements:
            cursor.execute(statement, params or None)
            done.append(statement.as_string(cursor.connection).replace(password or "\0", "***"))
    return done


def connected_as_superuser_or_owner() -> tuple[bool, bool]:
    """(superuser, owns the access log) for the current connection, on PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        superuser = bool(row and row[0])
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) = current_user FROM pg_class "
            "WHERE relname = %s AND relkind = 'r'",
            [ACCESS_LOG_TABLE],
        )
        row = cursor.fetchone()
        owner = bool(row and row[0])
    return superuser, owner
