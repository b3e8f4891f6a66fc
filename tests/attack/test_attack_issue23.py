"""Issue 23 attacked (attack23): the councillor's portal — the change log's "I've seen these",
private notes, the offline plan and check. Each test is a hole found by hand on a running
server and closed; each fails on the code before its fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ChangeAcknowledgement, MeetingChange
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_meeting():
    officer = make_user("officer", username="clerk23")
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    member = make_user("councillor", person=PersonFactory(name="Amira Khan"))
    MembershipFactory(person=member.person, committee=committee, start_date=dt.date(2017, 1, 1))
    meeting = MeetingFactory(committee=committee, start=timezone.now() + dt.timedelta(days=10))
    AgendaItemFactory(meeting=meeting, order=1, number="1", title="Social care update")
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    return member, meeting


@pytest.mark.parametrize(
    "value",
    [
        "{pk}:²",  # str.isdigit() is True for "²", int() refuses it: was a 500
        "²:1",
        "{pk}:" + "9" * 5000,  # over Python's int() digit limit: was a 500
        "9" * 30 + ":1",  # over SQLite's/PostgreSQL's integer: was a 500 (OverflowError)
        "{pk}:" + "9" * 19,
    ],
)
def test_seen_refuses_odd_numbers_with_a_message_not_a_500(client, member_meeting, value):
    member, meeting = member_meeting
    client.force_login(member)
    response = client.post(reverse("my-changes-seen"), {"seen": value.format(pk=meeting.pk)})
    assert response.status_code == 302 and response["Location"] == reverse("my-portal")
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["That list of changes was not recognised: nothing was marked as seen."]
    assert not ChangeAcknowledgement.objects.filter(user=member).exists()


def test_seen_still_takes_an_ordinary_value(client, member_meeting):
    member, meeting = member_meeting
    client.force_login(member)
    last = MeetingChange.all_objects.filter(meeting=meeting).latest("pk").pk
    response = client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:{last}"})
    assert response.status_code == 302
    assert ChangeAcknowledgement.objects.get(user=member, meeting=meeting).up_to == last


def test_offline_check_never_answers_an_address_of_another_site_as_readable(client, member_meeting):
    """The check echoed ``//evil.example/meetings/1/`` and
    ``http://evil.example/meetings/1/agenda-pack.pdf`` back as readable (it resolved only the
    path). The worker saves this site's paths only, so such an address is never readable."""
    member, meeting = member_meeting
    client.force_login(member)
    own = meeting.get_absolute_url()
    foreign = [f"//evil.example{own}", f"http://evil.example{own}", f"https://x{own}"]
    response = client.get(reverse("offline-check"), [("u", u) for u in [own, *foreign]])
    assert response.status_code == 200
    assert response.json()["readable"] == [own]
