"""Settings for Calibrate, read from the environment with safe laptop defaults.

Everything a deployment changes is an environment variable; with none set, the app runs
on an embedded default (SQLite and a file-system Celery broker under var/, mail written
to var/mail/) so a newcomer needs nothing but Python.
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CALIBRATE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Tests serve static files from the source folders, without a collectstatic step.
TESTING = env_bool("CALIBRATE_TESTING") or "pytest" in sys.modules
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    # Only good enough for a laptop; `check --deploy` flags it (its prefix says why).
    "django-insecure-calibrate-laptop-key-set-SECRET_KEY-in-any-deployment"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "accounts",
    "calibration",
    "calibration.comments",
    "calibration.timeline",
    "calibration.alignment",
    "calibration.constraints",
    "calibration.reminders",
    "calibration.board",
    "ninja",  # its vendored Swagger UI (static files and template) for the API docs
    "calibration.api",
    "calibration.integrations",
    "demodata",  # manage.py demo and generate_dataset; no models
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "calibration.notices.HtmxMessagesMiddleware",
    "axes.middleware.AxesMiddleware",
    "calibration.tenancy.OrganizationMiddleware",
    "calibration.tenancy.PrivatePagesMiddleware",
    "calibration.live.LiveMiddleware",
]

# How long a rendered page may be kept when nothing in its organization changes
# (calibration/pagecache.py); 0 renders every request.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

ROOT_URLCONF = "calibration.urls"
WSGI_APPLICATION = "calibration.wsgi.application"

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
                "calibration.tenancy.organization_context",
                "calibration.live.live_context",
            ],
            # One way to write each kind of value, on every page and in every mail.
            "builtins": ["calibration.templatetags.formats"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'calibrate.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, the live server in tests) share the file: wait for the
    # write lock instead of failing, and take it at BEGIN so two writers cannot deadlock.
    # Tests use a file too, since an in-memory database shared between threads fails at once
    # ("table is locked") where a file waits.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot defer a unique constraint (a bet's place on its sheet, deferred so two bets
# can swap): Django skips it there and says so. PostgreSQL enforces it.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesBackend must come first so that locked-out requests never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login protection: lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures for one account from any number of addresses before log-in to it pauses for 15
# minutes (accounts.forms.LoginForm): higher than the per-address limit, so one person's typos
# never trip it, while guesses spread over many addresses stop.
ACCOUNT_FAILURE_LIMIT = int(os.environ.get("ACCOUNT_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Behind a reverse proxy, name the header that carries the client address
# (e.g. HTTP_X_FORWARDED_FOR), or one attacker locks out everyone behind the proxy.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Redis is the cache and the Celery broker when REDIS_URL is set; otherwise nothing
# needs a server: a local-memory cache and kombu's file-system transport under var/.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # On files, not in memory: the web process and the Celery worker must see the same
    # organization data versions (calibration/pagecache.py) and log-in counters.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Kept pages and feeds are one file each: Django's default of 300 entries would
            # cull a third of them (data versions included) every few page views.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # The one periodic task: finds due reminders in PostgreSQL and queues their sends.
    "dispatch-reminders": {
        "task": "calibration.reminders.tasks.dispatch_reminders",
        "schedule": 120.0,
    },
    # Webhook events: found in the records of each change, one delivery per endpoint.
    "dispatch-webhooks": {
        "task": "calibration.integrations.tasks.dispatch_webhooks",
        "schedule": 60.0,
    },
    # Leading indicators linked to a tracker: read once a day, and on the checkpoint's day.
    "check-tracker-sources": {
        "task": "calibration.integrations.tasks.check_sources",
        "schedule": 6 * 60 * 60.0,
    },
}

# Integrations (calibration/api/, calibration/integrations/).
# The key that encrypts tracker tokens and webhook URLs and secrets at rest (Fernet: 32
# url-safe base64 bytes, `Fernet.generate_key()`). Unset, one is derived from SECRET_KEY so
# a laptop needs nothing; set it in every deployment, and keep it when SECRET_KEY rotates.
CALIBRATE_SECRETS_KEY = os.environ.get("CALIBRATE_SECRETS_KEY", "")
# API requests a personal token may make per minute, unless the token says fewer.
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "120"))
# Webhooks and tracker APIs must be HTTPS, except on a laptop or in tests (loopback servers).
INTEGRATIONS_ALLOW_PLAIN_HTTP = env_bool("INTEGRATIONS_ALLOW_PLAIN_HTTP", DEBUG or TESTING)

# Mail: SMTP when EMAIL_HOST is set; otherwise each message is written as a file under var/mail/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Calibrate <calibrate@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Deploy-grade defaults whenever DEBUG is off (tests run over plain HTTP); each can be
# relaxed by env for plain-HTTP setups.
SECURE_BY_DEFAULT = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_BY_DEFAULT)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_BY_DEFAULT else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_BY_DEFAULT)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_BY_DEFAULT)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_BY_DEFAULT)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14)))
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: only our own static files, htmx included; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every step at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

for folder in (
    VAR_DIR,
    STATIC_ROOT,
    VAR_DIR / "mail",
    VAR_DIR / "broker" / "queue",
    VAR_DIR / "broker" / "processed",
    VAR_DIR / "broker" / "control",
):
    folder.mkdir(parents=True, exist_ok=True)
