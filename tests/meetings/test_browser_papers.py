"""Real-browser journeys for issue 15: an officer withdraws, replaces and moves a published
paper from the meeting page, and enters a past meeting with its real despatch date; the
public page shows the result."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import fill_date, login
from meetings.models import Document
from tests.factories import make_user
from tests.factories.meetings import (
    LONDON,
    AgendaItemFactory,
    DocumentFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    make_pdf_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published():
    make_user("officer", username="paper-officer")
    meeting = PublishedMeetingFactory()
    first = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Budget monitoring")
    second = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Library review")
    doc = DocumentFactory(agenda_item=first, title="Library consultation results", pages=1)
    return meeting, first, second, doc


def test_withdraw_a_published_paper(page, browser, live_server, published):
    meeting, _first, _second, doc = published
    login(page, "paper-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Withdraw Library consultation results").click()
    page.get_by_role("button", name="Withdraw the paper").click()
    assert "Enter the reason the paper is withdrawn" in page.content()
    page.fill("#id_reason", "Put on this agenda in error.")
    page.get_by_role("button", name="Withdraw the paper").click()
    assert "Withdrawn: Library consultation results." in page.content()

    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(meeting.get_absolute_url())
    text = public.content()
    assert f"withdrawn on {timezone.localdate():%-d %B %Y}: Put on this agenda in error." in text
    assert public.get_by_role("link", name="Library consultation results", exact=True).count() == 0
    response = public.goto(f"/documents/{doc.pk}/")
    assert response.status == 404


def test_replace_a_published_pdf_with_a_new_version(page, browser, live_server, published):
    meeting, _first, _second, doc = published
    login(page, "paper-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    page.get_by_role("link", name="New version of Library consultation results").click()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results-v2.pdf"
        path.write_bytes(make_pdf_bytes(3, "Version two"))
        page.set_input_files("#id_uploaded_file", str(path))
        page.fill("#id_note", "Response rates corrected")
        page.get_by_role("button", name="Upload the new version").click()
    assert "New version uploaded: Library consultation results (3 pages)." in page.content()
    page.get_by_text("Earlier versions (1)").click()
    assert page.get_by_text("Response rates corrected").first.is_visible()
    new = Document.all_objects.get(previous_version=doc)

    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(meeting.get_absolute_url())
    link = public.get_by_role("link", name="Library consultation results", exact=True)
    assert link.get_attribute("href") == f"/documents/{new.pk}/"
    assert "revised: Response rates corrected" in public.content()
    assert public.goto(f"/documents/{doc.pk}/").status == 404


def test_move_a_paper_to_another_item(page, browser, live_server, published):
    meeting, _first, second, doc = published
    login(page, "paper-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Move Library consultation results").click()
    page.select_option("#id_to_item", label="2: Library review")
    page.get_by_role("button", name="Move the paper").click()
    assert "Moved to item 2" in page.content()
    row = page.locator(f"#item-{second.pk}")
    assert "Library consultation results" in row.inner_text()

    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(meeting.get_absolute_url())
    assert "Library consultation results" in public.locator(f"#item-{second.pk}").inner_text()


def test_enter_a_past_meeting_with_its_real_despatch_date(page, browser, live_server):
    make_user("officer", username="paper-officer")
    day = timezone.localdate() - dt.timedelta(days=60)
    meeting = MeetingFactory(start=dt.datetime.combine(day, dt.time(10), tzinfo=LONDON))
    AgendaItemFactory(meeting=meeting, title="Minutes of the previous meeting")
    despatched = day - dt.timedelta(days=9)
    login(page, "paper-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    assert "it is already over" in page.content()
    page.get_by_role("link", name="Publish the agenda").first.click()
    fill_date(page, "despatched_on", f"{despatched:%Y-%m-%d}")
    page.get_by_role("button", name="Publish the agenda").click()
    assert "The agenda is published" in page.content()

    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(meeting.get_absolute_url())
    text = public.content()
    assert f"Published on {despatched:%A %-d %B %Y}" in text
    assert f"entered on this site on {timezone.localdate():%-d %B %Y}" in text
    assert "Published late" not in text
