"""In a real browser: an officer publishes, the pack is built in the background (immediately in
tests), a councillor on the committee downloads the members' pack and the public cannot."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from meetings.packs.models import Pack
from tests.factories import make_user
from tests.factories.meetings import MeetingFactory
from tests.factories.packs import CANARY, make_pack_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_publishes_councillor_gets_members_pack_public_does_not(page, axe, browser):
    start = timezone.now() + dt.timedelta(days=30)
    pm = make_pack_meeting(landscape=False, meeting=MeetingFactory(start=start))
    meeting = pm.meeting
    officer = make_user("officer")
    councillor = make_user("councillor", person=pm.member.person)

    login(page, officer.username)
    page.goto(reverse("officer-meeting-publish", args=[meeting.pk]))
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    if page.locator("textarea").count():
        page.locator("textarea").first.fill("Testing the agenda pack.")
    page.get_by_role("button", name="Publish the agenda").click()
    page.wait_for_load_state()
    assert Pack.objects.filter(meeting=meeting, kind="public").exists()
    assert Pack.objects.filter(meeting=meeting, kind="members").exists()
    # The officer's meeting page shows the build status.
    page.goto(reverse("officer-meeting", args=[meeting.pk]))
    assert page.get_by_text("Built").first.is_visible()
    page.get_by_role("button", name="Rebuild the agenda packs").click()
    page.wait_for_load_state()
    assert page.get_by_text("A rebuild of the agenda packs").is_visible()
    page.context.clear_cookies()

    members_url = reverse("meeting-members-pack", args=[meeting.pk])
    public_url = reverse("meeting-pack", args=[meeting.pk])
    # The public: the agenda pack link, no members' pack link, and 404 on its address.
    page.goto(reverse("meeting-detail", args=[meeting.pk]))
    assert page.get_by_role("link", name="Download the agenda pack").is_visible()
    assert page.get_by_role("link", name="Download the members' pack").count() == 0
    first, last = Pack.objects.get(meeting=meeting, kind="public").contents["items"][
        str(pm.items["appendices"].pk)
    ]
    assert page.get_by_text(f"Pages {first}–{last}").is_visible()  # from the built pack
    assert axe(page) == []
    assert page.request.get(members_url).status == 404
    public = page.request.get(public_url)
    assert public.status == 200
    public_text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(public.body())).pages
    )
    assert CANARY not in public_text

    # A councillor on the committee signs in and downloads the members' pack.
    login(page, councillor.username)
    page.goto(reverse("meeting-detail", args=[meeting.pk]))
    link = page.get_by_role("link", name="Download the members' pack")
    assert link.is_visible()
    assert axe(page) == []
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.body()))
    assert CANARY in "".join(p.extract_text() for p in reader.pages)
