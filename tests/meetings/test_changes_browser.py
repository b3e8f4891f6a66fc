"""Issue 23 finding 1 in a real browser on a phone (390×844): an officer retitles an item, adds
a late paper and replaces a paper on the officer pages; the councillor signs in and ``/my/``
shows exactly those three changes, with before and after and links; they acknowledge them,
and a new session (another device) shows nothing new."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import login
from meetings import changes, services
from meetings.models import MeetingChange
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    MeetingFactory,
    make_pdf_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published():
    officer = make_user("officer", username="change-officer")
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    person = PersonFactory(name="Cahal Burke")
    councillor = make_user("councillor", username="cllr.burke", person=person)
    MembershipFactory(person=person, committee=committee, start_date=dt.date(2017, 1, 1))
    meeting = MeetingFactory(
        committee=committee, start=timezone.now().replace(microsecond=0) + dt.timedelta(days=12)
    )
    AgendaItemFactory(meeting=meeting, order=1, number="1", title="Apologies")
    item = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Social care update")
    doc = DocumentFactory(agenda_item=item, title="Caseload figures", pages=1)
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    # The councillor has already seen the published agenda on /my/ and said so.
    changes.acknowledge(
        user=councillor, meeting=meeting, up_to=MeetingChange.all_objects.get(meeting=meeting).pk
    )
    return meeting, item, doc


def _upload(page, field: str, name: str, text: str) -> None:
    folder = Path(tempfile.mkdtemp())
    path = folder / name
    path.write_bytes(make_pdf_bytes(2, text))
    page.set_input_files(field, str(path))


def test_my_page_shows_exactly_what_changed_until_acknowledged(
    browser, live_server, published, axe
):
    meeting, item, doc = published

    officer = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    login(officer, "change-officer")
    officer.goto(f"/officer/meetings/{meeting.pk}/")
    officer.get_by_role("link", name="Edit item 2").click()
    officer.fill("#id_title", "Children's social care update")
    officer.locator("main button[type=submit]").first.click()
    officer.goto(f"/officer/meetings/{meeting.pk}/")
    officer.get_by_role("link", name="Upload a file to item 2").click()
    officer.fill("#id_title", "Late briefing note")
    _upload(officer, "#id_uploaded_file", "late.pdf", "Late briefing")
    officer.locator("main button[type=submit]").first.click()
    officer.fill("textarea[name=urgency_reasons]", "The figures arrived after despatch.")
    officer.get_by_role("button", name="Publish as a late paper Late briefing note").click()
    officer.get_by_role("link", name="New version of Caseload figures").click()
    _upload(officer, "#id_uploaded_file", "caseload-v2.pdf", "Version two")
    officer.fill("#id_title", "Caseload figures (corrected)")
    officer.get_by_role("button", name="Upload the new version").click()
    officer.context.close()

    phone = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE)
    page = phone.new_page()
    login(page, "cllr.burke")
    page.goto("/my/")
    lines = page.locator(f"[data-changes='{meeting.pk}'] li")
    texts = [t.strip() for t in lines.all_inner_texts()]
    assert len(texts) == 3, texts
    assert texts[0].startswith(
        "Item 2 retitled: “Social care update” → “Children's social care update”"
    )
    assert texts[1].startswith("Late paper added to item 2: “Late briefing note”")
    assert texts[2].startswith(
        "Paper replaced on item 2: “Caseload figures” → new version “Caseload figures (corrected)”"
    )
    # Each links to its place: the item on the meeting page, the late paper, the new version.
    hrefs = [lines.nth(n).get_by_role("link").first.get_attribute("href") for n in range(3)]
    assert hrefs[0] == f"/meetings/{meeting.pk}/#item-{item.pk}"
    assert hrefs[1].startswith("/documents/") and hrefs[2].startswith("/documents/")
    assert hrefs[2] != f"/documents/{doc.pk}/"
    page.get_by_role("link", name="Go to item 2").click()
    assert page.url.endswith(f"#item-{item.pk}")
    assert page.locator(f"#item-{item.pk}").is_visible()
    # Nothing sticks out of a 390 px screen, and the list passes axe (WCAG 2.2 AA).
    page.goto("/my/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe(page) == []

    page.get_by_role("button", name="I've seen these").click()
    assert "Marked as seen" in page.content()
    assert page.locator(f"[data-changes='{meeting.pk}']").count() == 0
    phone.close()

    tablet = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE)
    other = tablet.new_page()
    login(other, "cllr.burke")
    other.goto("/my/")
    assert "Nothing has changed on your committees' meetings" in other.content()
    assert other.locator(f"[data-changes='{meeting.pk}']").count() == 0
    tablet.close()
