"""The importer's own transactions (not inside a test's transaction): meetings are written
in batches, and the after-commit work their writes ask for (search rows, PDF text, agenda
packs, stored PDFs, notifications) still happens, once each batch has committed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from imports.importer import Importer
from meetings.models import Document, Meeting
from meetings.packs.models import Pack, PackBuild
from opendata.models import SearchDocument
from tests.imports.moderngov import generated_site, serving

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_client(settings):
    settings.IMPORT_REQUEST_INTERVAL = 0


def _import(url, **attrs):
    importer = Importer(url, date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 1, 1))
    for name, value in attrs.items():
        setattr(importer, name, value)
    return importer.run()


def test_after_commit_work_runs_for_every_batch():
    # Immediate tasks (the test settings): what the hooks queue runs as they are run.
    site = generated_site(committees=1, meetings=4, restricted_every=0)
    with serving(site) as url:
        report = _import(url, batch_meetings=2)
    assert report.meetings_done == 4 and not report.problems, report.problems
    assert not connection.run_on_commit
    meetings = list(Meeting.all_objects.all())
    assert len(meetings) == 4
    for meeting in meetings:
        assert meeting.is_published
        # refresh_meeting ran: the paper's text was read and the meeting is searchable.
        assert SearchDocument.objects.filter(meeting_id=meeting.pk).exists()
        # The agenda pack was built.
        assert Pack.objects.filter(meeting=meeting).exists()
    assert Document.all_objects.count() == 4
    assert not Document.all_objects.filter(text_extracted_at__isnull=True).exists()


def test_with_the_database_queue_each_meeting_gets_its_background_work(settings):
    """The production queue: the batch's hooks store their tasks (one transaction for the
    lot); every imported meeting has its search refresh and its pack build queued, and a
    minutes PDF refresh."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    site = generated_site(committees=2, meetings=6, restricted_every=0)
    with serving(site) as url:
        report = _import(url, batch_meetings=4)
    assert report.meetings_done == 6 and not report.problems, report.problems
    assert not connection.run_on_commit
    queued: dict[str, list] = {}
    for task in DBTaskResult.objects.all():
        queued.setdefault(task.task_path, []).append(task.args_kwargs)
    refreshed = {a["args"][0] for a in queued["opendata.tasks.refresh_meeting"]}
    builds = {a["kwargs"]["build_id"] for a in queued["meetings.packs.tasks.build_meeting_packs"]}
    stored = queued["scrutiny.tasks.refresh_stored_pdfs"]
    minutes_pdfs = {a["args"][1] for a in stored if a["args"][0] == "minutes"}
    for meeting in Meeting.all_objects.all():
        assert meeting.pk in refreshed
        build = PackBuild.objects.get(meeting=meeting)
        assert build.pk in builds
        assert str(meeting.pk) in minutes_pdfs


def test_after_commit_work_that_fails_is_reported_and_the_rest_still_runs(settings):
    from django_tasks_db.models import DBTaskResult

    from meetings.signals import meeting_published

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    failed = []

    def fails_once(sender, *, meeting, **kwargs):
        if not failed:
            failed.append(meeting.pk)
            raise RuntimeError("a listener broke")

    meeting_published.connect(fails_once, dispatch_uid="test-imports-fails-once")
    try:
        site = generated_site(committees=1, meetings=3, restricted_every=0)
        with serving(site) as url:
            report = _import(url)
    finally:
        meeting_published.disconnect(dispatch_uid="test-imports-fails-once")
    assert report.meetings_done == 3
    assert [p["kind"] for p in report.problems] == ["background"], report.problems
    assert "a listener broke" in report.problems[0]["what"]
    assert Meeting.all_objects.count() == 3
    refreshed = {
        t.args_kwargs["args"][0]
        for t in DBTaskResult.objects.filter(task_path="opendata.tasks.refresh_meeting")
    }
    # The other meetings' work (and the failed meeting's other hooks) still ran.
    assert set(Meeting.all_objects.exclude(pk=failed[0]).values_list("pk", flat=True)) <= refreshed
    assert failed[0] in refreshed
