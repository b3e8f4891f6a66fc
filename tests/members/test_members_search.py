"""Issue 23: a signed-in member's search also covers the exempt papers they may read,
labelled "Exempt — members only (paragraph N)"; the public and a councillor off the committee
never see them; signed-in results never come from (or go into) the page cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Document
from scrutiny.cache import CACHE_HEADER
from scrutiny.permissions import can_view_exempt, exempt_reader
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
)

pytestmark = pytest.mark.django_db
CANARY = "platypusexempt"  # in the exempt paper's text only


def _paper(meeting, *, text=CANARY, exempt=True, title="Valuation report"):
    factory = ExemptAgendaItemFactory if exempt else AgendaItemFactory
    item = factory(meeting=meeting)
    document = DocumentFactory(agenda_item=item, title=title)
    Document.all_objects.filter(pk=document.pk).update(text=f"The {text} figures in confidence.")
    return document


@pytest.fixture
def world():
    meeting = PublishedMeetingFactory()
    paper = _paper(meeting)
    member_person = PersonFactory(name="Mia Member")
    MembershipFactory(
        person=member_person, committee=meeting.committee, start_date=dt.date(2000, 1, 1)
    )
    people = {
        "member": make_user("councillor", person=member_person),
        "outsider": make_user("councillor", person=PersonFactory(name="Otto Outside")),
        "officer": make_user("officer"),
    }
    return meeting, paper, people


def _search(client, q=CANARY, **extra):
    return client.get(reverse("search"), {"q": q, **extra})


def test_a_member_finds_the_exempt_paper_labelled(client, world):
    meeting, paper, people = world
    client.force_login(people["member"])
    response = _search(client)
    text = response.content.decode()
    assert "Exempt papers you may read (1)" in text
    assert "Exempt — members only (paragraph 6)" in text
    assert reverse("document-html", args=[paper.pk]) in text
    assert f"<mark>{CANARY}</mark>" in text.lower() or CANARY in text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_officers_find_it_too(client, world):
    meeting, paper, people = world
    client.force_login(people["officer"])
    assert "Exempt — members only (paragraph 6)" in _search(client).content.decode()


@pytest.mark.parametrize("who", [None, "outsider"])
def test_the_public_and_a_councillor_off_the_committee_never_see_it(client, world, who):
    meeting, paper, people = world
    if who:
        client.force_login(people[who])
    # Search a word beside the canary: the canary itself would only be echoed back.
    text = _search(client, q="figures").content.decode()
    assert CANARY not in text and "Valuation report" not in text
    assert "Exempt papers you may read" not in text and "Exempt — members only" not in text


def test_committee_and_type_filters_apply(client, world):
    meeting, paper, people = world
    client.force_login(people["member"])
    other = CommitteeFactory()
    assert "Valuation report" not in _search(client, committee=other.slug).content.decode()
    assert "Valuation report" not in _search(client, type="minutes").content.decode()
    assert "Valuation report" in _search(client, committee=meeting.committee.slug).content.decode()


def test_withdrawn_and_unpublished_papers_are_not_found(client, world):
    meeting, paper, people = world
    hidden = _paper(PublishedMeetingFactory(committee=meeting.committee, published_at=None))
    Document.all_objects.filter(pk=hidden.pk).update(title="Unpublished valuation")
    client.force_login(people["member"])
    text = _search(client).content.decode()
    assert "Unpublished valuation" not in text and "Exempt papers you may read (1)" in text


def test_signed_in_search_is_never_served_from_the_page_cache(client, world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    meeting, paper, people = world
    first = _search(client, q="figures")
    assert first[CACHE_HEADER] == "miss"
    assert _search(client, q="figures")[CACHE_HEADER] == "hit"
    client.force_login(people["member"])
    mine = _search(client, q="figures")
    assert CACHE_HEADER not in mine
    assert "Valuation report" in mine.content.decode()
    client.logout()
    again = _search(client, q="figures")
    assert "Valuation report" not in again.content.decode()


def test_query_count_stays_flat_with_more_exempt_papers(client, world):
    meeting, paper, people = world
    client.force_login(people["member"])
    _search(client)  # warm the session and the user's permissions
    with CaptureQueriesContext(connection) as one:
        _search(client)
    for _ in range(4):
        _paper(PublishedMeetingFactory(committee=meeting.committee))
    with CaptureQueriesContext(connection) as five:
        text = _search(client).content.decode()
    assert "Exempt papers you may read (5)" in text
    assert len(five) == len(one), [q["sql"][:120] for q in five.captured_queries]
    client.logout()
    with CaptureQueriesContext(connection) as public:
        _search(client)
    assert not any("meetings_document" in q["sql"] and "is_exempt" in q["sql"] for q in public)


def test_exempt_reader_answers_as_can_view_exempt(world):
    meeting, paper, people = world
    committee = meeting.committee
    today = dt.date.today()
    left = PersonFactory(name="Lee Left")
    MembershipFactory(
        person=left,
        committee=committee,
        start_date=dt.date(2017, 5, 1),
        end_date=dt.date(2018, 5, 1),
    )
    joined = PersonFactory(name="Jo Joined")
    MembershipFactory(person=joined, committee=committee, start_date=today)
    users = [
        *people.values(),
        make_user("councillor", person=left),
        make_user("councillor", person=joined),
        make_user("councillor"),  # a login with no person
    ]
    days = [None, dt.date(2017, 10, 9), dt.date(2016, 1, 1), dt.date(2018, 5, 2), today]
    committees = [committee, CommitteeFactory()]
    for user in users:
        may_read = exempt_reader(user)
        for day in days:
            for c in committees:
                assert may_read(c.pk, day) == can_view_exempt(user, c, on=day), (user, day, c)
