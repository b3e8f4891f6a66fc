"""The public can see when a committee next meets (or last met) from the committee page and
the home page, with the agenda pack or minutes one click away; the meeting page offers the pack
before the agenda (issue 16, finding 8). Only public meetings are ever shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.minutes.models import MinutesSet
from meetings.models import MeetingStatus
from meetings.packs.models import Pack, PackKind
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory, PublishedMeetingFactory
from tests.query_counts import TARGET, page_queries

pytestmark = pytest.mark.django_db
CANARY = "Zanzibarquux"


def _when(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def _pack(meeting) -> Pack:
    return Pack.objects.create(
        meeting=meeting,
        kind=PackKind.PUBLIC,
        file_name=f"packs/{meeting.pk}.pdf",
        sha256="0" * 64,
        page_count=3,
        built_at=timezone.now(),
    )


def test_committee_page_shows_next_meeting_with_pack_link(client):
    committee = CommitteeFactory()
    PublishedMeetingFactory(committee=committee, start=_when(-30), status=MeetingStatus.HELD)
    later = PublishedMeetingFactory(committee=committee, start=_when(40))
    nxt = PublishedMeetingFactory(committee=committee, start=_when(10), venue="Room 7")
    _pack(nxt)
    html = client.get(committee.get_absolute_url()).content.decode()
    section = html.split('id="next-meeting-heading"')[1].split("</section>")[0]
    assert "Next meeting" in section
    assert nxt.get_absolute_url() in section and "Room 7" in section
    assert later.get_absolute_url() not in section
    assert "Agenda published on" in section
    assert reverse("meeting-pack", args=[nxt.pk]) in section


def test_committee_page_falls_back_to_last_meeting_with_minutes_link(client):
    committee = CommitteeFactory()
    old = PublishedMeetingFactory(committee=committee, start=_when(-60), status=MeetingStatus.HELD)
    last = PublishedMeetingFactory(committee=committee, start=_when(-5), status=MeetingStatus.HELD)
    MinutesSet.all_objects.create(meeting=last, status="published", published_at=timezone.now())
    html = client.get(committee.get_absolute_url()).content.decode()
    section = html.split('id="next-meeting-heading"')[1].split("</section>")[0]
    assert "Last meeting" in section
    assert last.get_absolute_url() in section and old.get_absolute_url() not in section
    assert reverse("meeting-minutes", args=[last.pk]) in section


def test_draft_minutes_are_not_linked(client):
    committee = CommitteeFactory()
    last = PublishedMeetingFactory(committee=committee, start=_when(-5), status=MeetingStatus.HELD)
    MinutesSet.all_objects.create(meeting=last, status="draft")
    html = client.get(committee.get_absolute_url()).content.decode()
    assert reverse("meeting-minutes", args=[last.pk]) not in html


@pytest.mark.parametrize("viewer", ["anonymous", "other-councillor"])
def test_unpublished_meeting_never_shows_as_next_meeting(client, viewer):
    committee = CommitteeFactory()
    shown = PublishedMeetingFactory(committee=committee, start=_when(30))
    hidden = MeetingFactory(committee=committee, start=_when(3), venue=f"{CANARY} Hall")
    AgendaItemFactory(meeting=hidden, title=f"{CANARY} item")
    cancelled = PublishedMeetingFactory(
        committee=committee, start=_when(2), status=MeetingStatus.CANCELLED
    )
    if viewer == "other-councillor":
        person = PersonFactory()
        MembershipFactory(person=person, committee=CommitteeFactory())
        client.force_login(make_user("councillor", person=person))
    for url in (committee.get_absolute_url(), reverse("home")):
        html = client.get(url).content.decode()
        assert CANARY not in html
        assert hidden.get_absolute_url() not in html
        assert cancelled.get_absolute_url() not in html
        assert shown.get_absolute_url() in html


def test_committee_with_no_public_meeting_says_so(client):
    committee = CommitteeFactory()
    MeetingFactory(committee=committee, start=_when(3))
    html = client.get(committee.get_absolute_url()).content.decode()
    assert "No meeting with a published agenda yet." in html


def test_home_lists_each_committees_next_or_last_meeting(client):
    a, b = CommitteeFactory(name="Alpha Panel"), CommitteeFactory(name="Beta Panel")
    a_next = PublishedMeetingFactory(committee=a, start=_when(7))
    b_last = PublishedMeetingFactory(committee=b, start=_when(-7), status=MeetingStatus.HELD)
    _pack(a_next)
    html = client.get(reverse("home")).content.decode()
    section = html.split("Next meetings")[1].split("</dl>")[0]
    assert a_next.get_absolute_url() in section and b_last.get_absolute_url() in section
    assert reverse("meeting-pack", args=[a_next.pk]) in section
    assert "the last one was" in section


def test_meeting_page_offers_the_pack_before_the_agenda(client):
    meeting = PublishedMeetingFactory(start=_when(7))
    AgendaItemFactory(meeting=meeting)
    _pack(meeting)
    html = client.get(meeting.get_absolute_url()).content.decode()
    pack_at = html.index(reverse("meeting-pack", args=[meeting.pk]))
    assert pack_at < html.index(">Agenda</h2>")


@pytest.mark.parametrize("n", [1, 6])
def test_home_and_committee_page_query_counts_stay_flat(client, n):
    committees = [CommitteeFactory() for _ in range(n)]
    for committee in committees:
        _pack(PublishedMeetingFactory(committee=committee, start=_when(5)))
        PublishedMeetingFactory(committee=committee, start=_when(-5), status=MeetingStatus.HELD)
    assert page_queries(client, reverse("home")) <= TARGET
    assert page_queries(client, committees[0].get_absolute_url()) <= TARGET


def test_filtered_calendar_title_and_heading_say_what_is_filtered(client):
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    meeting = PublishedMeetingFactory(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=dt.UTC)
    )
    url = reverse("meeting-calendar") + f"?committee={committee.slug}&month=2017-10"
    html = client.get(url).content.decode()
    expected = "Meetings of the Children&#x27;s Scrutiny Panel, October 2017"
    assert f'<h1 class="govuk-heading-l">{expected}</h1>' in html
    assert f"<title>{expected} – " in html
    assert meeting.get_absolute_url() in html
    plain = client.get(reverse("meeting-calendar")).content.decode()
    assert '<h1 class="govuk-heading-l">Meetings</h1>' in plain


def test_meeting_page_links_the_committee_once_in_breadcrumb_not_again_in_caption(client):
    meeting = PublishedMeetingFactory()
    html = client.get(meeting.get_absolute_url()).content.decode()
    target = reverse("committee-meetings", args=[meeting.committee.slug])
    assert html.count(f'href="{target}"') == 1
    assert f'<span class="govuk-caption-l">{meeting.committee.name}</span>' in html
