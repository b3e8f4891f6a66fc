"""Public alerts without an account: double opt-in, signed manage links, RFC 8058 one-click
unsubscribe, digests, rate limits and the retention rule, read back from a real SMTP server
on loopback (issue 18, 3 and 5)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.minutes.models import MinutesSet, MinutesStatus
from meetings.models import MeetingStatus
from notifications.models import DigestEntry, Outbox, Subscriber
from notifications.notices import daily
from notifications.tasks import fan_out
from scrutiny.signals import meeting_changed
from tests.factories import CommitteeFactory
from tests.factories.meetings import ExemptAgendaItemFactory, PublishedMeetingFactory

from .conftest import local_path, parts

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://testserver/\S+")


def _upcoming(**kwargs):
    """A published meeting still ahead: one already over alerts no one about its agenda."""
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=20)
    return PublishedMeetingFactory(start=start, **kwargs)


def _links(text: str) -> list[str]:
    return LINK.findall(text)


def _subscribe(
    client,
    email,
    *,
    committees=(),
    topics=("agendas", "minutes"),
    frequency="immediate",
    ip="192.0.2.10",
):
    return client.post(
        reverse("alerts-subscribe"),
        {
            "email": email,
            "committees": [c.pk for c in committees],
            "topics": list(topics),
            "frequency": frequency,
        },
        REMOTE_ADDR=ip,
    )


def _confirm(client, smtp, email) -> Subscriber:
    text, html = parts(smtp.to(email)[-1])
    [url] = [u for u in _links(text) if "/alerts/confirm/" in u]
    assert url in html
    page = client.get(local_path(url))
    assert page.status_code == 200 and b"Confirm my alerts" in page.content
    assert not Subscriber.objects.get(email=email).confirmed_at, "a GET confirms nothing"
    done = client.post(local_path(url))
    assert done.status_code == 200 and b"Your alerts are confirmed" in done.content
    return Subscriber.objects.get(email=email)


@pytest.fixture
def committee():
    return CommitteeFactory(name="Economy Scrutiny Panel")


def test_subscribe_confirm_alert_and_one_click_unsubscribe(smtp, client, committee):
    response = _subscribe(client, "reader@example.org", committees=[committee])
    assert response.status_code == 200 and b"Check your email" in response.content
    assert (
        response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    )
    confirm = smtp.one("reader@example.org")
    assert confirm["Subject"] == "Confirm your alerts from the committee papers website"
    assert "List-Unsubscribe" not in confirm
    subscriber = _confirm(client, smtp, "reader@example.org")
    assert subscriber.confirmed_at is not None

    meeting = _upcoming(committee=committee)
    ExemptAgendaItemFactory(meeting=meeting, title="Land deal", description="Secret price 3m")
    smtp.clear()
    fan_out.call("published", meeting.pk)
    alert = smtp.one("reader@example.org")
    assert alert["Subject"].startswith("Agenda published: Economy Scrutiny Panel")
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = str(alert["List-Unsubscribe"]).strip().strip("<>")
    text, html = parts(alert)
    assert "Secret price 3m" not in text and "Secret price 3m" not in html
    assert unsubscribe_url in text and unsubscribe_url in html
    assert f"http://testserver/meetings/{meeting.pk}/" in text
    [manage_url] = [u for u in _links(text) if "/alerts/manage/" in u]
    assert client.get(local_path(manage_url)).status_code == 200
    # A GET of the unsubscribe link (a mail scanner) unsubscribes no one.
    assert client.get(local_path(unsubscribe_url)).status_code == 200
    assert Subscriber.objects.filter(email="reader@example.org").exists()
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no CSRF token.
    strict = Client(enforce_csrf_checks=True)
    one_click = strict.post(
        local_path(unsubscribe_url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200 and b"You are unsubscribed" in one_click.content
    assert not Subscriber.objects.filter(email="reader@example.org").exists()
    assert not Outbox.objects.filter(recipient="reader@example.org").exists()
    again = strict.post(
        local_path(unsubscribe_url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.content == one_click.content
    assert client.get(local_path(manage_url)).status_code == 404  # the links are dead
    smtp.clear()
    fan_out.call("published", _upcoming(committee=committee).pk)
    assert not smtp.messages


def test_the_form_never_says_whether_an_address_is_subscribed(smtp, client, committee):
    first = _subscribe(client, "new@example.org", ip="192.0.2.1")
    Subscriber.objects.create(
        email="known@example.org",
        topics=["agendas"],
        confirmed_at=timezone.now(),
        all_committees=True,
    )
    known = _subscribe(client, "known@example.org", ip="192.0.2.2")
    strip = lambda r, e: r.content.replace(e.encode(), b"EMAIL")  # noqa: E731
    assert strip(first, "new@example.org") == strip(known, "known@example.org")
    # The confirmed address is sent a link to its own alerts; its choices are unchanged.
    text, _ = parts(smtp.one("known@example.org"))
    assert "/alerts/manage/" in text and "/alerts/confirm/" not in text
    assert Subscriber.objects.get(email="known@example.org").topics == ["agendas"]


def test_rate_limits_per_ip_and_per_address(smtp, client, settings):
    settings.ALERTS_PER_IP_PER_HOUR = 2
    settings.ALERTS_PER_ADDRESS_PER_HOUR = 1
    assert _subscribe(client, "a@example.org", ip="198.51.100.7").status_code == 200
    same_address = _subscribe(client, "a@example.org", ip="198.51.100.8")
    assert same_address.status_code == 200 and b"Check your email" in same_address.content
    assert len(smtp.to("a@example.org")) == 1, "the second request sent nothing"
    assert _subscribe(client, "b@example.org", ip="198.51.100.7").status_code == 200
    third = _subscribe(client, "c@example.org", ip="198.51.100.7")
    assert third.status_code == 429 and third["Retry-After"] == "3600"
    assert not smtp.to("c@example.org")


def test_bad_input_is_explained_on_the_form(client):
    response = _subscribe(client, "not an address", topics=())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in html
    assert "Choose at least one thing to hear about." in html
    assert 'aria-describedby="id_email-error' in html or 'id="id_email-error"' in html
    assert not Subscriber.objects.exists()


def test_unconfirmed_subscriptions_expire_and_old_confirm_links_stop(smtp, client, settings):
    _subscribe(client, "late@example.org")
    text, _ = parts(smtp.one("late@example.org"))
    [url] = [u for u in _links(text) if "/alerts/confirm/" in u]
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert client.get(local_path(url)).status_code == 404
        daily(weekly=False)
    assert not Subscriber.objects.filter(email="late@example.org").exists()


def test_committee_and_topic_choices_and_weekly_digests(smtp, client, committee):
    other = CommitteeFactory(name="Health Scrutiny Panel")
    Subscriber.objects.create(
        email="econ@example.org", topics=["agendas"], confirmed_at=timezone.now()
    )
    Subscriber.objects.get(email="econ@example.org").committees.set([committee])
    Subscriber.objects.create(
        email="minutes@example.org",
        topics=["minutes"],
        all_committees=True,
        confirmed_at=timezone.now(),
    )
    Subscriber.objects.create(
        email="weekly@example.org",
        topics=["agendas", "minutes"],
        all_committees=True,
        frequency="weekly",
        confirmed_at=timezone.now(),
    )
    Subscriber.objects.create(
        email="unconfirmed@example.org", topics=["agendas"], all_committees=True
    )
    health = _upcoming(committee=other)
    fan_out.call("published", health.pk)
    assert not smtp.messages
    assert DigestEntry.objects.filter(subscriber__email="weekly@example.org").count() == 1
    econ = _upcoming(committee=committee, status=MeetingStatus.HELD)
    fan_out.call("published", econ.pk)
    assert [str(m["To"]) for m in smtp.messages] == ["econ@example.org"]
    smtp.clear()
    # Public minutes appear: the minutes listener sends once, however often minutes change.
    MinutesSet.all_objects.create(
        meeting=econ, status=MinutesStatus.PUBLISHED, published_at=timezone.now()
    )
    meeting_changed.send(sender=MinutesSet, meeting=econ)
    meeting_changed.send(sender=MinutesSet, meeting=econ)
    assert [str(m["To"]) for m in smtp.messages] == ["minutes@example.org"]
    assert smtp.messages[0]["Subject"].startswith("Minutes published: Economy Scrutiny Panel")
    smtp.clear()
    daily(weekly=True)
    digest = smtp.one("weekly@example.org")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(digest)
    assert "Health Scrutiny Panel" in text and "Economy Scrutiny Panel" in text
    assert not DigestEntry.objects.exists()
    daily(weekly=True)
    assert len(smtp.to("weekly@example.org")) == 1, "an empty week sends no digest"


def test_privacy_note_is_public(client):
    response = client.get(reverse("alerts-privacy"))
    assert response.status_code == 200 and b"How we use your email address" in response.content
    assert reverse("alerts-privacy").encode() in client.get(reverse("alerts-subscribe")).content


def test_outbox_rows_keep_no_more_than_needed(smtp, client):
    _subscribe(client, "kept@example.org")
    row = Outbox.objects.get(recipient="kept@example.org")
    assert row.status == "sent" and row.kind == "confirm"


def test_the_decisions_hooks_send_to_those_who_chose_them(smtp, committee):
    """Decisions, forward plan entries and call-ins fire once the decisions app calls these
    hooks; the choices are offered today."""
    from notifications.events import publish_alert
    from notifications.notices import call_in_signatures_requested
    from tests.factories import PersonFactory

    Subscriber.objects.create(
        email="decisions@example.org",
        topics=["decisions"],
        all_committees=True,
        confirmed_at=timezone.now(),
    )
    Subscriber.objects.create(
        email="agendas@example.org",
        topics=["agendas"],
        all_committees=True,
        confirmed_at=timezone.now(),
    )
    sent = publish_alert(
        topic="decisions",
        committees=[committee],
        subject="Decision published: Bus lanes",
        line="The decision on bus lanes",
        url="http://testserver/",
        key="decision:1",
    )
    assert sent == 1 and [str(m["To"]) for m in smtp.messages] == ["decisions@example.org"]
    assert (
        publish_alert(
            topic="decisions",
            committees=[committee],
            subject="Decision published: Bus lanes",
            line="The decision on bus lanes",
            url="http://testserver/",
            key="decision:1",
        )
        == 0
    ), "once per key and address"
    smtp.clear()
    people = [PersonFactory(email="c1@example.org"), PersonFactory(email="")]
    assert (
        call_in_signatures_requested(
            key="call-in:1",
            people=people,
            subject="Call-in: please sign",
            lines=[("The decision on bus lanes", "http://testserver/")],
        )
        == 1
    )
    assert smtp.one("c1@example.org")["Subject"] == "Call-in: please sign"
