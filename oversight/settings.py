"""Oversight settings: one module, configured from the environment.

Embedded defaults (nothing set): SQLite file in the project, Celery tasks run
eagerly, console email. Production (``DJANGO_ENV=production``) requires a real
``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on the HTTPS protections.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

_INSECURE_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)
if PRODUCTION and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_ENV=production needs SECRET_KEY set to a random value of 50+ characters.")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "oversight.apps.OversightAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the GOV.UK form renderer below
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oversight",
    "cases",
    "audits",
    "commitments",
    "performance",
    "summaries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "oversight.middleware.MfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "oversight.middleware.ControlCharacterMiddleware",
    "oversight.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

FORM_RENDERER = "oversight.forms.GovukFormRenderer"  # GOV.UK form groups for every field

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
                "oversight.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind a transaction-pooling proxy (PgBouncer's pool_mode = transaction) a session's server-side
    # cursors and prepared statements do not follow it from one transaction to the next: Django's flag
    # turns its server-side cursors off, and the KPI rollup (cases.rollups) reads it to prepare nothing.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "oversight.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock an account/IP pair out after repeated failed logins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "oversight.lockout.lockout_username"  # one count per email, whatever its case
AXES_VERBOSE = False

# Multi-factor authentication (django-otp: TOTP app plus single-use recovery codes).
# Required for everyone in production; optional (enrol from the account page) elsewhere.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=PRODUCTION)
MFA_RECOVERY_CODE_COUNT = 10
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Oversight")
# A set-password link (invitation or reset) works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)

# Access log of case-level reads: rows older than this are deleted by a daily task.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=2555)
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the Nth
# address from the right; 0 (the default) trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates on pages read "2 October 2026" (GOV.UK style). The locale's formats win over DATE_FORMAT,
# so oversight/formats/<locale>/formats.py sets the same display formats; ISO stays in downloads.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
FORMAT_MODULE_PATH = ["oversight.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]


def default_file_storage(environment: Any) -> dict[str, Any]:
    """The "default" storage (evidence files): an S3-compatible bucket through django-storages when
    ``EVIDENCE_S3_BUCKET`` (or ``AWS_STORAGE_BUCKET_NAME``) is set, local files under MEDIA_ROOT otherwise.

    The bucket is private (no ACL, no public URLs: files are only read back through the audits download
    view, which checks permissions); names are never overwritten. Credentials are boto3's own
    (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, an instance role, ...), never kept in settings.
    """
    bucket = environment.get("EVIDENCE_S3_BUCKET") or environment.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": environment.get("EVIDENCE_S3_PREFIX", ""),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": environment.get("EVIDENCE_S3_ENCRYPTION", "AES256")},
    }
    for option, name in (
        ("region_name", "AWS_S3_REGION_NAME"),
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),  # an S3-compatible service (MinIO, Ceph ...)
    ):
        if environment.get(name):
            options[option] = environment[name]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": default_file_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Evidence attached to audits is stored through Django's storage API ("default" above): under
# MEDIA_ROOT, or in the S3 bucket when one is configured; it is never served from MEDIA_URL or a
# bucket URL, only through the audits download view.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# A stored evidence file no attachment names (its upload was rolled back, its row deleted) is deleted
# by the hourly sweep once older than this (audits.evidence.sweep_orphans).
EVIDENCE_ORPHAN_GRACE_HOURS = env.int("EVIDENCE_ORPHAN_GRACE_HOURS", default=24)

# Uploads: the investigation CSV may be large; it is streamed from a temp file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest investigation CSV the upload page accepts (a clear message above it, nothing read).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=100 * 1000 * 1000)
# Files of more data rows than this are imported by a Celery task, never in the web request; the upload
# waits in IMPORT_SPOOL_DIR (readable by web and worker: a shared volume when they run apart) until then.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=20_000)
IMPORT_SPOOL_DIR = env.str("IMPORT_SPOOL_DIR", default=os.path.join(tempfile.gettempdir(), "oversight-imports"))
# Uploads kept for "Import this file" after a preview are deleted after this long if never imported.
IMPORT_PREVIEW_KEEP_HOURS = env.int("IMPORT_PREVIEW_KEEP_HOURS", default=24)

# Redis: broker, result backend and cache when REDIS_URL is set; otherwise
# tasks run eagerly in the web process and the cache is in memory.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# Faults. A worker that dies mid-task gives its task back (acks late, rejected on a lost worker),
# and Redis hands an unacknowledged task to another worker only after ``visibility_timeout``,
# which must outlast the longest task's time limit (or a slow task would run twice).
# Sending a task from a page must fail fast when Redis is down (the caller records it as
# "waiting to be sent" and a beat sweep sends it later), not hang for twenty seconds.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
BROKER_VISIBILITY_TIMEOUT = CELERY_TASK_TIME_LIMIT + 10 * 60
BROKER_SOCKET_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 3}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT, **BROKER_SOCKET_TIMEOUTS}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    **BROKER_SOCKET_TIMEOUTS,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 3

# KPI figures are cached per data version (any write to investigations retires them);
# the timeout only bounds how long an unused entry lingers. 0 turns the cache off.
KPI_CACHE_SECONDS = env.int("KPI_CACHE_SECONDS", default=15 * 60)
# The register's drop-down lists of LPAs, teams and flags are cached (a query on every register page and
# API list); a save or delete of one retires them at once, the timeout bounds changes made around the
# models (SQL, a data migration). 0 turns the cache off.
REFERENCE_CHOICES_SECONDS = env.int("REFERENCE_CHOICES_SECONDS", default=10 * 60)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="oversight@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The report to the Commissioner: the protective marking printed in every header and footer, and the
# author named in its title block (when blank, the person who generates the report).
PROTECTIVE_MARKING = env.str("PROTECTIVE_MARKING", default="OFFICIAL-SENSITIVE")
REPORT_AUTHOR_NAME = env.str("REPORT_AUTHOR_NAME", default="")
REPORT_AUTHOR_JOB_TITLE = env.str("REPORT_AUTHOR_JOB_TITLE", default="")

REST_FRAMEWORK: dict[str, Any] = {
    # Token first: its WWW-Authenticate header makes a missing or invalid token a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oversight.api_auth.MfaTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["oversight.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "oversight.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["oversight.throttles.AnonThrottle", "oversight.throttles.UserThrottle"],
}
# API rate limits (oversight.throttles): requests per second, min, hour or day; anonymous by address.
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="30/min"),
    "user": env.str("API_THROTTLE_USER", default="300/min"),
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "Oversight API",
    "DESCRIPTION": "Investigation register, KPIs, audits, commitments and RAG reporting.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RagRatingEnum": "commitments.choices.Rating",
        "ScrutinyQueryStatusEnum": "commitments.choices.QueryStatus",
        "TrackerStatusEnum": "commitments.choices.RecommendationStatus",
        "TrackerOwnerStatusEnum": "commitments.choices.RECOMMENDATION_OWNER_TARGETS",
        "AuditAreaEnum": "audits.choices.AuditArea",
    },
}

# Content Security Policy: no inline scripts, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# whitenoise serves static files in every mode; in development straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
