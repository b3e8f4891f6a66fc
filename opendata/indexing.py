"""Keeping the search index in step with published material.

The unit of indexing is a meeting: ``index_meeting(meeting_id)`` deletes every search row of
the meeting and writes them again from the public managers, in one transaction, so it is
idempotent and never leaves a half-indexed meeting. Only what the public may see is read:

- the meeting itself, if published (``Meeting.objects``);
- agenda items that are neither exempt nor confidential;
- their reports (``Report.objects``) and PDFs (``Document.objects``);
- minutes and resolutions, through the providers registered in ``MINUTES_PROVIDERS`` (the
  minutes app's models, when installed).

Exempt material is never read here, so it can never reach the index.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.html import strip_tags

from meetings.models import AgendaItem, Document, Meeting, Report
from opendata.models import SearchDocument
from scrutiny import visibility

log = logging.getLogger(__name__)

# Snippet highlight markers: never stored in the index, so they only ever come from
# ts_headline and can be swapped for <mark> after HTML-escaping (see opendata.search).
MARK_START = "\u2983"
MARK_STOP = "\u2984"
# tsvector is limited to 1 MB; long PDFs are cut (the first ~300,000 characters are indexed).
MAX_BODY = 300_000
SEARCH_CONFIG = "english"

# How much of the body the ranking vector holds (small enough to stay in the row).
RANK_BODY_CHARS = 600

# Weighted vectors: title A, summary B, body C. Used by index_meeting and the benchmark.
VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body", weight="C", config=SEARCH_CONFIG)
)
RANK_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector(Substr("body", 1, RANK_BODY_CHARS), weight="C", config=SEARCH_CONFIG)
)
VECTORS = {"search_vector": VECTOR, "rank_vector": RANK_VECTOR}


def clean_text(value: str | None) -> str:
    """Plain text from HTML or extracted PDF text, with the highlight markers removed."""
    if not value:
        return ""
    text = html.unescape(strip_tags(value))
    text = text.replace(MARK_START, "").replace(MARK_STOP, "").replace("\x00", "")
    return " ".join(text.split())


def _url(obj) -> str:
    return obj.get_absolute_url()


def meeting_title(meeting: Meeting) -> str:
    return f"{meeting.committee.name} – {timezone.localtime(meeting.start):%-d %B %Y}"


# A provider yields extra rows (dicts of SearchDocument fields) for a public meeting:
# ``fn(meeting, public_items: list[AgendaItem]) -> Iterable[dict]``.
MINUTES_PROVIDERS: list[Callable[[Meeting, list[AgendaItem]], Iterable[dict]]] = []


def rows_for_meeting(meeting: Meeting) -> list[SearchDocument]:
    """The search rows a published meeting should have (public material only)."""
    base = {
        "meeting": meeting,
        "committee_id": meeting.committee_id,
        "date": meeting.date,
    }
    items = list(
        AgendaItem.objects.public().filter(meeting=meeting).order_by("order", "pk")
    )  # public() = not exempt, not confidential
    for item in items:
        item.meeting = meeting  # their URLs: no query each for the meeting read already
    rows = [
        SearchDocument(
            kind=SearchDocument.Kind.MEETING,
            object_id=meeting.pk,
            title=meeting_title(meeting),
            summary=clean_text(
                f"{meeting.committee.name}. {meeting.get_status_display()}. {meeting.status_notice}"
            ),
            body=clean_text(" ".join([meeting.venue, *(i.title for i in items)])),
            url=_url(meeting),
            **base,
        )
    ]
    item_ids = [i.pk for i in items]
    for item in items:
        rows.append(
            SearchDocument(
                kind=SearchDocument.Kind.AGENDA_ITEM,
                object_id=item.pk,
                agenda_item=item,
                title=clean_text(str(item))[:400],
                summary=clean_text(item.description),
                body=clean_text(item.contact_text),
                url=_url(item),
                **base,
            )
        )
    reports = (
        Report.objects.filter(agenda_item_id__in=item_ids)
        .select_related("author")
        .prefetch_related("sections")
    )
    for report in reports:
        sections = " ".join(f"{s.heading}. {clean_text(s.body)}" for s in report.sections.all())
        cover = " ".join(
            filter(
                None,
                [
                    report.cabinet_portfolio,
                    report.wards_affected,
                    report.signed_off_by,
                    report.author.display_name if report.author else "",
                ],
            )
        )
        rows.append(
            SearchDocument(
                kind=SearchDocument.Kind.REPORT,
                object_id=report.pk,
                agenda_item_id=report.agenda_item_id,
                title=clean_text(report.title)[:400],
                summary=clean_text(report.purpose),
                body=clean_text(f"{sections} {cover}")[:MAX_BODY],
                url=_url(report),
                **base,
            )
        )
    for document in Document.objects.filter(agenda_item_id__in=item_ids):
        rows.append(
            SearchDocument(
                kind=SearchDocument.Kind.DOCUMENT,
                object_id=document.pk,
                agenda_item_id=document.agenda_item_id,
                title=clean_text(document.title)[:400],
                # Never the uploaded file's name (an officer's working name, sometimes saying
                # more than the paper: issue 23 finding 6); the snippet shows the text.
                summary="",
                body=clean_text(document.text)[:MAX_BODY],
                url=_url(document),
                **base,
            )
        )
    for provider in MINUTES_PROVIDERS:
        for fields in provider(meeting, items):
            rows.append(SearchDocument(**base, **fields))
    return rows


@transaction.atomic
def index_meeting(meeting_id: int) -> int:
    """Rebuild the search rows of one meeting; returns how many rows it now has."""
    SearchDocument.objects.filter(meeting_id=meeting_id).delete()
    meeting = Meeting.objects.select_related("committee").filter(pk=meeting_id).first()
    if meeting is None:  # unpublished or deleted: nothing of it may be searchable
        return 0
    rows = rows_for_meeting(meeting)
    SearchDocument.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        SearchDocument.objects.filter(meeting_id=meeting_id).update(**VECTORS)
    return len(rows)


def rebuild_all(*, stdout=None) -> int:
    """Re-index every meeting (and drop rows of meetings no longer published), then every
    KPI (``opendata.kpis``: rows of no meeting)."""
    from opendata.kpis import index_kpis

    SearchDocument.objects.filter(meeting__isnull=False).filter(
        visibility.meeting_not_public("meeting")
    ).delete()
    published = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    for pk in published:
        total += index_meeting(pk)
    kpis = index_kpis()
    if stdout is not None:
        stdout.write(
            f"Indexed {total} rows for {len(published)} published meetings and {kpis} KPIs."
        )
    return total + kpis
