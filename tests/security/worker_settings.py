"""Settings for the Celery workers the broker-failure tests start.

The visibility timeout (how long Redis keeps a delivered, unacknowledged message before
another worker may take it) is fixed in config/settings/base.py at one hour and is not read
from the environment, so a test cannot lower it through env or ``celery_app.conf`` in its
own process: the value that matters is the consuming worker's. This module is the worker's
DJANGO_SETTINGS_MODULE; it lowers the timeout (TEST_VISIBILITY_TIMEOUT seconds) and makes the
worker look for abandoned messages every second instead of every 100. It also lowers the
hard task time limit (TEST_TASK_TIME_LIMIT seconds) and with it the window after which an
export job left RUNNING counts as abandoned, as base.py derives one from the other."""

from config.settings.local import *  # noqa: F403
from config.settings.local import CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_TASK_TIME_LIMIT, env

DEBUG = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": env.int("TEST_VISIBILITY_TIMEOUT", default=6),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_TIME_LIMIT = env.int("TEST_TASK_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 1
EXPORT_JOB_STALE_AFTER = CELERY_TASK_TIME_LIMIT + 1
