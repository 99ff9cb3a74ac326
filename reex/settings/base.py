"""Settings shared by every environment, read from the environment through django-environ.

With no variables at all the project runs on the embedded default: SQLite, an in-process cache
and Celery in eager mode. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis for the
broker, result backend, cache and rate-limit counters.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "csp",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "articles",
    "tracker",
    "partners",
    "axes",
]

# The three that set the security headers come first, so they wrap every response: the static
# files WhiteNoise answers with, and the redirects and errors of the middleware after them (see
# "Security headers" below).
MIDDLEWARE = [
    "reex.middleware.security_headers_fallback",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware: a preflight is answered here, without a key (CORS_* below).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "web.urls"
WSGI_APPLICATION = "reex.wsgi.application"

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
                "reex.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

REDIS_URL = env("REDIS_URL", default="")


def _next_database(url: str) -> str:
    """The same Redis server, the next database number (redis://host:6379/0 -> .../1)."""
    base, _, db = url.rstrip("/").rpartition("/")
    if not db.isdigit():  # no database number: it is 0
        return f"{url.rstrip('/')}/1"
    return f"{base}/{int(db) + 1}"


# Two caches. "default" holds what must not be evicted: feed locks, rate-limit counters; it is
# the broker's Redis (noeviction, append-only). "pages" holds the reader pages (reex.caching):
# the bulk of what is cached, each page renderable again, so it may live in a Redis that evicts
# (maxmemory + allkeys-lru, docker-compose.yml). REDIS_CACHE_URL defaults to REDIS_URL's server
# with the next database number; point it at its own Redis in production.
REDIS_CACHE_URL = env("REDIS_CACHE_URL", default=_next_database(REDIS_URL) if REDIS_URL else "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="reex"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="reex"),
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reader-pages",
        },
    }

# --- Signing in ------------------------------------------------------------------------------
# django-axes counts failed sign-ins (the admin's form, anything calling authenticate() with a
# request) by username and by client address, separately: after LOGIN_FAILURE_LIMIT failures
# either one is refused for LOGIN_LOCKOUT_MINUTES, even with the right password, with a 429 that
# says so. Attempts are rows in the database (axes' own tables, admin › Axes), so every web
# process shares them whatever the cache is; `manage.py axes_reset_username NAME` (or
# axes_reset_ip) lifts a lockout early. docs/operations.md, "Signing in".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are what we count; successes need no table
AXES_VERBOSE = False  # no banner on every management command; lockouts are still logged
AXES_CLIENT_IP_CALLABLE = "reex.clients.client_address"
AXES_COOLOFF_MESSAGE = (
    "Too many failed sign-ins for this account or from this address: signing in is refused "
    "for a while. Try again later, or ask an administrator to lift the lockout."
)
# How many reverse proxies (each appending to X-Forwarded-For) stand between clients and us; 0
# trusts REMOTE_ADDR alone. Decides the address lockouts and rate limits count (reex.clients).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Celery -------------------------------------------------------------------------------------
# "localhost" only spares kombu a warning: the in-memory transport has no host.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="reex")
# A task that outlives the visibility timeout is redelivered; keep it above the hard time limit.
# Further kombu options (JSON) let tests restore a killed worker's tasks within seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    **env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={}),
}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Every periodic schedule of the project, in one place.
CELERY_BEAT_SCHEDULE = {
    "fetch-due-feeds": {
        "task": "articles.tasks.fetch_due_feeds",
        "schedule": crontab(minute="*"),
    },
    "index-articles-for-search": {
        "task": "articles.tasks.index_articles_for_search",
        "schedule": crontab(minute="*"),
    },
    # Outbox events not yet fanned out, webhook retries that are due, attempts whose worker died.
    "sweep-webhooks": {
        "task": "partners.tasks.sweep_webhooks",
        "schedule": crontab(minute="*"),
    },
}

# --- Feed ingestion -----------------------------------------------------------------------------
FEEDS = {
    "USER_AGENT": env(
        "FEEDS_USER_AGENT",
        default="REExTracker/0.1 (+https://github.com/reex-tracker; feed fetcher)",
    ),
    "CONNECT_TIMEOUT": env.float("FEEDS_CONNECT_TIMEOUT", default=10.0),
    "READ_TIMEOUT": env.float("FEEDS_READ_TIMEOUT", default=20.0),
    "TOTAL_TIMEOUT": env.float("FEEDS_TOTAL_TIMEOUT", default=60.0),
    # Applied to the decompressed body, so a gzip bomb stops at the same size as a plain one.
    "MAX_BYTES": env.int("FEEDS_MAX_BYTES", default=5 * 1024 * 1024),
    "MAX_REDIRECTS": env.int("FEEDS_MAX_REDIRECTS", default=5),
    # Items read from one feed document; the rest are dropped (and the fetch log says so), so
    # a document of 100k tiny items cannot keep a worker past its time limit.
    "MAX_ITEMS": env.int("FEEDS_MAX_ITEMS", default=1000),
    # Loopback feeds are refused in production; tests and the demo serve feeds from 127.0.0.1.
    "ALLOW_LOOPBACK": env.bool("FEEDS_ALLOW_LOOPBACK", default=False),
    "FETCH_INTERVAL_MINUTES": env.int("FEEDS_FETCH_INTERVAL_MINUTES", default=30),
    "MAX_BACKOFF_MINUTES": env.int("FEEDS_MAX_BACKOFF_MINUTES", default=24 * 60),
    "MAX_RETRY_AFTER_MINUTES": env.int("FEEDS_MAX_RETRY_AFTER_MINUTES", default=24 * 60),
    "PAUSE_AFTER_ERRORS": env.int("FEEDS_PAUSE_AFTER_ERRORS", default=10),
    # Longer than fetch_feed's hard time limit (180 s), so a lock outlives no killed fetch by
    # much, and no fetch outlives its lock.
    "LOCK_SECONDS": env.int("FEEDS_LOCK_SECONDS", default=200),
}

# --- Reader pages -------------------------------------------------------------------------------
SITE_NAME = env("SITE_NAME", default="REEx Tracker")
SITE_DESCRIPTION = env(
    "SITE_DESCRIPTION",
    default="Rare-earth and critical-minerals news, tracked as a verifiable record of policy.",
)
# Pages are also invalidated on every content change (reex.caching); this bounds the rest.
READER_CACHE_SECONDS = env.int("READER_CACHE_SECONDS", default=600)
# Searches a minute from one client address (reex.clients) before a 429.
SEARCH_RATE_PER_MINUTE = env.int("SEARCH_RATE_PER_MINUTE", default=60)

# --- Security headers ---------------------------------------------------------------------------
# The headers every response carries, in every environment: pages, errors, the admin, the API,
# feeds and static files (tests/test_security_headers.py; docs/operations.md, "Security").
# Production adds what needs HTTPS: HSTS, the redirect to HTTPS, secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict: everything from our own origin, no inline script or style anywhere. Article images
# stay on the sites that published them, hence https: for images only. The API docs relax
# style-src alone (web/api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # API keys only, everywhere under /api/ (the schema and docs too): DRF's default Basic and
    # Session authentication would let /api/ test editors' passwords past the login lockout.
    # The API base (reex/api/) names no app: partners' keys are plugged in here.
    "DEFAULT_AUTHENTICATION_CLASSES": ["partners.authentication.ApiKeyAuthentication"],
}

# --- Partner API (reex/api/, web/api.py, partners/) ---------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "REEx Tracker partner API",
    "DESCRIPTION": "The tracker's record for partners to sync from. See docs/api.md.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation documents its errors as problem details (reex/problems.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reex.problems.document_problems",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from our own static files: the docs work offline, with no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" and a "status": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "EntityKindEnum": "tracker.models.Entity.Kind",
        "InitiativeKindEnum": "tracker.models.Initiative.Kind",
        "InitiativeStatusEnum": "tracker.models.Initiative.Status",
        "ClaimStatusEnum": "tracker.models.Claim.Status",
    },
}
# CORS, for partners' browser apps reading the API: GET (and HEAD) with the key in a header, from
# the origins listed in PARTNERS_CORS_ORIGINS (none by default). No cookies cross: a key is
# the only credential, so a page elsewhere can never act as a signed-in editor.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOWED_ORIGINS = env.list("PARTNERS_CORS_ORIGINS", default=[])
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-encoding", "authorization", "x-api-key",
                      "if-none-match", "if-modified-since"]  # fmt: skip
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "RateLimit", "RateLimit-Policy", "Retry-After",
                       "Location"]  # fmt: skip
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 3600

PARTNERS = {
    "MAX_PAGE_SIZE": env.int("PARTNERS_MAX_PAGE_SIZE", default=200),
    # Webhook URLs pass the feed fetcher's address guard; loopback only where feeds allow it.
    "WEBHOOK_ALLOW_LOOPBACK": env.bool("PARTNERS_WEBHOOK_ALLOW_LOOPBACK", default=False),
    "WEBHOOK_TIMEOUT": env.float("PARTNERS_WEBHOOK_TIMEOUT", default=10.0),
    "WEBHOOK_MAX_ATTEMPTS": env.int("PARTNERS_WEBHOOK_MAX_ATTEMPTS", default=6),
    # How long one attempt holds its delivery; above deliver_webhook's hard time limit (90 s),
    # so only a dead worker's attempt ever runs out of lease and is sent again.
    "WEBHOOK_LEASE_SECONDS": env.int("PARTNERS_WEBHOOK_LEASE_SECONDS", default=120),
}
