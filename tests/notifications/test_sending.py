"""The outbox and its sending: EMAIL_URL, the rate limit, failures kept with their error,
hard bounces and complaints suspending an address, set-password links by email, and the
officers' and councillors' notices (issue 18, 1, 4 and 5)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from meetings.minutes.models import Action, MinutesSet, MinutesStatus
from meetings.models import MeetingStatus
from notifications.messages import Message
from notifications.models import Outbox, Suppression
from notifications.notices import daily
from notifications.sending import send_pending
from notifications.services import queue
from scrutiny import accounts
from scrutiny.env import Env
from tests.factories import CommitteeFactory, OfficerFactory, PersonFactory, make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory, PublishedMeetingFactory

from .conftest import local_path, parts

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(addresses, key="test:1"):
    return queue(
        key=key,
        kind=Outbox.Kind.NOTICE,
        recipients=[(a, {}) for a in addresses],
        message=Message(subject="Hello", text="Plain words\n", html="<p>HTML words</p>"),
    )


def test_email_url_is_parsed_and_checked(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://user:pw-Zq81x@mail.example.org:587/?tls=true")
    env = Env.from_environ()
    settings_ = env.email_settings()
    assert settings_["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings_["EMAIL_HOST"], settings_["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert settings_["EMAIL_USE_TLS"] is True and settings_["EMAIL_HOST_PASSWORD"] == "pw-Zq81x"
    assert "pw-Zq81x" not in env.email_description() and "pw-Zq81x" not in repr(env)
    monkeypatch.delenv("EMAIL_URL")
    assert Env.from_environ().email_settings()["EMAIL_BACKEND"].endswith("console.EmailBackend")
    monkeypatch.setenv("EMAIL_URL", "http://mail.example.org")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        Env.from_environ()
    out = io.StringIO()
    call_command("email_backend", stdout=out)
    assert "console backend" in out.getvalue() or "SMTP" in out.getvalue()


def test_the_rate_limit_holds_back_what_is_over_it(smtp, settings):
    settings.EMAIL_RATE_PER_MINUTE = 3
    _queue([f"r{n}@example.org" for n in range(5)])
    assert len(smtp.messages) == 3
    assert Outbox.objects.filter(status="queued").count() == 2
    assert send_pending() == 0, "the minute's budget is spent"
    settings.EMAIL_RATE_PER_MINUTE = 10
    assert send_pending() == 2
    assert len({m["Message-ID"] for m in smtp.messages}) == 5


def test_a_refused_address_is_suspended_and_a_dead_server_is_retried(smtp, settings):
    smtp.refuse.add("gone@example.org")
    _queue(["gone@example.org", "fine@example.org"])
    gone = Outbox.objects.get(recipient="gone@example.org")
    assert gone.status == "suppressed" and "550" in gone.error
    assert Suppression.objects.filter(email="gone@example.org", reason="bounce").exists()
    assert [str(m["To"]) for m in smtp.messages] == ["fine@example.org"]
    _queue(["gone@example.org"], key="test:2")
    assert Outbox.objects.get(key="test:2").status == "suppressed"
    # Nothing listening: the error and the attempt are kept, the row waits for a retry.
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1
    _queue(["later@example.org"], key="test:3")
    row = Outbox.objects.get(key="test:3")
    assert row.status == "queued" and row.attempts == 1 and "Error" in row.error
    settings.EMAIL_PORT = port
    assert send_pending() == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.error == ""


def test_a_bounce_or_complaint_report_suspends_the_address(smtp, tmp_path, monkeypatch):
    dsn = (
        b"From: MAILER-DAEMON@example.org\r\nTo: democracy@example.org\r\n"
        b"Subject: Undelivered\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nIt bounced.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.org\r\n\r\n"
        b"Final-Recipient: rfc822; bounced@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        b"--b--\r\n"
    )

    class Stdin:
        buffer = io.BytesIO(dsn)

    monkeypatch.setattr("sys.stdin", Stdin)
    call_command("email_bounce", stdout=io.StringIO())
    assert Suppression.objects.get(email="bounced@example.org").reason == "bounce"
    call_command(
        "email_bounce", address="angry@example.org", reason="complaint", stdout=io.StringIO()
    )
    _queue(["bounced@example.org", "angry@example.org"])
    assert not smtp.messages


def test_set_password_links_are_emailed_and_not_kept(smtp, client):
    officer = make_user("officer")
    person = PersonFactory(name="Cara Link", email="cara@example.org")
    issued = accounts.create_login(person=person, username="cara.link", email="", by=officer)
    text, html = parts(smtp.one("cara@example.org"))
    assert f"http://testserver{issued.path}" in text and issued.path in html
    days = accounts.link_lifetime_days()
    assert f"The link works once, for {days} day" in text and "limited time" not in text
    assert client.get(local_path(f"http://testserver{issued.path}")).status_code in (200, 302)
    row = Outbox.objects.get(recipient="cara@example.org")
    assert issued.path not in row.body_text and issued.path not in row.body_html
    no_address = PersonFactory(name="No Mail")
    accounts.create_login(person=no_address, username="no.mail", email="", by=officer)
    assert len(smtp.messages) == 1


def test_weekly_and_daily_notices(smtp):
    today = timezone.localdate()
    owner = OfficerFactory(name="Olu Owner", email="olu@example.org")
    committee = CommitteeFactory(name="Place Scrutiny Panel")
    Action.all_objects.create(
        committee=committee,
        description="Report back on potholes",
        owner_person=owner,
        raised_on=today - dt.timedelta(days=40),
        due_date=today - dt.timedelta(days=3),
    )
    Action.all_objects.create(
        committee=committee,
        description="Confidential land valuation figures",
        owner_person=owner,
        raised_on=today,
        due_date=today + dt.timedelta(days=2),
        is_public=False,
    )
    author = OfficerFactory(name="Ria Author", email="ria@example.org")
    upcoming = MeetingFactory(
        committee=committee,
        start=timezone.now() + dt.timedelta(days=14),
        report_deadline=today + dt.timedelta(days=3),
    )
    AgendaItemFactory(meeting=upcoming, title="Highways update").contact_officers.add(author)
    clerk = OfficerFactory(name="Cleo Clerk", email="cleo@example.org")
    held = PublishedMeetingFactory(
        committee=committee,
        status=MeetingStatus.HELD,
        contact_officer=clerk,
        start=timezone.now() - dt.timedelta(days=60),
    )
    MinutesSet.all_objects.create(
        meeting=held, status=MinutesStatus.PUBLISHED, published_at=timezone.now()
    )
    PublishedMeetingFactory(
        committee=committee, status=MeetingStatus.HELD, start=timezone.now() - dt.timedelta(days=5)
    )
    done = daily(weekly=True)
    assert done["actions"] == 1 and done["deadlines"] == 1 and done["unapproved"] == 1
    text, html = parts(smtp.one("olu@example.org"))
    assert "Report back on potholes (overdue)" in text
    assert "Confidential land valuation" not in text and "Confidential land valuation" not in html
    assert "A private action of Place Scrutiny Panel" in text
    assert "Highways update" in parts(smtp.one("ria@example.org"))[0]
    assert smtp.one("cleo@example.org")["Subject"].startswith("Minutes not yet approved")
    daily(weekly=True)
    assert len(smtp.messages) == 3, "the same week's notices are not sent twice"
