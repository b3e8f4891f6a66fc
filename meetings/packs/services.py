"""Writes for agenda packs: ask for a build, and run one (from the background task)."""

from __future__ import annotations

import logging
import tempfile
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from meetings.models import Meeting

from . import builder
from .models import INTERRUPTED_ERROR, BuildStatus, Pack, PackBuild, PackKind

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


@transaction.atomic
def request_build(
    *, meeting: Meeting, reason: str, by=None, force: bool = False
) -> PackBuild | None:
    """Queue a build of ``meeting``'s packs. Returns ``None`` (and queues nothing) when every
    pack is up to date, unless ``force``; returns the waiting build if one is already queued
    (it reads the meeting when it runs, so it will include this change)."""
    if not meeting.is_published:
        raise ValidationError({"meeting": "Agenda packs are built once the agenda is published."})
    close_interrupted(meeting)
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

    # The database backend stores the task in this transaction, so the worker sees it only
    # once the build row is committed too.
    build_meeting_packs.enqueue(build_id=build.pk)
    return build


def close_interrupted(meeting: Meeting) -> int:
    """Record the meeting's builds that lost their worker as failed (one UPDATE)."""
    return (
        PackBuild.objects.interrupted()
        .filter(meeting=meeting)
        .update(status=BuildStatus.FAILED, error=INTERRUPTED_ERROR, finished_at=timezone.now())
    )


def _claim(build_id: int) -> PackBuild | None:
    with transaction.atomic():
        build = PackBuild.objects.select_for_update().filter(pk=build_id).first()
        if build is None or build.status != BuildStatus.QUEUED:
            return None  # already run (a task retried) or deleted
        build.status = BuildStatus.BUILDING
        build.started_at = timezone.now()
        build.save(update_fields=["status", "started_at"])
        return build


def run_build(*, build_id: int) -> str:
    """Build every pack of the build's meeting whose inputs changed. Idempotent: a build that
    is not queued any more is left alone. A failure records the error and keeps the previous
    good packs; packs finished earlier in the same run stay (they are good)."""
    build = _claim(build_id)
    if build is None:
        return "skipped"
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
    with tempfile.TemporaryDirectory(prefix="pack-", dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
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
    except BaseException:
        _delete_file(name)  # the row still points at the previous file
        raise
    return result


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
    build.save(update_fields=["status", "error", "summary", "input_hashes", "finished_at"])
