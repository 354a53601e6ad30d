"""Issue 17, finding 6: the access log's append-only guarantee was bypassable because the app
connected as the superuser that owns the table (TRUNCATE, ALTER TABLE ... DISABLE TRIGGER).

Here the app role made by ``manage.py grant_app_role`` connects to the test database: it
reads and writes the tables, appends to the access log, and can neither rewrite, truncate
nor un-trigger it. The deployment checks refuse SQLite, no broker, and a superuser."""

import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from apps.core.checks import production_services

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres_only():
    if connection.vendor != "postgresql":
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI runs on PostgreSQL")
        pytest.skip("database roles are PostgreSQL's")


@pytest.fixture
def app_role():
    _postgres_only()
    role = f"lac_app_test_{uuid.uuid4().hex[:8]}"
    call_command("grant_app_role", role=role, password_env="NO_SUCH_VARIABLE_SET")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _connect_as(role: str):
    import psycopg2

    settings_dict = connection.settings_dict
    return psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=role,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
    )


def _refused(cursor, statement: str) -> str:
    import psycopg2

    cursor.execute("SAVEPOINT probe")
    try:
        cursor.execute(statement)
    except psycopg2.Error as error:
        cursor.execute("ROLLBACK TO SAVEPOINT probe")
        return str(error)
    cursor.execute("ROLLBACK TO SAVEPOINT probe")
    raise AssertionError(f"{statement!r} was allowed")


def test_the_app_role_appends_to_the_access_log_and_cannot_bypass_it(app_role, cast):
    link = _connect_as(app_role)
    try:
        cursor = link.cursor()
        cursor.execute(
            "INSERT INTO audit_accessevent (at, username, role, action, outcome, status_code,"
            " method, path, query, view_name, object_id) VALUES"
            " (now(), 'probe', '', 'VIEW', 'ALLOWED', 200, 'GET', '/probe/', '', '', '')"
        )
        cursor.execute("SELECT count(*) FROM audit_accessevent WHERE username = 'probe'")
        assert cursor.fetchone()[0] == 1
        assert "permission denied" in _refused(cursor, "TRUNCATE audit_accessevent")
        assert "must be owner" in _refused(
            cursor, "ALTER TABLE audit_accessevent DISABLE TRIGGER ALL"
        )
        assert "permission denied" in _refused(cursor, "UPDATE audit_accessevent SET path = 'x'")
        assert "permission denied" in _refused(cursor, "DELETE FROM audit_accessevent")
        assert "must be owner" in _refused(cursor, "DROP TABLE audit_accessevent")
        # The rest of the app's tables are read and written as usual.
        cursor.execute("SELECT count(*) FROM accounts_user")
        assert cursor.fetchone()[0] >= 10
        cursor.execute(
            "UPDATE accounts_user SET first_name = first_name WHERE id = %s",
            [cast.social_worker.pk],
        )
        assert cursor.rowcount == 1
        assert "permission denied" in _refused(cursor, "TRUNCATE accounts_user CASCADE")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is False
        link.rollback()
    finally:
        link.close()


def test_grant_app_role_is_idempotent(app_role):
    call_command("grant_app_role", role=app_role, password_env="NO_SUCH_VARIABLE_SET")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants"
            " WHERE grantee = %s AND table_name = 'audit_accessevent' ORDER BY 1",
            [app_role],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]


def _ids(errors) -> set[str]:
    return {error.id for error in errors}


def test_deploy_checks_refuse_sqlite_and_no_broker():
    sqlite = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    with override_settings(DEBUG=False, DATABASES=sqlite, CELERY_BROKER_URL="memory://"):
        assert {"lac.E001", "lac.E002"} <= _ids(production_services())


def test_deploy_checks_refuse_a_superuser_connection():
    _postgres_only()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    with override_settings(
        DEBUG=False, CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CELERY_TASK_ALWAYS_EAGER=False
    ):
        ids = _ids(production_services())
    assert ("lac.E003" in ids) == superuser
    assert "lac.E001" not in ids and "lac.E002" not in ids


def test_seed_demo_refuses_production_settings():
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "sqlite:////tmp/lac-seed-refused.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--empty"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "not production settings" in result.stderr


def test_compose_has_no_default_secrets():
    """Finding 13: POSTGRES_PASSWORD=lac, Redis without a password, demo users in compose."""
    from pathlib import Path

    import yaml
    from django.conf import settings

    text = Path(settings.BASE_DIR, "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    for secret in (
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "DATABASE_APP_PASSWORD",
        "DJANGO_SECRET_KEY",
    ):
        assert f"${{{secret}:?" in text and f"${{{secret}:-" not in text, secret
    assert "requirepass" in " ".join(compose["services"]["redis"]["command"])
    assert "DEMO_PASSWORD" not in text and "seed_demo" not in text
    assert compose["services"]["web"]["environment"]["DATABASE_URL"].startswith(
        "postgres://lac_app:"
    )
    for name in ("web", "worker", "beat", "outbox-relay"):
        assert compose["services"][name]["restart"] == "unless-stopped", name
