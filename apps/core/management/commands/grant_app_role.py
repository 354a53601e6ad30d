"""Create the app's database role and set its grants (run as the schema owner after migrate)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core.database_roles import grant_app_role


class Command(BaseCommand):
    help = (
        "Create or update the role the app connects as (DATABASE_APP_ROLE, default lac_app): "
        "read and write on every table, only SELECT and INSERT on the access log, owner of "
        "nothing. Run as the schema owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.DATABASE_APP_ROLE)
        parser.add_argument(
            "--password-env",
            default="DATABASE_APP_PASSWORD",
            help="Environment variable holding the role's password (none: keep it as it is)",
        )

    def handle(self, *args, role: str, password_env: str, **options):
        import os

        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; the embedded SQLite has none.")
        for statement in grant_app_role(role=role, password=os.environ.get(password_env)):
            self.stdout.write(statement)
