"""Optional read replica: the anonymous public's page reads go to a PostgreSQL replica.

Set ``DATABASE_REPLICA_URL`` (a streaming replica of ``DATABASE_URL``) and the portal gains a
``replica`` database alias. Then:

- **Writes always go to the primary** (``default``), and so do migrations.
- **Reads go to the replica only inside a request that ``ReplicaReadsMiddleware`` marked**:
  a ``GET``/``HEAD`` of a public page from a visitor who sends no session cookie (the
  anonymous public — the same visitors the page cache serves), outside the officer, account
  and personal areas. Signed-in councillors and officers, every form post, background tasks,
  management commands and the shell read the primary, so nobody who can change data ever
  reads a copy that lags behind their own change.
- **Inside a transaction** every read goes to the primary (a ``get_or_create`` or a
  ``select_for_update`` must see what the transaction sees).
- **Just after a change** (``REPLICA_PAUSE_SECONDS``, default 5) anonymous reads go to the
  primary too. Every save or delete of a portal record records its time in the shared cache
  (``scrutiny.cache``, the same signal that makes cached pages stale), so a page rendered
  straight after a publish is rendered from the primary and a lagging replica cannot put an
  old page into the page cache under the new content generation. With several app servers
  that time must be shared: in production a replica needs ``REDIS_URL``.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA_ALIAS = "replica"
ELIGIBLE_METHODS = {"GET", "HEAD"}
# Areas whose readers may just have written something (or whose pages show work in progress).
PRIMARY_ONLY_PREFIXES = ("/officer/", "/accounts/", "/my/", "/django-admin/")

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_alias() -> str | None:
    """The alias reads may go to, or None when no replica is configured (or it is turned off)."""
    alias = getattr(settings, "READ_REPLICA", None)
    return alias if alias and alias in settings.DATABASES else None


def reading_from_replica() -> bool:
    """Whether reads of the current request go to the replica (outside transactions)."""
    return _replica_reads.get() and replica_alias() is not None


class PrimaryReplicaRouter:
    """Reads of marked requests to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias is None or not _replica_reads.get():
            return "default"
        if connections["default"].in_atomic_block:
            return "default"
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _eligible(request) -> bool:
    if request.method not in ELIGIBLE_METHODS:
        return False
    if request.path.startswith(PRIMARY_ONLY_PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    pause = float(getattr(settings, "REPLICA_PAUSE_SECONDS", 0) or 0)
    if pause > 0:
        from scrutiny.cache import last_change_at

        changed = last_change_at()
        if changed is not None and time.time() - changed < pause:
            return False
    return True


class ReplicaReadsMiddleware:
    """Marks the anonymous public's page requests as allowed to read the replica.

    Sits before the session middleware: a request with a session cookie (somebody who signed
    in, or might have) is never marked, so sessions, logins and messages read the primary.
    A streaming response's body is produced after this returns and so reads the primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_alias() is None or not _eligible(request):
            return self.get_response(request)
        token = _replica_reads.set(True)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
