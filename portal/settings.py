"""Settings for the Partner Support Portal.

Everything comes from the environment, with defaults that make `runserver`
work on a new machine: SQLite in ``var/``, console e-mail, DEBUG on.
``DATABASE_URL`` switches to PostgreSQL. ``PORTAL_ENV=production`` turns on
the hardened defaults documented in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be a boolean, got {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("PORTAL_ENV", "development") == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when PORTAL_ENV=production")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text search of incidents (SearchVectorField)
    "formtools",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "phonenumber_field",
    "axes",
    "partners",
    "contracts",
    "incidents",
    "payments",
    "purchases",
    "django_tasks_db",
    "notifications",
    "demo",
    "drafts",
    "api",
]

MIDDLEWARE = [
    # Operations (portal/ops.py): request id + one log line per request, outermost;
    # health checks answered before sessions/CSRF, right after the SSL redirect.
    "portal.ops.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.ops.HealthCheckMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.hostile.RejectHostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserPreferencesMiddleware",
    "partners.middleware.PartnerAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "portal.context_processors.portal",
            ],
            # For the plain error pages: a static URL that cannot fail (portal/templatetags);
            # for the page chrome (base.html): static URLs remembered per process.
            "libraries": {
                "safe_static": "portal.templatetags.safe_static",
                "chrome": "portal.templatetags.chrome",
            },
        },
    }
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the database is down (a 503 within seconds, not a 30 s hang),
        # and recover on its own once it is back: see "When the database is down" in README.md.
        _db_options = DATABASES["default"].setdefault("OPTIONS", {})
        _db_options["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
        # Server-side binding with prepared statements (psycopg 3): a statement run
        # DB_PREPARE_THRESHOLD times on a connection is prepared there and no longer
        # parsed and planned again. Works with psycopg_pool (statements live with each
        # pooled connection); not behind PgBouncer in transaction mode. Off unless set:
        # a prepared statement's generic plan cannot use a partial index when the condition
        # it matches comes as a parameter (the filtered queue went from 13 to 135 ms;
        # bench/FINDINGS.md, "Prepared statements, and the contract unit...").
        if os.environ.get("DB_PREPARE_THRESHOLD"):
            _db_options["server_side_binding"] = True
            _db_options["prepare_threshold"] = int(os.environ["DB_PREPARE_THRESHOLD"])
        if env_bool("DB_POOL", True):
            from psycopg_pool import ConnectionPool

            _db_options["pool"] = {
                "min_size": int(os.environ.get("DB_POOL_MIN", "1")),
                "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
                # Seconds a request waits for a pooled connection before the 503.
                "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "3")),
                # A connection broken by a database restart is replaced, not handed out.
                "check": ConnectionPool.check_connection,
                # Give up a failed reconnection quickly; the next request tries afresh.
                "reconnect_timeout": float(os.environ.get("DB_POOL_RECONNECT_TIMEOUT", "5")),
            }
        else:
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "portal.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # The tests' database is a file (in memory when tmpfs is there), not SQLite's
            # shared-cache ":memory:": Django hands an in-memory database's one connection
            # to the browser tests' live-server threads, and two requests at once (a page and
            # its fetch) then collide on it. A file gives each thread its own connection.
            "TEST": {
                "NAME": os.environ.get(
                    "SQLITE_TEST_PATH",
                    str(
                        (Path("/dev/shm") if Path("/dev/shm").is_dir() else VAR_DIR)
                        / f"portal-test-{os.getpid()}.sqlite3"
                    ),
                )
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"

# --- Auth -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, the user read with their partner (one query on every page).
    "partners.backends.PartnerModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Any user-name length copes: what axes stores is cut to the longest real user name.
AXES_USERNAME_CALLABLE = "portal.hostile.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("hu", "Magyar"),
    ("cs", "Čeština"),
    ("ja", "日本語"),
    ("ko", "한국어"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Outside production, serve straight from static/ (no collectstatic needed for runserver/tests).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Files browsers ask for at the site root (favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "public"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded attachments are private: they live outside any served directory and are
# only read back through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Never routed by portal/urls.py: attachments are served only by permission-checked views.
MEDIA_URL = "/_private-media/"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Attachments and wizard files go through the default storage: the local file system
# under MEDIA_ROOT, or S3-compatible object storage (django-storages) when a bucket is
# configured, so that several app servers share them. Objects are private; downloads
# are streamed by the permission-checked view, never linked.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,  # never an unsigned public URL (none is handed out)
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Saved wizard drafts (drafts app): how long an untouched draft is kept, and how many
# bytes of not-yet-submitted wizard files one user may hold across their drafts.
DRAFT_MAX_AGE_DAYS = int(os.environ.get("DRAFT_MAX_AGE_DAYS", "30"))
DRAFT_UPLOAD_QUOTA_BYTES = int(os.environ.get("DRAFT_UPLOAD_QUOTA_BYTES", str(50 * 1024 * 1024)))

# Attachment limits (SPEC §7, issue 4): checked on content, not only the name.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_MAX_FILES = int(os.environ.get("ATTACHMENT_MAX_FILES", "5"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- E-mail ---------------------------------------------------------------
# Console by default; EMAIL_BACKEND=file writes to EMAIL_FILE_PATH; EMAIL_HOST turns on SMTP.
# In production the default is SMTP (a console backend would silently lose every e-mail).
_mail_backend = os.environ.get(
    "EMAIL_BACKEND", "smtp" if PRODUCTION or os.environ.get("EMAIL_HOST") else "console"
)
if _mail_backend == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                # A stalled server must not hold a worker for ever (see EMAIL_SENDING_TIMEOUT).
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
            },
        }
    }
elif _mail_backend == "file":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": f"django.core.mail.backends.{_mail_backend}.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Partner Support <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks and the outbox (README "Background tasks and e-mail")
# django.tasks with django-tasks-db: the queue is a table in the same database.
# `manage.py run_worker` runs it (and the periodic tasks below); several may run at once.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "8"))
EMAIL_RETRY_BACKOFF_SECONDS = float(os.environ.get("EMAIL_RETRY_BACKOFF_SECONDS", "30"))
# A message "sending" for longer than this is taken to belong to a dead worker and is sent again.
EMAIL_SENDING_TIMEOUT_SECONDS = int(os.environ.get("EMAIL_SENDING_TIMEOUT_SECONDS", "600"))
REMINDER_MARGIN_MINUTES = int(os.environ.get("REMINDER_MARGIN_MINUTES", "30"))
TASK_RESULTS_MAX_AGE_DAYS = int(os.environ.get("TASK_RESULTS_MAX_AGE_DAYS", "7"))
# name -> {"task": dotted path of a function, "interval": seconds}. Add yours here.
PORTAL_PERIODIC_TASKS = {
    "email-sweep": {"task": "notifications.services.requeue_stalled", "interval": 60},
    "response-reminders": {
        "task": "notifications.reminders.send_response_reminders",
        "interval": 60,
    },
    "overdue-digest": {
        "task": "notifications.reminders.send_overdue_digest",
        "interval": 24 * 60 * 60,
    },
    "housekeeping": {"task": "portal.lib.housekeeping.run", "interval": 60 * 60},
    # Expired drafts with their files, orphaned draft and attachment files (issue 17).
    "drafts-purge": {"task": "drafts.services.purge_expired_drafts", "interval": 60 * 60},
}

# --- Forms ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = None
# One format on every page and e-mail: "+36 1 555 0101" (the database keeps E.164).
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe over plain HTTP: no redirect for the health checks.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The language cookie, like the session and CSRF cookies: HTTPS only in production,
# unreadable by scripts, not sent on cross-site requests.
LANGUAGE_COOKIE_SECURE = env_bool("LANGUAGE_COOKIE_SECURE", PRODUCTION)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Logging --------------------------------------------------------------
# Everything to stderr: one line per request from portal.ops.RequestLogMiddleware
# (method, path, status, duration, user id, request id: no personal data) and
# errors with their tracebacks. LOG_LEVEL: DEBUG, INFO (default), WARNING, ERROR.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "filters": {
        "client_error_without_traceback": {
            "()": "portal.lib.log_filters.ClientErrorWithoutTraceback"
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
            "filters": ["client_error_without_traceback"],
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    # Django's own console handler (with DEBUG) would print every record a second time:
    # its records reach the root handler above.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # django-axes announces itself at INFO in every process (each manage.py command).
        "axes": {"level": "WARNING"},
    },
}

# Each process's own cache: look-up lists (incidents/lookups.py), eligibility, and the
# rendered fragments of the queue and the incident pages, all keyed on what they show and
# dropped on change. Django's default keeps 300 entries; a shift's worth of incident pages
# in two languages would cull the look-up lists, so it holds more (bounded: a fragment is a
# few KB). The per-process cache needs nothing shared between app servers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "3000"))},
    }
}

# Seconds the queue keeps a rendered fragment (rows, filter form) in the cache. The keys
# digest what a fragment shows, so this bounds memory, not staleness; 0 turns the
# fragment cache off (incidents/views/queue_render.py, bench/FINDINGS.md).
QUEUE_FRAGMENT_TTL = int(os.environ.get("QUEUE_FRAGMENT_TTL", "300"))
# Seconds the queue keeps a keyset page's rows (incidents/views/queue.py, kept_page): a
# change made in the same process shows at once, one made by another worker within this
# time; 0 turns it off.
QUEUE_PAGE_TTL = int(os.environ.get("QUEUE_PAGE_TTL", "3"))

# Portal-wide names used by templates and e-mails.
PORTAL_NAME = _("Partner Support Portal")
SUPPORT_ENGINEERS_GROUP = "Support engineers"


# --- Payments (pay-per-incident, issue 19) -------------------------------------------
# django-payments. The embedded default is a test provider (test card numbers that
# succeed, fail or ask for a 3-D Secure step); STRIPE_API_KEY switches to Stripe
# Checkout: card numbers are entered on Stripe's page, never on the portal, and
# its webhook (/payments/process/stripe/) is verified with STRIPE_WEBHOOK_SECRET.
PAYMENT_MODEL = "purchases.Payment"
PAYMENT_HOST = os.environ.get("PAYMENT_HOST", "localhost:8000")
PAYMENT_USES_SSL = env_bool("PAYMENT_USES_SSL", PRODUCTION)
STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
if STRIPE_API_KEY:
    PAYMENT_VARIANTS = {
        "stripe": (
            "purchases.providers.StripeProvider",
            {
                "api_key": STRIPE_API_KEY,
                "endpoint_secret": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
                "secure_endpoint": True,
                "use_token": True,
            },
        )
    }
    if not os.environ.get("STRIPE_WEBHOOK_SECRET"):
        raise RuntimeError("STRIPE_WEBHOOK_SECRET must be set with STRIPE_API_KEY")
else:
    PAYMENT_VARIANTS = {"test": ("purchases.providers.TestCardProvider", {})}
PAYMENT_VARIANT = next(iter(PAYMENT_VARIANTS))
# Test cards would give plans away: in production buying needs Stripe, unless a
# staging site turns the test provider on explicitly.
PAYMENTS_ENABLED = bool(STRIPE_API_KEY) or env_bool("PAYMENT_TEST_PROVIDER", not PRODUCTION)
# --- API v1 (api/, issue 22) ------------------------------------------------
# Calls per token in each fixed window (429 with Retry-After beyond it).
API_THROTTLE_CALLS = int(os.environ.get("API_THROTTLE_CALLS", "120"))
API_THROTTLE_WINDOW = int(os.environ.get("API_THROTTLE_WINDOW_SECONDS", "60"))
