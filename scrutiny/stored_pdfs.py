"""Public PDFs (minutes, trackers) rendered once per content version and served from storage.

Agenda packs are built in the background and served from storage; every other public PDF used
to be rendered by WeasyPrint on every request, so anyone could load the server by asking for
the same PDF again and again. This module gives them one mechanism:

- A view describes its PDF as a ``PdfSpec`` (kind, key, print template, context, title) and
  hands it to ``serve(request, spec)`` once it has checked the reader may see it.
- ``fingerprint(spec)`` is the SHA-256 of what the PDF prints: the print template rendered to
  HTML (cheap, no WeasyPrint), the title and ``FORMAT``. Context that only says when it was
  printed (``PdfSpec.print_context``) is left out. Same fingerprint, same PDF.
- ``StoredPdf`` rows (``scrutiny.models``) hold one file per (kind, key, fingerprint) in the
  default storage (file system or S3). Only the row of the *current* fingerprint is served:
  a PDF of older content is never served for newer content, so a withdrawal or correction
  shows at once (the new version is "being prepared" until built).
- A public variant with no stored file: an anonymous request never renders. It records a
  pending build (one per content version, whatever the number of requests: the unique
  constraint deduplicates) and enqueues ``scrutiny.tasks.build_stored_pdf``; the answer is
  ``503`` with ``Retry-After`` and a page saying the PDF is being prepared. A signed-in reader
  (member, officer: accountable, not the anonymous public) gets it built on request, and the
  file is stored for everyone else.
- A variant the public may not see (draft minutes shown to officers) is rendered on request for
  that reader, never stored, and sent ``Cache-Control: private, no-store``.
- Stored PDFs are served by ``scrutiny.serving.file_response`` (ETag = SHA-256 of the file,
  Last-Modified = when it was built, conditional GET answered with 304) with
  ``Cache-Control: public, no-cache`` so shared caches revalidate every time.
- Builds are also enqueued when content changes (``connect_signals``, and ``follow_model``
  called by the minutes and work programme apps): minutes saved or approved, a published
  meeting changed, a work programme record saved. The task rebuilds
  what it finds changed; only PDFs someone asked for before are kept warm this way (minutes
  are built when they are first published).
- Content that changes with the date alone (a tracker's "overdue" flags) changes with no save
  to follow: ``manage.py refresh_stored_pdfs``, run nightly, queues the rebuild of the stored
  PDFs of every kind registered as ``dated``.

Loaders: the worker rebuilds a spec from (kind, key, query) with the loader the app that owns
the kind registered from its ``ready()`` (``register_loader``); it returns ``None`` when the
object is gone or no longer public, and then nothing is built and the stored files of that
object are deleted. This base module names no later app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from scrutiny.models import StoredPdf
from scrutiny.printing import PDF_VARIANT, pdf_response, render_html, render_pdf
from scrutiny.serving import file_response
from scrutiny.signals import meeting_changed, meeting_published

logger = logging.getLogger(__name__)

# Bump when the way PDFs are produced changes in a way the HTML does not show (a WeasyPrint
# upgrade, the print stylesheet outside the templates): every stored PDF is then rebuilt.
FORMAT = f"stored-pdf-2 {PDF_VARIANT}"  # 2: TH scopes added after WeasyPrint
# How long a pending build is trusted to be queued or running; after that a request queues
# it again (the worker was lost, or the build failed: it is retried at most this often).
PENDING_STALE_AFTER = dt.timedelta(minutes=10)
# Anonymous demand may queue at most this many builds at a time (filtered exports are many):
# beyond it, requests are told to come back and nothing is queued.
MAX_PENDING = 50
RETRY_AFTER_SECONDS = 30
# Stored versions of other filters of the same object are removed after this long (a filtered
# export that is asked for again is simply rebuilt).
PRUNE_AFTER = dt.timedelta(days=7)

# kind -> loader(kind, key, query) -> PdfSpec | None, registered by the apps (register_loader).
LOADERS: dict[str, Callable[[str, str, str], PdfSpec | None]] = {}
# The kinds whose printed content changes with the date (refreshed nightly).
DATED_KINDS: set[str] = set()
# kind -> resolver(key) -> (kind, key) | None, registered by the apps (register_key_resolver):
# "minutes-set" and "minute" (a record id seen by a signal) resolve to the meeting's minutes.
KEY_RESOLVERS: dict[str, Callable[[str], tuple[str, str] | None]] = {}


@dataclass
class PdfSpec:
    kind: str
    key: str
    template: str
    context: dict[str, Any]
    title: str
    filename: str
    public: bool = True
    query: str = ""
    # Context only the printed copy carries (e.g. "Printed 3 May 2024 10:15"): not part of
    # the fingerprint.
    print_context: Callable[[], dict[str, Any]] = field(default=dict)


def canonical_query(names, query) -> str:
    """The filters ``names`` given in ``query``, sorted: what makes a filtered export
    different (unknown parameters, ``format`` and ``page`` are ignored)."""
    pairs = []
    for name in sorted(names):
        for value in query.getlist(name) if query is not None else []:
            if value != "":
                pairs.append((name, value))
    return urlencode(pairs)


def fingerprint(spec: PdfSpec) -> str:
    html = render_html(
        spec.template,
        {"pdf_title": spec.title, "pdf_lang": "en-GB", **spec.context},
    )
    digest = hashlib.sha256()
    for part in (FORMAT, spec.title, html):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def load(kind: str, key: str, query: str = "") -> PdfSpec | None:
    """The spec of (kind, key, query) as the public sees it now, or None."""
    if kind not in LOADERS:
        return None
    spec = LOADERS[kind](kind, key, query)
    if spec is None or not spec.public:
        return None
    return spec


# --- serving -------------------------------------------------------------------------------


def serve(request, spec: PdfSpec) -> HttpResponse:
    """The response for ``spec``, which the caller has already allowed ``request`` to see."""
    if not spec.public:
        # Not the public's (draft minutes for officers): printed for this reader only.
        data = render_pdf(spec.template, {**spec.context, **spec.print_context()}, title=spec.title)
        response = pdf_response(data, filename=spec.filename)
        patch_cache_control(response, private=True, no_store=True)
        return response
    digest = fingerprint(spec)
    stored = StoredPdf.objects.filter(
        kind=spec.kind, key=spec.key, fingerprint=digest, status=StoredPdf.Status.READY
    ).first()
    if stored is None:
        if request.user.is_authenticated:
            stored = build(spec, digest)
        else:
            stored = request_build(spec, digest, anonymous=True)
    if stored is None or stored.status != StoredPdf.Status.READY:
        return preparing(request, spec)
    try:
        return _file(request, stored, spec)
    except Http404:
        # The row outlived its file (storage restored, file deleted by hand): build again.
        logger.warning("Stored PDF %s is missing its file %s", stored.pk, stored.file_name)
        StoredPdf.objects.filter(pk=stored.pk).delete()
        if request.user.is_authenticated:
            return _file(request, build(spec, digest), spec)
        request_build(spec, digest, anonymous=True)
        return preparing(request, spec)


def _file(request, stored: StoredPdf, spec: PdfSpec) -> HttpResponse:
    response = file_response(
        request,
        default_storage,
        stored.file_name,
        filename=spec.filename,
        last_modified=stored.built_at,
        etag=stored.sha256[:32],
        public=True,
    )
    # Public, but every use is revalidated (ETag/Last-Modified): a shared cache never keeps
    # serving a version that has been replaced.
    response["Cache-Control"] = "public, no-cache"
    return response


def preparing(request, spec: PdfSpec) -> HttpResponse:
    response = render(
        request,
        "scrutiny/pdf_preparing.html",
        {"title": spec.title, "retry_after": RETRY_AFTER_SECONDS, "url": request.get_full_path()},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    # Expected, not a server error: one line at info level rather than an error (with its
    # traceback mail) for every request of a flood.
    response._has_been_logged = True
    logger.info("Stored PDF %s %s is being prepared (503)", spec.kind, spec.key)
    return response


# --- building ------------------------------------------------------------------------------


def request_build(spec: PdfSpec, digest: str, *, anonymous: bool = False) -> StoredPdf | None:
    """Record that the PDF of ``spec`` at ``digest`` is wanted and queue its build, unless it
    is built or queued already. Returns the row (ready when the task ran at once), or None when
    anonymous demand already has ``MAX_PENDING`` builds waiting."""
    now = timezone.now()
    existing = StoredPdf.objects.filter(kind=spec.kind, key=spec.key, fingerprint=digest).first()
    if existing is None:
        if anonymous and _pending_count(now) >= MAX_PENDING:
            return None
        try:
            with transaction.atomic():
                existing = StoredPdf.objects.create(
                    kind=spec.kind,
                    key=spec.key,
                    query=spec.query,
                    fingerprint=digest,
                    requested_at=now,
                )
        except IntegrityError:  # another request recorded it a moment ago: theirs queues it
            return StoredPdf.objects.filter(
                kind=spec.kind, key=spec.key, fingerprint=digest
            ).first()
    elif existing.status == StoredPdf.Status.READY or existing.requested_at > now - (
        PENDING_STALE_AFTER
    ):
        return existing
    else:
        # Stale: its worker was lost or the build failed. Exactly one request re-queues it.
        claimed = StoredPdf.objects.filter(
            pk=existing.pk, status=StoredPdf.Status.PENDING, requested_at=existing.requested_at
        ).update(requested_at=now)
        if not claimed:
            return existing
    from scrutiny.tasks import build_stored_pdf

    build_stored_pdf.enqueue(existing.pk)
    return StoredPdf.objects.filter(pk=existing.pk).first()


def _pending_count(now) -> int:
    return StoredPdf.objects.filter(
        status=StoredPdf.Status.PENDING, requested_at__gt=now - PENDING_STALE_AFTER
    ).count()


def _storage_name(spec: PdfSpec, digest: str) -> str:
    safe_key = "".join(c if c.isalnum() or c in "-_" else "_" for c in spec.key)[:80]
    return f"printed/{spec.kind}/{safe_key}/{digest[:16]}-{uuid.uuid4().hex}.pdf"


def build(spec: PdfSpec, digest: str) -> StoredPdf:
    """Render ``spec`` (whose fingerprint is ``digest``), store the file and mark its row
    ready; older versions of the same export are removed. Safe to run twice: a version that
    is already stored is returned as it is."""
    ready = StoredPdf.objects.filter(
        kind=spec.kind, key=spec.key, fingerprint=digest, status=StoredPdf.Status.READY
    ).first()
    if ready is not None:
        return ready
    data = render_pdf(spec.template, {**spec.context, **spec.print_context()}, title=spec.title)
    name = default_storage.save(_storage_name(spec, digest), ContentFile(data))
    try:
        with transaction.atomic():
            now = timezone.now()
            row, _ = StoredPdf.objects.select_for_update().get_or_create(
                kind=spec.kind,
                key=spec.key,
                fingerprint=digest,
                defaults={"query": spec.query, "requested_at": now},
            )
            if row.status == StoredPdf.Status.READY:  # built by someone else meanwhile
                _delete_on_commit([name])
                return row
            row.status = StoredPdf.Status.READY
            row.file_name = name
            row.sha256 = hashlib.sha256(data).hexdigest()
            row.size = len(data)
            row.built_at = now
            row.save()
            _prune(spec, row)
            return row
    except BaseException:
        default_storage.delete(name)  # nothing points at it
        raise


def _prune(spec: PdfSpec, current: StoredPdf) -> None:
    """Remove the versions that can no longer be served: other content of the same export,
    and other exports of the same object not rebuilt for a week."""
    older = StoredPdf.objects.filter(
        kind=spec.kind, key=spec.key, status=StoredPdf.Status.READY
    ).exclude(pk=current.pk)
    same_export = older.filter(query=spec.query)
    stale_others = older.exclude(query=spec.query).filter(
        built_at__lt=current.built_at - PRUNE_AFTER
    )
    names = []
    for queryset in (same_export, stale_others):
        names += [n for n in queryset.values_list("file_name", flat=True) if n]
        queryset.delete()
    _delete_on_commit(names)


def forget(kind: str, key: str) -> int:
    """Delete every stored PDF of (kind, key): it is gone or no longer public."""
    rows = StoredPdf.objects.filter(kind=kind, key=key)
    names = [n for n in rows.values_list("file_name", flat=True) if n]
    count, _ = rows.delete()
    _delete_on_commit(names)
    return count


def _delete_on_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            try:
                default_storage.delete(name)
            except Exception:  # pragma: no cover - a stray file is harmless, keep going
                logger.exception("Could not delete the stored PDF %s", name)

    if names:
        transaction.on_commit(delete)


def run_build(stored_id: int) -> str:
    """The task's work: build the row's PDF if it is still what the public should get."""
    row = StoredPdf.objects.filter(pk=stored_id).first()
    if row is None:
        return "gone"
    if row.status == StoredPdf.Status.READY:
        return "ready"
    spec = load(row.kind, row.key, row.query)
    if spec is None:
        forget(row.kind, row.key)
        return "not public"
    digest = fingerprint(spec)
    if digest != row.fingerprint:
        # The content changed after the request: build what is current, drop the old wish.
        StoredPdf.objects.filter(pk=row.pk, status=StoredPdf.Status.PENDING).delete()
    build(spec, digest)
    return "built"


def refresh(kind: str, key: str | None = None, *, only_if_stored: bool = False) -> int:
    """Bring the whole-object PDFs of ``kind`` (one ``key``, or every key stored so far) up to
    date with the content: build the current version where it changed, forget objects that
    are gone or no longer public. ``only_if_stored``: leave alone a PDF nobody asked for yet.
    ``kind`` may also be "minutes-set" or "minute" with that record's id (a change seen by a
    signal, resolved here rather than in the officer's request). Returns how many PDFs were
    built."""
    if kind in KEY_RESOLVERS:
        resolved = KEY_RESOLVERS[kind](key)
        if resolved is None:
            return 0
        kind, key = resolved
    stored = StoredPdf.objects.filter(kind=kind, query="")
    if key is None:
        keys = list(stored.values_list("key", flat=True).distinct())
    elif only_if_stored and not StoredPdf.objects.filter(kind=kind, key=key).exists():
        return 0
    else:
        keys = [key]
    built = 0
    for each in keys:
        spec = load(kind, each, "")
        if spec is None:
            forget(kind, each)
            continue
        digest = fingerprint(spec)
        if not StoredPdf.objects.filter(
            kind=kind, key=each, fingerprint=digest, status=StoredPdf.Status.READY
        ).exists():
            build(spec, digest)
            built += 1
    return built


# --- keeping them current --------------------------------------------------------------------


def queue_refresh(kind: str, key: str | None, *, only_if_stored: bool = True) -> None:
    """Queue ``refresh(kind, key)`` after the transaction commits, once however many records
    it saved. Nothing is read here: the officer's save costs no query; the task finds out
    what to rebuild.

    During a bulk import (``scrutiny.bulk``) a minute's or a minutes set's key is resolved
    here to its meeting's minutes (one query), so that a meeting's many saves queue one
    refresh, and the refreshes are coalesced over the import's batch."""
    from scrutiny import bulk

    connection = transaction.get_connection()
    raw = (kind, key, only_if_stored)
    if bulk.active() and only_if_stored and kind in KEY_RESOLVERS and key is not None:
        for _sids, func, _robust in connection.run_on_commit:  # resolved already?
            if raw in getattr(func, "stored_pdf_keys", ()) and not func.ran:
                return
        resolved = KEY_RESOLVERS[kind](key)
        if resolved is None:
            return
        kind, key = resolved
    token = (kind, key, only_if_stored)
    # Already waiting for this commit? (A rolled-back transaction drops its callbacks, and
    # this list with them, so nothing is remembered past the transaction.)
    for _sids, func, _robust in connection.run_on_commit:
        if getattr(func, "stored_pdf_token", None) == token and not func.ran:
            func.stored_pdf_keys.add(raw)
            return

    def enqueue():
        from scrutiny.tasks import refresh_stored_pdfs

        enqueue.ran = True

        try:
            bulk.enqueue(refresh_stored_pdfs, kind, key, only_if_stored)
        except Exception:  # never break the officer's save for a PDF that can be built later
            logger.exception("Could not queue a refresh of stored PDFs %s %s", kind, key)

    enqueue.stored_pdf_token = token
    enqueue.stored_pdf_keys = {raw}  # the keys it stands for (before resolution)
    enqueue.ran = False
    transaction.on_commit(enqueue)


def on_minutes_set_change(sender, instance, **kwargs) -> None:
    # Minutes being published or approved are built straight away; those of a bulk import
    # (the history of a council: scrutiny.bulk) when first asked for, like any stored PDF.
    from scrutiny import bulk

    if bulk.deferred():
        return  # once a meeting: on_meeting_written
    queue_refresh("minutes", str(instance.meeting_id), only_if_stored=bulk.active())


def on_minute_change(sender, instance, **kwargs) -> None:
    from scrutiny import bulk

    if bulk.deferred():
        return  # once a meeting: on_meeting_written
    queue_refresh("minute", str(instance.pk))


def on_minute_part_change(sender, instance, **kwargs) -> None:
    from scrutiny import bulk

    if bulk.deferred():
        return  # once a meeting: on_meeting_written
    if getattr(instance, "minute_id", None):
        queue_refresh("minute", str(instance.minute_id))
    elif getattr(instance, "minutes_id", None):
        queue_refresh("minutes-set", str(instance.minutes_id))


def on_meeting_written(meeting_id: int) -> None:
    """What the minutes receivers above do for a meeting's minutes saved in bulk
    (``scrutiny.bulk.meeting_records_deferred``), once: check its stored minutes PDF (built
    on demand during a bulk import, like ``on_minutes_set_change``'s)."""
    from scrutiny import bulk

    queue_refresh("minutes", str(meeting_id), only_if_stored=bulk.active())


def _on_meeting_signal(sender, *, meeting, **kwargs) -> None:
    queue_refresh("minutes", str(meeting.pk))


def follow_model(model, receiver) -> None:
    """Call ``receiver`` (one of the ``on_*_change`` functions above, or the app's own, which
    calls ``queue_refresh``) after every save or delete of ``model``. The apps whose records
    the PDFs print call this from their ``ready()``, so this base module needs no import of
    them."""
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            receiver,
            sender=model,
            dispatch_uid=f"stored-pdfs-{name}-{model._meta.label_lower}",
        )


def register_loader(kind: str, loader, *, dated: bool = False) -> None:
    """Let the worker print PDFs of ``kind``: ``loader(kind, key, query)`` returns the
    ``PdfSpec`` as the public sees it now, or ``None`` when the object is gone or not public.
    ``dated``: what it prints changes with the date alone (an "overdue" flag), so the nightly
    ``manage.py refresh_stored_pdfs`` rebuilds its stored PDFs. The app that owns the kind
    calls this from its ``ready()``."""
    LOADERS[kind] = loader
    if dated:
        DATED_KINDS.add(kind)
    else:
        DATED_KINDS.discard(kind)


def register_key_resolver(kind: str, resolver) -> None:
    """Let ``refresh(kind, key)`` accept a record id of another app: ``resolver(key)`` returns
    the (kind, key) of the PDF that prints it, or ``None`` when the record is gone."""
    KEY_RESOLVERS[kind] = resolver


def connect_signals() -> None:
    """Rebuild stored PDFs after a published meeting changes (called from ScrutinyConfig);
    the minutes and work programme apps follow their own models with ``follow_model``."""
    from scrutiny import bulk

    bulk.on_meeting_written(on_meeting_written)
    meeting_published.connect(_on_meeting_signal, dispatch_uid="stored-pdfs-published")
    meeting_changed.connect(_on_meeting_signal, dispatch_uid="stored-pdfs-changed")
