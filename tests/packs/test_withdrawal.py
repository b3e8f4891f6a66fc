"""Withdrawal is immediate (issue 13, finding 4): when a paper in a published pack stops being
public, the pack stops being served the moment that change commits — before any rebuild —
the meeting page says it is being updated, and a rebuild that fails never brings it back.
Packs are served ``public, no-cache`` with an ETag (shared caches revalidate, 304), the
members' pack ``private, no-store``.

Everything goes through the real path: the officer's service call, the meetings app's
``meeting_changed`` signal sent on commit, the database task backend with the queued build
run by django-tasks-db's own worker loop, and the real HTTP client.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from meetings import services as meeting_services
from meetings.models import AgendaItem
from meetings.packs.models import BuildStatus, Pack, PackBuild, PackKind
from scrutiny.models import Council
from tests.factories import make_user
from tests.factories.meetings import DocumentFactory
from tests.factories.packs import make_pack_meeting

from .helpers import ok_build, pack, texts

pytestmark = pytest.mark.django_db

UPDATING = "The agenda pack is being updated"
NO_PACK = "There is no agenda pack for this meeting yet."
# Text of the paper that is withdrawn (the authored report of item 2).
WITHDRAWN_TEXT = "Children's services update report"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def built():
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    pm = make_pack_meeting()
    ok_build(pm.meeting)
    assert any(WITHDRAWN_TEXT in t for t in texts(pack(pm.meeting).path))
    return pm


def run_worker(monkeypatch) -> None:
    """django-tasks-db's own worker loop, in batch mode: runs every task that is due. (Its
    connection housekeeping would close the test's transaction, so that one call is a no-op.)"""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def make_exempt(item: AgendaItem) -> None:
    meeting_services.update_agenda_item(
        item=item,
        by=make_user("officer"),
        is_exempt=True,
        exempt_paragraph=3,
        exempt_reasons="Commercially sensitive figures came to light.",
    )


def get_pdf(client, url) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def test_a_paper_made_exempt_is_withdrawn_at_once_and_a_failed_rebuild_never_brings_it_back(
    built, client, monkeypatch, django_capture_on_commit_callbacks
):
    meeting = built.meeting
    url = reverse("meeting-pack", args=[meeting.pk])
    old = pack(meeting)
    old_name = old.file_name
    status, body = get_pdf(client, url)
    assert status == 200 and body.startswith(b"%PDF-")

    with override_settings(TASKS=DATABASE_BACKEND):
        # The officer marks item 2 exempt. The change has committed; the listeners it
        # triggers (withdraw, queue the rebuild) have not run yet: the pack is already
        # not served and the page says it is being updated.
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            make_exempt(built.items["report"])
        assert after_commit, "the change announces itself on commit"
        assert Pack.objects.filter(pk=old.pk).exists()
        response = client.get(url)
        assert response.status_code == 404
        assert UPDATING in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert UPDATING in page and url not in page
        assert reverse("meeting-supplementary-pack", args=[meeting.pk]) not in page

        # Now the listeners: the pack's row and file go, a rebuild is queued (not run).
        with django_capture_on_commit_callbacks(execute=True):
            for callback in after_commit:
                callback()
        assert not Pack.objects.filter(meeting=meeting, kind=PackKind.PUBLIC).exists()
        assert not default_storage.exists(old_name)
        queued = PackBuild.objects.get(meeting=meeting, status=BuildStatus.QUEUED)
        assert "no longer public" in queued.reason
        response = client.get(url)
        assert response.status_code == 404 and UPDATING in response.content.decode()

        # A corrupt upload elsewhere in the meeting makes the rebuild fail.
        DocumentFactory(
            agenda_item=built.items["appendices"],
            title="Broken export",
            original_filename="export.pdf",
            file=ContentFile(b"%PDF-1.7\nnot really a pdf", name="x.pdf"),
            order=9,
        )
        run_worker(monkeypatch)
    queued.refresh_from_db()
    assert queued.status == BuildStatus.FAILED and "Broken export" in queued.error
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").exists()

    # The withdrawn pack never comes back: not at its URL, not on the page.
    status, body = get_pdf(client, url)
    assert status == 404 and WITHDRAWN_TEXT.encode() not in body
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert NO_PACK in page and url not in page
    assert not Pack.objects.filter(meeting=meeting, kind=PackKind.PUBLIC).exists()
    client.force_login(make_user("officer"))
    officer = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Broken export" in officer and "still published" not in officer


def test_without_the_listeners_a_failed_rebuild_still_cannot_serve_it(built, client):
    """Even if the pack row were never withdrawn (a change made outside the meetings
    services), the download checks what the pack shows against what is public now."""
    meeting = built.meeting
    AgendaItem.all_objects.filter(pk=built.items["report"].pk).update(
        is_confidential=True
    )  # no signal, no listener
    for kind in (PackKind.PUBLIC, PackKind.SUPPLEMENTARY):
        if Pack.objects.filter(meeting=meeting, kind=kind).exists():
            response = client.get(pack(meeting, kind).get_absolute_url())
            assert response.status_code == 404, kind
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert UPDATING in page
    assert "Pages " not in page  # no page ranges from the withdrawn pack


def test_a_removed_paper_withdraws_the_pack(built, client):
    """Papers of a published agenda cannot be removed through the portal's services; one
    deleted some other way (the admin, a script) still withdraws the pack at once."""
    meeting = built.meeting
    url = reverse("meeting-pack", args=[meeting.pk])
    built.items["appendices"].documents.first().delete()
    assert client.get(url).status_code == 404
    assert UPDATING in client.get(meeting.get_absolute_url()).content.decode()


def test_an_unrelated_change_keeps_the_pack_served(built, client):
    meeting = built.meeting
    AgendaItem.all_objects.filter(pk=built.items["membership"].pk).update(title="Renamed")
    assert client.get(reverse("meeting-pack", args=[meeting.pk])).status_code == 200


def test_public_packs_revalidate_and_the_members_pack_is_never_stored(built, client):
    meeting = built.meeting
    response = client.get(reverse("meeting-pack", args=[meeting.pk]))
    assert response.status_code == 200
    cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "no-cache"}
    etag = response["ETag"]
    again = client.get(reverse("meeting-pack", args=[meeting.pk]), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and "no-cache" in again["Cache-Control"]
    client.force_login(make_user("officer"))
    members = client.get(reverse("meeting-members-pack", args=[meeting.pk]))
    assert members.status_code == 200
    assert {p.strip() for p in members["Cache-Control"].split(",")} == {"private", "no-store"}
