"""Django settings for the scrutiny portal.

One module for every environment. Differences between development, test and
production come only from environment variables, validated in ``scrutiny.env``.
"""

from __future__ import annotations

import sys

import dj_database_url

from scrutiny.apps_list import PORTAL_APPS
from scrutiny.env import BASE_DIR, Env, conn_max_age

ENV = Env.from_environ()

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins

COUNCIL_NAME = ENV.council_name
COUNCIL_WEBSITE = ENV.council_website
# The first-run page while no Council row exists (scrutiny.council.FirstRunMiddleware). The test
# suite's conftest turns it off, since most tests build no council; tests/brand turn it on.
FIRST_RUN_SETUP = True
SITE_URL = ENV.site_url
MAX_UPLOAD_BYTES = ENV.max_upload_mb * 1024 * 1024
DOCUMENT_SERVING = ENV.document_serving
# Lifetime of the presigned URLs that DOCUMENT_SERVING=storage-url redirects to.
DOCUMENT_URL_SECONDS = ENV.s3_url_seconds

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "django_filters",
    "axes",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # The portal's own apps, in dependency order (the one list: scrutiny.apps_list).
    *PORTAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: NUL bytes, control characters and over-long values
    # are a 400; a method the view does not take is a 405 (before the CSRF check's 403).
    "scrutiny.middleware.RequestInputGuard",
    # Before sessions: a cached anonymous page is answered without touching the database.
    "scrutiny.cache.PublicPageCacheMiddleware",
    # Before sessions: only requests without a session cookie may read the replica.
    "scrutiny.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in user: Cache-Control: private, no-store (issue 13 finding 10).
    "scrutiny.privatecache.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # While no council is entered: administrators to the first-run page, others "being set up".
    "scrutiny.council.FirstRunMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scrutiny.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "scrutiny.wsgi.application"

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
                "scrutiny.context_processors.portal",
            ],
        },
    },
]

# Persistent connections (reused for DATABASE_CONN_MAX_AGE seconds, checked before reuse) in
# gunicorn; none under runserver, whose per-request threads would each leave one open.
DB_CONN_MAX_AGE = conn_max_age(ENV.database_conn_max_age, sys.argv)
DATABASES = {
    "default": dj_database_url.parse(
        ENV.database_url, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Embedded default: make the folder, wait on locks rather than fail.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Optional read replica (scrutiny.db_router): the anonymous public's page reads go there.
READ_REPLICA = None
REPLICA_PAUSE_SECONDS = ENV.replica_pause_seconds
if ENV.database_replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        ENV.database_replica_url, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
    )
    # Tests: the replica is a second connection to the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    READ_REPLICA = "replica"
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        # No JIT compiling of plans: PostgreSQL compiles a plan to machine code when its
        # estimated cost is high, which cost ~60 ms for a 10 ms query of the work programme
        # index on the ten-year council (issue 20). The portal's pages run short queries,
        # never the long analytical ones JIT is for. An "options" in the URL wins.
        _database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASE_ROUTERS = ["scrutiny.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "scrutiny.auth_backend.PortalModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Rows a page on the portal's paged lists (``scrutiny.paging``): a ten-year council has
# thousands of actions and issues. Lists that differ are named, with their reason, in
# ``scrutiny.paging.PAGE_SIZES``.
PAGE_SIZE = 50

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-portal"
LOGOUT_REDIRECT_URL = "home"

# Failed-login throttling: five failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The address is the client's, not the proxy's: X-Forwarded-For read with TRUSTED_PROXY_COUNT
# proxies of our own (scrutiny.clientip; docs/deploy.md).
TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count
AXES_CLIENT_IP_CALLABLE = "scrutiny.clientip.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "l j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = ENV.media_root
MEDIA_URL = "/media/"  # never routed: uploaded files are served only by views that check access.
STORAGES = {
    # FileSystemStorage under MEDIA_ROOT, or private S3 (MEDIA_STORAGE=s3, see scrutiny.env).
    "default": ENV.default_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if ENV.production
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Outgoing email (the notifications app; docs/email.md).
_EMAIL = ENV.email_settings()
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _EMAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = ENV.default_from_email
SERVER_EMAIL = ENV.default_from_email
EMAIL_RATE_PER_MINUTE = ENV.email_rate_per_minute
EMAIL_DESCRIPTION = ENV.email_description()
# Public alerts (notifications): unconfirmed subscriptions are deleted after this many days;
# the subscription form takes this many requests an hour per IP address and per email address;
# sent alerts and notices are kept this long (summonses and change notices are kept).
SUBSCRIPTION_CONFIRM_DAYS = 7
ALERTS_PER_IP_PER_HOUR = 20
ALERTS_PER_ADDRESS_PER_HOUR = 3
OUTBOX_KEEP_DAYS = 90
# A row a worker claimed but never marked sent (the worker was killed) is sent again after this.
EMAIL_CLAIM_SECONDS = 300

# Subscribed calendars (feeds/meetings.ics and each committee's) carry the meetings of this
# many days back and everything ahead; each year's meetings are a file of their own (issue 20).
CALENDAR_WINDOW_DAYS = 365

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if ENV.tasks_immediate
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

if ENV.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": ENV.redis_url,
            "KEY_PREFIX": "portal",
            # A Redis outage degrades to "no cache" instead of failing requests.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    # Each signed-in request reads its session from Redis (written through to the database,
    # so a Redis outage or flush signs nobody out): one query fewer a page (issue 20).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous public pages cached for this long (scrutiny.cache); 0 = off.
PAGE_CACHE_SECONDS = ENV.page_cache_seconds
# Pages each process also keeps in memory in front of Redis (scrutiny.cache); 0 = off.
PAGE_CACHE_LOCAL_ENTRIES = ENV.page_cache_local_entries
# Content-versioned fragments (the meeting page's body) kept this long (scrutiny.fragments);
# 0 = off. On by default only with REDIS_URL, like the page cache.
FRAGMENT_CACHE_SECONDS = ENV.fragment_cache_seconds

# Security. Production turns these on through PRODUCTION=true; development keeps plain HTTP.
SESSION_COOKIE_AGE = ENV.session_age_minutes * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = ENV.production
CSRF_COOKIE_SECURE = ENV.production
# "__Host-" cookies are only accepted over HTTPS, for this host, path "/": no subdomain or
# plain-HTTP page can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid" if ENV.production else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if ENV.production else "csrftoken"
SECURE_SSL_REDIRECT = ENV.production
SECURE_HSTS_SECONDS = 31536000 if ENV.production else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = ENV.production
SECURE_HSTS_PRELOAD = ENV.production
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ENV.production else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The installable web app (scrutiny.offline): its service worker and manifest.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if ENV.production else "WARNING"},
    "loggers": {"scrutiny.exempt_access": {"level": "INFO"}},
}
WHITENOISE_USE_FINDERS = not ENV.production
