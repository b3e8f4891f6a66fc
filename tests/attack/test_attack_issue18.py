"""Attacks on the email feature (issue 18) by a tester who did not write it: every message read
back from a real SMTP server on loopback (tests/notifications/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Report
from notifications import services as notify
from notifications.messages import Message
from notifications.models import DigestEntry, Outbox, Subscriber
from notifications.notices import daily
from notifications.sending import send_pending
from scrutiny.models import Person
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    ReportFactory,
)
from tests.notifications.conftest import local_path, parts, smtp  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = "WOMBLESNARF"
LINK = re.compile(r"http://testserver/\S+")


def _every_part(message) -> str:
    """Every header and every part of a received message, decoded."""
    chunks = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            chunks.append(part.get_content())
    return "\n".join(chunks)


@pytest.fixture
def council():
    committee = CommitteeFactory(name="Place Scrutiny Panel")
    ann = PersonFactory(name="Ann Member", email="ann@example.org", email_consent=True)
    MembershipFactory(person=ann, committee=committee)
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now().replace(microsecond=0) + dt.timedelta(days=20),
        venue="Committee Room 1",
    )
    public_item = AgendaItemFactory(meeting=meeting, title="Bus services")
    ReportFactory(agenda_item=public_item, title="Bus services report")
    ReportFactory(agenda_item=public_item, title=f"{CANARY} draft paper", is_draft=True)
    exempt = ExemptAgendaItemFactory(
        meeting=meeting, title="Depot", description=f"{CANARY} exempt description"
    )
    ReportFactory(
        agenda_item=exempt,
        title=f"{CANARY} exempt report",
        sections=[("Prices", f"<p>{CANARY} exempt section</p>")],
    )
    DocumentFactory(agenda_item=exempt, title=f"{CANARY} exempt appendix")
    # An unpublished meeting of the same committee with private words of its own.
    hidden = MeetingFactory(committee=committee, start=meeting.start + dt.timedelta(days=7))
    AgendaItemFactory(meeting=hidden, title=f"{CANARY} unpublished item")
    officer = make_user("officer")
    return committee, meeting, exempt, ann, officer


def test_no_message_of_a_meetings_life_carries_the_canary(smtp, council, client):  # noqa: F811
    """Summons, alerts, every kind of change notice and the weekly digest, read as received
    (Subject and every header too), after a public subscriber and a weekly one confirmed."""
    committee, meeting, exempt, ann, officer = council
    Subscriber.objects.create(
        email="now@example.org",
        topics=["agendas", "minutes"],
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
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    exempt_report = Report.all_objects.get(title=f"{CANARY} exempt report")
    services.withdraw_paper(paper=exempt_report, reason=f"{CANARY} reason", by=officer)
    late = ReportFactory(
        agenda_item=exempt, title=f"{CANARY} late exempt paper", is_late=True, is_draft=True
    )
    services.publish_late_paper(paper=late, urgency_reasons="Figures came late.", by=officer)
    daily(weekly=True)
    kinds = {row.kind for row in Outbox.objects.all()}
    assert {"summons", "change", "alert", "digest"} <= kinds, kinds
    assert len(smtp.messages) >= 5
    for message in smtp.messages:
        assert CANARY not in _every_part(message), message["Subject"]


def test_an_smtp_outage_loses_no_message(smtp, settings):  # noqa: F811
    """The mail server is down for longer than five runs of the task (five minutes): the
    messages wait; none is given up as "failed" because the server was not there."""
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens
    notify.queue(
        key="attack:outage",
        kind=Outbox.Kind.NOTICE,
        recipients=[("a@example.org", {}), ("b@example.org", {})],
        message=Message(subject="Hello", text="Words\n", html="<p>Words</p>"),
    )
    for _ in range(8):
        send_pending()
    assert not Outbox.objects.filter(status="failed").exists()
    assert Outbox.objects.filter(status="queued").count() == 2
    assert "Error" in Outbox.objects.order_by("pk").first().error
    settings.EMAIL_PORT = port
    assert send_pending() == 2
    assert sorted(str(m["To"]) for m in smtp.messages) == ["a@example.org", "b@example.org"]


def test_one_unsendable_message_does_not_hold_up_the_others(smtp):  # noqa: F811
    """A message the library refuses to build (a newline in a header, here from a committee
    name) fails on its own row; the rest of the queue goes out in the same run, and no header
    is injected."""
    notify.queue(
        key="attack:bad",
        kind=Outbox.Kind.NOTICE,
        recipients=[("bad@example.org", {})],
        message=Message(
            subject="Summons: Panel\r\nBcc: evil@example.org", text="x\n", html="<p>x</p>"
        ),
    )
    assert len(smtp.messages) == 0  # the bad one was sent first
    notify.queue(
        key="attack:good",
        kind=Outbox.Kind.NOTICE,
        recipients=[("good@example.org", {})],
        message=Message(subject="Fine", text="y\n", html="<p>y</p>"),
    )
    assert [str(m["To"]) for m in smtp.messages] == ["good@example.org"]
    assert not any("evil@example.org" in tos for _, tos in smtp.envelopes)
    bad = Outbox.objects.get(recipient="bad@example.org")
    assert bad.status != "sent" and bad.error


def test_a_resend_goes_to_the_current_address_and_only_with_consent(smtp, council, client):  # noqa: F811
    committee, meeting, exempt, ann, officer = council
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    row = Outbox.objects.get(kind="summons", recipient="ann@example.org")
    smtp.clear()
    # Ann's address was wrong; the officer corrects it and resends the summons.
    Person.objects.filter(pk=ann.pk).update(email="ann.new@example.org")
    notify.resend(row=row, by=officer)
    assert [str(m["To"]) for m in smtp.messages] == ["ann.new@example.org"]
    smtp.clear()
    # Ann withdraws her consent to the summons by email: a resend is refused, with a reason.
    Person.objects.filter(pk=ann.pk).update(email_consent=False)
    with pytest.raises(ValidationError):
        notify.resend(row=row, by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("officer-meeting-email-resend", kwargs={"pk": meeting.pk, "row": row.pk}),
        follow=True,
    )
    assert b"consent" in response.content
    assert smtp.messages == []


def test_a_second_digest_run_in_a_week_loses_no_entry(smtp, council):  # noqa: F811
    """The weekly job run twice in one week (a retried cron, ``--weekly`` by hand): what became
    news between the two runs waits for next week's digest, it is not thrown away."""
    committee, meeting, exempt, ann, officer = council
    weekly = Subscriber.objects.create(
        email="weekly@example.org",
        topics=["agendas"],
        all_committees=True,
        frequency="weekly",
        confirmed_at=timezone.now(),
    )
    DigestEntry.objects.create(subscriber=weekly, key="k1", line="First", url="http://x/1")
    daily(weekly=True)
    assert len(smtp.to("weekly@example.org")) == 1
    DigestEntry.objects.create(subscriber=weekly, key="k2", line="Second", url="http://x/2")
    daily(weekly=True)
    assert len(smtp.to("weekly@example.org")) == 1  # one digest a week
    assert DigestEntry.objects.filter(key="k2").exists(), "the entry waits for next week"


def test_subscribe_form_refuses_header_injection_and_says_nothing(smtp, client):  # noqa: F811
    committee = CommitteeFactory(name="Health Panel")
    for bad in ("a@example.org\r\nBcc: evil@example.org", "a@example.org\nX: y"):
        response = client.post(
            reverse("alerts-subscribe"),
            {"email": bad, "topics": ["agendas"], "frequency": "immediate"},
            REMOTE_ADDR="192.0.2.1",
        )
        assert response.status_code == 200 and b"correct format" in response.content
    assert smtp.messages == [] and not Subscriber.objects.exists()
    # The same answer for an address never seen, waiting and confirmed; X-Forwarded-For does
    # not move the per-IP limit (no trusted proxy).
    Subscriber.objects.create(email="known@example.org", topics=["agendas"], confirmed_at=None)
    Subscriber.objects.create(
        email="member@example.org", topics=["agendas"], confirmed_at=timezone.now()
    )
    bodies = []
    for email in ("new@example.org", "known@example.org", "member@example.org"):
        r = client.post(
            reverse("alerts-subscribe"),
            {
                "email": email,
                "committees": [committee.pk],
                "topics": ["agendas"],
                "frequency": "immediate",
            },
            REMOTE_ADDR="192.0.2.2",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{len(bodies)}",
        )
        bodies.append((r.status_code, r.content.decode().replace(email, "EMAIL")))
    assert bodies[0] == bodies[1] == bodies[2]


def test_signed_links_cannot_be_replayed_or_moved(smtp, client):  # noqa: F811
    from notifications.messages import subscriber_token

    a = Subscriber.objects.create(email="a@example.org", topics=["agendas"])
    b = Subscriber.objects.create(email="b@example.org", topics=["agendas"])
    confirm_a = subscriber_token(a, "confirm")
    # A confirm token is not a manage or unsubscribe token, and a tampered one is refused.
    assert client.get(f"/alerts/manage/{confirm_a}/").status_code == 404
    tampered = confirm_a[:-2] + ("AA" if confirm_a[-2:] != "AA" else "BB")
    assert client.post(f"/alerts/confirm/{tampered}/").status_code == 404
    client.post(f"/alerts/confirm/{confirm_a}/")
    b.refresh_from_db()
    assert b.confirmed_at is None
    manage_a = subscriber_token(Subscriber.objects.get(pk=a.pk), "manage")
    unsub_a = subscriber_token(Subscriber.objects.get(pk=a.pk), "unsubscribe")
    # A scanner's GET of the unsubscribe link unsubscribes no one.
    assert client.get(f"/alerts/unsubscribe/{unsub_a}/").status_code == 200
    assert Subscriber.objects.filter(pk=a.pk).exists()
    Client(enforce_csrf_checks=True).post(f"/alerts/unsubscribe/{unsub_a}/")
    assert not Subscriber.objects.filter(pk=a.pk).exists()
    # Every earlier link of the address is dead, even once it subscribes again.
    client.post(
        reverse("alerts-subscribe"),
        {"email": "a@example.org", "topics": ["agendas"], "frequency": "immediate"},
        REMOTE_ADDR="192.0.2.3",
    )
    assert client.get(f"/alerts/manage/{manage_a}/").status_code == 404
    assert client.post(f"/alerts/confirm/{confirm_a}/").status_code == 404
    assert not Subscriber.objects.get(email="a@example.org").confirmed_at


def test_a_member_who_consents_after_publication_can_be_sent_the_summons(smtp, council, client):  # noqa: F811
    """Found using it: the officer records Carol's address and consent after publishing the
    agenda. The "Email to members" page said the summons "is sent when the agenda is
    published" and offered no way to send it to her: a dead end."""
    committee, meeting, exempt, ann, officer = council
    carol = PersonFactory(name="Carol Late", email="")
    MembershipFactory(person=carol, committee=committee)
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    assert [str(m["To"]) for m in smtp.messages] == ["ann@example.org"]
    Person.objects.filter(pk=carol.pk).update(email="carol@example.org", email_consent=True)
    smtp.clear()
    client.force_login(officer)
    page = client.get(reverse("officer-meeting-email", kwargs={"pk": meeting.pk}))
    url = reverse("officer-meeting-email-summons", kwargs={"pk": meeting.pk})
    assert url in page.content.decode()
    response = client.post(url, follow=True)
    assert b"The summons is queued for 1 member." in response.content
    summons = smtp.one("carol@example.org")
    assert summons["Subject"].startswith("Summons: Place Scrutiny Panel")
    assert not smtp.to("ann@example.org"), "nobody who had it gets it again"
    again = client.post(url, follow=True)
    assert b"nothing more was sent" in again.content
    assert len(smtp.messages) == 1
    services.postpone_meeting(meeting=meeting, notice="Moved.", by=officer)
    smtp.clear()
    refused = client.post(url, follow=True)
    assert b"not postponed or cancelled" in refused.content and smtp.messages == []
