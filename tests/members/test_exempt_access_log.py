"""Issue 23 finding 4: refused attempts at exempt material are logged as well as reads; officers
see the log per paper on a page linked from the meeting; each member sees their own reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import ExemptAccess
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
    ReportFactory,
)
from tests.factories.packs import make_pack_meeting
from tests.packs.helpers import ok_build

pytestmark = pytest.mark.django_db
CANARY = "CANARY-0c4d11"


@pytest.fixture
def setting():
    meeting = PublishedMeetingFactory()
    item = ExemptAgendaItemFactory(meeting=meeting)
    doc = DocumentFactory(agenda_item=item, title=f"Appendix {CANARY}")
    report = ReportFactory(agenda_item=item, title=f"Report {CANARY}")
    person = PersonFactory(name="Maria Member")
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1))
    member = make_user("councillor", person=person)
    outsider = make_user("councillor", person=PersonFactory(name="Oscar Outsider"))
    return meeting, doc, report, member, outsider


def test_refused_attempts_are_logged(client, setting):
    meeting, doc, report, member, outsider = setting
    urls = [
        reverse("document-download", args=[doc.pk]),
        reverse("document-html", args=[doc.pk]),
        report.get_absolute_url(),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    anonymous = ExemptAccess.objects.filter(user=None, refused=True)
    assert anonymous.count() == 3 and {r.meeting_id for r in anonymous} == {meeting.pk}
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404
    assert ExemptAccess.objects.filter(user=outsider, refused=True).count() == 3
    client.force_login(member)
    assert client.get(urls[0]).status_code == 200
    assert ExemptAccess.objects.filter(user=member, refused=False, document=doc).count() == 1
    assert not ExemptAccess.objects.filter(user=member, refused=True).exists()


def test_refused_members_pack_is_logged(client):
    built = make_pack_meeting(landscape=False)
    ok_build(built.meeting)
    outsider = make_user("councillor", person=PersonFactory())
    client.force_login(outsider)
    assert client.get(reverse("meeting-members-pack", args=[built.meeting.pk])).status_code == 404
    row = ExemptAccess.objects.get(user=outsider)
    assert row.refused and row.meeting == built.meeting and "Members' agenda pack" in row.what


def test_officer_sees_the_log_per_paper(client, setting):
    meeting, doc, report, member, outsider = setting
    client.force_login(member)
    client.get(reverse("document-download", args=[doc.pk]))
    client.get(report.get_absolute_url())
    client.force_login(outsider)
    client.get(reverse("document-download", args=[doc.pk]))
    officer = make_user("officer")
    client.force_login(officer)
    page = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    url = reverse("officer-meeting-exempt-access", args=[meeting.pk])
    assert url in page
    html = client.get(url).content.decode()
    assert html.count("<caption") == 2  # one table per paper
    doc_table = html[html.index(f"Document {doc.pk}") :]
    doc_table = doc_table[: doc_table.index("</table>")]
    assert member.get_username() in doc_table or "Maria" in doc_table
    assert "Refused" in doc_table
    # Another meeting's log stays on its own page.
    other = PublishedMeetingFactory()
    assert (
        CANARY
        not in client.get(
            reverse("officer-meeting-exempt-access", args=[other.pk])
        ).content.decode()
    )


def test_member_sees_only_their_own_reads(client, setting):
    meeting, doc, report, member, outsider = setting
    client.force_login(outsider)
    client.get(reverse("document-download", args=[doc.pk]))  # refused, logged for outsider
    client.force_login(member)
    assert reverse("my-exempt-reads") in client.get(reverse("my-portal")).content.decode()
    assert "You have not opened" in client.get(reverse("my-exempt-reads")).content.decode()
    client.get(reverse("document-download", args=[doc.pk]))
    html = client.get(reverse("my-exempt-reads")).content.decode()
    assert f"Appendix {CANARY}" in html
    client.force_login(outsider)
    html = client.get(reverse("my-exempt-reads")).content.decode()
    # The outsider's refusal is logged for officers, never shown back with the paper's title.
    assert CANARY not in html and "You have not opened" in html


def test_the_log_pages_are_not_public(client, setting):
    meeting = setting[0]
    for url in (
        reverse("my-exempt-reads"),
        reverse("officer-meeting-exempt-access", args=[meeting.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert CANARY.encode() not in response.content
