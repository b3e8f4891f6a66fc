"""iCalendar files and Atom feeds: parse them back and check what they carry."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import services as meeting_services
from opendata.models import CalendarEntry
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory, ReportFactory
from tests.factories.opendata import CANARY, publish

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(autouse=True)
def _whole_history_in_subscribed_calendars(settings):
    """Most tests here are about what a calendar says of a meeting (the factories' meetings
    are in 2017); the window of subscribed calendars has its own test, which sets it back."""
    settings.CALENDAR_WINDOW_DAYS = 365 * 30


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return list(cal.walk("VEVENT"))


def test_meetings_ics_parses_with_stable_uid_and_public_agenda(world, client):
    response = client.get(reverse("meetings-ics"))
    [event] = events(response)  # the unpublished meeting is not in the calendar
    assert str(event["UID"]) == f"meeting-{world.meeting.pk}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART").isoformat() == "2017-10-09T10:00:00+01:00"
    assert str(event["SUMMARY"]) == "Children's Scrutiny Panel"
    assert "Children's social care workforce" in str(event["DESCRIPTION"])
    assert CANARY not in response.content.decode()
    cal = Calendar.from_ical(response.content)
    assert cal.walk("VTIMEZONE"), "the Europe/London time zone is included"
    # The same UID on the next download.
    [again] = events(client.get(reverse("meetings-ics")))
    assert again["UID"] == event["UID"]


def test_change_bumps_sequence_and_cancellation_is_cancelled(
    world, client, django_capture_on_commit_callbacks
):
    officer = make_user("officer")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_meeting(
            meeting=world.meeting, by=officer, venue="Council Chamber, Huddersfield Town Hall"
        )
    [event] = events(client.get(reverse("meetings-ics")))
    assert int(event["SEQUENCE"]) == 1
    assert str(event["LOCATION"]) == "Council Chamber, Huddersfield Town Hall"
    # A change calendars do not show (an item's description) leaves SEQUENCE alone.
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_agenda_item(item=world.item, by=officer, description="Changed.")
    [event] = events(client.get(reverse("meetings-ics")))
    assert int(event["SEQUENCE"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.cancel_meeting(
            meeting=world.meeting, by=officer, notice="Cancelled: not quorate."
        )
    [event] = events(client.get(reverse("meetings-ics")))
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == f"meeting-{world.meeting.pk}@127.0.0.1"
    assert CalendarEntry.objects.get(meeting=world.meeting).sequence == 2


def test_committee_and_meeting_ics(world, client, django_capture_on_commit_callbacks):
    other = CommitteeFactory(slug="health")
    meeting = MeetingFactory(committee=other)
    AgendaItemFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        publish(meeting, make_user("officer"))
    mine = events(client.get(reverse("committee-ics", args=["childrens-panel"])))
    assert [str(e["UID"]) for e in mine] == [f"meeting-{world.meeting.pk}@127.0.0.1"]
    theirs = events(client.get(reverse("committee-ics", args=["health"])))
    assert [str(e["UID"]) for e in theirs] == [f"meeting-{meeting.pk}@127.0.0.1"]
    response = client.get(reverse("meeting-ics", args=[world.meeting.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert len(events(response)) == 1
    assert client.get(reverse("meeting-ics", args=[world.unpublished.pk])).status_code == 404
    assert client.get(reverse("committee-ics", args=["nope"])).status_code == 404


def test_calendar_conditional_get(world, client):
    url = reverse("meetings-ics")
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def atom_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return root, root.findall("a:entry", ATOM)


def test_papers_feed_lists_public_papers_only(world, client):
    response = client.get(reverse("papers-feed"))
    root, entries = atom_entries(response)
    titles = [e.find("a:title", ATOM).text for e in entries]
    assert sorted(titles) == ["Appendix A – workforce figures", "Workforce report"]
    ids = [e.find("a:id", ATOM).text for e in entries]
    assert f"tag:127.0.0.1,2017:report-{world.report.pk}" in ids
    assert CANARY not in response.content.decode()
    again = client.get(reverse("papers-feed"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_committee_papers_feed_and_late_paper(world, client, django_capture_on_commit_callbacks):
    other = CommitteeFactory(slug="health")
    meeting = MeetingFactory(committee=other)
    item = AgendaItemFactory(meeting=meeting)
    ReportFactory(agenda_item=item, title="Health report")
    with django_capture_on_commit_callbacks(execute=True):
        publish(meeting, make_user("officer"))
    _, entries = atom_entries(client.get(reverse("committee-papers-feed", args=["health"])))
    assert [e.find("a:title", ATOM).text for e in entries] == ["Health report"]
    _, entries = atom_entries(
        client.get(reverse("committee-papers-feed", args=["childrens-panel"]))
    )
    assert "Health report" not in [e.find("a:title", ATOM).text for e in entries]
    assert client.get(reverse("committee-papers-feed", args=["nope"])).status_code == 404


@pytest.mark.parametrize("name", ["minutes-feed"])
def test_minutes_feed_is_valid_atom_without_canary(world, client, name):
    response = client.get(reverse(name))
    atom_entries(response)
    assert CANARY not in response.content.decode()


def test_open_data_page_links_everything(world, client):
    html = client.get(reverse("open-data")).content.decode()
    for url in (
        reverse("meetings-ics"),
        reverse("papers-feed"),
        reverse("minutes-feed"),
        reverse("committee-ics", args=["childrens-panel"]),
        reverse("oparl-system"),
    ):
        assert url in html
    assert html.count("<h1") == 1


def test_meeting_page_offers_add_to_calendar(world, client):
    html = client.get(world.meeting.get_absolute_url()).content.decode()
    assert reverse("meeting-ics", args=[world.meeting.pk]) in html
    assert reverse("committee-ics", args=["childrens-panel"]) in html
    assert reverse("committee-papers-feed", args=["childrens-panel"]) in html


def test_a_change_gives_a_new_etag(world, client, django_capture_on_commit_callbacks):
    feeds = [reverse("meetings-ics"), reverse("papers-feed")]
    before = {url: client.get(url)["ETag"] for url in feeds}
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_report(
            report=world.report, by=make_user("officer"), title="Workforce report (revised)"
        )
        meeting_services.update_meeting(
            meeting=world.meeting, by=make_user("officer"), venue="Hall"
        )
    for url in feeds:
        response = client.get(url, HTTP_IF_NONE_MATCH=before[url])
        assert response.status_code == 200, url
        assert response["ETag"] != before[url]
        assert response["Access-Control-Allow-Origin"] == "*"


def test_empty_committee_calendar_is_still_a_valid_calendar(client, db):
    CommitteeFactory(slug="quiet")
    response = client.get(reverse("committee-ics", args=["quiet"]))
    cal = Calendar.from_ical(response.content)
    assert events(response) == []
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def _starts(response) -> list:
    from icalendar import Calendar

    return [e.decoded("dtstart") for e in Calendar.from_ical(response.content).walk("VEVENT")]


@pytest.mark.django_db
def test_subscribed_calendars_carry_a_window_that_history_does_not_grow(client, settings):
    """Issue 20: the calendars apps re-download carry the last 12 months and everything
    ahead; ten more years of history leave their bytes unchanged."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories.meetings import PublishedMeetingFactory

    settings.CALENDAR_WINDOW_DAYS = 365
    now = timezone.now()
    recent = PublishedMeetingFactory(start=now - dt.timedelta(days=30))
    committee = recent.committee
    ahead = PublishedMeetingFactory(committee=committee, start=now + dt.timedelta(days=30))
    old = PublishedMeetingFactory(committee=committee, start=now - dt.timedelta(days=400))
    urls = ["/feeds/meetings.ics", f"/feeds/committees/{committee.slug}/meetings.ics"]
    before = {url: client.get(url).content for url in urls}
    for url in urls:
        assert [s.date() for s in _starts(client.get(url))] == [
            timezone.localtime(recent.start).date(),
            timezone.localtime(ahead.start).date(),
        ]
    for years_ago in range(2, 12):
        PublishedMeetingFactory(committee=committee, start=now - dt.timedelta(days=365 * years_ago))
    for url in urls:
        assert client.get(url).content == before[url]

    # The full history is in a file per year, linked from the open data page.
    year = timezone.localtime(old.start).year
    for url in (
        f"/feeds/meetings-{year}.ics",
        f"/feeds/committees/{committee.slug}/meetings-{year}.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert timezone.localtime(old.start).date() in [s.date() for s in _starts(response)]
    page = client.get("/open-data/").content.decode()
    assert f"/feeds/meetings-{year}.ics" in page
    assert f"/feeds/meetings-{year - 9}.ics" in page
    assert client.get("/feeds/meetings-1066.ics").status_code == 404


@pytest.mark.django_db
def test_year_calendars_hold_only_public_meetings(client):
    import datetime as dt

    from django.utils import timezone

    from tests.factories.meetings import MeetingFactory, PublishedMeetingFactory

    start = timezone.now() - dt.timedelta(days=800)
    public = PublishedMeetingFactory(start=start)
    MeetingFactory(committee=public.committee, start=start + dt.timedelta(days=1))  # draft
    year = timezone.localtime(start).year
    body = client.get(f"/feeds/committees/{public.committee.slug}/meetings-{year}.ics").content
    assert body.count(b"BEGIN:VEVENT") == 1
