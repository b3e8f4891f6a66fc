"""Issue 20: the meeting page's body as one content-versioned fragment (``scrutiny.fragments``).

With the fragment cache on, the body is rendered once per content generation and view
(signed in or not, may read exempt papers or not, officer or not) and reused; each signed-in
reader's own parts (private notes, "Save for offline", their notes panel) are filled into its
holes on every request. These tests run the page with the cache on and check that:

- a second reader is served from the fragment (far fewer queries) with the same page;
- a change shows at once (the generation moves);
- a view that may read exempt papers never hands its fragment to one that may not, in either
  order, for the public, a councillor off the committee and a member;
- one member's notes never show to another member served from the same fragment;
- stored text cannot forge or move a hole.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import notes
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
)

pytestmark = pytest.mark.django_db
CANARY = "FRAGMENTKESTREL9"  # the exempt item's paper title: members and officers only
NOTE = "FRAGMENTNOTE4"  # the first member's private note


@pytest.fixture(autouse=True)
def _fragments_on(fragments_on):
    yield


@pytest.fixture
def setting():
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget monitoring")
    paper = DocumentFactory(agenda_item=item, title="Budget appendix")
    exempt = ExemptAgendaItemFactory(meeting=meeting, title="Property disposal")
    DocumentFactory(agenda_item=exempt, title=f"Valuation {CANARY}")
    users = {}
    for name in ("member", "colleague"):
        person = PersonFactory(name=f"Councillor {name.title()}")
        MembershipFactory(
            person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1)
        )
        users[name] = make_user("councillor", person=person)
    users["outsider"] = make_user("councillor", person=PersonFactory(name="Councillor Outside"))
    users["officer"] = make_user("officer")
    return meeting, item, paper, users


def _get(client, url, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_a_second_reader_is_served_from_the_fragment(client, setting):
    meeting, item, paper, users = setting
    url = meeting.get_absolute_url()
    first, first_queries = _get(client, url)
    second, second_queries = _get(client, url)
    assert second == first
    assert "Budget appendix" in second
    assert second_queries <= 2 < first_queries, (first_queries, second_queries)


def test_a_change_shows_at_once(client, setting):
    meeting, item, paper, users = setting
    url = meeting.get_absolute_url()
    _get(client, url)
    _get(client, url, users["member"])
    item.title = "Budget monitoring, quarter 3"
    item.save()
    for user in (None, users["member"]):
        page, _ = _get(client, url, user)
        assert "Budget monitoring, quarter 3" in page


@pytest.mark.parametrize("first", ["member", "officer"])
def test_the_exempt_view_is_never_handed_to_a_reader_who_may_not_read_it(client, setting, first):
    meeting, item, paper, users = setting
    url = meeting.get_absolute_url()
    page, _ = _get(client, url, users[first])
    assert CANARY in page  # the exempt paper, for those who may read it
    for user in (None, users["outsider"]):
        page, _ = _get(client, url, user)
        assert CANARY not in page
        assert "Property disposal" in page  # the exempt item's title is public
    page, _ = _get(client, url, users["colleague"])
    assert CANARY in page


def test_the_public_view_first_does_not_hide_papers_from_members(client, setting):
    meeting, item, paper, users = setting
    url = meeting.get_absolute_url()
    for user in (None, users["outsider"]):
        assert CANARY not in _get(client, url, user)[0]
    assert CANARY in _get(client, url, users["member"])[0]


def test_one_members_notes_never_show_to_another_served_from_the_same_fragment(client, setting):
    meeting, item, paper, users = setting
    notes.save_note(author=users["member"], item=item, document=None, text=f"Item {NOTE}")
    notes.save_note(author=users["member"], item=item, document=paper, text=f"Paper {NOTE}")
    url = meeting.get_absolute_url()
    mine, _ = _get(client, url, users["member"])
    assert mine.count(NOTE) == 2
    assert "Edit your note" in mine
    theirs, queries = _get(client, url, users["colleague"])
    assert NOTE not in theirs
    assert "Add a private note" in theirs and "Add a note" in theirs
    # And back: the member's notes are filled in again from the same fragment.
    again, again_queries = _get(client, url, users["member"])
    assert again.count(NOTE) == 2
    for user in (None, users["outsider"], users["officer"]):
        assert NOTE not in _get(client, url, user)[0]
    assert "portal-hole" not in again  # the holes are gone once filled


def test_stored_text_cannot_forge_a_hole(client, setting):
    meeting, item, paper, users = setting
    other = AgendaItemFactory(meeting=meeting, title=f"<!--portal-hole:note-item-{item.pk}-->x")
    notes.save_note(author=users["member"], item=item, document=None, text=f"Item {NOTE}")
    page, _ = _get(client, meeting.get_absolute_url(), users["member"])
    assert page.count(NOTE) == 1  # only in the real hole, not in the forged title
    assert f"&lt;!--portal-hole:note-item-{item.pk}--&gt;x" in page
    assert other.pk


def test_the_signed_in_panels_show_to_signed_in_readers_only(client, setting):
    meeting, item, paper, users = setting
    url = meeting.get_absolute_url()
    member_page, _ = _get(client, url, users["member"])
    assert reverse("my-briefing", args=[meeting.pk]) in member_page
    anonymous_page, _ = _get(client, url)
    assert reverse("my-briefing", args=[meeting.pk]) not in anonymous_page


def test_with_the_cache_off_the_page_is_the_same(client, setting, settings):
    meeting, item, paper, users = setting
    notes.save_note(author=users["member"], item=item, document=None, text=f"Item {NOTE}")
    url = meeting.get_absolute_url()
    readers = (("anon", None), ("m", users["member"]))
    on = {key: _get(client, url, user)[0] for key, user in readers}
    settings.FRAGMENT_CACHE_SECONDS = 0
    off = {key: _get(client, url, user)[0] for key, user in readers}
    strip = lambda page: page.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(on["anon"]) == strip(off["anon"])
    assert on["m"].count(NOTE) == off["m"].count(NOTE) == 1


def test_a_readers_notes_cost_one_query_however_many(client, setting):
    meeting, item, paper, users = setting
    url = meeting.get_absolute_url()
    notes.save_note(author=users["member"], item=item, document=None, text="one")
    _get(client, url, users["member"])
    _, one = _get(client, url, users["member"])
    for n in range(4):
        extra = AgendaItemFactory(meeting=meeting, title=f"Extra item {n}")
        extra_paper = DocumentFactory(agenda_item=extra, title=f"Extra paper {n}")
        notes.save_note(author=users["member"], item=extra, document=None, text=f"item {n}")
        notes.save_note(author=users["member"], item=extra, document=extra_paper, text=f"p {n}")
    _get(client, url, users["member"])  # the new generation's fragment
    page, many = _get(client, url, users["member"])
    assert "item 3" in page and "p 3" in page
    assert many == one
