"""Typed, checked configuration read from the environment.

Every secret and deployment choice comes from here; ``settings.py`` never reads
``os.environ`` itself. A bad value stops start-up with a message that names the
variable, instead of failing later in a request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
    database_replica_url: str = ""
    replica_pause_seconds: int = 5
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
        if serving not in {"django", "x-accel-redirect", "x-sendfile"}:
            raise ImproperlyConfigured(
                "DOCUMENT_SERVING must be django, x-accel-redirect or x-sendfile"
            )
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
            database_replica_url=replica_url,
            replica_pause_seconds=_int("REPLICA_PAUSE_SECONDS", 5, minimum=0),
        )
