"""Pages made for a signed-in user are never kept by a browser or proxy (issue 13 finding 10):
every response to a member or officer carries ``Cache-Control: private, no-store``; anonymous
public pages keep their own headers and the anonymous page cache still serves them. Through
the real views with the real middleware stack."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.urls import reverse

from meetings.minutes import services as minutes_services
from scrutiny.cache import CACHE_HEADER
from scrutiny.privatecache import make_private
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
    ReportFactory,
)
from tests.factories.minutes import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    committee = CommitteeFactory()
    meeting = PublishedMeetingFactory(committee=committee)
    public_item = AgendaItemFactory(meeting=meeting, title="Public business")
    exempt_item = ExemptAgendaItemFactory(meeting=meeting, title="Exempt business")
    minutes = minutes_services.start_minutes(meeting=meeting)
    for minute in minutes.items.all():
        minutes_services.save_minute(
            minute=minute, text="<p>The panel noted it.</p>", resolutions=[], version=minute.version
        )
    minutes_services.publish_minutes(minutes=minutes)
    member = make_user("councillor", person=PersonFactory())
    MembershipFactory(person=member.person, committee=committee, start_date=dt.date(2017, 1, 1))
    ActionFactory(committee=committee, description="Members-only action", is_public=False)
    return {
        "committee": committee,
        "meeting": meeting,
        "member": member,
        "public_report": ReportFactory(agenda_item=public_item, title="Public report"),
        "exempt_report": ReportFactory(agenda_item=exempt_item, title="Exempt report"),
        "public_document": DocumentFactory(agenda_item=public_item),
        "exempt_document": DocumentFactory(agenda_item=exempt_item),
    }


def member_urls(papers) -> dict[str, str]:
    meeting = papers["meeting"]
    return {
        "meeting": meeting.get_absolute_url(),
        "exempt report": papers["exempt_report"].get_absolute_url(),
        "public report": papers["public_report"].get_absolute_url(),
        "minutes": reverse("meeting-minutes", args=[meeting.pk]),
        "exempt document": papers["exempt_document"].get_absolute_url(),
        "public document": papers["public_document"].get_absolute_url(),
        "actions": reverse("committee-actions", args=[papers["committee"].slug]),
        "actions csv": reverse("committee-actions-csv", args=[papers["committee"].slug]),
        "my portal": reverse("my-portal"),
    }


def directives(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d}


@pytest.mark.parametrize("role", ["member", "officer"])
def test_every_page_for_a_signed_in_user_is_private_no_store(client, papers, role, page_cache):
    user = papers["member"] if role == "member" else make_user("officer")
    client.force_login(user)
    for name, url in member_urls(papers).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        assert {"private", "no-store"} <= directives(response), (name, response["Cache-Control"])
        assert not directives(response) & {"public", "max-age", "s-maxage"}, name
        assert CACHE_HEADER not in response  # never went into the anonymous page cache
    # What a member sees that the public does not really is in those responses.
    exempt = client.get(papers["exempt_report"].get_absolute_url())
    assert "Exempt report" in exempt.content.decode()


def test_a_members_exempt_paper_is_not_in_the_page_cache_for_the_public(client, papers, page_cache):
    client.force_login(papers["member"])
    url = papers["exempt_report"].get_absolute_url()
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


def test_anonymous_public_pages_keep_their_headers_and_the_page_cache(client, papers, page_cache):
    meeting_url = papers["meeting"].get_absolute_url()
    first = client.get(meeting_url)
    assert first.status_code == 200
    assert not directives(first) & {"private", "no-store"}
    assert first[CACHE_HEADER] == "miss"
    assert client.get(meeting_url)[CACHE_HEADER] == "hit"
    report = client.get(papers["public_report"].get_absolute_url())
    assert report.status_code == 200 and not directives(report) & {"private", "no-store"}
    document = client.get(papers["public_document"].get_absolute_url())
    assert document.status_code == 200
    # A shared cache may keep it but must revalidate on every use (second outside review:
    # it was max-age=300, so a withdrawn paper could be served from a cache for 5 minutes).
    assert directives(document) == {"public", "no-cache"}
    assert document["ETag"] and document["Last-Modified"]
    again = client.get(
        papers["public_document"].get_absolute_url(),
        headers={"if-none-match": document["ETag"]},
    )
    assert again.status_code == 304 and directives(again) == {"public", "no-cache"}
    since = client.get(
        papers["public_document"].get_absolute_url(),
        headers={"if-modified-since": document["Last-Modified"]},
    )
    assert since.status_code == 304
    assert client.get(papers["exempt_document"].get_absolute_url()).status_code == 404


def test_signing_in_itself_is_private(client, papers):
    papers["member"].set_password("a long enough password")
    papers["member"].save()
    response = client.post(
        reverse("login"),
        {"username": papers["member"].username, "password": "a long enough password"},
    )
    assert response.status_code == 302
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "private, no-store"),
        ("public, max-age=300", "private, no-store"),
        ("private, no-cache", "private, no-cache, no-store"),
        ("max-age=0, no-cache, no-store, must-revalidate, private", None),  # never_cache
        ("private, no-store", None),
    ],
)
def test_make_private(before, after):
    response = HttpResponse()
    if before:
        response["Cache-Control"] = before
    response["Expires"] = "Thu, 01 Jan 2037 00:00:00 GMT"
    make_private(response)
    if after is None:
        assert response["Cache-Control"] == before and "Expires" in response
    else:
        assert response["Cache-Control"] == after and "Expires" not in response


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    return settings
