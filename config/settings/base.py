"""Settings shared by every environment.

Everything that differs between machines is read from the environment through ONE
django-environ object. With nothing set, the app runs embedded: SQLite and Celery tasks
executed in-process, so a fresh clone starts with no services.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]", "testserver"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    TIME_ZONE=(str, "Europe/London"),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me-in-production-0123456789")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # GOV.UK Design System form markup (labels, hints, errors, fieldsets) from a maintained
    # template pack rather than hand-written field templates (issue 16).
    "crispy_forms",
    "crispy_forms_gds",
    "apps.core",
    "apps.accounts",
    "apps.policy",
    "apps.children",
    "apps.placements",
    "apps.assessments",
    "apps.adoption",
    "apps.performance",
    "apps.interop",
    "apps.audit",
    "apps.clinics",
    "apps.writeups",
    "apps.dataquality",
    "apps.web",
    "apps.devtools",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.errors.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.SessionPolicyMiddleware",
    "apps.accounts.middleware.SignInThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.audit.middleware.AccessLogMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if "postgresql" in DATABASES["default"].get("ENGINE", ""):
    # JIT off for every connection the app opens (issue 18). PostgreSQL JIT-compiles any
    # query whose estimated cost passes jit_above_cost; the worklists' COUNTs over a whole
    # LA look that expensive and spent 4 s a COUNT compiling (the health admin's worklist at
    # 20,000 children: 14.6 s with JIT, 1.4 s without). Our queries are short interactive
    # reads and set-based writes where compilation never pays back.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# The role the app connects as in production: owner of nothing, SELECT/INSERT only on the
# access log (manage.py grant_app_role, run as the schema owner after migrate).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="lac_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.PasswordBackend",
    "apps.accounts.oidc.backend.ProviderBackend",
]

# Brute force: 5 failures for one username from one address lock that pair for 15 minutes.
# Keyed on the pair, so nobody can lock a user out from everywhere, nor everyone out.
# Password spraying (many usernames, one address) meets a second, per-address limit in
# apps.accounts.views.login (LOGIN_FAILURES_PER_ADDRESS in LOGIN_THROTTLE_WINDOW).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How many reverse proxies (each appending to X-Forwarded-For) stand in front of the app.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.addresses.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)

# Two-factor authentication (TOTP) is required for these roles and available to all.
OTP_REQUIRED_ROLES = {"TEAM_MANAGER", "PERFORMANCE_MANAGER", "DESIGNATED", "AUDITOR", "ADMIN"}
OTP_TOTP_ISSUER = "LAC Health"

# Sessions: a new key at sign-in (Django's login does this), 30 minutes idle, 10 hours at most.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=10))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy: only our own scripts (plus nonce'd inline ones) and styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GOV.UK Frontend, MOJ Frontend (the child's timeline) and htmx come from npm (package.json)
# and are served by us: no CDN.
_STATIC_SOURCES = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("moj", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("", BASE_DIR / "static"),
]
STATICFILES_DIRS = [
    (prefix, path) if prefix else path for prefix, path in _STATIC_SOURCES if path.exists()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an anonymous caller gets 401 with a WWW-Authenticate header.
        # Hashed, expiring, scoped tokens (apps.accounts.tokens), not DRF's plain-text ones.
        "apps.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Looked-after children health assessments API",
    "DESCRIPTION": "Shared record of statutory health assessments for looked-after children.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in users and token holders, not the internet.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClockStatusEnum": "apps.assessments.models.assessment.STATUS_CHOICES",
        "ImmunisationStatusEnum": "apps.assessments.models.records.ImmunisationStatus",
        "BreachReasonEnum": "apps.assessments.models.assessment.REASON_CHOICES",
        "BreachPartyEnum": "apps.assessments.models.assessment.PARTY_CHOICES",
        "AssessmentKindEnum": "apps.assessments.models.assessment.AssessmentKind",
        "ReasonPlaceChangeEnum": "apps.placements.models.ReasonPlaceChange",
        "ClinicKindEnum": "apps.clinics.models.CLINIC_KIND_CHOICES",
    },
}

# Celery. With no broker configured, tasks run in-process (the embedded default); saving a
# record never depends on Redis being up, and the nightly sweep catches up on lost messages.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "visibility_timeout": 3600,
    "max_retries": 1,
}
# A worker outlives a broker outage. Celery gives up after 100 reconnection attempts by
# default (about 50 minutes of Redis being down) and the worker process exits; retry for
# ever instead, at start-up too, and let compose restart it if it still dies.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the connection drops cannot be acknowledged on that connection, and
# Redis hands its message out again after the visibility timeout anyway: stop it at once
# rather than finish and run twice (Celery 6's default). Every task is idempotent, and an
# export left RUNNING is put back by requeue_stale_export_jobs.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = TIME_ZONE
# An export job still RUNNING this long after it started has lost its worker: the hard time
# limit stops any live run sooner. It is then put back to PENDING and sent again, at most
# EXPORT_JOB_MAX_ATTEMPTS runs in all, then FAILED with a message its requester sees.
EXPORT_JOB_STALE_AFTER = env.int("EXPORT_JOB_STALE_AFTER", default=CELERY_TASK_TIME_LIMIT + 60)
EXPORT_JOB_MAX_ATTEMPTS = 3
# The beat process touches this file on every tick; compose's health check reads its age.
BEAT_HEARTBEAT_FILE = env("BEAT_HEARTBEAT_FILE", default="/tmp/celery-beat-heartbeat")

# SSDA903 imports (apps.interop): the most the import page accepts in one upload (the files
# are stored in the database until the job has run; a large LA's year is a few MB), and how
# many rejected rows a job's report keeps and shows (the count by table and column is whole).
SSDA903_MAX_UPLOAD_BYTES = env.int("SSDA903_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
SSDA903_MAX_REPORTED_ERRORS = env.int("SSDA903_MAX_REPORTED_ERRORS", default=200)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo")
# The demo's two-factor roles enrol their authenticator app with this code (a real
# administrator issues a random one per user from the admin).
DEMO_ENROLMENT_CODE = env("DEMO_ENROLMENT_CODE", default="DEMO2FAX")
# Absolute address of the app, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="lac-health@localhost")
# GOV.UK Notify sends the clinic invitations and reminders when a key is set (SMTP otherwise).
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_INVITATION_TEMPLATE_ID = env("NOTIFY_INVITATION_TEMPLATE_ID", default="")
NOTIFY_REMINDER_TEMPLATE_ID = env("NOTIFY_REMINDER_TEMPLATE_ID", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Eager tasks log every run at INFO; that drowns the useful lines.
    "loggers": {"celery": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

from .oidc import *  # noqa: E402, F403
