"""The environment for a child process (gunicorn, a production settings check) that brings its
own database. The suite's own database settings are left out: ``make test-postgres`` points
``DATABASE_REPLICA_URL`` at PostgreSQL, and a child given a SQLite ``DATABASE_URL`` beside it
would be refused (a replica needs a PostgreSQL primary)."""

from __future__ import annotations

import os

# DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' fixture; in a child it fails the
# deploy checks (async.E001) when a browser test happened to run first.
SUITE_ONLY = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update(overrides)
    return env
