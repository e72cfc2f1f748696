"""The one settings module: everything comes from the environment, with safe embedded defaults."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The embedded default secret is only acceptable with DEBUG on; gongzhi.startup refuses to serve otherwise.
DEFAULT_SECRET_KEY = "gongzhi-embedded-insecure-secret-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEFAULT_SECRET_KEY
SECRET_KEY_IS_DEFAULT = SECRET_KEY == DEFAULT_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("GONGZHI_TESTING", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "ninja",
    "gongzhi.core",
    "gongzhi.accounts",
    "gongzhi.areas",
    "gongzhi.people",
    "gongzhi.notices",
    "gongzhi.orgs",
    "gongzhi.councils",
    "gongzhi.cases",
    "gongzhi.volunteers",
    "gongzhi.matching",
    "gongzhi.party",
    "gongzhi.evaluation",
    "gongzhi.reports",
    "gongzhi.opendata",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongzhi.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"
ASGI_APPLICATION = "gongzhi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.core.context_processors.shell",
                "gongzhi.notices.context_processors.notices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "gongzhi.sqlite3"
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Named in pg_stat_activity and the server log, so an operator can tell the app's sessions apart.
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = os.environ.get(
        "GONGZHI_PG_APPLICATION_NAME", "gongzhi"
    )
    # Behind PgBouncer in transaction mode a server-side cursor cannot outlive its transaction.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("GONGZHI_PG_POOLER", False)
    # Session settings sent at connect: JIT off by default — the planner over-estimates the grouped
    # rollup reads and compiled them for 25 ms to run for 10 (docs/operations.md). A pooler may refuse
    # startup options: there, set GONGZHI_PG_OPTIONS="" and ALTER ROLE … SET jit = off instead.
    pg_options = os.environ.get("GONGZHI_PG_OPTIONS", "-c jit=off").strip()
    if pg_options:
        DATABASES["default"]["OPTIONS"]["options"] = pg_options
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=600, conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        DATABASES["replica"]["OPTIONS"] = {
            k: v for k, v in DATABASES["default"].get("OPTIONS", {}).items() if k in ("options",)
        } | {"application_name": os.environ.get("GONGZHI_PG_APPLICATION_NAME", "gongzhi") + "-replica"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # Report reads (dashboards, reports, exports) go to the replica: see gongzhi.core.replica.
    DATABASE_ROUTERS = ["gongzhi.core.db_router.ReplicaRouter"]
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "id_number", "phone"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
DEFAULT_EXCEPTION_REPORTER_FILTER = "gongzhi.core.pii.PIISafeExceptionReporterFilter"

# Personal data: Fernet keys (comma separated, newest first) and a separate HMAC key for look-ups.
FIELD_KEYS = env_list("GONGZHI_FIELD_KEYS")
HASH_KEY = os.environ.get("GONGZHI_HASH_KEY", "")
FIELD_KEYS_ARE_DEFAULT = not FIELD_KEYS or not HASH_KEY

# --- Request limits -----------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
GONGZHI_MAX_REQUEST_BYTES = int(os.environ.get("GONGZHI_MAX_REQUEST_BYTES", str(25 * 1024 * 1024)))
GONGZHI_MAX_API_BODY_BYTES = int(os.environ.get("GONGZHI_MAX_API_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Languages and time -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        },
    }
WHITENOISE_USE_FINDERS = True  # the embedded server serves static files without collectstatic

# Open data: the sweep republishes the bundle when the newest is older than this.
GONGZHI_OPENDATA_MAX_AGE_HOURS = int(os.environ.get("GONGZHI_OPENDATA_MAX_AGE_HOURS", "24"))
# Open311 POST answers with a token and a worker receives the case (cases.actions.intake_queue),
# for bursts at city scale; /api/v1/cases/intake/ always queues, /api/v1/cases/ never does.
GONGZHI_QUEUED_INTAKE = env_bool("GONGZHI_QUEUED_INTAKE", False)

# --- Cache, background work ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read through the shared cache (written to both): one database query less on every
    # page. Only with a shared cache: a per-process cache would keep a signed-out session alive in
    # the other processes.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongzhi"}}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
# Without a broker the same task functions run inline, in the caller's process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
if env_bool("GONGZHI_BEAT", False):
    # `celery -A gongzhi beat` runs `gongzhi sweep` as a task; a tick not picked up in time expires.
    _sweep_every = int(os.environ.get("GONGZHI_SWEEP_SECONDS", "300"))
    CELERY_BEAT_SCHEDULE = {
        "gongzhi-sweep": {
            "task": "gongzhi.core.sweep",
            "schedule": float(_sweep_every),
            "options": {"expires": float(_sweep_every)},
        }
    }

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not TESTING
    else "django.core.mail.backends.locmem.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongzhi@localhost")

# --- Logging: personal data never reaches a log line --------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "gongzhi.core.pii.MaskPIILogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's own loggers go through the same masking handler (not its unfiltered defaults).
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Gongzhi ------------------------------------------------------------------------------------
# Absolute links in e-mails and robot messages (site-relative without it).
GONGZHI_BASE_URL = os.environ.get("GONGZHI_BASE_URL", "").rstrip("/")
GONGZHI_PAGE_SIZE = 50
GONGZHI_SITE_NAME = _("Gongzhi")
