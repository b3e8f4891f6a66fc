"""The minutes item's previous meeting (issue 15 items 4 and 9): it defaults to the latest
earlier meeting of the committee — also when that meeting is entered after the new one — is
editable on the item's page (earlier meetings of the same committee only), and the officer's
meeting page says whose minutes the pack carries. The public link to it asks the public rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, ItemKind, Meeting
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import LONDON, MeetingFactory, PublishedMeetingFactory

pytestmark = pytest.mark.django_db


def _at(day: int, month: int = 1, year: int = 2030) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=LONDON)


def _minutes_item(meeting: Meeting) -> AgendaItem:
    return AgendaItem.all_objects.get(meeting=meeting, kind=ItemKind.MINUTES)


@pytest.fixture
def officer_client(client):
    client.force_login(make_user("officer"))
    return client


def test_new_meeting_points_at_the_latest_earlier_meeting_of_its_committee():
    committee = CommitteeFactory()
    older = MeetingFactory(committee=committee, start=_at(1, 9, 2029))
    latest = MeetingFactory(committee=committee, start=_at(1, 11, 2029))
    MeetingFactory(start=_at(1, 12, 2029))  # another committee's, later
    MeetingFactory(committee=committee, start=_at(1, 3, 2030))  # after the new one
    meeting = services.create_meeting(committee=committee, start=_at(14), by=None)
    item = _minutes_item(meeting)
    assert item.previous_meeting == latest != older
    assert item.description == (
        f"To approve the minutes of the {committee.name} meeting held on 1 November 2029."
    )


def test_a_meeting_entered_after_the_next_one_becomes_its_previous_meeting():
    """The officer sets up next month's meeting first, then types in last month's: the
    next meeting's minutes item follows (while its agenda is unpublished)."""
    committee = CommitteeFactory()
    old = MeetingFactory(committee=committee, start=_at(1, 6, 2029))
    coming = services.create_meeting(committee=committee, start=_at(14), by=None)
    assert _minutes_item(coming).previous_meeting == old
    last_month = services.create_meeting(committee=committee, start=_at(10, 12, 2029), by=None)
    item = _minutes_item(coming)
    assert item.previous_meeting == last_month
    assert "held on 10 December 2029" in item.description
    # Once the next agenda is published its pack has gone out: it is not changed behind the
    # officer's back.
    Meeting.all_objects.filter(pk=coming.pk).update(status="agenda_published", published_at=_at(1))
    services.create_meeting(committee=committee, start=_at(20, 12, 2029), by=None)
    assert _minutes_item(coming).previous_meeting == last_month


def test_the_officer_changes_the_previous_meeting_on_the_items_page(officer_client):
    committee = CommitteeFactory()
    first = MeetingFactory(committee=committee, start=_at(1, 9, 2029))
    second = MeetingFactory(committee=committee, start=_at(1, 11, 2029))
    meeting = services.create_meeting(committee=committee, start=_at(14), by=None)
    item = _minutes_item(meeting)
    assert item.previous_meeting == second  # the default, before the officer changes it
    url = reverse("officer-item-edit", args=[item.pk])
    page = officer_client.get(url).content.decode()
    assert "Minutes of the previous meeting: which meeting" in page
    assert "1 November 2029 (scheduled)" in page and "1 September 2029 (scheduled)" in page
    data = {
        "title": item.title,
        "kind": "minutes",
        "description": item.description,
        "previous_meeting": first.pk,
        "version": item.version,
    }
    response = officer_client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.previous_meeting == first
    # The description named the old meeting and was not rewritten: it follows.
    assert "held on 1 September 2029" in item.description
    officer_page = officer_client.get(reverse("officer-meeting", args=[meeting.pk]))
    assert "Minutes of 1 September 2029 (attached automatically)" in officer_page.content.decode()
    # One click to that meeting's minutes, to publish or check them (journey friction).
    minutes_url = reverse("officer-minutes-take", args=[first.pk])
    assert (
        f'<a class="govuk-link" href="{minutes_url}" data-previous-minutes-link>'
        "Open the minutes of 1 September 2029</a>"
    ) in officer_page.content.decode()
    assert officer_client.get(minutes_url).status_code == 200
    # A later meeting, or another committee's, is refused on the page; nothing is saved.
    later = MeetingFactory(committee=committee, start=_at(1, 3, 2030))
    other = MeetingFactory(start=_at(1, 10, 2029))
    for wrong in (later, other, meeting):
        bad = officer_client.post(
            url, {**data, "previous_meeting": wrong.pk, "version": item.version}
        )
        assert bad.status_code == 200
        assert "Choose an earlier meeting of the same committee." in bad.content.decode()
    item.refresh_from_db()
    assert item.previous_meeting == first


def test_the_service_refuses_a_previous_meeting_that_is_not_earlier():
    committee = CommitteeFactory()
    meeting = services.create_meeting(committee=committee, start=_at(14), by=None)
    later = MeetingFactory(committee=committee, start=_at(1, 3, 2030))
    item = _minutes_item(meeting)
    with pytest.raises(services.ValidationError) as caught:
        services.update_agenda_item(item=item, previous_meeting=later, by=None)
    assert "previous_meeting" in caught.value.message_dict
    with pytest.raises(services.ValidationError):
        services.add_agenda_item(
            meeting=meeting, title="Minutes", kind=ItemKind.MINUTES, previous_meeting=later, by=None
        )


def test_only_a_minutes_item_offers_the_choice(officer_client):
    meeting = services.create_meeting(committee=CommitteeFactory(), start=_at(14), by=None)
    business = services.add_agenda_item(meeting=meeting, title="Budget", by=None)
    page = officer_client.get(reverse("officer-item-edit", args=[business.pk])).content.decode()
    assert "which meeting" not in page


def test_the_public_link_to_the_previous_meeting_asks_the_public_rule(client):
    """Public page: the link appears only when the previous meeting is public; a meeting not
    yet published is not named (not even its date)."""
    committee = CommitteeFactory()
    unpublished = MeetingFactory(committee=committee, start=_at(3, 11, 2029))
    meeting = PublishedMeetingFactory(committee=committee, start=_at(14))
    item = AgendaItem.all_objects.create(
        meeting=meeting,
        order=1,
        number="1",
        kind=ItemKind.MINUTES,
        title="Minutes of the previous meeting",
        previous_meeting=unpublished,
    )
    assert item.public_previous_meeting is None
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "3 November 2029" not in page
    Meeting.all_objects.filter(pk=unpublished.pk).update(published_at=_at(1, 10, 2029))
    item.refresh_from_db()
    assert item.public_previous_meeting == unpublished
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "The meeting of 3 November 2029" in page
