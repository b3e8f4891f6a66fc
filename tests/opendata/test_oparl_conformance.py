"""The OParl deviations and leaks of issues 13 (findings 5, 6) and 14 (findings 1, 4), each
through the real HTTP path, and an incremental sync replayed as an importer would."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import AgendaItem, Document, Meeting, Report
from opendata import records
from opendata.models import PublicRecord
from scrutiny.models import Committee, Council, Person
from tests.factories import make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    MeetingFactory,
    ReportFactory,
)
from tests.factories.opendata import CANARY, publish
from tests.opendata.test_oparl import OPARL, SCHEMA_DIR, Validator

API = "/api/oparl/v1/"
COLLECTIONS = (
    "organization",
    "person",
    "meeting",
    "paper",
    "agendaItem",
    "file",
    "membership",
    "legislativeTermList",
)


def check(obj: dict) -> None:
    """Validate against the OParl schema where it is present (CI insists it is)."""
    if SCHEMA_DIR.is_dir():
        Validator().check(obj)


@pytest.fixture
def council(db):
    return Council.objects.create(name="Kirklees Council", website="https://www.kirklees.gov.uk")


def ok(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.content[:300])
    assert response["Access-Control-Allow-Origin"] == "*"
    assert CANARY not in response.content.decode()
    return response


def pk_of(obj: dict) -> int:
    return int(obj["id"].rsplit("/", 1)[1])


def private_ids(world) -> dict[str, set[int]]:
    """Every object of the world fixture that was never public, by OParl type."""
    private_items = AgendaItem.all_objects.filter(pk__in=[world.exempt_item.pk]) | (
        AgendaItem.all_objects.filter(is_confidential=True)
        | AgendaItem.all_objects.filter(meeting=world.unpublished)
    )
    items = set(private_items.values_list("pk", flat=True))
    return {
        "AgendaItem": items,
        "Paper": set(Report.all_objects.filter(agenda_item__in=items).values_list("pk", flat=True)),
        "File": set(
            Document.all_objects.filter(agenda_item__in=items).values_list("pk", flat=True)
        ),
        "Meeting": {world.unpublished.pk},
    }


# --- Issue 13, finding 5: the API confirms nothing about private objects -------------------


def test_never_public_objects_get_no_deleted_entry_and_stay_404(world, client, council):
    hidden = private_ids(world)
    ok(client, f"{API}body/{council.pk}/file")  # the records are built
    # Delete a never-public document, paper and item, and the unpublished meeting.
    exempt_document = world.exempt_document.pk
    Document.all_objects.filter(pk=exempt_document).delete()
    Report.all_objects.filter(pk=world.exempt_report.pk).delete()
    Meeting.all_objects.filter(pk=world.unpublished.pk).delete()
    for collection in COLLECTIONS:
        listed = ok(
            client, f"{API}body/{council.pk}/{collection}", modified_since="2000-01-01T00:00:00Z"
        ).json()["data"]
        for obj in listed:
            kind = obj["type"].removeprefix(OPARL)
            assert pk_of(obj) not in hidden.get(kind, set()), (collection, obj)
    unknown = client.get(f"{API}file/999999")
    for kind, ids in hidden.items():
        for pk in ids:
            url = f"{API}{kind.lower()}/{pk}"
            response = client.get(url)
            assert response.status_code == 404, url
            assert response.json() == unknown.json()  # the same answer as an unknown id
            assert response["Access-Control-Allow-Origin"] == "*"
    for suffix in ("access", "download"):
        response = client.get(f"{API}file/{exempt_document}/{suffix}")
        assert response.status_code == 404 and response["Content-Type"].startswith(
            "application/json"
        )
    assert not PublicRecord.objects.filter(kind="File", object_id=exempt_document).exists()


def _validators(client, council):
    urls = [
        f"{API}body/{council.pk}/meeting",
        f"{API}body/{council.pk}/file?modified_since=2000-01-01T00:00:00Z",
        f"{API}body/{council.pk}",
        reverse("papers-feed"),
        reverse("minutes-feed"),
        reverse("meetings-ics"),
    ]
    return {url: (r["Last-Modified"], r["ETag"]) for url in urls if (r := ok(client, url))}


def test_private_changes_never_move_last_modified_or_etag(world, client, council, settings):
    # The world's meetings are in 2017: the subscribed calendar's window (issue 20) must reach
    # them for a public change to show in it.
    settings.CALENDAR_WINDOW_DAYS = 365 * 30
    officer = make_user("officer")
    before = _validators(client, council)
    stamp = records.public_last_modified()
    time.sleep(1.1)  # Last-Modified has whole seconds: a move would show
    # Private edits of every kind: an exempt report and item, a confidential item, a draft
    # meeting and its item, a new paper on an exempt item.
    world.exempt_report.title = f"Changed exempt report {CANARY}"
    world.exempt_report.save()
    meeting_services.update_agenda_item(
        item=world.exempt_item, by=officer, description=f"New {CANARY}"
    )
    world.confidential_item.title = f"Still confidential {CANARY}"
    world.confidential_item.save()
    world.unpublished.venue = f"Another room {CANARY}"
    world.unpublished.save()
    AgendaItemFactory(meeting=world.unpublished, title=f"Another draft {CANARY}")
    ReportFactory(agenda_item=world.exempt_item, title=f"Late exempt {CANARY}")
    assert _validators(client, council) == before
    assert records.public_last_modified() == stamp
    # A public change moves both (the test can fail).
    meeting_services.update_agenda_item(item=world.item, by=officer, title="Workforce (renamed)")
    after = _validators(client, council)
    for url, (last_modified, etag) in after.items():
        assert last_modified != before[url][0], url
        if "meeting" in url:  # the meeting list and the calendar show the new title
            assert etag != before[url][1], url


# --- Issue 13 finding 6 / issue 14 finding 1: one strict parser, 400 JSON ------------------

BAD_VALUES = [
    ("created_until", "2020-13-45"),
    ("modified_since", "2017-02-30T00:00:00Z"),
    ("modified_since", "2017-10-01T25:00:00Z"),
    ("modified_since", "2017-10-01T10:00:00+99:00"),
    ("modified_since", "0001-01-01T00:00:00Z"),
    ("modified_since", "0001-01-01T00:00:00+01:00"),
    ("created_since", "9999-12-31T23:59:59-01:00"),
    ("created_since", "yesterday"),
    ("created_since", "2017-10-01 10:00"),
    ("modified_until", "2017-10-01T10:00:00\x00"),
    ("modified_since", ""),
    ("limit", "0"),
    ("limit", "-1"),
    ("limit", "abc"),
    ("limit", "201"),
    ("limit", "1\x00"),
    ("after", "-5"),
    ("after", "x"),
    ("page", "2"),
    ("page", "abc"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_every_bad_filter_value_is_a_400_with_a_json_error(world, client, council, name, value):
    for collection in ("meeting", "paper", "file", "membership"):
        response = client.get(f"{API}body/{council.pk}/{collection}", {name: value})
        assert response.status_code == 400, response.content[:300]
        assert response["Content-Type"].startswith("application/json")
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert body["status"] == 400 and name in body["error"]


@pytest.mark.parametrize(
    ("value", "side"),
    [
        ("0001-01-01T00:00:00Z", "past"),
        ("0001-01-01T00:00:00+01:00", "past"),  # before year 1 in UTC
        ("0001-01-01", "past"),
        ("9999-12-31T23:59:59Z", "future"),
        ("9999-12-31T23:59:59-01:00", "future"),  # after year 9999 in UTC
    ],
)
def test_an_extreme_date_is_refused_with_a_message_that_says_why(
    world, client, council, value, side
):
    """Second outside review: "must be between the years 1 and 9999; got '0001-01-01…'"
    contradicted itself. The message says the date is too far in the past or future to
    compare in UTC and gives the accepted range."""
    response = client.get(f"{API}body/{council.pk}/meeting", {"modified_since": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == (
        f"modified_since {value!r} is too far in the {side} to compare (in UTC): use a "
        "date-time from 0001-01-02 to 9999-12-30"
    )
    assert "between the years" not in error and "not a real date" not in error
    # The edges of the stated range are accepted.
    for edge in ("0001-01-02T00:00:00Z", "9999-12-30T00:00:00Z"):
        answer = client.get(f"{API}body/{council.pk}/meeting", {"modified_since": edge})
        assert answer.status_code == 200, edge


def test_organization_meetings_and_body_list_use_the_same_parser(world, client, council):
    for url in (f"{API}organization/{world.committee.pk}/meetings", f"{API}bodies"):
        response = client.get(url, {"modified_since": "2017-02-30"})
        assert response.status_code == 400 and "modified_since" in response.json()["error"]


def test_good_filter_values_are_read_exactly(world, client, council):
    url = f"{API}body/{council.pk}/meeting"
    for value in (
        "2017-10-01",
        "2017-10-01T10:00",
        "2017-10-01T10:00:00",
        "2017-10-01T10:00:00.123456Z",
        "2017-10-01T10:00:00+01:00",
        "2017-10-01T10:00:00-23:59",
    ):
        assert client.get(url, {"modified_since": value}).status_code == 200, value
    page = ok(client, url, limit="1").json()
    assert page["pagination"]["elementsPerPage"] == 1  # exactly what was asked, no clamping


# --- Issue 14 finding 4: the OParl deviations ----------------------------------------------


def test_renaming_an_agenda_item_re_stamps_its_meeting(world, client, council):
    url = f"{API}body/{council.pk}/meeting"
    [meeting] = ok(client, url).json()["data"]
    since = timezone.now().isoformat()
    assert ok(client, url, modified_since=since).json()["data"] == []
    officer = make_user("officer")
    meeting_services.update_agenda_item(item=world.item, by=officer, title="Renamed item")
    [changed] = ok(client, url, modified_since=since).json()["data"]
    assert changed["id"] == meeting["id"]
    assert [i["name"] for i in changed["agendaItem"]] == ["Renamed item"]
    assert changed["modified"] >= meeting["modified"]
    # A document's new title re-stamps its item and meeting too (embedded auxiliaryFile).
    since = timezone.now().isoformat()
    world.document.title = "Appendix A (revised)"
    world.document.save()
    for collection in ("meeting", "agendaItem", "file"):
        found = ok(client, f"{API}body/{council.pk}/{collection}", modified_since=since)
        assert found.json()["data"], collection


def test_withdrawn_once_public_objects_answer_as_deleted_at_their_own_url(world, client, council):
    item_url = f"{API}agendaitem/{world.item.pk}"
    live = ok(client, item_url).json()
    paper = ok(client, f"{API}paper/{world.report.pk}").json()
    officer = make_user("officer")
    meeting_services.update_agenda_item(
        item=world.item,
        by=officer,
        is_exempt=True,
        exempt_paragraph=3,
        exempt_reasons="Commercially sensitive.",
    )
    for url, before in ((item_url, live), (f"{API}paper/{world.report.pk}", paper)):
        gone = ok(client, url).json()
        assert set(gone) == {"id", "type", "created", "modified", "deleted"}
        assert gone["deleted"] is True and gone["id"] == before["id"]
        assert gone["type"] == before["type"] and gone["created"] == before["created"]
        assert gone["modified"] >= before["modified"]
        check(gone)
    gone_consultation = ok(client, f"{API}consultation/{world.report.pk}").json()
    assert gone_consultation["deleted"] is True
    # Made public again: it is back, with a newer stamp.
    meeting_services.update_agenda_item(item=world.item, by=officer, is_exempt=False)
    back = ok(client, item_url).json()
    assert back["name"] == live["name"] and "deleted" not in back


def test_location_and_consultation_carry_created_and_modified(world, client, council):
    meeting = ok(client, f"{API}meeting/{world.meeting.pk}").json()
    location = ok(client, f"{API}location/{world.meeting.pk}").json()
    consultation = ok(client, f"{API}consultation/{world.report.pk}").json()
    paper = ok(client, f"{API}paper/{world.report.pk}").json()
    assert (location["created"], location["modified"]) == (meeting["created"], meeting["modified"])
    assert meeting["location"]["modified"] == meeting["modified"]
    assert (consultation["created"], consultation["modified"]) == (
        paper["created"],
        paper["modified"],
    )
    check(location)
    check(consultation)


@pytest.mark.parametrize(
    "path",
    [
        "meeting/abc",
        "file/9999/access",
        "file/9999/download",
        "bodies/",
        "body/0/nothing",
        "body/1/meetings",
        "nonsense",
        "meeting/99999999",
        "organization/99999/meetings",
        "body/77",
    ],
)
def test_every_api_error_is_json_with_cors(world, client, council, path):
    response = client.get(API + path)
    assert response.status_code == 404, (path, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["status"] == 404


def test_options_preflight_and_wrong_methods(world, client, council):
    for path in ("system", f"body/{council.pk}/meeting", f"file/{world.document.pk}/access"):
        response = client.options(
            API + path,
            HTTP_ORIGIN="https://example.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
        )
        assert response.status_code == 204, path
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]
        assert "If-None-Match" in response["Access-Control-Allow-Headers"]
        post = client.post(API + path)
        assert post.status_code == 405 and post["Access-Control-Allow-Origin"] == "*"
        assert post["Content-Type"].startswith("application/json")


def test_ids_follow_the_host_and_answers_vary_on_it(world, client, council, settings):
    settings.ALLOWED_HOSTS = ["testserver", "papers.example.org"]
    url = f"{API}meeting/{world.meeting.pk}"
    one = ok(client, url)
    other = client.get(url, HTTP_HOST="papers.example.org")
    assert "Host" in one["Vary"]
    assert one.json()["id"].startswith("http://testserver/")
    assert other.json()["id"].startswith("http://papers.example.org/")
    assert one.json()["modified"] == other.json()["modified"]


# --- The incremental sync, as an importer does it ------------------------------------------


def crawl(client, council, **params) -> dict[str, dict]:
    """Every object of every body list, following links.next, keyed by id."""
    found: dict[str, dict] = {}
    for collection in COLLECTIONS:
        url = f"{API}body/{council.pk}/{collection}"
        query = {"limit": "2", **params}
        while url:
            page = ok(client, url, **query).json()
            query = {}
            for obj in page["data"]:
                assert obj["id"] not in found or found[obj["id"]] == obj
                found[obj["id"]] = obj
            url = page["links"].get("next")
    return found


def test_incremental_sync_reconstructs_the_new_state_exactly(
    world, client, council, django_capture_on_commit_callbacks
):
    hidden = private_ids(world)
    officer = make_user("officer")
    second = MeetingFactory(
        committee=world.committee, start=dt.datetime(2017, 11, 6, 10, 0, tzinfo=dt.UTC)
    )
    AgendaItemFactory(meeting=second, title="Budget monitoring")
    third = MeetingFactory(
        committee=world.committee, start=dt.datetime(2017, 11, 20, 10, 0, tzinfo=dt.UTC)
    )
    third_item = AgendaItemFactory(meeting=third, title="Fostering")
    DocumentFactory(agenda_item=third_item, title="Fostering figures")
    with django_capture_on_commit_callbacks(execute=True):
        publish(second, officer)
        publish(third, officer)
    body = ok(client, f"{API}body/{council.pk}").json()
    snapshot = crawl(client, council)
    ever_public = set(snapshot)
    assert len([o for o in snapshot.values() if o["type"] == OPARL + "Meeting"]) == 3

    time.sleep(0.01)
    since = timezone.now().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        # Rename an item; add a paper; withdraw an item to exempt.
        meeting_services.update_agenda_item(item=world.item, by=officer, title="Workforce 2")
        meeting_services.add_report(
            agenda_item=world.item,
            title="Late workforce report",
            by=officer,
            urgency_reasons="Figures arrived late.",
        )
        meeting_services.update_agenda_item(
            item=third_item,
            by=officer,
            is_exempt=True,
            exempt_paragraph=1,
            exempt_reasons="Individual children.",
        )
        # Cancel one meeting, unpublish another (an officer's correction in the admin).
        meeting_services.cancel_meeting(meeting=world.meeting, notice="Not quorate.", by=officer)
        second.refresh_from_db()
        second.published_at = None
        second.save()
        # A new meeting is published, with a private item beside a public one.
        fourth = MeetingFactory(
            committee=world.committee, start=dt.datetime(2017, 12, 18, 10, 0, tzinfo=dt.UTC)
        )
        AgendaItemFactory(meeting=fourth, title="Corporate parenting")
        secret = AgendaItemFactory(meeting=fourth, title=f"Secret {CANARY}", is_confidential=True)
        ReportFactory(agenda_item=secret, title=f"Secret report {CANARY}")
        publish(fourth, officer)
    # Delete a public document; edit a person and a committee; a private edit too.
    Document.all_objects.filter(pk=world.document.pk).delete()
    person = Person.objects.public().first()
    person.name = "Cllr Renamed Person"
    person.save()
    committee = Committee.objects.get(pk=world.committee.pk)
    committee.name = "Children and Young People Scrutiny Panel"
    committee.save()
    world.exempt_report.title = f"Edited exempt {CANARY}"
    world.exempt_report.save()

    changes = crawl(client, council, modified_since=since)
    for obj_id, obj in changes.items():
        if obj.get("deleted"):
            assert obj_id in ever_public, obj  # only once-public objects are ever deleted
            assert set(obj) == {"id", "type", "created", "modified", "deleted"}
            snapshot.pop(obj_id, None)
        else:
            snapshot[obj_id] = obj
    fresh = crawl(client, council)
    assert snapshot == fresh
    # Every kind of change was seen.
    kinds = {o["type"].removeprefix(OPARL) for o in changes.values() if not o.get("deleted")}
    assert {"Meeting", "AgendaItem", "Paper", "Person", "Organization"} <= kinds
    deleted = {o["type"].removeprefix(OPARL) for o in changes.values() if o.get("deleted")}
    assert {"Meeting", "AgendaItem", "File"} <= deleted
    # No never-public object at any point.
    for crawled in (changes, fresh):
        for obj in crawled.values():
            check(obj)
            kind = obj["type"].removeprefix(OPARL)
            assert pk_of(obj) not in hidden.get(kind, set()), obj
    assert f"{API}agendaitem/{secret.pk}" not in changes
    assert ok(client, f"{API}body/{council.pk}").json()["id"] == body["id"]


def test_rebuild_command_catches_a_change_made_without_signals(world, client, council):
    from django.core.management import call_command

    url = f"{API}agendaitem/{world.item.pk}"
    before = ok(client, url).json()
    AgendaItem.all_objects.filter(pk=world.item.pk).update(title="Bulk-renamed")  # no signal
    assert ok(client, url).json()["modified"] == before["modified"]
    time.sleep(1.1)
    call_command("rebuild_public_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = ok(client, url).json()
    assert after["name"] == "Bulk-renamed" and after["modified"] > before["modified"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_get_the_json_405_even_with_csrf_checks_on(world, council, method):
    """As a browser sends them (CSRF enforced, a cross-site Origin): the API answers its own
    JSON 405 with CORS, never Django's HTML CSRF 403 page."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    for path in (f"body/{council.pk}", f"file/{world.document.pk}/access", "no/such/list"):
        response = getattr(browser, method)(API + path, HTTP_ORIGIN="https://example.org")
        expected = 404 if path.startswith("no/") else 405
        assert response.status_code == expected, (method, path, response.status_code)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Content-Type"].startswith("application/json")
