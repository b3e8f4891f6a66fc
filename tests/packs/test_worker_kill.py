"""A real ``manage.py db_worker`` is killed (SIGKILL) in the middle of a pack build on
PostgreSQL; a fresh, plain ``db_worker`` is started and, with nobody pressing anything, the
pack appears: the build's own task, scheduled for when the build's lease ends, finds the
lease run out (the dead worker's heartbeat stopped), marks the dead worker's task row failed,
retries the build and publishes the pack; the killed build's temporary folder is removed.
(issue 14, finding 5.)
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from meetings.packs import services
from meetings.packs.models import BuildStatus, Pack, PackBuild, PackKind
from meetings.packs.tasks import build_meeting_packs
from scrutiny.models import Council
from tests.factories.packs import make_pack_meeting
from tests.hardening.child_env import child_env

BASE_DIR = Path(__file__).resolve().parents[2]
LEASE = 3  # seconds, for this test (production: 60)
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (several worker processes on one database)",
    ),
    pytest.mark.django_db(transaction=True),
]


def wait_for(what: str, check, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def test_a_killed_worker_s_build_is_retried_by_a_fresh_worker(client, settings, tmp_path):
    settings.PACK_BUILD_LEASE_SECONDS = LEASE
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    env = child_env(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=settings.MEDIA_ROOT,
        TMPDIR=str(temp_root),
        DJANGO_SETTINGS_MODULE="scrutiny.settings",
        PYTHONUNBUFFERED="1",
    )
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    meeting = make_pack_meeting().meeting
    with override_settings(TASKS=DATABASE_BACKEND):
        build = services.request_build(meeting=meeting, reason="Agenda published")
    logs = tmp_path / "logs"
    logs.mkdir()
    workers: list[subprocess.Popen] = []

    def start(name: str, command: list[str], **extra: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env={**env, **extra},
            stdout=(logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        workers.append(proc)
        return proc

    try:
        slow = start(
            "killed",
            [sys.executable, str(Path(__file__).with_name("slow_worker.py"))],
            PACK_SLOW_SECONDS="300",
            PACK_BUILD_LEASE_SECONDS=str(LEASE),
        )

        def claimed():
            build.refresh_from_db()
            folders = list(temp_root.glob(f"pack-{slow.pid}-*"))
            return build.status == BuildStatus.BUILDING and folders

        left_behind = wait_for("the first worker to start building", claimed, 90)[0]
        first_lease = build.lease_until
        # Its heartbeat is alive: the lease moves on while the build runs.
        wait_for(
            "the heartbeat to renew the lease",
            lambda: PackBuild.objects.get(pk=build.pk).lease_until > first_lease,
            3 * LEASE,
        )

        slow.send_signal(signal.SIGKILL)
        assert slow.wait(timeout=30) == -signal.SIGKILL
        # What a killed worker leaves: the build "building", its task RUNNING for ever, and
        # the temporary folder.
        build.refresh_from_db()
        assert build.status == BuildStatus.BUILDING and build.attempts == 1
        orphan = DBTaskResult.objects.get(
            task_path=build_meeting_packs.module_path,
            status="RUNNING",
            args_kwargs__kwargs__build_id=build.pk,
        )
        assert left_behind.is_dir()
        assert not Pack.objects.filter(meeting=meeting).exists()

        # A fresh worker, exactly as make run and production start it. Nobody presses
        # Rebuild.
        fresh = start(
            "fresh",
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "default",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
        )

        def finished():
            build.refresh_from_db()
            return build.status in (BuildStatus.OK, BuildStatus.FAILED)

        wait_for("the build to be retried and finish", finished, 120)
        assert fresh.poll() is None, "the fresh worker is still running"
    except BaseException:
        for name in ("killed", "fresh"):
            path = logs / f"{name}.log"
            if path.exists():
                print(f"--- {name} worker ---\n{path.read_text()[-4000:]}")
        raise
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)

    assert build.status == BuildStatus.OK, build.error
    assert build.attempts == 2
    orphan.refresh_from_db()
    assert orphan.status == "FAILED"
    assert orphan.exception_class_path == "meetings.packs.services.WorkerLost"
    public = Pack.objects.get(meeting=meeting, kind=PackKind.PUBLIC)
    assert public.build_id == build.pk
    response = client.get(reverse("meeting-pack", args=[meeting.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == public.page_count > 1
    assert "Children's services update" in "".join(p.extract_text() for p in reader.pages)
    # The killed build's temporary folder is gone, and no other is left.
    assert not left_behind.exists()
    assert list(temp_root.iterdir()) == []
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meeting-pack", args=[meeting.pk]) in page
    assert os.environ.get("PACK_SLOW_SECONDS") is None  # the hook never reaches this process
