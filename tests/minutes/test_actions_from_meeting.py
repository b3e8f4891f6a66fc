"""Issue 23 finding 2: the action tracker filters by "from this meeting" (the meeting whose
resolution raised the action); the meeting's minutes panel links to it; a members-only action
never shows through the filter or its choices to the public or a councillor off the committee."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.minutes import services
from meetings.models import Meeting
from tests.factories import PersonFactory, make_user
from tests.factories.minutes import make_meeting_with_items
from tests.minutes.test_pages import CANARY, _business, exempt_minutes  # noqa: F401

pytestmark = pytest.mark.django_db


def _other_meeting_action():
    meeting = make_meeting_with_items()
    minutes = services.start_minutes(meeting=meeting)
    [minute, *_] = _business(minutes)
    services.save_minute(
        minute=minute, text="Other.", resolutions=["That X."], version=minute.version
    )
    minute.refresh_from_db()
    services.create_action(
        committee=meeting.committee,
        description="Action from another meeting",
        owner_text="Highways",
        resolution=minute.resolutions.get(),
    )
    services.publish_minutes(minutes=minutes)
    return meeting


def test_filter_by_meeting(client, exempt_minutes):  # noqa: F811
    meeting = exempt_minutes.meeting
    other = _other_meeting_action()
    url = reverse("action-tracker")
    everything = client.get(url).content.decode()
    assert "Public follow-up" in everything and "Action from another meeting" in everything
    body = client.get(url, {"meeting": meeting.pk}).content.decode()
    assert "Public follow-up" in body and "Action from another meeting" not in body
    assert CANARY not in body
    # The choices name the meetings with actions the reader may see.
    assert f'<option value="{other.pk}"' in everything
    body = client.get(url, {"meeting": other.pk}).content.decode()
    assert "Action from another meeting" in body and "Public follow-up" not in body
    csv = b"".join(client.get(reverse("action-tracker-csv"), {"meeting": other.pk}))
    assert b"Action from another meeting" in csv and b"Public follow-up" not in csv


def test_meeting_page_links_to_its_actions(client, exempt_minutes):  # noqa: F811
    meeting = exempt_minutes.meeting
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f"{reverse('action-tracker')}?meeting={meeting.pk}" in html


def test_members_only_actions_stay_hidden_through_the_filter(client, exempt_minutes):  # noqa: F811
    meeting = exempt_minutes.meeting
    url = reverse("action-tracker")
    for user in (None, make_user("councillor", person=PersonFactory())):
        if user is not None:
            client.force_login(user)
        body = client.get(url, {"meeting": meeting.pk}).content.decode()
        assert CANARY not in body
    client.force_login(make_user("officer"))
    assert CANARY in client.get(url, {"meeting": meeting.pk}).content.decode()


def test_meeting_choices_are_bounded_but_any_meeting_still_filters(
    client,
    exempt_minutes,  # noqa: F811
    monkeypatch,
):
    """Issue 20: ten years of meetings made the tracker's select thousands of options (200 ms,
    0.5 MB). It offers the latest MEETING_CHOICES, plus the one chosen; any meeting with
    actions still filters, so the meeting pages' "from this meeting" links keep working."""
    from meetings.minutes import filters

    meeting = exempt_minutes.meeting
    other = _other_meeting_action()
    # Distinct dates, so "the latest" is one of them whatever the database's tie order.
    Meeting.all_objects.filter(pk=other.pk).update(start=meeting.start + dt.timedelta(days=7))
    newer, older = other, meeting
    url = reverse("action-tracker")
    monkeypatch.setattr(filters, "MEETING_CHOICES", 1)
    everything = client.get(url).content.decode()
    assert f'<option value="{newer.pk}"' in everything
    assert f'<option value="{older.pk}"' not in everything
    chosen = client.get(url, {"meeting": older.pk}).content.decode()
    assert f'<option value="{older.pk}" selected' in chosen
