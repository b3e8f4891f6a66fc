"""The public alert journey in a real Chromium, with the mail read back from a real SMTP server
on loopback: subscribe → confirm from the received message → an alert arrives when the agenda
is published (through the portal's own signal) → unsubscribe with one click (issue 18, 6)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from notifications.models import Subscriber
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory

from .conftest import parts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(message, fragment: str) -> str:
    text, html = parts(message)
    [url] = [u for u in re.findall(r"http://\S+", text) if fragment in u]
    assert url in html
    return url


def test_subscribe_confirm_alert_and_unsubscribe(page, live_server, smtp, settings, axe):
    settings.SITE_URL = live_server.url
    committee = CommitteeFactory(name="Growth and Regeneration Scrutiny Panel")
    CommitteeFactory(name="Health and Adult Social Care Scrutiny Panel")

    page.goto(f"/committees/{committee.slug}/")
    page.get_by_role("link", name=re.compile("Get an email when Growth")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get email alerts")
    expect(page.get_by_label("Growth and Regeneration Scrutiny Panel")).to_be_checked()
    assert axe(page) == []
    page.get_by_label("Email address").fill("resident@example.org")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    confirm = smtp.one("resident@example.org")
    page.goto(_link(confirm, "/alerts/confirm/"))
    page.get_by_role("button", name="Confirm my alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your alerts are confirmed")
    assert Subscriber.objects.get(email="resident@example.org").confirmed_at is not None

    smtp.clear()
    meeting = MeetingFactory(committee=committee, start=timezone.now() + dt.timedelta(days=21))
    AgendaItemFactory(meeting=meeting, title="Town centre masterplan")
    services.publish_meeting(
        meeting=meeting, by=make_user("officer"), confirm_late=True, confirm_unsigned=True
    )
    alert = smtp.one("resident@example.org")
    assert alert["Subject"].startswith("Agenda published: Growth and Regeneration")
    page.goto(_link(alert, f"/meetings/{meeting.pk}/"))
    expect(page.get_by_text("Town centre masterplan").first).to_be_visible()

    page.goto(_link(alert, "/alerts/manage/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email alerts")
    assert axe(page) == []
    page.goto(_link(alert, "/alerts/unsubscribe/"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert not Subscriber.objects.filter(email="resident@example.org").exists()
