"""The importer's own transactions (not inside a test's transaction): meetings are written
in batches, and the after-commit work their writes ask for (search rows, PDF text, agenda
packs, stored PDFs, notifications) still happens, once each batch has committed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from imports.importer import Importer
from meetings.minutes.models import PUBLIC_MINUTES_STATUSES, MinutesSet
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
    # Immediate tasks (the test settings): what the hooks queue runs as they are run. Two
    # meetings held, two to come (none today: which side of its time "now" is on would
    # depend on the hour the test runs).
    start = dt.date.today() - dt.timedelta(days=10)
    site = generated_site(committees=1, meetings=4, restricted_every=0, start=start)
    with serving(site) as url:
        report = _import(url, batch_meetings=2)
    assert report.meetings_done == 4 and not report.problems, report.problems
    assert not connection.run_on_commit
    meetings = list(Meeting.all_objects.order_by("start"))
    assert len(meetings) == 4
    for meeting in meetings:
        assert meeting.is_published
        # refresh_meeting ran: the paper's text was read and the meeting is searchable.
        assert SearchDocument.objects.filter(meeting_id=meeting.pk).exists()
    # The agenda packs of the meetings to come were built; those of the meetings already
    # held are built when first asked for (test_held_meetings_packs_are_built_on_demand).
    held = [m for m in meetings if m.start < timezone.now()]
    assert len(held) == 2
    for meeting in meetings:
        assert Pack.objects.filter(meeting=meeting).exists() == (meeting not in held)
        assert PackBuild.objects.filter(meeting=meeting).exists() == (meeting not in held)
    assert Document.all_objects.count() == 4
    assert not Document.all_objects.filter(text_extracted_at__isnull=True).exists()


def test_held_meetings_packs_are_built_on_demand(client):
    """A held meeting the import brought in has no pack until someone asks for it: the
    meeting page offers it, the first download queues the build (through the pack code,
    ``request_build``) and says it is being prepared; then the pack is served."""
    site = generated_site(committees=1, meetings=2, restricted_every=0)
    with serving(site) as url:
        _import(url)
    meeting = Meeting.all_objects.order_by("start").first()
    assert meeting.is_published and meeting.start < timezone.now()
    assert not PackBuild.objects.filter(meeting=meeting).exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    pack_url = reverse("meeting-pack", args=[meeting.pk])
    assert "prepared when first asked for" in page and pack_url in page
    first = client.get(pack_url)
    assert first.status_code == 503 and first["Retry-After"]
    assert "being prepared" in first.content.decode()
    build = PackBuild.objects.get(meeting=meeting)
    assert build.status == "ok"  # immediate tasks: built inside the request
    second = client.get(pack_url)
    assert second.status_code == 200
    assert b"".join(second.streaming_content).startswith(b"%PDF")
    # Asking again queues nothing more; the page now links the pack as for any meeting.
    assert PackBuild.objects.filter(meeting=meeting).count() == 1
    assert (
        "prepared when first asked for"
        not in client.get(meeting.get_absolute_url()).content.decode()
    )


def test_a_pack_left_to_demand_is_not_queued_by_anonymous_floods(client, settings):
    from meetings.packs import services as pack_services

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    site = generated_site(committees=1, meetings=3, restricted_every=0)
    with serving(site) as url:
        _import(url)
    meetings = list(Meeting.all_objects.order_by("start"))
    assert not PackBuild.objects.exists()
    pack_services.MAX_ON_DEMAND, limit = 1, pack_services.MAX_ON_DEMAND
    try:
        assert client.get(reverse("meeting-pack", args=[meetings[0].pk])).status_code == 503
        # One build queued (not run: the database queue); a second meeting is not queued.
        assert client.get(reverse("meeting-pack", args=[meetings[1].pk])).status_code == 404
        assert PackBuild.objects.count() == 1
    finally:
        pack_services.MAX_ON_DEMAND = limit


def test_with_the_database_queue_each_meeting_gets_its_background_work(settings):
    """The production queue: the batch's hooks store their tasks (one transaction for the
    lot); every imported meeting has its search refresh queued once (its signals ask for it
    several times: scrutiny.bulk coalesces them), and one refresh of its minutes PDF, which
    builds it only if it was asked for already. Meetings already held have no pack build
    queued (built on demand)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start = dt.date.today() - dt.timedelta(days=8)  # four meetings held, two to come
    site = generated_site(committees=2, meetings=6, restricted_every=0, start=start)
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
    refreshes = [a["args"][0] for a in queued["opendata.tasks.refresh_meeting"]]
    assert sorted(refreshes) == sorted(set(refreshes))  # once each
    minutes_refreshes = [a["args"] for a in stored]
    assert all(a[0] == "minutes" and a[2] is True for a in minutes_refreshes), minutes_refreshes
    assert len(minutes_refreshes) == len(minutes_pdfs)  # once each
    fan_outs = [tuple(a["args"]) for a in queued["notifications.tasks.fan_out"]]
    assert len(fan_outs) == len(set(fan_outs))
    # "published" and "changed" do nothing for a meeting already over (notifications.events):
    # none is queued for those; meetings to come have theirs, held minutes theirs.
    to_come = set(Meeting.all_objects.filter(start__gt=timezone.now()).values_list("pk", flat=True))
    assert {pk for event, pk in fan_outs if event == "published"} == to_come
    assert {pk for event, pk in fan_outs if event == "changed"} <= to_come
    for meeting in Meeting.all_objects.all():
        assert meeting.pk in refreshed
        if meeting.start < timezone.now():
            assert not PackBuild.objects.filter(meeting=meeting).exists()
        else:
            assert PackBuild.objects.get(meeting=meeting).pk in builds
    held_with_minutes = set(
        MinutesSet.all_objects.filter(status__in=PUBLIC_MINUTES_STATUSES).values_list(
            "meeting_id", flat=True
        )
    )
    assert held_with_minutes
    assert {pk for event, pk in fan_outs if event == "minutes"} == held_with_minutes
    assert {int(k) for k in minutes_pdfs} == set(Meeting.all_objects.values_list("pk", flat=True))


def test_after_commit_work_that_fails_is_reported_and_the_rest_still_runs(settings):
    from django_tasks_db.models import DBTaskResult

    from meetings.signals import meeting_published

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    failed = []

    def fails_for_one_meeting(sender, *, meeting, **kwargs):
        # Every time for one meeting: the batch's work, run together in one savepoint,
        # fails, and is run again a savepoint each, where only this one fails.
        if not failed:
            failed.append(meeting.pk)
        if meeting.pk == failed[0]:
            raise RuntimeError("a listener broke")

    meeting_published.connect(fails_for_one_meeting, dispatch_uid="test-imports-fails-once")
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


def test_a_batch_whose_after_commit_work_fails_once_runs_it_again_a_savepoint_each(settings):
    """The batch's work runs in one savepoint; when a piece fails, all of it is rolled back
    and run again with a savepoint each: work that then succeeds is done, not reported."""
    from django_tasks_db.models import DBTaskResult

    from meetings.signals import meeting_published

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    calls = []

    def fails_once(sender, *, meeting, **kwargs):
        calls.append(meeting.pk)
        if len(calls) == 1:
            raise RuntimeError("a listener broke once")

    meeting_published.connect(fails_once, dispatch_uid="test-imports-fails-once-only")
    try:
        site = generated_site(committees=1, meetings=3, restricted_every=0)
        with serving(site) as url:
            report = _import(url)
    finally:
        meeting_published.disconnect(dispatch_uid="test-imports-fails-once-only")
    assert not report.problems, report.problems
    meetings = set(Meeting.all_objects.values_list("pk", flat=True))
    assert len(meetings) == 3
    # Run together (it failed on the first), then once each.
    assert calls[0] in meetings and set(calls[1:]) == meetings and len(calls) == 4
    refreshed = {
        t.args_kwargs["args"][0]
        for t in DBTaskResult.objects.filter(task_path="opendata.tasks.refresh_meeting")
    }
    assert meetings <= refreshed
