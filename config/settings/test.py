"""Test settings.

The database comes from DATABASE_URL (scripts/test.sh sets it to the local PostgreSQL when
that is reachable, and always in CI). Tasks run in-process unless a test starts a worker.
"""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Served from the app directories through the finders; no collectstatic in tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The integration tests start a real worker on this broker; everything else runs tasks eagerly.
TEST_CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default=env("CELERY_BROKER_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"

# CI migrates one database and names it here: each test database is then made as a copy of
# it (CREATE DATABASE ... TEMPLATE), and the test runner's migrate finds nothing to apply.
if _template := env("TEST_DATABASE_TEMPLATE", default=""):
    DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = _template
