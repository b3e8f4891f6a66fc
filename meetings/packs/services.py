"""Writes for agenda packs: ask for a build, run one (from the background task), take over a
build whose worker died, and withdraw a pack that holds a paper no longer public.

Self-healing (issue 14): a running build holds a lease that a heartbeat thread renews
(``scrutiny.leases``). ``request_build`` queues the build's task and, on a backend that can
defer (the database backend ``db_worker`` runs), the same task again for when the lease would
end: that second run finds the build finished (nothing to do), still running with a live
lease (it schedules itself again for the lease's new end), or lost — its worker died — and
then retries it there and then, up to ``MAX_ATTEMPTS`` starts in all, after which the build is
recorded as failed with the reason officers see. No one has to press anything, and it works
with the plain ``manage.py db_worker`` of ``make run`` and of production.

Withdrawal (issue 13): a pack is served only while everything it shows openly is public now
(``public_now`` / ``is_public_now``): the check runs on every download and on the meeting
page, so a paper made exempt, confidential or removed stops being served the moment that
change commits, before any rebuild; ``withdraw_unpublishable`` then deletes such packs (row
and file) and the rebuild is queued. A failed rebuild cannot bring a withdrawn pack back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import BooleanField, CharField, ExpressionWrapper, Value
from django.utils import timezone

from meetings import changes
from meetings.models import AgendaItem, ChangeKind, Document, ItemKind, Meeting, Report
from scrutiny import leases, visibility
from scrutiny.audit import records_by

from . import builder, previous_minutes
from .models import (
    INTERRUPTED_ERROR,
    MAX_ATTEMPTS,
    SUPERSEDED_ERROR,
    BuildStatus,
    Pack,
    PackBuild,
    PackKind,
    lease_seconds,
)

logger = logging.getLogger(__name__)

# Built in this order: the supplementary pack's page numbers continue the public pack.
KINDS = [PackKind.PUBLIC, PackKind.SUPPLEMENTARY, PackKind.MEMBERS]


def _specs(meeting: Meeting, first_pages: dict[str, int]) -> dict[str, builder.PackSpec | None]:
    inputs = builder.load_inputs(meeting)
    return {
        kind: builder.collect(meeting, kind, first_page=first_pages.get(kind, 1), inputs=inputs)
        for kind in KINDS
    }


def _supplementary_start(meeting: Meeting) -> int:
    public = Pack.objects.filter(meeting=meeting, kind=PackKind.PUBLIC).first()
    return public.last_page + 1 if public else 1


def pending_kinds(meeting: Meeting) -> dict[str, str]:
    """Kinds whose inputs differ from the last good pack: ``{kind: new input hash}``.
    Kinds the meeting no longer needs map to ``""``."""
    packs = {p.kind: p for p in Pack.objects.filter(meeting=meeting)}
    out: dict[str, str] = {}
    first_pages = {PackKind.SUPPLEMENTARY: _supplementary_start(meeting)}
    for kind, spec in _specs(meeting, first_pages).items():
        existing = packs.get(kind)
        if spec is None:
            if existing is not None:
                out[kind] = ""
            continue
        digest = builder.input_hash(spec)
        if existing is None or existing.input_hash != digest or not existing.file_exists():
            out[kind] = digest
    return out


@records_by
@transaction.atomic
def request_build(
    *, meeting: Meeting, reason: str, by=None, force: bool = False
) -> PackBuild | None:
    """Queue a build of ``meeting``'s packs. Returns ``None`` (and queues nothing) when every
    pack is up to date, unless ``force``; returns the waiting build if one is already queued
    (it reads the meeting when it runs, so it will include this change)."""
    if not meeting.is_published:
        raise ValidationError({"meeting": "Agenda packs are built once the agenda is published."})
    waiting = PackBuild.objects.filter(meeting=meeting, status=BuildStatus.QUEUED).first()
    if waiting is not None:
        if force and not waiting.force:
            waiting.force = True
            waiting.save(update_fields=["force"])
        return waiting
    if not force and not pending_kinds(meeting):
        return None
    build = PackBuild.objects.create(
        meeting=meeting, reason=reason[:200], requested_by=by, force=force
    )
    from .tasks import build_meeting_packs

    # The database backend stores the tasks in this transaction, so the worker sees them
    # only once the build row is committed too.
    build_meeting_packs.enqueue(build_id=build.pk)
    _watch(build.pk, at=leases.until(lease_seconds()))
    return build


def never_built(meeting: Meeting) -> bool:
    """No pack and no build, ever: the packs of a held meeting a bulk import brought in."""
    return not (
        PackBuild.objects.filter(meeting=meeting).exists()
        or Pack.objects.filter(meeting=meeting).exists()
    )


def held(meeting: Meeting) -> bool:
    """The meeting has begun: a bulk import's pack of it waits to be asked for."""
    return meeting.start < timezone.now()


def deferred_to_demand(meeting: Meeting) -> bool:
    """During a bulk import (``scrutiny.bulk``), the packs of a meeting already held that
    never had any are built when first asked for (``request_on_demand``), not now: a
    council's ten years of history would otherwise queue thousands of builds nobody reads.
    A meeting still to come, or one whose packs exist, is built as always."""
    from scrutiny import bulk

    return bulk.active() and held(meeting) and never_built(meeting)


# Anonymous demand may queue at most this many pack builds at a time.
MAX_ON_DEMAND = 20


@records_by
def request_on_demand(meeting: Meeting, *, by=None) -> bool:
    """A pack of a published meeting that never had one was asked for (its packs were left
    to be built on demand): queue the build, through ``request_build`` as any other.
    Returns whether a build is (now) queued. Anonymous demand queues at most
    ``MAX_ON_DEMAND`` builds at a time."""
    if not meeting.is_published or meeting.start >= timezone.now() or not never_built(meeting):
        return False  # only held meetings are left to demand (deferred_to_demand)
    anonymous = by is None or not getattr(by, "is_authenticated", False)
    if anonymous and PackBuild.objects.in_progress().count() >= MAX_ON_DEMAND:
        return False
    try:
        build = request_build(
            meeting=meeting,
            reason="Asked for (imported meeting: built on demand)",
            by=None if anonymous else by,
        )
    except ValidationError:
        return False
    return build is not None


# A watch runs this long after the lease it checks has ended (clocks of several machines).
WATCH_MARGIN = dt.timedelta(seconds=1)


def _watch(build_id: int, *, at: dt.datetime) -> None:
    """Run the build's task again at ``at`` to check on it (backends that can defer only: the
    immediate backend runs a build to its end inside ``enqueue``, so there is nothing to
    watch)."""
    from .tasks import build_meeting_packs

    if build_meeting_packs.get_backend().supports_defer:
        build_meeting_packs.using(run_after=at + WATCH_MARGIN).enqueue(
            build_id=build_id, watch=True
        )


class WorkerLost(Exception):
    """Recorded on a task whose worker died while it ran (its build's lease ran out)."""


def _fail_orphan_tasks(build: PackBuild, task_id: str | None) -> int:
    """Mark the dead worker's task rows for ``build`` failed (they would say RUNNING for
    ever: django-tasks-db has no stale-task handling)."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import build_meeting_packs

    orphans = DBTaskResult.objects.running().filter(
        task_path=build_meeting_packs.module_path, args_kwargs__kwargs__build_id=build.pk
    )
    # This task's own row, if it has one (the immediate backend's ids are not UUIDs).
    with contextlib.suppress(ValueError):
        orphans = orphans.exclude(pk=uuid.UUID(task_id or ""))
    return orphans.update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=(
            f"WorkerLost: the worker running this task stopped (killed, crashed or the "
            f"machine restarted) before it finished; the lease of pack build {build.pk} ran "
            f"out and {'task ' + task_id if task_id else 'another task'} took it over.\n"
        ),
    )


def _claim(build_id: int, *, watch: bool, task_id: str | None) -> tuple[str, PackBuild | None]:
    """Start the build if it is queued, or take it over if its worker died; otherwise say
    why not ("skipped": finished or deleted; "running": a live worker has it)."""
    with transaction.atomic():
        build = PackBuild.objects.select_for_update().filter(pk=build_id).first()
        if build is None or build.status in (BuildStatus.OK, BuildStatus.FAILED):
            return "skipped", None  # already run (a task retried or a watch) or deleted
        now = timezone.now()
        if build.status == BuildStatus.BUILDING:
            if not build.is_lost:
                if watch:  # check again when the (renewed) lease would end
                    _watch(build.pk, at=max(build.lease_until or now, now))
                return "running", None
            # Its worker died. Take over, unless a newer build makes it redundant or it has
            # been started too often.
            _fail_orphan_tasks(build, task_id)
            newer = PackBuild.objects.filter(meeting_id=build.meeting_id, pk__gt=build.pk)
            if newer.exists():
                _close(build, SUPERSEDED_ERROR)
                return "superseded", None
            if build.attempts >= MAX_ATTEMPTS:
                _close(build, INTERRUPTED_ERROR.format(attempts=build.attempts))
                logger.error("Pack build %s gave up after %s attempts", build.pk, build.attempts)
                return "failed", None
            logger.warning("Pack build %s lost its worker: retrying it", build.pk)
            watch = True  # this task now runs the build: someone must watch it
        build.status = BuildStatus.BUILDING
        build.started_at = now
        build.attempts += 1
        build.lease_until = leases.until(lease_seconds())
        build.save(update_fields=["status", "started_at", "attempts", "lease_until"])
        if watch:
            _watch(build.pk, at=build.lease_until)
        return "claimed", build


def _close(build: PackBuild, error: str) -> None:
    build.status = BuildStatus.FAILED
    build.error = error
    build.finished_at = timezone.now()
    build.lease_until = None
    build.save(update_fields=["status", "error", "finished_at", "lease_until"])


def run_build(*, build_id: int, watch: bool = False, task_id: str | None = None) -> str:
    """Build every pack of the build's meeting whose inputs changed. Idempotent: a build that
    is not queued any more is left alone (or taken over, if its worker died: see
    ``_claim``). A failure records the error and keeps the previous good packs; packs
    finished earlier in the same run stay (they are good)."""
    clean_stale_temp()
    outcome, build = _claim(build_id, watch=watch, task_id=task_id)
    if build is None:
        return outcome
    try:
        with leases.heartbeat(
            PackBuild.objects.filter(pk=build.pk, status=BuildStatus.BUILDING),
            "lease_until",
            lease_seconds(),
        ):
            return _run(build)
    except BaseException as exc:
        if not isinstance(exc, Exception):
            # Stopped from outside (db_worker's second SIGTERM raises SystemExit): give the
            # lease up now so the build's watch retries it at once, not a lease later.
            PackBuild.objects.filter(pk=build.pk, status=BuildStatus.BUILDING).update(
                lease_until=timezone.now()
            )
        raise


def _run(build: PackBuild) -> str:
    meeting = Meeting.all_objects.select_related("committee", "contact_officer").get(
        pk=build.meeting_id
    )
    done: list[str] = []
    hashes: dict[str, str] = {}
    warnings: list[str] = []
    try:
        inputs = builder.load_inputs(meeting)
        for kind in KINDS:
            first_page = _supplementary_start(meeting) if kind == PackKind.SUPPLEMENTARY else 1
            spec = builder.collect(meeting, kind, first_page=first_page, inputs=inputs)
            existing = Pack.objects.filter(meeting=meeting, kind=kind).first()
            if spec is None:
                if existing is not None:
                    _remove(existing)
                    done.append(f"{PackKind(kind).label}: removed (no longer needed)")
                continue
            warnings += spec.warnings
            digest = builder.input_hash(spec)
            hashes[kind] = digest
            if (
                not build.force
                and existing is not None
                and existing.input_hash == digest
                and existing.file_exists()
            ):
                done.append(f"{PackKind(kind).label}: unchanged")
                continue
            guess = existing.front_pages if existing else None
            result = _build_and_store(spec, meeting, kind, build=build, digest=digest, guess=guess)
            done.append(
                f"{PackKind(kind).label}: built, pages {result.first_page}–"
                f"{result.first_page + result.page_count - 1} "
                f"(front sheet laid out {result.layout_passes}×)"
            )
    except builder.PackBuildError as exc:
        _finish(build, BuildStatus.FAILED, error=str(exc), done=done, hashes=hashes)
        return "failed"
    except Exception as exc:  # record anything unexpected for the officer, then re-raise
        logger.exception("Agenda pack build %s failed", build.pk)
        _finish(
            build,
            BuildStatus.FAILED,
            error=f"Unexpected error while building: {exc.__class__.__name__}: {exc}",
            done=done,
            hashes=hashes,
        )
        raise
    _finish(build, BuildStatus.OK, error="", done=done + warnings, hashes=hashes)
    return "ok"


def _build_and_store(
    spec: builder.PackSpec, meeting: Meeting, kind: str, *, build, digest: str, guess
) -> builder.BuildResult:
    """Build into a local temporary file, store it under a new name, then switch the pack's
    row to that name in one transaction; the previous file is deleted once that commits.
    Readers therefore get the old pack or the new one, never part of one, on any storage."""
    # The folder's name carries this process's id: if the process is killed, the next build
    # on this machine sees the process is gone and removes the folder (clean_stale_temp).
    with tempfile.TemporaryDirectory(prefix=f"pack-{os.getpid()}-", dir=_temp_root()) as tmp:
        local = Path(tmp) / f"{kind}.pdf"
        result = builder.build_pdf(spec, local, front_guess=guess)
        name = builder.store_pack(local, builder.pack_file_name(meeting, kind))
    try:
        with transaction.atomic():
            previous = Pack.objects.select_for_update().filter(meeting=meeting, kind=kind).first()
            Pack.objects.update_or_create(
                meeting=meeting,
                kind=kind,
                defaults={
                    "file_name": name,
                    "input_hash": digest,
                    "sha256": result.sha256,
                    "size": result.size,
                    "first_page": result.first_page,
                    "page_count": result.page_count,
                    "front_pages": result.front_pages,
                    "contents": result.contents,
                    "built_at": timezone.now(),
                    "build": build,
                },
            )
            if previous is not None and previous.file_name and previous.file_name != name:
                transaction.on_commit(partial(_delete_file, previous.file_name))
            if kind == PackKind.SUPPLEMENTARY and (
                previous is None or previous.input_hash != digest
            ):
                _record_supplementary(meeting, previous, result)
    except BaseException:
        _delete_file(name)  # the row still points at the previous file
        raise
    return result


def _pages(first: int, count: int) -> str:
    return f"pages {first}–{first + count - 1}" if count > 1 else f"page {first}"


def _record_supplementary(meeting: Meeting, previous: Pack | None, result) -> None:
    """The supplementary pack is news to members (``meetings.changes``): recorded in the
    transaction that switches the pack's row, with its pages before and after."""
    changes.record(
        meeting,
        ChangeKind.SUPPLEMENTARY_PACK,
        before=_pages(previous.first_page, previous.page_count) if previous else "",
        after=_pages(result.first_page, result.page_count),
    )


def _delete_file(name: str) -> None:
    """Delete a file no row points at any more. A failure is logged, not raised: the build
    it follows has succeeded, and a left-over file is harmless (backups include it)."""
    try:
        default_storage.delete(name)
    except Exception:
        logger.warning("Could not delete the old agenda pack file %s", name, exc_info=True)


def _remove(pack: Pack) -> None:
    name = pack.file_name
    pack.delete()
    if name:
        transaction.on_commit(partial(_delete_file, name))


def _finish(build: PackBuild, status: str, *, error: str, done: list[str], hashes) -> None:
    build.status = status
    build.error = error
    build.summary = "\n".join(done)
    build.input_hashes = hashes
    build.finished_at = timezone.now()
    build.lease_until = None
    build.save(
        update_fields=["status", "error", "summary", "input_hashes", "finished_at", "lease_until"]
    )


# -- temporary folders ------------------------------------------------------------------------

TEMP_NAME = re.compile(r"^pack-(?P<pid>\d+)-")


def _temp_root() -> str:
    return settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def clean_stale_temp() -> int:
    """Remove ``pack-*`` temporary folders left by a build whose process was killed (a
    folder of a live process is left alone; one from before folder names carried the
    process id, once it is older than a day). Returns how many were removed."""
    removed = 0
    try:
        candidates = list(Path(_temp_root()).glob("pack-*"))
    except OSError:
        return 0
    for path in candidates:
        try:
            if not path.is_dir():
                continue
            found = TEMP_NAME.match(path.name)
            if found:
                if _process_alive(int(found["pid"])):
                    continue
            elif time.time() - path.stat().st_mtime < 86400:
                continue
            shutil.rmtree(path)
            removed += 1
        except OSError:
            logger.warning("Could not remove the stale temporary folder %s", path, exc_info=True)
    return removed


# -- withdrawal -------------------------------------------------------------------------------

PUBLIC_KINDS = (PackKind.PUBLIC, PackKind.SUPPLEMENTARY)


@dataclass(frozen=True)
class PublicNow:
    """What of a meeting the public may see right now, by the models' public managers: the
    items listed (exempt ones by title), the items shown openly, and the papers."""

    listed: frozenset[int]
    open: frozenset[int]
    papers: frozenset[str]


def public_now(meeting: Meeting) -> PublicNow:
    """Read on every meeting page with a pack (``panels._packs``): two queries whatever the
    agenda holds. The items with whether each is open and the public minutes a minutes item
    carries in one query, the public reports and documents in one UNION, both through the
    public managers."""
    items = list(
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .annotate(
            is_open=ExpressionWrapper(visibility.item_open(), output_field=BooleanField()),
            carried_minutes_id=previous_minutes.carried_subquery(),
        )
        .values_list(
            "pk", "is_open", "kind", "previous_meeting_id", "carried_minutes_id", named=True
        )
    )
    listed = frozenset(item.pk for item in items)
    open_items = frozenset(item.pk for item in items if item.is_open)
    reports = (
        Report.objects.filter(agenda_item__meeting_id=meeting.pk)
        .annotate(key_kind=Value("report", output_field=CharField()))
        .values_list("key_kind", "pk")
        .order_by()
    )
    documents = (
        Document.objects.filter(agenda_item__meeting_id=meeting.pk)
        .annotate(key_kind=Value("document", output_field=CharField()))
        .values_list("key_kind", "pk")
        .order_by()
    )
    papers = {f"{kind}-{pk}" for kind, pk in reports.union(documents, all=True)}
    # The previous meeting's minutes a minutes item carries, while they are public.
    papers |= {
        previous_minutes.public_key_of(item.pk, item.carried_minutes_id)
        for item in items
        if item.is_open and item.kind == ItemKind.MINUTES and item.carried_minutes_id
    }
    return PublicNow(listed, open_items, frozenset(papers))


def is_public_now(pack: Pack, now: PublicNow) -> bool:
    """Is everything ``pack`` shows still public? The members' pack is never public."""
    if pack.kind not in PUBLIC_KINDS:
        return False
    contents = pack.contents or {}
    papers = contents.get("papers", [])
    shown = {p["key"] for p in papers if not p["key"].startswith("exempt-")}
    open_items = contents.get("open_items")
    if open_items is None:  # a pack built before open_items was recorded
        open_items = {p["item"] for p in papers if not p["key"].startswith("exempt-")}
    listed = contents.get("listed_items", [int(i) for i in contents.get("items", {})])
    return set(open_items) <= now.open and set(listed) <= now.listed and shown <= now.papers


@transaction.atomic
def withdraw_unpublishable(meeting: Meeting) -> list[str]:
    """Delete the meeting's public packs that show something no longer public (row now,
    file once this commits). Returns the kinds withdrawn. What is public now is read only
    when the meeting has a public pack (most changes, and every imported meeting, have none)."""
    now = None
    withdrawn = []
    for pack in Pack.objects.select_for_update().filter(meeting=meeting, kind__in=PUBLIC_KINDS):
        now = now or public_now(meeting)
        if not is_public_now(pack, now):
            withdrawn.append(pack.kind)
            _remove(pack)
            logger.warning("Withdrew the %s pack of meeting %s", pack.kind, meeting.pk)
    return withdrawn


def issued_now(meeting: Meeting) -> frozenset[str]:
    """Keys of the meeting's papers members may read now (``issued()``: not drafts, not
    withdrawn, not earlier versions; issue 15)."""
    reports = Report.all_objects.issued().filter(agenda_item__meeting_id=meeting.pk)
    documents = Document.all_objects.issued().filter(agenda_item__meeting_id=meeting.pk)
    return frozenset(
        {f"report-{pk}" for pk in reports.values_list("pk", flat=True)}
        | {f"document-{pk}" for pk in documents.values_list("pk", flat=True)}
    )


def holds_only_issued(pack: Pack, issued: frozenset[str]) -> bool:
    """Does the members' pack hold only papers members may still read? A paper withdrawn or
    replaced by a new version stops the pack being served until it is rebuilt."""
    papers = (pack.contents or {}).get("papers", [])
    # Only the meeting's reports and documents: exempt placeholders and the previous
    # meeting's minutes (``previous_minutes``, rebuilt when those minutes change) are not.
    held = {p["key"] for p in papers if p["key"].startswith(("report-", "document-"))}
    return held <= issued
