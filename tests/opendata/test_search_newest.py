"""Search fast without the cache (issue 20): a very common query ranks only its newest
matches, counted in the same query; a query with fewer matches than are counted pages
through exactly the rows of the full ranking; the exact reference always comes first; a
minus is honoured even where the small ranking vector does not hold the excluded word; and
rows that are not public now never show, whichever way the matches were found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from meetings.models import AgendaItem
from opendata import search
from opendata.indexing import RANK_BODY_CHARS, VECTORS
from opendata.models import SearchDocument
from opendata.search import NewestMatches, SearchParams, _matches, run_search, search_session
from tests.factories.meetings import ExemptAgendaItemFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL full-text search"
)

FILLER = "The panel noted the quarterly figures and asked for more detail. "


def add_rows(world, specs) -> list[SearchDocument]:
    """Index rows of the world's (published) meeting: ``(day, title, body)``, one a day of
    January 2020, with their vectors as the indexer writes them."""
    rows = SearchDocument.objects.bulk_create(
        SearchDocument(
            kind=SearchDocument.Kind.MEETING,
            object_id=900_000 + n,
            meeting=world.meeting,
            committee=world.meeting.committee,
            date=dt.date(2020, 1, day),
            title=title,
            summary="",
            body=body,
            url=f"/meetings/{world.meeting.pk}/",
            reference=reference,
        )
        for n, (day, title, body, reference) in enumerate(
            (*spec, "")[:4]
            for spec in specs  # an optional reference
        )
    )
    if connection.vendor == "postgresql":
        SearchDocument.objects.filter(pk__in=[r.pk for r in rows]).update(**VECTORS)
    return rows


def ids_on_page(client, q, page=1):
    response = client.get(reverse("search"), {"q": q, "page": page})
    assert response.status_code == 200
    return [doc.pk for doc, _ in response.context["results"]], response


@postgres_only
@pytest.mark.postgres
def test_a_very_common_query_ranks_its_newest_matches(world, client, monkeypatch):
    # Days 1-8: the even days hold the word in the title (ranked first), the odd days only
    # in the body. Counting 4, the five newest matches (days 4-8) are ranked; the older
    # title match of day 2 is not among them.
    rows = add_rows(
        world,
        [
            (
                day,
                f"Zanzibar review {day}" if day % 2 == 0 else f"Review {day}",
                "zanzibar " + FILLER,
            )
            for day in range(1, 9)
        ],
    )
    by_day = {row.date.day: row.pk for row in rows}
    monkeypatch.setattr(search, "MAX_COUNTED", 4)
    found, response = ids_on_page(client, "zanzibar")
    assert found == [by_day[d] for d in (8, 6, 4, 7, 5)]
    assert response.context["page"].paginator.is_capped
    assert "More than 4 results" in response.content.decode()
    # The full ranking would have shown day 2's title match before the body-only matches.
    full = [d.pk for d in search.search(SearchParams(q="zanzibar"))]
    assert full.index(by_day[2]) < full.index(by_day[7])


@postgres_only
@pytest.mark.postgres
def test_pages_of_the_newest_matches_never_overlap(world):
    add_rows(world, [(day, f"Zanzibar {day}", "zanzibar " * (day % 3 + 1)) for day in range(1, 29)])
    params = SearchParams(q="zanzibar")
    with search_session():
        matches, cap = _matches(params)
        assert isinstance(matches, NewestMatches)
        everything = matches.ordered_ids(6)
        assert matches.capped_count(6) == 6
        pages = [[d.pk for d in matches[start : start + 2]] for start in (0, 2, 4)]
    assert sum(pages, []) == everything
    assert len(set(everything)) == 6


@postgres_only
@pytest.mark.postgres
def test_fewer_matches_than_counted_page_as_the_full_ranking(world):
    add_rows(
        world,
        [
            (day, f"Zanzibar {day}" if day % 4 else f"Notes {day}", "zanzibar " * day)
            for day in range(1, 29)
        ],
    )
    for q in ("zanzibar", "zanzibar notes", "zanzibar or agency", "zanzibar -notes"):
        params = SearchParams(q=q)
        with search_session():
            matches, cap = _matches(params)
            assert isinstance(matches, NewestMatches), q
            assert matches.capped_count(cap + 1) == search.search(params).count(), q
            for start in (0, 20):
                expected = [d.pk for d in search.search(params)[start : start + 20]]
                assert [d.pk for d in matches[start : start + 20]] == expected, (q, start)


@postgres_only
@pytest.mark.postgres
def test_the_exact_reference_comes_first_even_when_older_than_the_newest(world, monkeypatch):
    old, *_ = add_rows(
        world,
        [
            (1, "Indicator", "an old indicator", "ZQ5"),
            *((d, f"ZQ 5 note {d}", "zq 5") for d in range(2, 12)),
        ],
    )
    monkeypatch.setattr(search, "MAX_COUNTED", 3)
    page, results = run_search(SearchParams(q="ZQ 5"), 1)
    assert [doc.pk for doc, _ in results][0] == old.pk
    assert page.paginator.is_capped


@postgres_only
@pytest.mark.postgres
def test_a_minus_is_honoured_beyond_the_ranking_vector(world, client):
    # The excluded word is deep in the body: in the full vector, not in the ranking one.
    body = FILLER * (RANK_BODY_CHARS // len(FILLER) + 2) + " retention"
    assert body.index("retention") > RANK_BODY_CHARS
    deep, plain = add_rows(world, [(1, "Zanzibar fund", body), (2, "Zanzibar fund", FILLER)])
    with search_session():
        assert _matches(SearchParams(q="zanzibar"))[0].shortcut is True
        assert _matches(SearchParams(q="zanzibar -retention"))[0].shortcut is False
    assert set(ids_on_page(client, "zanzibar")[0]) >= {deep.pk, plain.pk}
    found, _ = ids_on_page(client, "zanzibar -retention")
    assert plain.pk in found and deep.pk not in found


def test_rows_not_public_now_are_never_shown(world, client):
    """A stale index row (its item made exempt, its report withdrawn) is left out of the page
    on both databases and whichever way the matches were found."""
    exempt = ExemptAgendaItemFactory(meeting=world.meeting, title="Zanzibar exempt")
    open_item = AgendaItem.objects.get(pk=world.item.pk)
    rows = SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                kind=SearchDocument.Kind.AGENDA_ITEM,
                object_id=exempt.pk,
                meeting=world.meeting,
                agenda_item=exempt,
                committee=world.meeting.committee,
                date=dt.date(2020, 1, 2),
                title="Zanzibar exempt item",
                url="/x/",
            ),
            SearchDocument(
                kind=SearchDocument.Kind.REPORT,
                object_id=987_654,  # no such public report
                meeting=world.meeting,
                agenda_item=open_item,
                committee=world.meeting.committee,
                date=dt.date(2020, 1, 3),
                title="Zanzibar withdrawn report",
                url="/y/",
            ),
        ]
    )
    shown = add_rows(world, [(1, "Zanzibar open", FILLER)])
    if connection.vendor == "postgresql":
        SearchDocument.objects.filter(pk__in=[r.pk for r in rows]).update(**VECTORS)
    found, response = ids_on_page(client, "zanzibar")
    assert found == [shown[0].pk]
    assert "exempt item" not in response.content.decode()
