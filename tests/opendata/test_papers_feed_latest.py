"""The papers feed's latest entries come from two bounded queries (issue 20: ordering every
public paper by GREATEST(agenda published, created) took 300 ms on the ten-year council):
the newest papers by ``created_at``, then those of agendas published since the cut-off.
These tests hold that the answer is the one the single query gave, and that the number of
queries does not depend on how many papers there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.functions import Greatest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Document, Report
from opendata.feeds import FEED_LENGTH, paper_entries
from tests.factories import CommitteeFactory
from tests.factories.meetings import DocumentFactory, PublishedMeetingFactory, ReportFactory

pytestmark = pytest.mark.django_db


def _at(report_or_document, created_at):
    type(report_or_document).objects.filter(pk=report_or_document.pk).update(created_at=created_at)


def _expected(committee=None) -> list[str]:
    """The single-query answer: every public paper by GREATEST() and pk, newest first."""
    ids = []
    for kind, model in (("report", Report), ("document", Document)):
        qs = model.objects.annotate(
            published=Greatest("agenda_item__meeting__published_at", "created_at")
        )
        if committee is not None:
            qs = qs.filter(agenda_item__meeting__committee=committee)
        if model is Document:
            qs = qs.exclude(pk__in=Report.objects.values("document_id").exclude(document=None))
        ids += [(p.published, f"{kind}-{p.pk}") for p in qs.order_by("-published", "-pk")]
    ids.sort(reverse=True)
    return [guid for _, guid in ids[:FEED_LENGTH]]


def _ids(entries) -> list[str]:
    return [entry.guid.rsplit(":", 1)[1] for entry in entries]


def test_an_agenda_published_after_newer_papers_were_written_leads_the_feed():
    now = timezone.now()
    committee = CommitteeFactory()
    # Papers written long ago for an agenda published only now: their created_at is the
    # oldest of all, so the newest-by-created_at query alone would miss them.
    late_agenda = PublishedMeetingFactory(committee=committee, published_at=now)
    waiting = [ReportFactory(agenda_item__meeting=late_agenda) for _ in range(3)]
    waiting_pdf = DocumentFactory(agenda_item__meeting=late_agenda)
    for paper in (*waiting, waiting_pdf):
        _at(paper, now - dt.timedelta(days=400))
    # More than FEED_LENGTH late papers added to an old agenda since then.
    old_agenda = PublishedMeetingFactory(
        committee=committee, published_at=now - dt.timedelta(days=500)
    )
    for n in range(FEED_LENGTH + 5):
        _at(ReportFactory(agenda_item__meeting=old_agenda), now - dt.timedelta(days=300 - n))
    for n in range(4):
        _at(DocumentFactory(agenda_item__meeting=old_agenda), now - dt.timedelta(days=200 - n))

    for scope in (None, committee):
        ids = _ids(paper_entries(scope))
        assert ids == _expected(scope)
        assert set(ids[:4]) == {f"report-{r.pk}" for r in waiting} | {f"document-{waiting_pdf.pk}"}
        assert len(ids) == FEED_LENGTH


def test_ties_and_few_papers_give_the_single_query_answer():
    now = timezone.now()
    meeting = PublishedMeetingFactory(published_at=now - dt.timedelta(days=10))
    for n in range(7):
        _at(ReportFactory(agenda_item__meeting=meeting), now - dt.timedelta(days=n % 3))
    assert _ids(paper_entries(None)) == _expected()
    assert _ids(paper_entries(meeting.committee)) == _expected(meeting.committee)


def _queries(client, url: str) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_papers_feed_query_count_does_not_grow_with_history(client):
    empty, one, many = CommitteeFactory(), CommitteeFactory(), CommitteeFactory()
    ReportFactory(agenda_item__meeting=PublishedMeetingFactory(committee=one))
    for months_ago in range(0, 120, 6):
        meeting = PublishedMeetingFactory(
            committee=many, published_at=timezone.now() - dt.timedelta(days=30 * months_ago)
        )
        for _ in range(4):
            ReportFactory(agenda_item__meeting=meeting)
        DocumentFactory(agenda_item__meeting=meeting)

    def feed(committee=None) -> int:
        slug = f"committees/{committee.slug}/" if committee else ""
        return _queries(client, f"/feeds/{slug}papers.atom")

    assert feed(one) == feed(many) == feed() <= 10
    # An empty feed asks for the last public change instead (its <updated>).
    assert feed(empty) <= 10
