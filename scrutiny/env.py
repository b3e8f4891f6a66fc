"""Typed, checked configuration read from the environment.

Every secret and deployment choice comes from here; ``settings.py`` never reads
``os.environ`` itself. A bad value stops start-up with a message that names the
variable, instead of failing later in a request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def _str(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Env:
    """The portal's whole configuration, validated once at start-up."""

    debug: bool
    production: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database_url: str
    media_root: Path
    council_name: str
    council_website: str
    max_upload_mb: int
    redis_url: str
    document_serving: str
    site_url: str
    session_age_minutes: int
    tasks_immediate: bool
    page_cache_seconds: int = 0
    page_cache_local_entries: int = 0
    fragment_cache_seconds: int = 0
    database_replica_url: str = ""
    replica_pause_seconds: int = 5
    # Where uploaded documents and built packs live: "filesystem" (MEDIA_ROOT) or "s3".
    media_storage: str = "filesystem"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = field(default="", repr=False)
    s3_url_seconds: int = 60
    # Proxies of our own in front of gunicorn (scrutiny.clientip): 0 trusts no X-Forwarded-For.
    trusted_proxy_count: int = 0
    # Seconds a database connection is kept between requests (0 = close after each).
    database_conn_max_age: int = 60
    # Outgoing email (notifications): EMAIL_URL, parsed by dj-email-url; the console backend
    # (messages printed by the worker) unless set. Secrets in the URL are never printed.
    email_url: str = field(default="console:", repr=False)
    default_from_email: str = "Democratic Services <democracy@localhost>"
    email_rate_per_minute: int = 600
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls) -> Env:
        production = _bool("PRODUCTION", False)
        debug = _bool("DEBUG", not production)
        secret_key = _str("SECRET_KEY", "" if production else DEV_SECRET_KEY)
        if production:
            if debug:
                raise ImproperlyConfigured("DEBUG must be off when PRODUCTION is on")
            if not secret_key or secret_key == DEV_SECRET_KEY or len(secret_key) < 50:
                raise ImproperlyConfigured(
                    "PRODUCTION is on but SECRET_KEY is missing, the development key, or "
                    "shorter than 50 characters: set a long random SECRET_KEY"
                )
        database_url = _str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
        if not database_url.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL")
        replica_url = _str("DATABASE_REPLICA_URL", "")
        if replica_url:
            if not database_url.startswith(("postgres://", "postgresql://")):
                raise ImproperlyConfigured(
                    "DATABASE_REPLICA_URL needs DATABASE_URL to be a postgres:// URL: "
                    "a read replica is a PostgreSQL streaming replica of the primary"
                )
            if not replica_url.startswith(("postgres://", "postgresql://")):
                raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL")
            if production and not _str("REDIS_URL", ""):
                raise ImproperlyConfigured(
                    "DATABASE_REPLICA_URL needs REDIS_URL in production, so that every app "
                    "server knows when the primary last changed (reads stay on the primary "
                    "for REPLICA_PAUSE_SECONDS after a change)"
                )
        serving = _str("DOCUMENT_SERVING", "django")
        if serving not in {"django", "x-accel-redirect", "x-sendfile", "storage-url"}:
            raise ImproperlyConfigured(
                "DOCUMENT_SERVING must be django, x-accel-redirect, x-sendfile or storage-url"
            )
        s3 = _s3_settings(serving)
        return cls(
            debug=debug,
            production=production,
            secret_key=secret_key,
            allowed_hosts=_list(
                "ALLOWED_HOSTS", [] if production else ["127.0.0.1", "localhost", "testserver"]
            ),
            csrf_trusted_origins=_list("CSRF_TRUSTED_ORIGINS", []),
            database_url=database_url,
            media_root=Path(_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))),
            council_name=_str("COUNCIL_NAME", "Kirklees Council"),
            council_website=_str("COUNCIL_WEBSITE", "https://www.kirklees.gov.uk"),
            max_upload_mb=_int("MAX_UPLOAD_MB", 50, minimum=1),
            redis_url=_str("REDIS_URL", ""),
            document_serving=serving,
            site_url=_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/"),
            session_age_minutes=_int("SESSION_AGE_MINUTES", 8 * 60, minimum=5),
            tasks_immediate=_bool("TASKS_IMMEDIATE", False),
            # Caching anonymous pages needs a cache shared by every worker: on by default
            # only with Redis (0 turns it off).
            page_cache_seconds=_int(
                "PAGE_CACHE_SECONDS", 300 if _str("REDIS_URL", "") else 0, minimum=0
            ),
            # The per-process tier in front of Redis (scrutiny.cache); 0 turns it off.
            page_cache_local_entries=_int(
                "PAGE_CACHE_LOCAL_ENTRIES", 64 if _str("REDIS_URL", "") else 0, minimum=0
            ),
            # The meeting page's body for signed-in and anonymous readers alike
            # (scrutiny.fragments): like the page cache, only with a cache every worker
            # shares, because a change must reach every process's copy.
            fragment_cache_seconds=_int(
                "FRAGMENT_CACHE_SECONDS", 300 if _str("REDIS_URL", "") else 0, minimum=0
            ),
            database_replica_url=replica_url,
            replica_pause_seconds=_int("REPLICA_PAUSE_SECONDS", 5, minimum=0),
            trusted_proxy_count=_int("TRUSTED_PROXY_COUNT", 0, minimum=0),
            database_conn_max_age=_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            email_url=_email_url(production),
            default_from_email=_str(
                "DEFAULT_FROM_EMAIL", "Democratic Services <democracy@localhost>"
            ).strip(),
            email_rate_per_minute=_int("EMAIL_RATE_PER_MINUTE", 600, minimum=1),
            **s3,
        )

    def email_settings(self) -> dict:
        """Django's EMAIL_* settings from ``EMAIL_URL`` (dj-email-url)."""
        import dj_email_url

        parsed = dj_email_url.parse(self.email_url)
        parsed["EMAIL_TIMEOUT"] = parsed.get("EMAIL_TIMEOUT") or 30
        return {key: value for key, value in parsed.items() if value is not None}

    def email_description(self) -> str:
        """Which backend sends email, without the password (``make run`` prints it)."""
        parts = urlsplit(self.email_url)
        if parts.scheme in {"smtp", "smtps", "submission", "submit"}:
            return f"SMTP {parts.hostname}:{parts.port or 25}"
        return f"{parts.scheme or 'console'} backend (messages are printed, not sent)"

    def default_storage(self) -> dict:
        """``STORAGES["default"]``: where uploaded documents and built packs are kept."""
        if self.media_storage != "s3":
            return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.s3_bucket,
                "endpoint_url": self.s3_endpoint_url or None,
                "region_name": self.s3_region,
                # Without keys boto3 finds credentials itself (instance role, AWS_* vars).
                "access_key": self.s3_access_key_id or None,
                "secret_key": self.s3_secret_access_key or None,
                "signature_version": "s3v4",
                # Every object is private; the only URLs are short-lived presigned ones.
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": self.s3_url_seconds,
                "custom_domain": None,
                # Never replace an object by accident: names are unique (uuid) anyway.
                "file_overwrite": False,
                # A file read through Django spills to a temporary file above 5 MB.
                "max_memory_size": 5 * 1024 * 1024,
            },
        }


_EMAIL_SCHEMES = {"smtp", "smtps", "submission", "submit", "console", "file", "memory", "dummy"}


def _email_url(production: bool) -> str:
    """EMAIL_URL: ``smtp://user:pass@host:587/?tls=true``; ``console:`` in development."""
    raw = _str("EMAIL_URL", "").strip()
    if not raw:
        return "console:"
    scheme = urlsplit(raw).scheme
    if scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            "EMAIL_URL must be an smtp://, smtps://, submission:// or console: URL "
            "(for example smtp://user:password@mail.example.org:587/?tls=true)"
        )
    if scheme.startswith("s") and not urlsplit(raw).hostname:
        raise ImproperlyConfigured("EMAIL_URL must name the mail server's host")
    return raw


def runs_dev_server(argv: list[str]) -> bool:
    """Whether this process is ``manage.py runserver``: it serves each request in a new
    thread, so a connection kept for reuse is never reused, only left open until the server
    stops (one per request thread; ~17 requests a second reached PostgreSQL's 100)."""
    return len(argv) > 1 and argv[1] == "runserver"


def conn_max_age(configured: int, argv: list[str]) -> int:
    """``CONN_MAX_AGE`` for this process: 0 under runserver, else the configured value."""
    return 0 if runs_dev_server(argv) else configured


_S3_VARIABLES = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
)


def _s3_settings(serving: str) -> dict:
    """MEDIA_STORAGE and the S3_* variables, checked together with DOCUMENT_SERVING."""
    storage = _str("MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
    if storage not in {"filesystem", "s3"}:
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {storage!r}")
    if storage == "filesystem":
        stray = [name for name in _S3_VARIABLES if _str(name, "").strip()]
        if stray:
            raise ImproperlyConfigured(
                f"{', '.join(stray)} set but MEDIA_STORAGE is filesystem: set MEDIA_STORAGE=s3 "
                "to keep media in S3, or unset the S3_* variables"
            )
        if serving == "storage-url":
            raise ImproperlyConfigured(
                "DOCUMENT_SERVING=storage-url needs MEDIA_STORAGE=s3 (presigned URLs); with "
                "the file system use django, x-accel-redirect or x-sendfile"
            )
        return {"media_storage": storage}
    if serving in {"x-accel-redirect", "x-sendfile"}:
        raise ImproperlyConfigured(
            f"DOCUMENT_SERVING={serving} serves files from a local path, which MEDIA_STORAGE=s3 "
            "does not have: use storage-url (a redirect to a short-lived presigned URL) or "
            "django (the app streams the file)"
        )
    bucket = _str("S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name)")
    region = _str("S3_REGION", "").strip()
    if not region:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs S3_REGION (the bucket's region, e.g. eu-west-2; "
            "most S3-compatible servers accept us-east-1)"
        )
    endpoint = _str("S3_ENDPOINT_URL", "").strip().rstrip("/")
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ImproperlyConfigured(
                f"S3_ENDPOINT_URL must be an http:// or https:// URL, not {endpoint!r}"
            )
    key_id = _str("S3_ACCESS_KEY_ID", "").strip()
    secret = _str("S3_SECRET_ACCESS_KEY", "").strip()
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (boto3 then uses "
            "the instance role or the AWS_* environment variables)"
        )
    seconds = _int("S3_URL_SECONDS", 60, minimum=1)
    if seconds > 3600:
        raise ImproperlyConfigured(
            f"S3_URL_SECONDS must be at most 3600 (presigned URLs are short-lived), not {seconds}"
        )
    return {
        "media_storage": storage,
        "s3_bucket": bucket,
        "s3_endpoint_url": endpoint,
        "s3_region": region,
        "s3_access_key_id": key_id,
        "s3_secret_access_key": secret,
        "s3_url_seconds": seconds,
    }
