"""Spectra settings: one module, read from the environment.

Embedded default: SQLite (WAL, IMMEDIATE transactions, busy timeout) and the
django-q2 ORM broker. DATABASE_URL switches to PostgreSQL, REDIS_URL moves
the cache (and, with SPECTRA_BROKER=redis, the task broker) to Redis.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from executors.clients.google_versions import DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS
from spectra.env import (
    env_bool,
    env_choice,
    env_decimal,
    env_fernet_key,
    env_hosts,
    env_int,
    env_list,
    env_networks,
    env_ports,
    env_secret,
    env_str,
    refuse_weak_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SPECTRA_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SPECTRA_ENV = env_choice("SPECTRA_ENV", "development", {"development", "test", "production"})
PRODUCTION = SPECTRA_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY", required=PRODUCTION, dev_default=DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    refuse_weak_secret_key("SECRET_KEY", SECRET_KEY, known_insecure={DEV_SECRET_KEY})
    if DEBUG:
        raise ImproperlyConfigured(
            "DEBUG must be off in production: it shows settings and tracebacks to visitors."
        )
elif SECRET_KEY == DEV_SECRET_KEY and not DEBUG and SPECTRA_ENV != "test":
    # A server without DEBUG is serving someone: it must not sign sessions with a
    # key published in this repository.
    raise ImproperlyConfigured(
        "The dev-only SECRET_KEY is for DEBUG and tests only; set SECRET_KEY "
        "(or DEBUG=true for local development)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Key for platform credentials and webhook URLs at rest. Separate from SECRET_KEY
# so rotating one does not make the other's data unreadable. Checked here, at
# start-up; production never derives one (campaigns.credentials).
SPECTRA_CREDENTIALS_KEY = env_fernet_key("SPECTRA_CREDENTIALS_KEY", required=PRODUCTION)

# The global kill switch's default. The live value is stored in the database
# (flipped from the admin, audited); this environment value can only force it off.
SPECTRA_EXECUTION_ENABLED = env_bool("SPECTRA_EXECUTION_ENABLED", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (no CDN)
    "django_filters",
    "simple_history",
    "django_q",
    "campaigns",
    "optimizer",
    "executors",
    "creative",
    "experiments",
    "spectra",
    "api",
]

MIDDLEWARE = [
    # Outermost, so a request's time includes every other middleware.
    "spectra.request_metrics.RequestLatency",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the WSGI process, before sessions and auth: no
    # Django view, no debug page, and far-future caching of the hashed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "spectra.middleware.RefuseNulBytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Content-Security-Policy on every response (django-csp; Django 5.2 has none built
# in). Scripts only from Spectra's own static files: the admin and the console
# have no inline scripts, and the API docs load their start-up script as a file
# (SpectacularSwaggerSplitView). Inline styles stay allowed: the admin and the
# console's badges and SVG charts set style attributes, which cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Swagger UI's and the admin's inline SVG icons
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTHENTICATION_BACKENDS = [
    # Superusers and per-user grants, then the organization roles.
    "django.contrib.auth.backends.ModelBackend",
    "campaigns.auth.MembershipRoleBackend",
]

ROOT_URLCONF = "spectra.urls"
WSGI_APPLICATION = "spectra.wsgi.application"
ASGI_APPLICATION = "spectra.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Each test-run database gets its own name so parallel CI jobs don't collide.
        DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
            "SPECTRA_TEST_DB_NAME", "test_spectra"
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "spectra.db.sqlite",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "spectra.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue
                # on the busy timeout instead of failing with "database is locked"
                # half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT_S", 20, minimum=1),
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not Django's default in-memory test database: shared-cache
            # memory databases fail a second writer at once ("table is locked")
            # where a real file waits on the busy timeout, and the race tests
            # must see the locking production sees.
            # One file per test process, so two test runs never share (and destroy)
            # each other's database; Django deletes it when the run ends.
            "TEST": {"NAME": str(VAR_DIR / f"test_spectra_{os.getpid()}.sqlite3")},
        }
    }
IS_SQLITE = "sqlite" in DATABASES["default"]["ENGINE"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, locks, broker ------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "spectra_cache",
        }
    }

SPECTRA_BROKER = env_choice("SPECTRA_BROKER", "orm", {"orm", "redis"})
Q_CLUSTER = {
    "name": "spectra",
    "workers": env_int("Q_WORKERS", 2, minimum=1),
    # A task must finish (or be killed) before the broker redelivers it.
    "timeout": env_int("Q_TIMEOUT_S", 300, minimum=1),
    "retry": env_int("Q_RETRY_S", 360, minimum=2),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 3, minimum=1),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Tasks",
}
if SPECTRA_BROKER == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("SPECTRA_BROKER=redis needs REDIS_URL.")
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
if Q_CLUSTER["timeout"] >= Q_CLUSTER["retry"]:
    raise ImproperlyConfigured("Q_TIMEOUT_S must be smaller than Q_RETRY_S.")
# A launch step's lease (spectra/launch.py) is the task timeout plus this margin: a
# step still leased after it ran out belongs to a worker that died.
LAUNCH_LEASE_MARGIN_S = env_int("LAUNCH_LEASE_MARGIN_S", 60, minimum=0)

# --- Auth, i18n, static ----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("SPECTRA_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves it, collected or not
# Outside production WhiteNoise also finds files in the apps, so a server with DEBUG
# off serves them without a collectstatic; production serves only what was collected.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Production serves what `collectstatic` gathered, under content-hashed names that
# WhiteNoise caches for a year and serves compressed; a missing file is an error at
# start-up, not a broken page. Development and tests find files in the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The production web server (`manage.py serve`, waitress): where it listens and how
# many requests it works on at once.
SPECTRA_WEB_LISTEN = env_str("SPECTRA_WEB_LISTEN", "127.0.0.1:8000")
SPECTRA_WEB_THREADS = env_int("SPECTRA_WEB_THREADS", 8, minimum=1)
# The TLS-terminating proxy in front (an address, or `*` inside a private network):
# only its X-Forwarded-Proto/-For are believed; anyone else's are dropped.
SPECTRA_TRUSTED_PROXY = env_str("SPECTRA_TRUSTED_PROXY", "")
# Files Spectra makes (a launch's generated images); shown through scoped admin views,
# not served publicly: an image belongs to a tenant.
MEDIA_ROOT = Path(env_str("SPECTRA_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
LOGIN_URL = "admin:login"
# Django's default (/accounts/profile/) does not exist here: a login without
# `next` lands on the console's front page.
LOGIN_REDIRECT_URL = "admin:index"

SIMPLE_HISTORY_REVERT_DISABLED = True  # restores go through rollback recommendations
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.SpectraAutoSchema",
    # Tokens first, so an anonymous request gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.OrganizationQuotaThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_TOKEN_RATE", "300/min")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Spectra API",
    "DESCRIPTION": (
        "Campaigns, recommendations and guardrails of your organizations. "
        "Authenticate with `Authorization: Bearer <token>` (API tokens are made in the admin)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.refuse_additional_properties",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ExecutionModeEnum": "campaigns.models.ExecutionMode",
        # Campaigns and briefs (their launch's state) share the campaign's states.
        "CampaignStatusEnum": "campaigns.models.CampaignStatus",
    },
}

# --- Platforms ------------------------------------------------------------
PLATFORM_TIMEOUT_S = env_int("PLATFORM_TIMEOUT_S", 30, minimum=1)
SANDBOX_URL = env_str("SANDBOX_URL", "http://127.0.0.1:8765")
# Resilience per platform account (executors/resilience). The breaker opens
# after this many consecutive retryable failures, for BREAKER_OPEN_SECONDS,
# doubling for each failed probe up to BREAKER_MAX_OPEN_SECONDS.
BREAKER_FAILURE_THRESHOLD = env_int("BREAKER_FAILURE_THRESHOLD", 5, minimum=1)
BREAKER_OPEN_SECONDS = env_int("BREAKER_OPEN_SECONDS", 60, minimum=1)
BREAKER_MAX_OPEN_SECONDS = env_int("BREAKER_MAX_OPEN_SECONDS", 900, minimum=1)
# Client-side limit: operations per second per account (the burst is the same).
PLATFORM_RATE_PER_SECOND = env_int("PLATFORM_RATE_PER_SECOND", 50, minimum=1)
# Operations per account per account-local day; 0 means no daily limit
# (Google Ads standard access). 15,000 is Google's basic access.
PLATFORM_DAILY_OPERATIONS = {
    "google_ads": env_int("GOOGLE_ADS_DAILY_OPERATIONS", 15_000, minimum=0),
    "adobe": env_int("ADOBE_DAILY_OPERATIONS", 100_000, minimum=0),
}
# The Google Ads API version every Google client speaks (and the sandbox serves by
# default): one the google-ads package ships; a sunset or unknown one ("v17") is refused.
GOOGLE_ADS_API_VERSION = env_choice(
    "GOOGLE_ADS_API_VERSION", DEFAULT_API_VERSION, set(SUPPORTED_API_VERSIONS)
)

# --- The AI layer (creative/) ----------------------------------------------------
# The provider an organization without one of its own uses: any OpenAI-compatible
# API root, model and key. Empty: the embedded sandbox model (SANDBOX_LLM_URL).
# Alerts of jobs that belong to no organization (recovery, the scheduler) go to this
# organization's admins and approvers and its webhook; created on first use.
SPECTRA_OPERATORS_ORG = env_str("SPECTRA_OPERATORS_ORG", "spectra-operators")
# The watchdog calls the scheduler stopped when a repeating job is this late.
# Prometheus scrapes /metrics/ with this bearer token, or from these networks without one.
SPECTRA_METRICS_TOKEN = env_secret("SPECTRA_METRICS_TOKEN", required=False)
SPECTRA_METRICS_NETWORKS = env_networks("SPECTRA_METRICS_NETWORKS", ["127.0.0.0/8", "::1/128"])
SPECTRA_SCHEDULE_LATE_MINUTES = env_int("SPECTRA_SCHEDULE_LATE_MINUTES", 10, minimum=2)
# What running Spectra costs an organization a month (USD), shown beside what it earned.
SPECTRA_RUNNING_COST_USD_PER_MONTH = env_decimal(
    "SPECTRA_RUNNING_COST_USD_PER_MONTH", "0", minimum="0"
)
SPECTRA_LLM_BASE_URL = env_str("SPECTRA_LLM_BASE_URL", "")
SPECTRA_LLM_API_KEY = env_str("SPECTRA_LLM_API_KEY", "")
SPECTRA_LLM_MODEL = env_str("SPECTRA_LLM_MODEL", "sandbox-writer")
SPECTRA_LLM_IMAGE_MODEL = env_str("SPECTRA_LLM_IMAGE_MODEL", "sandbox-image")
SANDBOX_LLM_URL = env_str("SANDBOX_LLM_URL", "http://127.0.0.1:8766/v1")
# Requests a minute to the environment's provider, across every worker.
SPECTRA_LLM_REQUESTS_PER_MINUTE = env_int("SPECTRA_LLM_REQUESTS_PER_MINUTE", 300, minimum=1)
# The provider's breaker opens after this many consecutive retryable failures, for
# LLM_BREAKER_OPEN_SECONDS, doubling for each failed probe up to LLM_BREAKER_MAX_OPEN_SECONDS.
LLM_BREAKER_FAILURES = env_int("LLM_BREAKER_FAILURES", 5, minimum=1)
LLM_BREAKER_OPEN_SECONDS = env_int("LLM_BREAKER_OPEN_SECONDS", 60, minimum=1)
LLM_BREAKER_MAX_OPEN_SECONDS = env_int("LLM_BREAKER_MAX_OPEN_SECONDS", 900, minimum=1)
# The longest a Retry-After may hold a call before it gives up and says so.
LLM_MAX_RETRY_AFTER_S = env_int("LLM_MAX_RETRY_AFTER_S", 30, minimum=0)

# --- Outbound URLs (campaigns/urlpolicy.py) -----------------------------------
# Every URL Spectra calls (platform APIs, token endpoints, webhooks) must be on
# an allow-list: the platforms' and chat tools' real hosts, plus these extras.
SPECTRA_PLATFORM_HOSTS = env_hosts("SPECTRA_PLATFORM_HOSTS")
SPECTRA_WEBHOOK_HOSTS = env_hosts("SPECTRA_WEBHOOK_HOSTS")
SPECTRA_LLM_HOSTS = env_hosts("SPECTRA_LLM_HOSTS")
# Loopback is where the sandbox (demo, tests, rehearsals) lives; in production it
# is more often an admin port of something that trusts its own machine.
SPECTRA_ALLOW_LOOPBACK_URLS = env_bool("SPECTRA_ALLOW_LOOPBACK_URLS", default=not PRODUCTION)
# 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7: only for a deployment that
# knowingly calls a platform proxy or webhook receiver on its own network.
SPECTRA_ALLOW_PRIVATE_URLS = env_bool("SPECTRA_ALLOW_PRIVATE_URLS", default=False)
# Ports besides the scheme's own (443, 80); loopback may use any port when allowed.
SPECTRA_OUTBOUND_PORTS = env_ports("SPECTRA_OUTBOUND_PORTS")
# Secrets travel in these requests: plain http only where it never leaves the machine.
SPECTRA_REQUIRE_HTTPS_URLS = PRODUCTION

# --- Mail (alert notifications) -------------------------------------------
# Without EMAIL_HOST, mail goes to the console (the demo, development).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Spectra <spectra@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", required=False)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Production hardening ---------------------------------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Logging (secrets are redacted by a filter on every handler) -------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "spectra.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The openai SDK's HTTP client logs every request at INFO; AICall rows say more.
        "httpx2": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from spectra.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=SPECTRA_ENV)
