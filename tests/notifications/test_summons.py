"""The summons and change notices to members, sent over a real SMTP socket (issue 18, 1-2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Report
from notifications.models import Outbox
from notifications.tasks import fan_out
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    ReportFactory,
)

from .conftest import local_path, parts

pytestmark = pytest.mark.django_db(transaction=True)

EXEMPT_TITLE = "Sale of the depot to Blackmoor Holdings"
EXEMPT_ITEM_DESCRIPTION = "The bid of 1.2 million pounds"
EXEMPT_SECTION = "Secret valuation figures"
MEMBERS_LINK = "http://testserver/accounts/login/?next=%2Fmeetings%2F{pk}%2Fmembers-pack.pdf"


@pytest.fixture
def meeting_with_members():
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    people = {
        "member": PersonFactory(name="Ann Member", email="ann@example.org", email_consent=True),
        "substitute": PersonFactory(name="Sam Sub", email="sam@example.org", email_consent=True),
        "no_consent": PersonFactory(name="Nora Paper", email="nora@example.org"),
        "no_email": PersonFactory(name="Ed Noaddress", email_consent=True),
        "former": PersonFactory(name="Fay Former", email="fay@example.org", email_consent=True),
    }
    MembershipFactory(person=people["member"], committee=committee)
    MembershipFactory(person=people["substitute"], committee=committee, role="substitute")
    MembershipFactory(person=people["no_consent"], committee=committee)
    MembershipFactory(person=people["no_email"], committee=committee)
    MembershipFactory(person=people["former"], committee=committee, end_date=dt.date(2018, 1, 1))
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now().replace(microsecond=0) + dt.timedelta(days=20),
        venue="Council Chamber, Huddersfield Town Hall",
    )
    public_item = AgendaItemFactory(meeting=meeting, title="Children's social care update")
    ReportFactory(agenda_item=public_item, title="Social care performance report")
    exempt = ExemptAgendaItemFactory(
        meeting=meeting, title="Depot disposal", description=EXEMPT_ITEM_DESCRIPTION
    )
    ReportFactory(
        agenda_item=exempt,
        title=EXEMPT_TITLE,
        sections=[("Valuation", f"<p>{EXEMPT_SECTION}</p>")],
    )
    officer = make_user("officer")
    return meeting, people, officer


def _publish(meeting, officer):
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)


def test_publishing_sends_the_summons_to_consenting_members_only(
    smtp, meeting_with_members, client
):
    meeting, people, officer = meeting_with_members
    _publish(meeting, officer)
    recipients = sorted(address for _, tos in smtp.envelopes for address in tos)
    assert recipients == ["ann@example.org", "sam@example.org"]
    message = smtp.one("ann@example.org")
    assert message["Subject"].startswith("Summons: Children's Scrutiny Panel")
    assert message["From"] == "Democratic Services <democracy@example.org>"
    assert message["Message-ID"]
    assert not list(message.iter_attachments()), "links, never attachments"
    text, html = parts(message)
    for body in (text, html):
        assert "Council Chamber, Huddersfield Town Hall" in body
        assert "Children's social care update" in body or "Children&#x27;s social care" in body
        assert "Depot disposal" in body  # an exempt item is listed by title, as in public
        assert EXEMPT_TITLE not in body
        assert EXEMPT_ITEM_DESCRIPTION not in body
        assert EXEMPT_SECTION not in body
        assert f"http://testserver/meetings/{meeting.pk}/agenda-pack.pdf" in body
        assert MEMBERS_LINK.format(pk=meeting.pk) in body
    assert '<html lang="en-GB">' in html and "<title>" in html
    # The links work: the meeting page is public, the members' pack asks for sign-in.
    assert client.get(local_path(f"http://testserver/meetings/{meeting.pk}/")).status_code == 200
    members_link = local_path(MEMBERS_LINK.format(pk=meeting.pk))
    sign_in = client.get(members_link)
    assert sign_in.status_code == 200 and b'name="password"' in sign_in.content
    client.force_login(make_user("councillor", person=people["member"]))
    signed_in = client.get(members_link)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == f"/meetings/{meeting.pk}/members-pack.pdf"


def test_a_retried_fan_out_or_send_sends_nothing_twice(smtp, meeting_with_members):
    meeting, _, officer = meeting_with_members
    _publish(meeting, officer)
    assert len(smtp.messages) == 2
    fan_out.call("published", meeting.pk)
    from notifications.sending import send_pending

    assert send_pending() == 0
    assert len(smtp.messages) == 2
    assert Outbox.objects.filter(kind="summons", status="sent").count() == 2


def test_changes_after_publication_notify_the_same_people(smtp, meeting_with_members):
    meeting, people, officer = meeting_with_members
    _publish(meeting, officer)
    smtp.clear()
    report = Report.all_objects.get(title="Social care performance report")
    services.withdraw_paper(paper=report, reason="The service asked for more time.", by=officer)
    message = smtp.one("ann@example.org")
    assert message["Subject"].startswith("Change to the meeting")
    text, html = parts(message)
    number = report.agenda_item.number
    assert (
        f"Paper withdrawn from item {number}: “Social care performance report” "
        "(The service asked for more time.)"
    ) in text
    assert len(smtp.to("sam@example.org")) == 1
    smtp.clear()
    # A late paper published with the chair's reasons: the supplementary pack.
    late = ReportFactory(
        agenda_item=report.agenda_item, title="Late briefing note", is_late=True, is_draft=True
    )
    services.publish_late_paper(paper=late, urgency_reasons="Figures arrived late.", by=officer)
    text, _ = parts(smtp.one("ann@example.org"))
    assert f"Late paper added to item {number}: “Late briefing note”. It is in the " in text
    # The paper's own pages (Pack.pages_of): a one-page paper is "page N", not the whole
    # supplementary pack with its front sheet ("pages 3–4") as before.
    assert re.search(r"supplementary pack \(page \d+\)\.", text)
    smtp.clear()
    meeting = Meeting.all_objects.get(pk=meeting.pk)
    services.postpone_meeting(meeting=meeting, notice="Moved to 3 March.", by=officer)
    text, _ = parts(smtp.one("ann@example.org"))
    assert "Meeting postponed: Moved to 3 March." in text
    assert not smtp.to("nora@example.org")


def test_a_change_to_an_exempt_paper_names_no_exempt_text(smtp, meeting_with_members):
    meeting, _, officer = meeting_with_members
    _publish(meeting, officer)
    smtp.clear()
    exempt_report = Report.all_objects.get(title=EXEMPT_TITLE)
    services.withdraw_paper(paper=exempt_report, reason="Withdrawn.", by=officer)
    text, html = parts(smtp.one("ann@example.org"))
    assert (
        f"Paper withdrawn on item {exempt_report.agenda_item.number} (members only: sign in "
        "and see the members' pack or My meetings)"
    ) in text
    for body in (text, html):
        assert EXEMPT_TITLE not in body and EXEMPT_ITEM_DESCRIPTION not in body


def test_the_officer_sees_who_was_sent_what_and_can_resend(smtp, meeting_with_members, client):
    meeting, _, officer = meeting_with_members
    _publish(meeting, officer)
    client.force_login(officer)
    page = client.get(reverse("officer-meeting-email", kwargs={"pk": meeting.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "ann@example.org" in html and "sam@example.org" in html
    assert "nora@example.org" not in html
    assert html.count("Sent") >= 2
    row = Outbox.objects.get(recipient="ann@example.org", kind="summons")
    smtp.clear()
    response = client.post(
        reverse("officer-meeting-email-resend", kwargs={"pk": meeting.pk, "row": row.pk})
    )
    assert response.status_code == 302
    assert len(smtp.to("ann@example.org")) == 1 and len(smtp.messages) == 1
    resent = Outbox.objects.exclude(pk=row.pk).get(recipient="ann@example.org", kind="summons")
    assert resent.requested_by == officer and resent.status == "sent"
    assert (
        "Resent by"
        in client.get(reverse("officer-meeting-email", kwargs={"pk": meeting.pk})).content.decode()
    )
    # The meeting's officer page links to it.
    officer_page = client.get(reverse("officer-meeting", kwargs={"pk": meeting.pk}))
    assert (
        reverse("officer-meeting-email", kwargs={"pk": meeting.pk}) in officer_page.content.decode()
    )


def test_a_resend_of_a_resend_ten_deep_gets_its_own_key_each_time(smtp, meeting_with_members):
    """Resending the latest copy again and again: each copy is keyed from the first message, so
    the key never outgrows its column and never repeats an earlier copy's (it once did, about
    seven resends deep)."""
    from notifications import services as notification_services

    meeting, _, officer = meeting_with_members
    _publish(meeting, officer)
    row = Outbox.objects.get(recipient="ann@example.org", kind="summons")
    smtp.clear()
    copies = []
    for _ in range(10):
        row = notification_services.resend(row=row, by=officer)
        copies.append(row)
    keys = [copy.key for copy in copies]
    assert len(set(keys)) == 10
    assert all(len(key) <= 200 and key.count(":resend:") == 1 for key in keys)
    assert len({copy.message_id for copy in copies}) == 10


def test_a_meeting_already_over_summons_no_one(smtp, meeting_with_members):
    """Entered after the fact (or imported from ModernGov): no summons and no change notice,
    since there is nothing left to attend."""
    meeting, people, officer = meeting_with_members
    Meeting.all_objects.filter(pk=meeting.pk).update(
        start=timezone.now().replace(microsecond=0) - dt.timedelta(days=30)
    )
    meeting.refresh_from_db()
    _publish(meeting, officer)
    fan_out.call("changed", meeting.pk)
    assert smtp.envelopes == []
    assert not Outbox.objects.filter(meeting=meeting).exists()
