"""Atom feeds are bounded and archived (RFC 5005, issue 20): the subscription document keeps
the latest entries whatever the history, and every older entry is reachable by walking its
monthly archives; exempt papers are in none of them."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from meetings.models import Report
from opendata.feeds import FEED_LENGTH
from tests.factories.meetings import ExemptAgendaItemFactory, PublishedMeetingFactory, ReportFactory

NS = {"a": "http://www.w3.org/2005/Atom", "fh": "http://purl.org/syndication/history/1.0"}
CANARY = "quillfeather"

pytestmark = pytest.mark.django_db


def _papers_published(meeting, count: int, at: dt.datetime) -> list[Report]:
    reports = [ReportFactory(agenda_item__meeting=meeting) for _ in range(count)]
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(created_at=at)
    return reports


def _meeting(months_ago: int, committee=None):
    start = timezone.now() - dt.timedelta(days=30 * months_ago)
    extra = {"committee": committee} if committee else {}
    return PublishedMeetingFactory(start=start, published_at=start - dt.timedelta(days=7), **extra)


def _feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    root = ElementTree.fromstring(response.content)
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", NS)}
    ids = [e.findtext("a:id", namespaces=NS) for e in root.findall("a:entry", NS)]
    return root, links, ids, response.content


def _walk(client, url: str) -> tuple[list[str], int]:
    """Every entry id reachable from a subscription document through prev-archive links."""
    seen, documents = [], 0
    root, links, ids, _ = _feed(client, url)
    assert root.find("fh:archive", NS) is None
    seen.extend(ids)
    following = links.get("prev-archive")
    while following:
        root, links, ids, _ = _feed(client, following)
        documents += 1
        assert root.find("fh:archive", NS) is not None
        assert links["current"].endswith(url)
        seen.extend(ids)
        following = links.get("prev-archive")
    return seen, documents


def test_every_paper_is_reachable_from_a_bounded_subscription_document(client):
    old_meeting = _meeting(14)
    recent_meeting = _meeting(1, committee=old_meeting.committee)
    older = _papers_published(old_meeting, 30, old_meeting.published_at)
    newer = _papers_published(recent_meeting, FEED_LENGTH, recent_meeting.published_at)
    exempt_item = ExemptAgendaItemFactory(meeting=recent_meeting, title=f"{CANARY} item")
    ReportFactory(agenda_item=exempt_item, title=f"{CANARY} exempt report")

    for url in (
        "/feeds/papers.atom",
        f"/feeds/committees/{old_meeting.committee.slug}/papers.atom",
    ):
        _, _, ids, body = _feed(client, url)
        assert len(ids) == FEED_LENGTH
        assert CANARY.encode() not in body
        seen, documents = _walk(client, url)
        assert documents >= 2  # the recent month and, further back, the old one
        expected = {f"report-{r.pk}" for r in older + newer}
        assert {i.rsplit(":", 1)[1] for i in seen} == expected


def test_history_does_not_grow_the_subscription_document(client):
    recent_meeting = _meeting(1)
    _papers_published(recent_meeting, FEED_LENGTH, recent_meeting.published_at)
    before = client.get("/feeds/papers.atom").content
    for months_ago in range(12, 120, 12):  # ten years of older papers
        meeting = _meeting(months_ago, committee=recent_meeting.committee)
        _papers_published(meeting, 5, meeting.published_at)
    assert client.get("/feeds/papers.atom").content == before


def test_archive_documents_link_to_the_months_either_side(client):
    meeting = _meeting(3)
    _papers_published(meeting, 2, meeting.published_at)
    month = timezone.localtime(meeting.published_at)
    root, links, ids, body = _feed(client, f"/feeds/papers/{month:%Y-%m}.atom")
    assert len(ids) == 2
    assert root.find("fh:archive", NS) is not None
    assert "prev-archive" not in links  # nothing was published before
    assert "next-archive" in links
    assert f"{month:%B %Y}" in root.findtext("a:title", namespaces=NS)
    # Months outside the history, and nonsense months, are not found.
    assert client.get("/feeds/papers/1999-01.atom").status_code == 404
    assert client.get(f"/feeds/papers/{month.year}-13.atom").status_code == 404
    future = timezone.localdate() + dt.timedelta(days=62)
    assert client.get(f"/feeds/papers/{future:%Y-%m}.atom").status_code == 404
    assert client.get(f"/feeds/minutes/{month:%Y-%m}.atom").status_code == 200
