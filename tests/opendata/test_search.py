"""Full-text search: the real path (publish → signal → task → index → /search/)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from opendata.indexing import index_meeting
from opendata.models import SearchDocument
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import LONDON, AgendaItemFactory, MeetingFactory, ReportFactory
from tests.factories.opendata import CANARY, publish, scanned_document

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL full-text search"
)


def results(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_publishing_indexes_public_material_and_pdf_text(world, client):
    kinds = set(SearchDocument.objects.filter(meeting=world.meeting).values_list("kind", flat=True))
    assert kinds == {"meeting", "agenda_item", "report", "document"}
    # The PDF's text was read by the background task, not by the factory.
    world.document.refresh_from_db()
    assert world.document.has_text_layer is True
    assert "Agency social workers" in world.document.text
    response, html = results(client, q="agency staff")
    titles = [doc.title for doc, _ in response.context["results"]]
    assert "Workforce report" in titles
    assert any(t.endswith(": Children's social care workforce") for t in titles)
    _, html = results(client, q="agency social workers")
    assert "Appendix A – workforce figures" in html


def test_exempt_canary_never_indexed_or_found(world, client):
    for field in ("title", "summary", "body"):
        assert not SearchDocument.objects.filter(**{f"{field}__icontains": CANARY}).exists()
    response, html = results(client, q=CANARY)
    assert response.context["page"].paginator.count == 0
    assert "portal-search-results" not in html
    # Every result for a word the exempt papers share leaves them out.
    _, html = results(client, q="agency staff")
    assert CANARY not in html


def test_item_made_exempt_disappears_even_before_reindex(world, client):
    # The item becomes exempt without any signal: the check of the page's rows at query
    # time still hides its rows (the count may include them until the re-index).
    AgendaItem.all_objects.filter(pk=world.item.pk).update(is_exempt=True, exempt_paragraph=1)
    response, html = results(client, q="agency staff")
    assert response.context["results"] == []
    assert "Workforce report" not in html and "workforce" not in html.lower()
    # And the re-index removes the rows for good.
    index_meeting(world.meeting.pk)
    assert not SearchDocument.objects.filter(agenda_item=world.item).exists()


def test_change_through_meetings_service_reindexes(
    world, client, django_capture_on_commit_callbacks
):
    officer = make_user("officer")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_agenda_item(
            item=world.item, by=officer, title="Use of locum practitioners"
        )
    _, html = results(client, q="locum practitioners")
    assert "Use of locum practitioners" in html


def test_filters_and_pagination(world, client, django_capture_on_commit_callbacks):
    officer = make_user("officer")
    other = CommitteeFactory(name="Health Scrutiny Panel", slug="health")
    later = MeetingFactory(committee=other, start=dt.datetime(2018, 3, 5, 10, 0, tzinfo=LONDON))
    for n in range(25):
        item = AgendaItemFactory(meeting=later, title=f"Agency staff topic {n}")
        if n < 3:
            ReportFactory(agenda_item=item, title=f"Agency staff report {n}")
    with django_capture_on_commit_callbacks(execute=True):
        publish(later, officer)

    response, _ = results(client, q="agency", committee="health")
    assert response.context["page"].paginator.count == 25 + 3 + 1  # items, reports, meeting
    assert all(doc.committee_id == other.pk for doc, _ in response.context["results"])

    response, _ = results(client, q="agency", committee="health", type="report")
    assert [d.kind for d, _ in response.context["results"]] == ["report"] * 3

    response, _ = results(client, q="agency", date_from="2017-10-01", date_to="2017-10-31")
    assert {d.meeting_id for d, _ in response.context["results"]} == {world.meeting.pk}

    page1, _ = results(client, q="agency", committee="health")
    page2, html2 = results(client, q="agency", committee="health", page=2)
    ids1 = [d.pk for d, _ in page1.context["results"]]
    ids2 = [d.pk for d, _ in page2.context["results"]]
    assert len(ids1) == 20 and len(ids2) == 9 and not set(ids1) & set(ids2)
    assert 'rel="prev"' in html2


def test_bad_date_range_is_explained_and_keeps_input(client, db):
    response, html = results(client, q="budget", date_from="2018-01-01", date_to="2017-01-01")
    assert "There is a problem" in html
    assert "The end date must be the same as or after the start date." in html
    assert 'value="budget"' in html
    assert response.context["page"] is None


def test_snippets_escape_html_and_mark_matches(world, client, django_capture_on_commit_callbacks):
    officer = make_user("officer")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_agenda_item(
            item=world.item,
            by=officer,
            description="Agency ratio <script>alert(1)</script> < 1:5 & rising",
        )
    _, html = results(client, q="agency")
    assert "<script>alert(1)</script>" not in html
    assert "&lt; 1:5 &amp; rising" in html
    assert re.search(r"<mark>agency</mark>", html, re.IGNORECASE)


# Flat, whatever the number of results: the page's own queries, the search, and one query
# each for the decisions and the validated call-ins found beside the results (issue 17).
SEARCH_QUERIES = 11


def test_search_query_count_stays_flat(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(SEARCH_QUERIES):
        client.get(reverse("search"), {"q": "agency"})
    for n in range(30):
        AgendaItemFactory(meeting=world.meeting, title=f"Agency staff note {n}")
    index_meeting(world.meeting.pk)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("search"), {"q": "agency"})
    assert len(response.context["results"]) == 20


def test_rebuild_command_indexes_and_drops_unpublished(world):
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", "--extract", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SearchDocument.objects.filter(meeting=world.meeting).count() == 4
    assert not SearchDocument.objects.filter(meeting=world.unpublished).exists()
    Meeting.all_objects.filter(pk=world.meeting.pk).update(published_at=None)
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not SearchDocument.objects.exists()


def test_officers_see_pdfs_without_text(world, client, django_capture_on_commit_callbacks):
    url = reverse("officer-documents-without-text")
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(make_user("councillor"))
    assert client.get(url).status_code == 403
    scan = scanned_document(world.item)
    client.force_login(make_user("officer"))
    html = client.get(url).content.decode()
    assert "Scanned letter" not in html  # not checked yet
    assert "Check 2 PDFs now" in html  # the scan and the unpublished meeting's PDF
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "Scanned letter" in html
    scan.refresh_from_db()
    assert scan.has_text_layer is False and scan.text_extracted_at is not None
    assert "Appendix A" not in html  # has text


@postgres_only
@pytest.mark.postgres
def test_ranking_prefers_title_matches_and_headlines_mark_terms(world, client):
    response, html = results(client, q="workforce")
    found = response.context["results"]
    # Web pages come before PDF downloads (issue 16); within each, title matches (weight A)
    # come before matches in the body only (the meeting row, whose body lists the item
    # titles).
    pages = [doc for doc, _ in found if doc.kind != "document"]
    assert [doc.kind for doc, _ in found][len(pages) :] == ["document"]
    in_title = ["workforce" in doc.title.lower() for doc in pages]
    assert in_title == sorted(in_title, reverse=True)
    assert in_title.count(True) == 2 and in_title[-1] is False
    ranks = [doc.rank for doc in pages]
    assert ranks == sorted(ranks, reverse=True)
    response, html = results(client, q="retention")
    doc, snippet = response.context["results"][0]
    assert doc.title == "Workforce report"
    assert "<mark>retention</mark>" in str(snippet)
    # Stemming: "recruiting" finds "recruitment"? No: different stems; "retained" finds
    # "retention"? Also no. Plural/singular does.
    response, _ = results(client, q="worker")
    assert any("Appendix A" in d.title for d, _ in response.context["results"])


@postgres_only
@pytest.mark.postgres
def test_websearch_syntax(world, client):
    response, _ = results(client, q='"agency staff"')
    phrase = {d.title for d, _ in response.context["results"]}
    assert "Workforce report" in phrase
    response, _ = results(client, q='"staff agency"')
    assert response.context["page"].paginator.count == 0
    response, _ = results(client, q="agency -retention")
    assert "Workforce report" not in {d.title for d, _ in response.context["results"]}
    response, _ = results(client, q="retention or quarter")
    titles = {d.title for d, _ in response.context["results"]}
    assert {"Workforce report", "Appendix A – workforce figures"} <= titles


def test_search_page_is_linked_and_renders_empty(client, db):
    response = client.get(reverse("search"))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_very_common_words_count_up_to_a_cap(world, client, monkeypatch):
    from opendata import search

    monkeypatch.setattr(search, "MAX_COUNTED", 2)
    response, html = results(client, q="agency")
    assert response.context["page"].paginator.is_capped
    assert "More than 2 results" in html


def test_minus_leaves_a_word_out_on_both_databases(world, client):
    response, _ = results(client, q="agency")
    assert "Workforce report" in {d.title for d, _ in response.context["results"]}
    response, _ = results(client, q="agency -retention")
    assert "Workforce report" not in {d.title for d, _ in response.context["results"]}
    response, _ = results(client, q='"agency staff"')
    assert "Workforce report" in {d.title for d, _ in response.context["results"]}


def test_a_phrase_becomes_an_and_that_matches_at_least_as_much():
    from opendata.search import phrase_free

    assert phrase_free("'agenc' <-> 'staff'") == "'agenc' & 'staff'"
    assert phrase_free("'care' & ( 'social' <2> 'worker' | 'foster' <-> 'carer' )") == (
        "'care' & ( 'social' & 'worker' | 'foster' & 'carer' )"
    )
    assert phrase_free("'a<->b' & 'c'") is None  # operators inside a lexeme are text
    assert phrase_free("'it''s' <-> 'x'") == "'it''s' & 'x'"
    assert phrase_free("'agenc' & 'staff'") is None  # no phrase: nothing to do
    assert phrase_free("'budget' <-> 'plan' & !'capit'") is None  # under a NOT it would drop rows


@postgres_only
@pytest.mark.postgres
def test_phrase_pages_are_the_pages_of_the_plain_search(
    world, client, django_capture_on_commit_callbacks
):
    """A phrase is checked only on the best candidates until the page is full (issue 20):
    every page holds exactly the rows, in the order, of the one-query search."""
    from opendata.search import PhraseMatches, SearchParams, _matches, search, search_session

    later = MeetingFactory(
        committee=world.meeting.committee, start=dt.datetime(2018, 3, 5, 10, 0, tzinfo=LONDON)
    )
    for n in range(45):
        title = f"Agency staff review {n}" if n % 3 else f"Staff from an agency {n}"
        AgendaItemFactory(meeting=later, title=title, description="agency staff " * (n % 4))
    with django_capture_on_commit_callbacks(execute=True):
        publish(later, make_user("officer"))
    assert SearchDocument.objects.filter(meeting=later).count() > 40
    for q in ['"agency staff"', 'review "agency staff"', '"staff from" or "agency staff"']:
        params = SearchParams(q=q)
        with search_session():
            matches, cap = _matches(params)
            assert isinstance(matches, PhraseMatches)
            for start in (0, 20, 40):
                expected = [d.pk for d in search(params)[start : start + 20]]
                assert [d.pk for d in matches[start : start + 20]] == expected, (q, start)
            assert matches.capped_count(cap + 1) == search(params).order_by()[: cap + 1].count()
    response, html = results(client, q='"agency staff"')
    assert len(response.context["results"]) == 20
    assert "<mark>" in html
