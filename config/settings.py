"""The one settings module. Everything that differs between machines comes from the environment.

The defaults are the embedded, no-install case (SQLite under ./var). Production sets DATABASE_URL,
SECRET_KEY and ALLOWED_HOSTS and gets secure defaults for everything else.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.signing_keys import public_key_from_base64, signing_key_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent


# A misspelt value (SESSION_COOKIE_SECURE=treu) must stop the start, not quietly mean "off".
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {', '.join(TRUE_WORDS)} "
        f"or {', '.join(FALSE_WORDS)}."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is below its minimum, {minimum}.")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip() not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value.strip()


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it ("60/hour": a count, then s, m, h or d and any suffix);
    checked here because DRF would only fail on it at the first throttled request."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if not re.fullmatch(r"[1-9][0-9]*/[smhd][a-z]*", value.strip()):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate such as 60/hour (a count, then /second, /minute, "
            "/hour or /day)."
        )
    return value.strip()


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG=1.")
    # Only for a developer's machine: DEBUG is on, so the service is not exposed as production.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "django_tasks",
    "django_tasks_db",
    "clients",
    "content",
    "screening",
    "outbox",
    "periodic",
    "notifications",
]

MIDDLEWARE = [
    "config.request_context.RequestContextMiddleware",
    "config.hostile_input.HostileInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under ./var is the embedded default, so a first run needs nothing installed.
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite connections are cheap and persistent ones trip over its file locking.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Bind parameters on the server and let psycopg prepare a statement after its fifth use on a
    # connection, so PostgreSQL parses and plans each of our few query shapes once per connection
    # instead of once per request: its CPU per request fell by about 80% (the token lookup) and
    # 40-55% (a one-call submit) in the benchmark (docs/performance.md, "Fixed: PostgreSQL parsed
    # and planned every statement again"). Django leaves this off by default because a
    # transaction-pooling PgBouncer before 1.21 cannot follow prepared statements; set
    # DATABASE_PREPARED_STATEMENTS=0 behind one.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clients.User"
# ModelBackend behind the failed-login lockout (clients/services/logins.py).
AUTHENTICATION_BACKENDS = ["clients.backends.LockoutModelBackend"]

# Login lockouts and throttles count in this cache. Per-process memory is right for one process;
# behind several, use a shared cache (Redis, memcached, or Django's database cache) so the limits
# hold across processes: see docs/security.md.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5, minimum=1)  # per username and address
LOGIN_IP_FAILURES = env_int("LOGIN_IP_FAILURES", 50, minimum=1)  # per address, any usernames
LOGIN_LOCKOUT_WINDOW = env_int("LOGIN_LOCKOUT_WINDOW", 15 * 60, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
BEARER_FAILURE_LIMIT = env_int("BEARER_FAILURE_LIMIT", 30, minimum=1)  # failed tokens per address
BEARER_FAILURE_WINDOW = env_int("BEARER_FAILURE_WINDOW", 5 * 60, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))

# Request bodies: a screening or a FHIR Bundle is small; anything far larger is hostile.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1_048_576, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Production security: secure unless the environment says otherwise (DEBUG turns them off).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself; otherwise clients could spoof HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: its WWW-Authenticate header makes anonymous API calls answer 401.
        "clients.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's JSON parser, with the body size limit, a depth limit and no NUL characters.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.SafeJSONParser"],
    # Views opt in with `throttle_scope`; only unsafe methods count.
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.ScopedWriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"tokens": env_rate("THROTTLE_RATE_TOKENS", "60/hour")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Screening API",
    "DESCRIPTION": (
        "Clinician-facing screening service: instruments, screenings, scores and flags for "
        "clinician review. Flags are never a diagnosis."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets ship with the package: the docs work offline and under a strict CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # `<id:pk>` (config/ids.py): a positive 64-bit integer, as the one id parser reads it.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    # Every operation documents the error responses it can give, in the common error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "InstrumentVersionStatusEnum": "screening.models.instrument.VersionStatus",
        "ScreeningStatusEnum": "screening.models.screening.ScreeningStatus",
        "FlagStatusEnum": "screening.models.flag.FlagStatus",
        "EventTypeEnum": "outbox.events.EventType",
        "DeliveryStatusEnum": "notifications.models.deliveries.DeliveryStatus",
        "ReliableChangeEnum": "screening.engine.change.RELIABLE_CHANGE_VALUES",
    },
}

API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90, minimum=1)

# The canonical base of our FHIR resources (Questionnaire.url). Set it in production so canonical
# URLs do not depend on the host name a request happened to use; empty: taken from the request.
FHIR_BASE_URL = os.environ.get("FHIR_BASE_URL", "")

# Background work: Django's Tasks API (the django-tasks backport of DEP 14). The database backend
# is the default: it needs no other server, and on PostgreSQL several `manage.py db_worker`
# processes share its queue (rows claimed with SELECT ... FOR UPDATE SKIP LOCKED). Another backend
# (RQ, say) is one variable away: docs/operations.md.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Redis and RQ workers (`pip install django-tasks-rq`; `manage.py rqworker --job-class
    # django_tasks_rq.Job`) for a deployment that outgrows the database queue.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("RQ_URL", "redis://127.0.0.1:6379/0")}}
# Periodic work (periodic/registry.py): the outbox and delivery sweep, and pruning finished task
# rows after this many days.
OUTBOX_SWEEP_INTERVAL = env_int("OUTBOX_SWEEP_INTERVAL", 60, minimum=1)
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 7, minimum=1)

# The audit trail's sealing (docs/security.md, "The audit trail"): every AUDIT_SEAL_INTERVAL
# seconds a periodic task chains the new events and signs a checkpoint with AUDIT_SIGNING_KEY
# (or the PEM file AUDIT_SIGNING_KEY_FILE); a gap in the event ids (an insert not yet committed,
# or rolled back) holds sealing back for at most AUDIT_SEAL_GRACE seconds. Checkpoints also go to
# the log and are appended to AUDIT_CHECKPOINT_FILE ("" for none). AUDIT_VERIFY_KEYS: retired
# keys' public keys (base64), so checkpoints they signed still verify after a rotation.
AUDIT_SEAL_INTERVAL = env_int("AUDIT_SEAL_INTERVAL", 5, minimum=1)
AUDIT_SEAL_GRACE = env_int("AUDIT_SEAL_GRACE", 10)
AUDIT_SEAL_BATCH = env_int("AUDIT_SEAL_BATCH", 5000, minimum=1)
AUDIT_SIGNING_KEY = signing_key_from_environment(os.environ)
AUDIT_VERIFY_KEYS = [public_key_from_base64(v) for v in env_list("AUDIT_VERIFY_KEYS", [])]
# A production server (config/wsgi.py, config/asgi.py) refuses to start without a signing key
# unless this says, on purpose, that the deployment runs unsealed.
AUDIT_SIGNING_DISABLED = env_bool("AUDIT_SIGNING_DISABLED", False)
if AUDIT_SIGNING_DISABLED and AUDIT_SIGNING_KEY is not None:
    raise ImproperlyConfigured("AUDIT_SIGNING_DISABLED=1 and a signing key are both set.")
AUDIT_CHECKPOINT_FILE = os.environ.get(
    "AUDIT_CHECKPOINT_FILE", str(BASE_DIR / "var" / "audit-checkpoints.jsonl")
).strip()

# E-mail: the console by default (a developer sees every message in the worker's output); SMTP in
# production (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST...).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "screening@localhost")
# Where people open what an e-mail points at (its links): the service's public address.
PUBLIC_BASE_URL = os.environ.get(
    "PUBLIC_BASE_URL", "http://127.0.0.1:8000" if DEBUG else ""
).rstrip("/")

# Outbound webhooks and FHIR Subscription notifications (docs/security.md, "Outbound requests").
WEBHOOK_REQUIRE_HTTPS = env_bool("WEBHOOK_REQUIRE_HTTPS", not DEBUG)
# Private, loopback and link-local addresses are refused unless this is on (tests, on-premises).
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
WEBHOOK_TIMEOUT = env_int(
    "WEBHOOK_TIMEOUT", 10, minimum=1
)  # seconds, to connect and to read the answer
WEBHOOK_RETRY_HOURS = env_int(
    "WEBHOOK_RETRY_HOURS", 24, minimum=1
)  # retried with backoff for this long
# An endpoint (or FHIR Subscription) failing this many attempts in a row is disabled (error).
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20, minimum=1)
# Fernet keys (comma-separated, newest first) that encrypt webhook secrets and Subscription
# headers at rest; empty: one derived from SECRET_KEY (set your own so SECRET_KEY can rotate).
NOTIFY_ENCRYPTION_KEYS = env_list("NOTIFY_ENCRYPTION_KEYS", [])

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)
# The task runner's own lines (a task started, a task finished: two per run, and the audit seal
# runs every few seconds). `make run` sets WARNING, so its output is the requests and any
# failure; a failed task is logged at ERROR and stays visible at any of these levels.
TASKS_LOG_LEVEL = env_choice("TASKS_LOG_LEVEL", LOG_LEVEL, LOG_LEVELS)
TASK_LOGGERS = ("django_tasks", "django_tasks_db", "django.tasks")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.request_context.RequestIdLogFilter"},
        "tasks_level": {
            "()": "config.request_context.MinimumLevelFilter",
            "level": TASKS_LOG_LEVEL,
        },
    },
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces Django's own per-request lines.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # The checkpoint sink's log line is written whatever LOG_LEVEL says.
        "audit.checkpoint": {"level": "INFO"},
        **{name: {"filters": ["tasks_level"]} for name in TASK_LOGGERS},
    },
}
