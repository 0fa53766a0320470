"""Settings shared by every environment. Values that differ per deployment come from the
environment (django-environ); the defaults here are safe for development only and are
overridden or refused by ``production``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env(
    "SECRET_KEY", default="django-insecure-development-only-key-do-not-use-in-production"
)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SERVICE_NAME = "Local Industrial Strategy Portal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_results",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "lepportal.core",
    "accounts",
    "strategies",
    "consultations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that its process_exception (run last to first) answers a lost database with
    # the styled 503 page after every other middleware has had its turn.
    "lepportal.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "lepportal.core.permissions.SignInRequiredMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lepportal.urls"
WSGI_APPLICATION = "lepportal.wsgi.application"

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
                "csp.context_processors.nonce",
                "lepportal.core.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lepportal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Login throttling: five failures for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Sessions and cookies: only strictly necessary cookies (session, CSRF), both HttpOnly where
# the browser allows, SameSite=Lax.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# E-mail: EMAIL_URL selects the backend (consolemail://, filemail://path, smtp://...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Local Industrial Strategy Portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The cache: per process (locmem) unless CACHE_URL names a shared one, such as
# redis://host:6379/1 (Django's own Redis backend). The public strategy page keeps rendered
# parts in it and the form's rate limit counts in it; both work, per process, without Redis.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering must fail fast, not hold a web worker.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("socket_connect_timeout", 1)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 1)

# Celery. With no broker configured, tasks run in-process (eagerly) so the portal works on its
# embedded defaults; see docs/decisions/0002-tasks-without-a-broker.md.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands a task that was delivered but never acknowledged (``acks_late``: a worker killed
# outright) to another worker once it has been out this long. It must stay longer than the
# longest hard time limit (CELERY_TASK_TIME_LIMIT), or a task still running would be given to a
# second worker. A killed compilation does not wait for it: the sweep below queues it again.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# A running compilation whose heartbeat is older than this is taken for dead by the sweep that
# beat runs ("requeue-stale-compilations") and queued again as a new attempt. Longer than a
# compile part's hard time limit (11 minutes), since a part may run that long between beats.
COMPILATION_STALE_AFTER_SECONDS = env.int("COMPILATION_STALE_AFTER_SECONDS", default=15 * 60)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "lepportal.core.tasks.record_worker_heartbeat",
        "schedule": 60.0,
    },
    "requeue-stale-exports": {
        "task": "strategies.reset_stale_exports",
        "schedule": 600.0,
    },
    "erase-personal-data": {
        "task": "consultations.erase_due_personal_data",
        "schedule": crontab(hour=3, minute=0),
    },
    "requeue-stale-compilations": {
        "task": "consultations.reporting.sweep_stale_compilations",
        "schedule": 300.0,
    },
    "compile-closed-consultations": {
        "task": "consultations.reporting.compile_closed_consultations",
        "schedule": 900.0,
    },
}

# The API at /api/v1/ (lepportal/core/api.py): per-user tokens or the session (with CSRF), the
# pages' django-rules permissions, JSON only, one error body, pagination and throttling
# everywhere. Throttle rates are read on each request, so they can be changed per environment.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The first class names the 401 challenge ("WWW-Authenticate: Token").
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lepportal.core.api.RulesPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["lepportal.core.api.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "lepportal.core.api.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "lepportal.core.api.AnonymousThrottle",
        "lepportal.core.api.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANONYMOUS", default="120/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "lepportal.core.api.ApiAutoSchema",
    "EXCEPTION_HANDLER": "lepportal.core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Local Industrial Strategy Portal API",
    "DESCRIPTION": (
        "Published strategies, the national progress tracker, consultations and their "
        "responses, comments and moderation. Published material is public; everything else "
        "follows the same permission rules as the portal's pages. Authenticate with "
        "`Authorization: Token <key>` (create a token on your account page) or a signed-in "
        "session (unsafe methods then need the CSRF token). Every error has the body "
        '`{"error": {"code": ..., "message": ..., "fields": {...}}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "state", "status", "kind" or "source": name each set of choices.
    "ENUM_NAME_OVERRIDES": {
        "ConsultationStateEnum": "consultations.models.Consultation.State",
        "CommentStateEnum": "consultations.models.Comment.State",
        "ConsultationKindEnum": "consultations.models.Consultation.Kind",
        "QuestionKindEnum": "consultations.models.Question.Kind",
        "SectionKindEnum": "strategies.constants.SectionKind",
        "StrategyStatusEnum": "strategies.models.Strategy.Status",
        "ResponseStatusEnum": "consultations.models.Response.Status",
        "VersionSourceEnum": "strategies.models.StrategyVersion.Source",
        "ResponseSourceEnum": "consultations.models.Response.Source",
        "SectionSourceEnum": "strategies.api.serializers.SECTION_SOURCES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would fetch an image from another site (blocked, and offline).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Demo accounts are created only where this is true (never in production settings).
DEMO_DATA_ALLOWED = True
CSRF_FAILURE_VIEW = "lepportal.core.views.csrf_failure"

# Evidence base: an LQ at or above the threshold, with at least the minimum employment in the
# area, makes a sector a specialism.
EVIDENCE_SPECIALISM_THRESHOLD = env.float("EVIDENCE_SPECIALISM_THRESHOLD", default=1.25)
EVIDENCE_MINIMUM_EMPLOYMENT = env.int("EVIDENCE_MINIMUM_EMPLOYMENT", default=1000)
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=1024 * 1024)

# Section comments: likely spam is held for a moderator (state pending, with the reason),
# whatever the consultation's moderation mode. See consultations/moderation.py.
# More links than this in one comment hold it.
COMMENT_SPAM_MAX_LINKS = env.int("COMMENT_SPAM_MAX_LINKS", default=2)
# Words or phrases (whole words, any case) that hold a comment.
COMMENT_SPAM_BANNED_WORDS: list[str] = env.list(
    "COMMENT_SPAM_BANNED_WORDS",
    default=["viagra", "cialis", "casino", "payday loan", "crypto giveaway", "escort service"],
)
# The same text (ignoring case, spacing and punctuation) within this window is a duplicate: held
# when its author posted it before, or when it would be this many copies in the consultation.
COMMENT_SPAM_DUPLICATE_WINDOW_SECONDS = env.int(
    "COMMENT_SPAM_DUPLICATE_WINDOW_SECONDS", default=24 * 60 * 60
)
COMMENT_SPAM_DUPLICATE_LIMIT = env.int("COMMENT_SPAM_DUPLICATE_LIMIT", default=3)
# A second comment by the same person sooner than this is faster than anyone reads and writes.
COMMENT_SPAM_MIN_SECONDS_BETWEEN = env.int("COMMENT_SPAM_MIN_SECONDS_BETWEEN", default=20)
