"""Bulk writes: an import of a council's history (``imports``) writes thousands of meetings
through the same services an officer's pages use, and their signals queue background work per
record saved. Two switches, both scoped to the thread doing the bulk writes, keep that work in
proportion without changing what the services write:

- ``bulk_import()``: derived files of the past are built when first asked for, not at once:
  an agenda pack of a meeting already held that never had one (``meetings.packs.receivers``;
  the pack's download queues the build) and the PDF of minutes published by the import
  (``scrutiny.stored_pdfs``: built on first request, like any stored PDF nobody asked for).
  Meetings still to come get their packs at once, and a pack or PDF that exists is kept up to
  date as always.
- ``coalesced_tasks()``: the same task with the same arguments enqueued several times inside
  it (a meeting's search refresh, queued by each of its published, changed and minutes
  signals) is enqueued once, when the block ends. Only for tasks that read the state they
  work on when they run (refreshes, fan-outs of an event): one run after the last change does
  what several would. Call sites opt in by enqueuing through ``enqueue``.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def bulk_import():
    """Derived files of the past are built on demand while this is active (this thread), and
    what ``remembered`` is asked for is read once."""
    previous, memo = getattr(_state, "bulk", False), getattr(_state, "memo", None)
    created = getattr(_state, "created", None)
    _state.bulk = True
    if memo is None:
        _state.memo = {}
    if created is None:
        _state.created = set()
    try:
        yield
    finally:
        _state.bulk, _state.memo, _state.created = previous, memo, created


def meeting_created(meeting_id: int) -> None:
    """The bulk writer created this meeting (``created_here`` says so until the import ends)."""
    if active():
        _state.created.add(meeting_id)


def created_here(meeting_id: int) -> bool:
    """Whether this bulk import created the meeting: nothing made from it before (a pack, a
    stored PDF) can exist but what the import itself asked for."""
    created = getattr(_state, "created", None) if active() else None
    return created is not None and meeting_id in created


def active() -> bool:
    return getattr(_state, "bulk", False)


def remembered(name: str, load):
    """``load()``, or, inside ``bulk_import()``, its first answer for ``name`` for the rest of
    the import (settings read several times a meeting, that the import does not change)."""
    memo = getattr(_state, "memo", None) if active() else None
    if memo is None:
        return load()
    if name not in memo:
        memo[name] = load()
    return memo[name]


@contextmanager
def coalesced_tasks():
    """Enqueue each distinct (task, arguments) passed to ``enqueue`` once, at the end of the
    block, in the order first asked for. If the block raises, nothing is enqueued (the caller's
    transaction is being rolled back). Nested blocks share the outer one."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    pending: dict = {}
    _state.pending = pending
    try:
        yield
    finally:
        _state.pending = None
    for task, args, kwargs in pending.values():
        task.enqueue(*args, **kwargs)


def enqueue(task, *args, **kwargs):
    """``task.enqueue(*args, **kwargs)``, or, inside ``coalesced_tasks()``, once at its end
    however many times it is asked for. Returns the task result, or None when deferred."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        return task.enqueue(*args, **kwargs)
    key = (task.module_path, json.dumps([args, kwargs], sort_keys=True, default=str))
    pending.setdefault(key, (task, args, kwargs))
    return None


# --- per-record work of a meeting, done once per meeting -------------------------------------

_meeting_hooks: list = []


def on_meeting_written(hook) -> None:
    """Register ``hook(meeting_id)``: the work the apps' receivers do for each record of a
    meeting saved (mark its public records to compare, queue its search refresh, check its
    stored minutes PDF), done once for a meeting written inside ``meeting_records_deferred()``.
    Registered from the apps' ``ready()`` (a lower app does not import a higher one)."""
    if hook not in _meeting_hooks:
        _meeting_hooks.append(hook)


@contextmanager
def meeting_records_deferred():
    """While active (this thread), the receivers that work out a saved record's meeting and
    mark it (``deferred()`` says so) do nothing: the writer promises to call
    ``meeting_written(meeting_id)`` for every meeting whose records it saved, inside the same
    transaction (savepoint), which does their work once. A meeting's ~40 saves in an import
    otherwise cost ~40 look-ups of the same meeting and ~40 marks of it. Records that belong
    to no meeting (people, committees, memberships) are followed as always."""
    previous = getattr(_state, "deferred", False)
    _state.deferred = True
    try:
        yield
    finally:
        _state.deferred = previous


def deferred() -> bool:
    return getattr(_state, "deferred", False)


def meeting_written(meeting_id: int) -> None:
    """Do, once, the per-record work deferred by ``meeting_records_deferred()`` for a meeting."""
    for hook in _meeting_hooks:
        hook(meeting_id)


# --- rows written in one statement while a meeting's records are deferred -------------------


def create_rows(model, rows: list) -> None:
    """Save new rows: one ``save()`` each, or, while a bulk writer has deferred the meeting's
    per-record receivers (``deferred()``: an import), in one insert with their history rows
    (same user, from ``records_by``) in another, and one page-cache bump: what the receivers
    left to run per row (simple-history's, ``scrutiny.cache``'s) would do."""
    if not rows:
        return
    if not deferred():
        for row in rows:
            row.save(force_insert=True)
        return
    from simple_history.utils import bulk_create_with_history

    from scrutiny.cache import bump_generation

    bulk_create_with_history(rows, model)
    bump_generation()


def update_rows(model, rows: list, fields: list[str]) -> None:
    """``save(update_fields=fields)`` each row, or in bulk as ``create_rows`` says (with a
    history row each, and ``modified_at`` stamped as ``save()`` would)."""
    if not rows:
        return
    if not deferred():
        for row in rows:
            row.save(update_fields=fields)
        return
    from django.utils import timezone
    from simple_history.utils import get_history_manager_for_model

    from scrutiny.cache import bump_generation

    if "modified_at" in fields:
        now = timezone.now()
        for row in rows:
            row.modified_at = now
    _update_each(model, rows, fields)
    get_history_manager_for_model(model).bulk_history_create(rows, update=True)
    bump_generation()


def _update_each(model, rows: list, fields: list[str]) -> None:
    """``UPDATE … SET fields WHERE pk`` for each row, as one statement run with each row's
    values (``executemany``). What ``QuerySet.bulk_update`` writes, without building a
    ``CASE WHEN`` per row and field: that cost ~3 ms for a meeting's four minutes."""
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    # Only the model's own table and column names (quoted) are written into the SQL; every
    # value is a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns),
        quote(meta.pk.column),
    )
    values = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in columns]
        + [meta.pk.get_db_prep_save(row.pk, connection)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
