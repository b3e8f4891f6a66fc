"""Full-text search over the search index (``SearchDocument``).

PostgreSQL: the weighted ``search_vector`` (title A, summary B, body C) is matched with
``websearch_to_tsquery`` (quotes for phrases, ``or``, ``-word``), ordered by ``ts_rank`` and
shown with ``ts_headline`` snippets; a GIN index serves the match.

SQLite (development): a simpler fallback: every word must appear (case-insensitive
``icontains``) in the title, summary or body; newest first; snippets cut around the first
match in Python. No stemming, no ranking, no phrase syntax.

Both re-check at query time that the meeting is still published and the agenda item still
neither exempt nor confidential, so a stale index row can never show exempt material.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from opendata.indexing import MARK_START, MARK_STOP, SEARCH_CONFIG
from opendata.models import SearchDocument
from scrutiny.models import Committee

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class SearchParams:
    q: str
    committee: Committee | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def visible_documents() -> QuerySet[SearchDocument]:
    """Index rows whose meeting is published and whose item is public, checked now."""
    return SearchDocument.objects.filter(meeting__published_at__isnull=False).filter(
        Q(agenda_item__isnull=True)
        | Q(agenda_item__is_exempt=False, agenda_item__is_confidential=False)
    )


def _filtered(params: SearchParams) -> QuerySet[SearchDocument]:
    qs = visible_documents()
    if params.committee is not None:
        qs = qs.filter(committee=params.committee)
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.date_from:
        qs = qs.filter(date__gte=params.date_from)
    if params.date_to:
        qs = qs.filter(date__lte=params.date_to)
    return qs


def search(params: SearchParams) -> QuerySet[SearchDocument]:
    """Matching rows, best first, each with ``snippet_raw`` (PostgreSQL) for ``snippet()``."""
    qs = _filtered(params).select_related("committee").defer("body", "search_vector")
    if uses_postgres():
        query = SearchQuery(params.q, search_type="websearch", config=SEARCH_CONFIG)
        return (
            qs.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet_raw=SearchHeadline(
                    Concat("summary", Value(" "), "body", output_field=TextField()),
                    query,
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-date", "pk")
        )
    terms = fallback_terms(params.q)
    if not terms:
        return qs.none()
    for term in terms:
        qs = qs.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
    return qs.defer(None).defer("search_vector").order_by("-date", "kind", "pk")


def fallback_terms(q: str) -> list[str]:
    """Words of the query for the SQLite fallback (operators and quotes dropped)."""
    words = re.findall(r"[\w'’-]+", q.lower())
    return [w.strip("-'’") for w in words if w not in {"or", "and"} and w.strip("-'’")]


def snippet(doc: SearchDocument, q: str) -> SafeString:
    """An HTML-safe snippet with matches in ``<mark>``."""
    raw = getattr(doc, "snippet_raw", None)
    if raw is not None:
        text = escape(raw)
        return mark_safe(  # noqa: S308 - escaped above; only our markers become tags
            text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
        )
    source = f"{doc.summary} {doc.body}".strip()
    terms = fallback_terms(q)
    lower = source.lower()
    hits = [lower.find(t) for t in terms if lower.find(t) >= 0]
    start = max(min(hits) - 80, 0) if hits else 0
    cut = source[start : start + SNIPPET_CHARS]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_CHARS < len(source) else ""
    if terms:
        pattern = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
        pieces = re.split(f"({pattern})", cut, flags=re.IGNORECASE)
        # Odd pieces are the matches (re.split keeps the captured group).
        text = "".join(
            f"<mark>{escape(p)}</mark>" if i % 2 else escape(p) for i, p in enumerate(pieces)
        )
    else:
        text = escape(cut)
    return mark_safe(f"{escape(prefix)}{text}{escape(suffix)}")  # noqa: S308 - escaped
