"""A build whose worker died is taken over by its own task (scheduled for when the build's
lease ends), retried a bounded number of times, then recorded as failed with a reason the
officer sees; a meeting's first pack that cannot be built says so on both pages; temporary
folders of a killed build are removed by the next build.

These run the task on the real code path with the tests' immediate backend (a dead worker's
row is what ``tests/packs/test_worker_kill.py`` shows a real killed ``db_worker`` leaves);
the kill itself, on PostgreSQL with real worker processes, is in that file.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.packs import services
from meetings.packs.models import (
    INTERRUPTED_ERROR,
    MAX_ATTEMPTS,
    SUPERSEDED_ERROR,
    BuildStatus,
    Pack,
    PackBuild,
    lease_seconds,
)
from meetings.packs.tasks import build_meeting_packs
from scrutiny.models import Council
from tests.factories import make_user
from tests.factories.meetings import DocumentFactory
from tests.factories.packs import make_pack_meeting

from .helpers import ok_build

pytestmark = pytest.mark.django_db

PREPARING = "The agenda pack is being prepared"
NO_PACK = "There is no agenda pack for this meeting yet."
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def meeting():
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    return make_pack_meeting().meeting


def killed_build(meeting, *, lease_ended_ago: dt.timedelta, attempts: int = 1) -> PackBuild:
    """The row a build leaves when its worker dies after claiming it: building, with a lease
    its heartbeat no longer renews."""
    now = timezone.now()
    return PackBuild.objects.create(
        meeting=meeting,
        reason="Agenda published",
        status=BuildStatus.BUILDING,
        started_at=now - lease_ended_ago - dt.timedelta(seconds=lease_seconds()),
        lease_until=now - lease_ended_ago,
        attempts=attempts,
    )


def orphan_task(build: PackBuild) -> DBTaskResult:
    """The dead worker's task row: RUNNING for ever (django-tasks-db does not notice)."""
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {"build_id": build.pk}},
        task_path=build_meeting_packs.module_path,
        backend_name="default",
        run_after=timezone.now(),
        started_at=build.started_at,
        worker_ids=["dead-worker"],
    )


def watch(build: PackBuild) -> str:
    """What the build's scheduled check does when it comes due."""
    result = build_meeting_packs.enqueue(build_id=build.pk, watch=True)
    build.refresh_from_db()
    return result.return_value


def test_a_lost_build_is_retried_by_its_watch_and_the_pack_appears(client, meeting):
    lost = killed_build(meeting, lease_ended_ago=dt.timedelta(seconds=5))
    orphan = orphan_task(lost)
    assert lost.is_lost
    client.force_login(make_user("officer"))
    page = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Interrupted, being retried" in page and "retried automatically" in page
    client.logout()
    # Lost less than a lease ago: the public page still says the pack is coming.
    assert PREPARING in client.get(meeting.get_absolute_url()).content.decode()

    assert watch(lost) == "ok"
    assert lost.status == BuildStatus.OK and lost.attempts == 2 and lost.lease_until is None
    orphan.refresh_from_db()
    assert orphan.status == "FAILED" and orphan.finished_at is not None
    assert orphan.exception_class_path == "meetings.packs.services.WorkerLost"
    assert f"pack build {lost.pk}" in orphan.traceback
    response = client.get(reverse("meeting-pack", args=[meeting.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_a_live_build_is_left_alone(meeting):
    running = killed_build(meeting, lease_ended_ago=-dt.timedelta(seconds=30))
    assert not running.is_lost
    assert watch(running) == "running"
    assert running.status == BuildStatus.BUILDING and running.attempts == 1
    assert PackBuild.objects.in_progress().filter(pk=running.pk).exists()


def test_a_build_that_keeps_losing_its_worker_fails_with_the_reason(client, meeting):
    """Third start lost too: recorded as failed, shown to the officer, and the public page of
    this first-ever pack says plainly there is no pack (not "being prepared" for ever)."""
    lost = killed_build(meeting, lease_ended_ago=dt.timedelta(seconds=5), attempts=MAX_ATTEMPTS)
    assert watch(lost) == "failed"
    assert lost.status == BuildStatus.FAILED
    assert lost.error == INTERRUPTED_ERROR.format(attempts=MAX_ATTEMPTS)
    assert not Pack.objects.filter(meeting=meeting).exists()
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert NO_PACK in public and "being prepared" not in public
    client.force_login(make_user("officer"))
    page = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "The last build failed" in page
    assert f"was started {MAX_ATTEMPTS} times and its worker stopped each time" in page
    assert "No agenda pack is published for this meeting" in page
    assert "previous good pack" not in page
    listing = client.get(reverse("officer-packs")).content.decode()
    assert f"was started {MAX_ATTEMPTS} times" in listing


def test_a_first_pack_that_fails_says_so_on_both_pages(client, meeting):
    DocumentFactory(
        agenda_item=meeting.items.get(number="3"),
        title="Broken export",
        original_filename="export.pdf",
        file=ContentFile(b"%PDF-1.7\nnot really", name="x.pdf"),
    )
    failed = services.request_build(meeting=meeting, reason="test")
    failed.refresh_from_db()
    assert failed.status == BuildStatus.FAILED
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert NO_PACK in public and "being prepared" not in public
    assert client.get(reverse("meeting-pack", args=[meeting.pk])).status_code == 404
    client.force_login(make_user("officer"))
    page = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Broken export" in page and "No agenda pack is published for this meeting" in page
    assert "still published" not in page


def test_a_lost_build_with_a_newer_build_is_closed_not_retried(meeting):
    lost = killed_build(meeting, lease_ended_ago=dt.timedelta(seconds=5))
    newer = ok_build(meeting, force=True)
    assert watch(lost) == "superseded"
    assert lost.status == BuildStatus.FAILED and lost.error == SUPERSEDED_ERROR
    assert lost.attempts == 1 and newer.status == BuildStatus.OK


def test_a_build_request_schedules_its_watch_for_when_the_lease_ends(meeting):
    with override_settings(TASKS=DATABASE_BACKEND):
        before = timezone.now()
        build = services.request_build(meeting=meeting, reason="test")
    tasks = {
        bool(t.args_kwargs["kwargs"].get("watch")): t
        for t in DBTaskResult.objects.filter(task_path=build_meeting_packs.module_path)
    }
    assert set(tasks) == {False, True}
    assert tasks[False].args_kwargs["kwargs"] == {"build_id": build.pk}
    assert tasks[True].args_kwargs["kwargs"] == {"build_id": build.pk, "watch": True}
    due = tasks[True].run_after
    assert before + dt.timedelta(seconds=lease_seconds()) <= due
    assert due <= timezone.now() + dt.timedelta(seconds=lease_seconds() + 2)
    # Not due yet: a worker picking tasks now runs the build only.
    assert list(DBTaskResult.objects.ready()) == [tasks[False]]


def test_a_killed_builds_temporary_folder_is_removed_by_the_next_build(meeting, settings, tmp_path):
    tmp_path = tmp_path / "tmp"
    tmp_path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead_pid = int(dead.stdout)
    left = tmp_path / f"pack-{dead_pid}-abc123"
    (left / "sub").mkdir(parents=True)
    (left / "public.pdf").write_bytes(b"%PDF-1.7 half written")
    live = tmp_path / f"pack-{os.getpid()}-live"
    live.mkdir()
    other = tmp_path / "not-a-pack"
    other.mkdir()
    ok_build(meeting)
    assert not left.exists()
    assert live.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


def test_no_temporary_folder_is_left_by_a_failed_build(meeting, settings, tmp_path):
    tmp_path = tmp_path / "tmp"
    tmp_path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    ok_build(meeting)
    DocumentFactory(
        agenda_item=meeting.items.get(number="3"),
        title="Broken export",
        file=ContentFile(b"%PDF-1.7\nnot really", name="x.pdf"),
    )
    failed = services.request_build(meeting=meeting, reason="test", force=True)
    failed.refresh_from_db()
    assert failed.status == BuildStatus.FAILED
    assert list(tmp_path.iterdir()) == []
