"""The councillor's own page and the officer previews."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings import services
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    person = PersonFactory(name="Cahal Burke")
    user = make_user("councillor", person=person)
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    MembershipFactory(person=person, committee=committee, start_date=dt.date(2017, 1, 1))
    return user, committee


def test_my_page_lists_upcoming_meetings_with_members_only_papers(client, member):
    user, committee = member
    soon = timezone.now() + dt.timedelta(days=10)
    meeting = PublishedMeetingFactory(committee=committee, start=soon, published_at=timezone.now())
    exempt = ExemptAgendaItemFactory(meeting=meeting, title="Missing Children Report")
    DocumentFactory(agenda_item=exempt, title="Members only appendix")
    other = PublishedMeetingFactory(start=soon, published_at=timezone.now())  # not their committee
    client.force_login(user)
    html = client.get(reverse("my-portal")).content.decode()
    assert "Missing Children Report" in html and "Members only appendix" in html
    assert meeting.get_absolute_url() in html
    assert other.get_absolute_url() not in html
    assert "first visit" in html


def test_my_page_shows_what_changed_since_the_last_visit(client, member):
    user, committee = member
    officer = make_user("officer")
    start = timezone.now() + dt.timedelta(days=30)
    client.force_login(user)
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        client.get(reverse("my-portal"))  # first visit, two days ago
    meeting = services.create_meeting(committee=committee, start=start, by=officer)
    services.publish_meeting(meeting=meeting, by=officer)
    client.logout()
    client.force_login(user)  # a new session
    html = client.get(reverse("my-portal")).content.decode()
    assert "Agenda published" in html and meeting.get_absolute_url() in html
    # Reloading in the same session keeps the same "since".
    assert "Agenda published" in client.get(reverse("my-portal")).content.decode()
    client.logout()
    client.force_login(user)
    html = client.get(reverse("my-portal")).content.decode()
    assert "Nothing has been published or changed" in html


def test_my_page_needs_sign_in(client):
    assert client.get(reverse("my-portal")).status_code == 302


def test_previews_show_public_and_member_views_before_publication(client):
    meeting = MeetingFactory()
    public_item = ReportFactory(agenda_item__meeting=meeting, title="Public report").agenda_item
    exempt = ExemptAgendaItemFactory(meeting=meeting)
    ReportFactory(agenda_item=exempt, title="Exempt report")
    client.force_login(make_user("officer"))
    public = client.get(reverse("officer-meeting-preview", args=[meeting.pk, "public"]))
    html = public.content.decode()
    assert "Public report" in html and "Exempt report" not in html and public_item.title in html
    member = client.get(reverse("officer-meeting-preview", args=[meeting.pk, "member"]))
    assert "Exempt report" in member.content.decode()
    assert client.get(meeting.get_absolute_url()).status_code == 404  # not published yet
