"""The councillor's own page and the officer previews."""

from __future__ import annotations

import datetime as dt

import pytest
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
    # Published by a factory, not through the services: no change was recorded.
    assert "Nothing has changed on your committees' meetings" in html


def test_my_page_shows_what_changed_until_the_member_says_they_have_seen_it(client, member):
    """Issue 23 finding 1: not "since the last sign-in" but since the member acknowledged
    the changes (tests/meetings/test_changes_views.py has the rest)."""
    user, committee = member
    officer = make_user("officer")
    start = timezone.now() + dt.timedelta(days=30)
    meeting = services.create_meeting(committee=committee, start=start, by=officer)
    services.publish_meeting(meeting=meeting, by=officer)
    client.force_login(user)
    html = client.get(reverse("my-portal")).content.decode()
    published = 'data-kind="agenda_published">Agenda published'
    assert published in html and meeting.get_absolute_url() in html
    client.logout()
    client.force_login(user)  # a new session: still there, nothing was acknowledged
    html = client.get(reverse("my-portal")).content.decode()
    assert published in html
    up_to = meeting.changes.get().pk
    client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:{up_to}"})
    client.logout()
    client.force_login(user)
    html = client.get(reverse("my-portal")).content.decode()
    assert published not in html
    assert "Nothing has changed on your committees' meetings" in html


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
