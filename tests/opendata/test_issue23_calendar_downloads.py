"""Issue 23 finding 6: a retitled item bumps the calendar's SEQUENCE; .ics links are on the
request's host and port (as the Atom feed's); uploaded file names never reach public search
snippets; exempt titles stay out of all of it."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from meetings import services as meeting_services
from opendata import indexing
from tests.factories import make_user
from tests.factories.meetings import DocumentFactory
from tests.factories.opendata import CANARY


@pytest.fixture(autouse=True)
def _whole_history_in_subscribed_calendars(settings):
    """These tests are about what a calendar says of a meeting (the factories' meetings are
    in 2017); the window of subscribed calendars has its own test."""
    settings.CALENDAR_WINDOW_DAYS = 365 * 30


def _event(response):
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    return event


def test_retitling_an_item_bumps_sequence(world, client, django_capture_on_commit_callbacks):
    officer = make_user("officer")
    before = _event(client.get(reverse("meetings-ics")))
    assert int(before["SEQUENCE"]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_agenda_item(
            item=world.item, by=officer, title="Children's social care: agency staff"
        )
    after = _event(client.get(reverse("meetings-ics")))
    assert int(after["SEQUENCE"]) == 1
    assert "agency staff" in str(after["DESCRIPTION"])
    assert CANARY not in client.get(reverse("meetings-ics")).content.decode()


def test_retitling_an_exempt_item_title_is_public_but_its_papers_never_are(
    world, client, django_capture_on_commit_callbacks
):
    body = client.get(reverse("meeting-ics", args=[world.meeting.pk])).content.decode()
    assert "Exempt report" not in body and "Agency staff" not in body


@override_settings(SITE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS=["*"])
def test_ics_links_use_the_request_host_and_port(world, client):
    for url in (
        reverse("meetings-ics"),
        reverse("meeting-ics", args=[world.meeting.pk]),
        reverse("committee-ics", args=[world.meeting.committee.slug]),
    ):
        response = client.get(url, HTTP_HOST="portal.example:8123")
        event = _event(response)
        link = f"http://portal.example:8123{world.meeting.get_absolute_url()}"
        assert str(event["URL"]) == link
        assert f"Papers: {link}" in str(event["DESCRIPTION"])
        assert "8000" not in str(event["URL"])
        assert "Host" in response["Vary"]
    atom = client.get(reverse("papers-feed"), HTTP_HOST="portal.example:8123").content.decode()
    assert "http://portal.example:8123/" in atom


def test_uploaded_file_names_never_reach_public_search(world, client):
    DocumentFactory(
        agenda_item=world.item,
        title="Appendix B – budget",
        original_filename="FINAL v3 DO NOT CIRCULATE budget.pdf",
        text="Budget lines for the service",
    )
    indexing.index_meeting(world.meeting.pk)
    for q in ("budget", "circulate", "Appendix B"):
        html = client.get(reverse("search"), {"q": q}).content.decode()
        assert "DO NOT CIRCULATE" not in html and "FINAL v3" not in html
        assert CANARY not in html
    html = client.get(reverse("search"), {"q": "budget"}).content.decode()
    assert "Appendix B" in html  # the paper itself is still found


@pytest.mark.parametrize("name", ["meeting-pack", "meeting-supplementary-pack"])
def test_head_on_a_pack_answers_like_get_without_a_body(client, world, name):
    url = reverse(name, args=[world.meeting.pk])
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code != 405
    assert head.get("Content-Length") == get.get("Content-Length")
    assert head.content == b""
