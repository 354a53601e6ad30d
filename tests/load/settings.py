"""Settings for the load test's gunicorn and seeding (scripts/loadtest.py): the developer
settings with DEBUG off, emails kept in memory and the usual embedded Celery (tasks run in
the request unless CELERY_BROKER_URL is set)."""

from config.settings.local import *  # noqa: F403

DEBUG = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
