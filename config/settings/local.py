"""Developer settings: the embedded default (SQLite, in-process tasks) unless env says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
