"""Deployment checks (``manage.py check --deploy``): production refuses the embedded defaults
and a database connection that could bypass the access log's append-only guarantee."""

from django.conf import settings
from django.core.checks import Error, Tags, register


# Tagged security, not database: database-tagged checks run only when asked for by name.
@register(Tags.security, deploy=True)
def production_services(app_configs=None, **kwargs):
    errors = []
    if settings.DEBUG:
        return errors
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" in engine:
        errors.append(
            Error(
                "Production runs on PostgreSQL, not the embedded SQLite.",
                hint="Set DATABASE_URL to the PostgreSQL database (as the app role).",
                id="lac.E001",
            )
        )
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if not broker or broker.startswith("memory://") or settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "Production needs a Celery broker: without one, tasks run inside web requests.",
                hint="Set CELERY_BROKER_URL (Redis).",
                id="lac.E002",
            )
        )
    if "postgresql" in engine:
        from apps.core.database_roles import connected_as_superuser_or_owner

        try:
            superuser, owner = connected_as_superuser_or_owner()
        except Exception as error:  # the check reports an unreachable database, not crashes
            errors.append(Error(f"Could not check the database role: {error}", id="lac.E005"))
            return errors
        if superuser:
            errors.append(
                Error(
                    "The app connects to PostgreSQL as a superuser, which can TRUNCATE the "
                    "access log or disable its append-only trigger.",
                    hint="Connect as the app role (manage.py grant_app_role) and migrate as the owner.",
                    id="lac.E003",
                )
            )
        elif owner:
            errors.append(
                Error(
                    "The app connects as the owner of the access log table, which can disable "
                    "its append-only trigger.",
                    hint="Connect as the app role (manage.py grant_app_role).",
                    id="lac.E004",
                )
            )
    return errors
