"""Former members and exempt papers, through the real report, document and meeting pages.

The rule (``scrutiny.permissions.can_view_exempt``): a councillor may read a committee's
exempt papers of a meeting held while they sat on it, or while they sit on it today. A member
who has left keeps the papers of meetings they sat in, and gets nothing from before they
joined or after they left: those pages answer 404 as to anyone else, and nothing is logged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import ExemptAccess
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    LONDON,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

JOINED, LEFT = dt.date(2017, 5, 17), dt.date(2018, 5, 16)
WHEN = {
    "before": dt.date(2016, 11, 7),  # before they joined
    "during": dt.date(2017, 10, 9),  # while they sat on the committee
    "after": dt.date(2019, 1, 14),  # after they left
}


@pytest.fixture
def papers():
    committee = CommitteeFactory()
    out = {"committee": committee}
    for name, day in WHEN.items():
        meeting = PublishedMeetingFactory(
            committee=committee, start=dt.datetime(day.year, day.month, day.day, 10, tzinfo=LONDON)
        )
        item = ExemptAgendaItemFactory(meeting=meeting)
        out[name] = {
            "meeting": meeting,
            "report": ReportFactory(agenda_item=item, title=f"Exempt report {name}"),
            "document": DocumentFactory(agenda_item=item, title=f"Exempt appendix {name}"),
        }
    return out


def reads(client, paper_set) -> dict[str, object]:
    meeting_html = client.get(paper_set["meeting"].get_absolute_url()).content.decode()
    document = paper_set["document"]
    download = client.get(reverse("document-download", args=[document.pk]))
    if download.streaming:
        b"".join(download.streaming_content)
    return {
        "report": client.get(paper_set["report"].get_absolute_url()).status_code,
        "document": download.status_code,
        "listed": paper_set["report"].title in meeting_html or document.title in meeting_html,
    }


def test_a_former_member_reads_only_the_meetings_they_sat_in(client, papers):
    person = PersonFactory()
    MembershipFactory(
        person=person, committee=papers["committee"], start_date=JOINED, end_date=LEFT
    )
    user = make_user("councillor", person=person)
    client.force_login(user)

    assert reads(client, papers["during"]) == {"report": 200, "document": 200, "listed": True}
    logged = ExemptAccess.objects.filter(user=user, refused=False).count()
    assert logged == 2  # the report and the document

    for name in ("before", "after"):
        assert reads(client, papers[name]) == {"report": 404, "document": 404, "listed": False}, (
            name
        )
    assert ExemptAccess.objects.filter(user=user, refused=False).count() == logged  # no reads


def test_the_last_day_of_membership_counts_and_the_day_after_does_not(client, papers):
    """Edges: a meeting on the day they left is theirs; the same papers once the membership
    is moved to end the day before are not."""
    person = PersonFactory()
    meeting_day = WHEN["during"]
    membership = MembershipFactory(
        person=person, committee=papers["committee"], start_date=JOINED, end_date=meeting_day
    )
    client.force_login(make_user("councillor", person=person))
    assert reads(client, papers["during"])["report"] == 200
    membership.end_date = meeting_day - dt.timedelta(days=1)
    membership.save()
    assert reads(client, papers["during"]) == {"report": 404, "document": 404, "listed": False}


def test_a_current_member_reads_papers_from_before_they_joined(client, papers):
    """The other half of the rule: membership today opens the committee's earlier papers."""
    person = PersonFactory()
    MembershipFactory(person=person, committee=papers["committee"], start_date=LEFT)
    client.force_login(make_user("councillor", person=person))
    for name in WHEN:
        assert reads(client, papers[name]) == {"report": 200, "document": 200, "listed": True}, name


def test_a_former_member_of_another_committee_reads_nothing(client, papers):
    person = PersonFactory()
    MembershipFactory(person=person, start_date=JOINED, end_date=LEFT)  # another committee
    client.force_login(make_user("councillor", person=person))
    for name in WHEN:
        assert reads(client, papers[name]) == {"report": 404, "document": 404, "listed": False}, (
            name
        )
