"""In a real browser (issue 15 item 4): an officer creates a meeting, its minutes item says whose
minutes it carries ("attached automatically"), the officer points it at another earlier
meeting, publishes, and the public agenda pack — downloaded and read back — holds those
minutes, in their public version only (the exempt minute's canary never)."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.utils import timezone

from conftest import fill_date, login
from meetings.minutes import services as minutes_services
from meetings.models import AgendaItem, ItemKind, Meeting
from tests.factories import CommitteeFactory, make_user
from tests.factories.minutes import make_meeting_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANARY = "CANARY-BROWSER-PREVMIN-3e81"


def _held_meeting_with_public_minutes(committee, start, text, *, exempt_text=""):
    meeting = make_meeting_with_items(committee=committee, start=start, exempt=bool(exempt_text))
    minutes = minutes_services.start_minutes(meeting=meeting)
    for minute in minutes.items.select_related("agenda_item"):
        if minute.agenda_item.title == "Business item 0":
            minutes_services.save_minute(minute=minute, text=text, version=None)
        elif exempt_text and minute.is_private:
            minutes_services.save_minute(
                minute=minute, text=exempt_text, public_summary="A public summary.", version=None
            )
    minutes_services.publish_minutes(minutes=minutes)
    return meeting


def test_officer_repoints_the_previous_minutes_and_the_public_pack_carries_them(page):
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="csp-prevmin")
    now = timezone.localtime()
    older = _held_meeting_with_public_minutes(
        committee,
        (now - dt.timedelta(days=70)).replace(hour=10, minute=0, second=0, microsecond=0),
        "The panel noted the OLDER-MINUTES-a1 update.",
        exempt_text=f"<p>Child Y is placed in {CANARY}.</p>",
    )
    latest = _held_meeting_with_public_minutes(
        committee,
        (now - dt.timedelta(days=35)).replace(hour=10, minute=0, second=0, microsecond=0),
        "The panel noted the LATEST-MINUTES-b2 update.",
    )
    make_user("officer", username="prevmin-officer")
    start = timezone.localdate() + dt.timedelta(days=21)

    login(page, "prevmin-officer")
    page.goto("/officer/meetings/")
    page.get_by_role("link", name="Create a meeting").click()
    page.select_option("#id_committee", label="Children's Scrutiny Panel")
    fill_date(page, "start", f"{start:%Y-%m-%d}T10:00")
    page.fill("#id_venue", "Meeting Room 4 - Town Hall, Huddersfield")
    page.get_by_role("button", name="Save").click()
    meeting = Meeting.all_objects.filter(committee=committee).latest("start")
    item = AgendaItem.all_objects.get(meeting=meeting, kind=ItemKind.MINUTES)

    # The minutes item carries the latest earlier meeting's minutes, with no officer step.
    note = page.locator(f"#item-{item.pk} [data-previous-minutes]")
    assert note.is_visible()
    assert f"Minutes of {latest.date:%-d %B %Y} (attached automatically)" in note.inner_text()

    # The officer points it at the older meeting instead.
    note.get_by_role("link", name="Change which meeting").click()
    page.select_option("#id_previous_meeting", label=f"{older.date:%-d %B %Y} (held)")
    page.get_by_role("button", name="Save").click()
    note = page.locator(f"#item-{item.pk} [data-previous-minutes]")
    assert f"Minutes of {older.date:%-d %B %Y} (attached automatically)" in note.inner_text()
    assert f"held on {older.date:%-d %B %Y}" in page.locator(f"#item-{item.pk}").inner_text()

    page.get_by_role("link", name="Publish the agenda").first.click()
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Publish the agenda").click()
    assert "The agenda is published" in page.content()

    # The public, not signed in: the pack from the meeting page, read back.
    page.context.clear_cookies()
    page.goto(meeting.get_absolute_url())
    link = page.get_by_role("link", name="Download the agenda pack")
    assert link.is_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    flat = " ".join(text.split())
    assert f"Minutes of the meeting held on {older.date:%-d %B %Y} – draft, to be approved" in flat
    assert "OLDER-MINUTES-a1" in flat
    assert "LATEST-MINUTES-b2" not in flat
    assert "Draft – to be approved" in flat
    assert CANARY not in text
