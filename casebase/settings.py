"""One settings module, driven by the environment.

With nothing set it is a safe local-development setup (SQLite, debug on, localhost only).
Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL;
see .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (or true/false), not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG=0 Casebase refuses to start "
            "without a secret key: set DJANGO_SECRET_KEY to a long random string."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# --- HTTPS behind a TLS-terminating reverse proxy (production) ------------------------------
# The proxy must set X-Forwarded-Proto (and strip any the client sent); see README "Production".
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host[0] not in ".["]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Only our own files run or style a page: no inline script or style, scripts also need the
# per-response nonce, nothing may frame us, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features Casebase never uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

INSTALLED_APPS = [
    "casebase.content",  # the domain: models, querysets, changes
    # Before the admin: its ready() registers what revision history records, with the relations
    # each revision follows, before the admin's autodiscovery would register the models itself.
    "casebase.editing",  # the admin, history, conflicts, permissions, backups
    "casebase.loading",  # the compendium loader and synthetic data, with their commands
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "reversion",
    "import_export",  # editors' spreadsheet imports and exports (casebase/editing/imports.py)
    "casebase.site",
    "casebase.api",
    "casebase.suggestions",  # readers' corrections and stories, never public
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casebase.security.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: only a valid staff session bypasses the cached pages.
    "casebase.caching.PublicPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casebase.security.AbsoluteSessionTimeoutMiddleware",
    "csp.middleware.CSPMiddleware",
    "casebase.security.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "casebase.urls"
WSGI_APPLICATION = "casebase.wsgi.application"

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

# SQLite is the embedded default. WAL lets readers carry on while an editor saves; IMMEDIATE
# transactions take the write lock up front so concurrent writers queue instead of failing
# with "database is locked"; the timeout is how long they queue.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Connections are kept between requests on both databases: opening a SQLite connection (its
# pragmas, Django's SQL functions) cost 1.3 ms, a fifth of a catalogue request.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
# PostgreSQL: prepared statements (server-side parameter binding), so a statement run a few
# times on a connection is not planned afresh: planning the joins behind published() took 3 to
# 4 ms a query, running them a tenth of that. DATABASE_PREPARED_STATEMENTS=0 turns them off,
# as PgBouncer in transaction pooling mode needs.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # psycopg's default threshold: prepared once a statement has run five times on a connection.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
# DATABASE_STATEMENT_TIMEOUT_MS (PostgreSQL): a statement running longer is cancelled. `make
# serve` sets it below gunicorn's 30 s worker timeout: a request gunicorn gives up on must not
# leave its query running in the server (the benchmark saw abandoned ones run for 15 minutes).
STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "0"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and STATEMENT_TIMEOUT_MS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# REDIS_URL: the cache shared by every app server (production). Without it, one machine's
# processes share a file cache; while developing, each process keeps its own in memory.
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_cache(url: str) -> dict:
    """django-redis, told to treat a failing Redis as an empty cache: a read finds nothing and a
    write is dropped, so an outage costs speed, never a page. Short timeouts keep a
    Redis that hangs from holding up readers; redis-py reconnects by itself when it returns."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "casebase",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,  # /healthz says when the cache is unreachable
            "SOCKET_CONNECT_TIMEOUT": 0.25,  # seconds; Redis on the same network answers in <1 ms
            "SOCKET_TIMEOUT": 0.5,  # a page of 100 KB included
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
elif not DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Catalogue and practice-page rows, rendered once per content version (casebase/site/rows.py),
# kept in each process's memory, this many of each: about 3 KB a row. Not while developing, so a
# template edit shows at once.
ROW_CACHE_ENTRIES = int(os.environ.get("ROW_CACHE_ENTRIES", "0" if DEBUG else "5000"))
# The most case studies one catalogue download (CSV or JSON) holds. Reading each with its
# practices and results takes about 1 ms: at 100,000 a download of every case study would run
# past gunicorn's 30 s timeout and break off half-written. A larger choice is refused with a
# message, and the catalogue offers no download links for it.
DOWNLOAD_MAX_CASE_STUDIES = int(os.environ.get("DOWNLOAD_MAX_CASE_STUDIES", "5000"))
# Public pages are cached (casebase/caching.py) unless this is 0; off while developing, so a
# template edit shows at once. Any content change retires every cached page immediately.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "86400"))
# How long a CDN may serve a page without asking (s-maxage). 0: it revalidates every time, so a
# correction reaches readers at once; a few seconds shields the servers from bursts.
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", "0"))
# How many suggestions one client address may send (django-ratelimit, counted in the cache).
SUGGESTIONS_RATE = os.environ.get("SUGGESTIONS_RATE", "5/h")

# --- Signing in -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind DJANGO_PROXY_COUNT reverse proxies, axes reads the client's address with django-ipware.
# Each proxy appends to X-Forwarded-For the address it received the request from, so the
# client's is that many places from the right; anything further left the client wrote itself.
# ipware counts the proxies named in the header (the nearest is REMOTE_ADDR, not in it): one
# fewer. Not strict, so a header the client sent itself cannot void the proxy's entry (and put
# the failures on the proxy's address); no REMOTE_ADDR fallback, which ipware would prefer to a
# private client address whenever the proxy's is public.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT") or "0")
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"DJANGO_PROXY_COUNT must be 0 or more, not {PROXY_COUNT}.")
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_PROXY_ORDER = "left-most"  # the header read in the order the proxies wrote it
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"] if PROXY_COUNT else ["REMOTE_ADDR"]
IPWARE_STRICT = False
# An editor is signed out after 30 idle minutes, and after 10 hours whatever they do.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_AGE = 10 * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed, cached for ever; also rewrites the ES module import of Frontend.
    "staticfiles": {"BACKEND": "casebase.storage.StaticStorage"},
}
if DEBUG:
    # No collectstatic needed while developing.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# The read-only open-data API (casebase/api): JSON only, anyone may read, nobody may write.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "casebase.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Every error as RFC 9457 problem details: casebase/api/problems.py.
    "EXCEPTION_HANDLER": "casebase.api.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casebase open data API",
    "DESCRIPTION": "Read-only access to the published case studies, practices, organisations "
    "and outcomes of Casebase, with the same filters as the catalogue.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
