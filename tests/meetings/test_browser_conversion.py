"""In a real browser (issue 15, item 7): an officer uploads a Word report on the meeting page;
the item says "converting" while the task waits in the database queue; django-tasks-db's own
worker runs it (real LibreOffice); the item then says "converted", the agenda is published,
the worker builds the pack, and the public pack holds the report's text. A damaged Word file
says "failed" with the reason on its item. axe-core finds no WCAG A/AA violation on the
officer page showing both."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from conftest import login
from meetings.models import Conversion, Document
from tests.factories import make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory
from tests.meetings.test_conversion import make_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """django-tasks-db's worker loop in batch mode: runs every task that is due, then stops."""
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


def upload(page, item, title: str, name: str, data: bytes) -> None:
    page.goto(reverse("officer-meeting", args=[item.meeting_id]))
    page.get_by_role("link", name=f"Upload a file to item {item.number}").click()
    page.fill("#id_title", title)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        page.set_input_files("#id_uploaded_file", str(path))
        page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()


def test_officer_uploads_word_sees_it_converted_and_in_the_pack(page, settings, axe):
    settings.TASKS = DATABASE_BACKEND
    meeting = MeetingFactory(start=timezone.now() + dt.timedelta(days=30))
    item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Budget monitoring")
    broken_item = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Parks")
    officer = make_user("officer")
    login(page, officer.username)

    upload(
        page,
        item,
        "Quarter two budget report",
        "Budget Q2.docx",
        make_docx("Quarter two budget position", "Huddersfield libraries"),
    )
    row = page.locator(f"#item-{item.pk}")
    assert "it is being converted to PDF" in page.content()
    assert row.get_by_text("converting", exact=True).is_visible()
    assert "Budget Q2.docx" in row.inner_text()

    # Publishing waits for it.
    page.goto(reverse("officer-meeting-publish", args=[meeting.pk]))
    page.get_by_role("button", name="Publish the agenda").click()
    page.wait_for_load_state()
    assert "Wait until “Quarter two budget report” is converted to PDF" in page.content()

    upload(page, broken_item, "Parks report", "parks.docx", make_docx("Parks", "Greenhead")[:2500])

    run_worker()  # the background worker converts both
    page.goto(reverse("officer-meeting", args=[meeting.pk]))
    row = page.locator(f"#item-{item.pk}")
    assert row.get_by_text("converted", exact=True).is_visible()
    assert row.get_by_role("link", name="Quarter two budget report", exact=True).is_visible()
    assert "the original is kept for officers only: it may hold hidden text" in row.inner_text()
    broken = page.locator(f"#item-{broken_item.pk}")
    assert broken.get_by_text("failed", exact=True).is_visible()
    assert "LibreOffice could not read the file" in broken.inner_text()
    assert broken.get_by_role("button", name="Try again").is_visible()
    assert axe(page) == []

    # The officer downloads the original Word file from the item.
    with page.expect_download() as info:
        row.get_by_role("link", name="Budget Q2.docx").click()
    assert info.value.suggested_filename == "Budget Q2.docx"

    # The failed upload is removed; then the agenda is published and the pack built.
    broken.get_by_role("button", name="Remove the upload parks.docx").click()
    page.wait_for_load_state()
    assert not Conversion.objects.filter(agenda_item=broken_item).exists()
    page.goto(reverse("officer-meeting-publish", args=[meeting.pk]))
    page.get_by_role("button", name="Publish the agenda").click()
    page.wait_for_load_state()
    assert "The agenda is published" in page.content()
    run_worker()  # builds the packs

    page.context.clear_cookies()
    page.goto(reverse("meeting-detail", args=[meeting.pk]))
    link = page.get_by_role("link", name="Download the agenda pack")
    assert link.is_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    assert "Quarter two budget position" in text
    assert "Huddersfield libraries" in " ".join(text.split())
    # The public reads the PDF; the Word original is kept for officers only.
    document = Document.objects.get(agenda_item=item)
    original = page.request.get(reverse("document-original", args=[document.pk]))
    assert original.status == 404
