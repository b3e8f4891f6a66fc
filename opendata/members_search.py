"""Members' search (issue 23): a signed-in member's search also covers the exempt and
confidential papers they may read.

The search index (``SearchDocument``) holds public material only and stays so. A member's
exempt papers are matched here, at query time, straight from ``Document.text`` of the
issued papers of exempt or confidential items on published meetings of the committees the
member has sat on, then kept only where the members' access rule allows
(``scrutiny.permissions.exempt_reader``, the batch form of ``can_view_exempt`` that the exempt
paper downloads use through ``selectors.may_read_paper``). The public, and a signed-in user
who may read no exempt paper, get nothing from here and no query.

Two queries at most for a search page (the memberships, then the matching papers, the
snippets computed in the same query on PostgreSQL), whatever the number of results.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db.models import Q, TextField
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from meetings.models import Document
from opendata.indexing import SEARCH_CONFIG
from opendata.models import SearchDocument
from opendata.search import (
    HEADLINE_CHARS,
    HEADLINE_OPTIONS,
    SearchParams,
    excluded_terms,
    fallback_terms,
    snippet,
    uses_postgres,
)
from scrutiny import visibility
from scrutiny.permissions import exempt_reader

# A member's exempt papers are few; this many best matches are shown above the public ones.
LIMIT = 20


@dataclass(frozen=True)
class ExemptHit:
    document: Document
    snippet: SafeString
    label: str
    url: str
    html_url: str


def _label(item) -> str:
    if item.is_confidential:
        return "Confidential — members only"
    return f"Exempt — members only (paragraph {item.exempt_paragraph})"


def exempt_results(user, params: SearchParams) -> list[ExemptHit]:
    """The exempt papers ``user`` may read that match ``params``, newest meeting first."""
    if not user or not user.is_authenticated:
        return []
    if params.kind and params.kind != SearchDocument.Kind.DOCUMENT:
        return []
    may_read = exempt_reader(user)
    committee_ids = getattr(may_read, "committee_ids", None)  # None: every committee
    if committee_ids is not None and not committee_ids:
        return []
    qs = Document.all_objects.issued().filter(
        visibility.meeting_public("agenda_item__meeting"),
        visibility.item_private("agenda_item"),
    )
    if committee_ids is not None:
        qs = qs.filter(agenda_item__meeting__committee_id__in=committee_ids)
    if params.committee is not None:
        qs = qs.filter(agenda_item__meeting__committee=params.committee)
    if params.date_from:
        qs = qs.filter(agenda_item__meeting__start__date__gte=params.date_from)
    if params.date_to:
        qs = qs.filter(agenda_item__meeting__start__date__lte=params.date_to)
    qs = qs.select_related("agenda_item__meeting__committee").defer("headings")
    if uses_postgres():
        query = SearchQuery(params.q, search_type="websearch", config=SEARCH_CONFIG)
        qs = (
            qs.annotate(
                members_vector=SearchVector("title", "text", config=SEARCH_CONFIG),
                snippet_raw=SearchHeadline(
                    Substr("text", 1, HEADLINE_CHARS, output_field=TextField()),
                    query,
                    **HEADLINE_OPTIONS,
                ),
            )
            .filter(members_vector=query)
            .defer("text")
        )
    else:
        terms = fallback_terms(params.q)
        if not terms:
            return []
        words = Q()
        for term in terms:
            words &= Q(title__icontains=term) | Q(text__icontains=term)
        for term in excluded_terms(params.q):
            words &= ~(Q(title__icontains=term) | Q(text__icontains=term))
        qs = qs.filter(words)
    hits = []
    for document in qs.order_by("-agenda_item__meeting__start", "pk")[: LIMIT * 2]:
        item = document.agenda_item
        meeting = item.meeting
        if not may_read(meeting.committee_id, timezone.localtime(meeting.start).date()):
            continue
        row = SearchDocument(title=document.title, summary="", body="")
        if hasattr(document, "snippet_raw"):
            row.snippet_raw = document.snippet_raw
        else:
            row.body = document.text
        hits.append(
            ExemptHit(
                document=document,
                snippet=snippet(row, params.q),
                label=_label(item),
                url=reverse("document-download", args=[document.pk]),
                html_url=reverse("document-html", args=[document.pk]),
            )
        )
        if len(hits) == LIMIT:
            break
    return hits
