"""Leases for background work: a row that a running task holds says so with a ``lease_until``
time that the task keeps pushing forward (a heartbeat) while it is alive.

django-tasks-db has no stale-task handling (a worker killed mid-task leaves its task RUNNING
for ever: django-tasks-db issue #5), so work that must finish records its own lease on its own
row, and whoever finds the lease expired knows the worker died and may take the work over.

``heartbeat(queryset, field, seconds)`` runs a daemon thread that, every third of the lease,
sets ``field`` to now + lease on the rows of ``queryset`` (an ``update()``, so it neither
sends signals nor touches other fields). The thread dies with the process, so a killed worker
stops renewing and its lease runs out within ``seconds``. Inside an atomic block (the tests'
immediate backend runs a task inside the caller's transaction) the row is not visible to
anyone else, nobody could take the work over, and a second connection could deadlock on it:
no thread is started there.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def until(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


@contextmanager
def heartbeat(queryset, field: str, seconds: float) -> Iterator[None]:
    """Keep renewing the lease ``field`` of ``queryset``'s rows while the block runs."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(seconds / 3):
                try:
                    queryset.update(**{field: until(seconds)})
                except Exception:  # a missed beat is retried; the lease allows two
                    logger.warning("Could not renew a lease", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name="lease-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=seconds)
