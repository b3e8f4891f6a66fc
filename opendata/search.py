"""Full-text search over the search index (``SearchDocument``).

PostgreSQL: the weighted ``search_vector`` (title A, summary B, body C) is matched with
``websearch_to_tsquery`` (quotes for phrases, ``or``, ``-word``), ordered by ``ts_rank`` and
shown with ``ts_headline`` snippets; a GIN index serves the match (see ``search_session``),
and ranking reads a small vector of the title, summary and the opening of the body.

SQLite (development): a simpler fallback: every word must appear (case-insensitive
``icontains``) in the title, summary or body; newest first; snippets cut around the first
match in Python. No stemming, no ranking, no phrase syntax.

Both re-check at query time that the meeting is still published and the agenda item still
neither exempt nor confidential, so a stale index row can never show exempt material.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from meetings.models import Document, Report
from opendata.indexing import MARK_START, MARK_STOP, SEARCH_CONFIG
from opendata.kpis import normalise_reference
from opendata.models import SearchDocument
from performance.models import KPI
from scrutiny import visibility
from scrutiny.models import Committee
from scrutiny.paging import page_size

SNIPPET_CHARS = 240
MAX_COUNTED = 1_000
# Snippets are cut from the summary and this much of the body (ts_headline parses all it is
# given, and was half of a search's time at 10,000 characters a row); a match further into a
# long PDF still finds it, the snippet shows its opening.
HEADLINE_CHARS = 4_000
# How a result's snippet is cut, the same for public and members' results.
HEADLINE_OPTIONS = {
    "config": SEARCH_CONFIG,
    "start_sel": MARK_START,
    "stop_sel": MARK_STOP,
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


@dataclass(frozen=True)
class SearchParams:
    q: str
    committee: Committee | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


# The public predicate (scrutiny.visibility), applied to the index row's meeting and item.
# A KPI's row has no meeting: every KPI definition is public while it exists.
VISIBLE = (
    visibility.meeting_public("meeting")
    & (Q(agenda_item__isnull=True) | visibility.item_open("agenda_item"))
) | Q(kind=SearchDocument.Kind.KPI, meeting__isnull=True, object_id__in=KPI.objects.values("pk"))


def _papers_still_public() -> Q:
    """A report's or PDF's row only while the paper itself is public now: a paper
    withdrawn or replaced by a new version (issue 15) leaves the results the moment that
    commits, before the meeting is indexed again.

    Each row's paper is looked up on its own (``EXISTS``): ``object_id IN (the public
    papers)`` read the public papers of the whole council into a hash for every page, 60-100
    ms of a search on the ten-year council (issue 20)."""
    Kind = SearchDocument.Kind
    return (
        ~Q(kind__in=[Kind.REPORT, Kind.DOCUMENT])
        | (Q(kind=Kind.REPORT) & Exists(Report.objects.filter(pk=OuterRef("object_id"))))
        | (Q(kind=Kind.DOCUMENT) & Exists(Document.objects.filter(pk=OuterRef("object_id"))))
    )


def visible_documents() -> QuerySet[SearchDocument]:
    """Index rows whose meeting is published, whose item is public and (for a paper) whose
    paper is public, checked now."""
    return SearchDocument.objects.filter(VISIBLE).filter(_papers_still_public())


def _filtered(params: SearchParams) -> QuerySet[SearchDocument]:
    qs = SearchDocument.objects.all()
    if params.committee is not None:
        qs = qs.filter(committee=params.committee)
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.date_from:
        qs = qs.filter(date__gte=params.date_from)
    if params.date_to:
        qs = qs.filter(date__lte=params.date_to)
    return qs


@contextmanager
def search_session():
    """Run a search's queries (count and page) inside this.

    On PostgreSQL it turns sequential scans off for the transaction, so matching always goes
    through the GIN index. The planner prices ``@@`` on a sequential scan as cheap, but each
    row's vector of a long PDF sits out of line (TOAST) and must be read and decompressed;
    the index answers plain queries without reading the vectors at all. Ranking uses the
    small ``rank_vector`` for the same reason.
    """
    if not uses_postgres():
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _exact(q: str) -> Q:
    """Rows whose own reference is exactly what was typed ("KI 397", "ki397")."""
    key = normalise_reference(q)
    return Q(reference=key) if key else Q(pk__in=[])


def _ranked(qs: QuerySet[SearchDocument], q: str) -> QuerySet[SearchDocument]:
    """``exact`` (the reference typed) first; ``download`` (a PDF that downloads) after every
    web page that matches, so a resolution, meeting or report page comes before PDFs that
    say the same words (issue 16, finding 8)."""
    return qs.annotate(
        exact=Case(When(_exact(q), then=Value(1)), default=Value(0), output_field=IntegerField()),
        download=Case(
            When(kind=SearchDocument.Kind.DOCUMENT, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def _websearch(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)


def _annotated(qs: QuerySet[SearchDocument], params: SearchParams) -> QuerySet[SearchDocument]:
    """PostgreSQL: the order keys (``exact``, ``download``, ``rank``) and ``snippet_raw``,
    always for the query as typed."""
    query = _websearch(params.q)
    return _ranked(qs, params.q).annotate(
        rank=SearchRank(F("rank_vector"), query),
        snippet_raw=SearchHeadline(
            Concat(
                "summary",
                Value(" "),
                Substr("body", 1, HEADLINE_CHARS),
                output_field=TextField(),
            ),
            query,
            **HEADLINE_OPTIONS,
        ),
    )


ORDER = ("-exact", "download", "-rank", F("date").desc(nulls_last=True), "pk")


def search(params: SearchParams) -> QuerySet[SearchDocument]:
    """Matching rows, best first, each with ``snippet_raw`` (PostgreSQL) for ``snippet()``.

    Order: an exact reference match, then web pages before PDF downloads, then (PostgreSQL)
    the text rank, then the newest."""
    qs = _filtered(params).defer("body", "search_vector", "rank_vector")
    newest = F("date").desc(nulls_last=True)
    if uses_postgres():
        matching = qs.filter(Q(search_vector=_websearch(params.q)) | _exact(params.q))
        return _annotated(matching, params).order_by(*ORDER)
    terms = fallback_terms(params.q)
    if not terms:
        return qs.none()
    words = Q()
    for term in terms:
        words &= Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
    for term in excluded_terms(params.q):
        words &= ~(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    qs = _ranked(qs.filter(words | _exact(params.q)), params.q)
    return (
        qs.defer(None)
        .defer("search_vector", "rank_vector")
        .order_by("-exact", "download", newest, "kind", "pk")
    )


class CappedPaginator(Paginator):
    """Counts at most ``max_counted`` matches (``MAX_COUNTED`` unless said otherwise):
    counting every match of a very common word costs as much as the search itself, and
    nobody pages past the first thousand."""

    def __init__(self, object_list, per_page, *, max_counted: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.max_counted = MAX_COUNTED if max_counted is None else max_counted

    @cached_property
    def count(self) -> int:
        counted = getattr(self.object_list, "capped_count", None)
        if counted is not None:
            return counted(self.max_counted + 1)
        return self.object_list.order_by()[: self.max_counted + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.max_counted

    @property
    def cap_text(self) -> str:
        return f"{self.max_counted:,}"


# A phrase ("agency staff", or a hyphenated word) is checked against the word positions of
# each candidate's full vector, read from TOAST: the costly part of a search. Its matches are
# counted up to this many (each counted match is one such check), and a page checks only as
# many candidates, best first, as it takes to fill it.
PHRASE_MAX_COUNTED = 100
_PHRASE_OPERATOR = re.compile(r"<(?:-|\d+)>")


def phrase_free(tsquery: str) -> str | None:
    """``tsquery`` (as PostgreSQL prints it) with every phrase operator (``<->``, ``<2>``)
    made an AND: it matches every row the phrase matches, and the GIN index answers it
    without reading any vector. None when there is no phrase, or when there is a negation
    (under a ``!`` an AND would match fewer rows, not more)."""
    out, i, found = [], 0, False
    while i < len(tsquery):
        char = tsquery[i]
        if char == "'":  # a quoted lexeme: '' is a quote inside it
            end = i + 1
            while end < len(tsquery):
                if tsquery[end] == "'" and tsquery[end + 1 : end + 2] == "'":
                    end += 2
                elif tsquery[end] == "'":
                    break
                else:
                    end += 1
            out.append(tsquery[i : end + 1])
            i = end + 1
            continue
        if char == "!":
            return None
        match = _PHRASE_OPERATOR.match(tsquery, i)
        if match:
            out.append("&")
            found = True
            i = match.end()
            continue
        out.append(char)
        i += 1
    return "".join(out) if found else None


class TsQueryText(SearchQuery):
    """A tsquery as PostgreSQL prints it, cast as it is (``::tsquery``: no parsing, no
    stemming, so its lexemes stay exactly those ``websearch_to_tsquery`` made)."""

    def __init__(self, text: str):
        super().__init__(Value(text))

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql})::tsquery", params


class PhraseMatches:
    """The matches of a query with a phrase, for ``CappedPaginator``, without checking the
    phrase against every candidate. The candidates (the query with each phrase made an AND:
    the GIN index alone answers it) are ordered exactly as ``search()`` orders its rows (the
    rank is the phrase query's); the phrase is then checked on them in that order, and only
    until the page is full. The page is the same as ``search()``'s, at a fraction of the
    cost when many documents hold both words."""

    checks_visibility = True

    def __init__(self, params: SearchParams, and_query: str):
        self.params = params
        self.and_query = and_query

    def capped_count(self, limit: int) -> int:
        return search(self.params).order_by()[:limit].count()

    def _ordered_ids(self, offset: int, limit: int) -> list[int]:
        key = normalise_reference(self.params.q)
        candidates = _filtered(self.params).filter(
            Q(search_vector=TsQueryText(self.and_query)) | _exact(self.params.q)
        )
        ranked = (
            _ranked(candidates, self.params.q)
            .annotate(rank=SearchRank(F("rank_vector"), _websearch(self.params.q)))
            .annotate(doc_id=F("pk"), ref=F("reference"))
            .order_by(*ORDER)
            # The order keys selected too: ORDER BY then names them by position (a constant
            # key, such as ``exact`` when nothing typed is a reference, would be read as one).
            .values_list("doc_id", "ref", "exact", "download", "rank")
        )
        sql, sql_params = ranked.query.sql_with_params()
        # OFFSET 0 keeps the phrase check out of the candidates' scan (PostgreSQL would push
        # it down, and check every candidate before sorting): it runs on the sorted rows, one
        # at a time, until LIMIT rows passed. A subquery scan keeps the order of its rows.
        outer = (
            "SELECT c.doc_id FROM (" + sql + " OFFSET 0) AS c "  # noqa: S608 - compiled by the ORM
            "WHERE c.ref = %s OR (SELECT d.search_vector FROM opendata_searchdocument d "
            "WHERE d.id = c.doc_id) @@ websearch_to_tsquery(%s::regconfig, %s) "
            "LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                outer,
                [*sql_params, key or None, SEARCH_CONFIG, self.params.q, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def __getitem__(self, index: slice) -> list[SearchDocument]:
        start, stop = index.start or 0, index.stop
        return _rows_in_order(self.params, self._ordered_ids(start, stop - start))


class NewestMatches:
    """The matches of a query without a phrase, for ``CappedPaginator`` (issue 20): the newest
    matches (by meeting date), as many as the paginator counts, plus any row whose reference
    is exactly what was typed, in the order of ``search()`` (reference, web pages before
    PDFs, rank, newest).

    A query that matches fewer rows than the paginator counts pages through exactly the
    rows, in the order, of ``search()``. A very common one ("More than 1,000 results") ranks
    only its newest matches: ranking every match read and ranked tens of thousands of rows
    to show twenty (``report panel`` matches 82,000 of the ten-year council's 200,000).
    PostgreSQL finds the newest matches by walking the date index backwards when the words
    are common and from the GIN indexes when they are rare; counting is the same query (the
    number of candidates), so a page costs one query for the order and one for its rows.

    ``shortcut``: a row matches when its small ``rank_vector`` (title, summary, the opening
    of the body) matches, and only otherwise is its full vector read (from TOAST, for a long
    paper). Only for queries without a minus: the full vector holds every word of the small
    one, so without a NOT whatever the small one matches the full one matches too.
    """

    checks_visibility = True

    def __init__(self, params: SearchParams, *, shortcut: bool):
        self.params = params
        self.shortcut = shortcut
        self._ids: list[int] | None = None
        self._limit = 0

    def _keys(self, qs: QuerySet[SearchDocument]):
        """The order keys of ``qs``'s rows, selected (ORDER BY then names them by position; a
        constant key, such as ``exact`` when nothing typed is a reference, is one)."""
        return (
            _ranked(qs, self.params.q)
            .annotate(rank=SearchRank(F("rank_vector"), _websearch(self.params.q)))
            .annotate(doc_id=F("pk"), newest=F("date"))
            .values_list("doc_id", "exact", "download", "rank", "newest")
        )

    def ordered_ids(self, limit: int) -> list[int]:
        """The ids of the newest ``limit`` matches (and the exact reference), best first."""
        if self._ids is not None and self._limit == limit:
            return self._ids
        query = _websearch(self.params.q)
        words = Q(search_vector=query)
        if self.shortcut:
            words = Q(rank_vector=query) | words
        # ``date DESC`` (nulls first, as the date index runs backwards) then ``id``: the
        # same rows every time, so the pages of one search never overlap.
        matching = self._keys(_filtered(self.params).filter(words))
        newest = matching.order_by(F("date").desc(), "-pk")[:limit]
        sql, sql_params = newest.query.sql_with_params()
        union, union_params = "(" + sql + ")", list(sql_params)
        if normalise_reference(self.params.q):
            exact = self._keys(_filtered(self.params).filter(_exact(self.params.q))).order_by()
            exact_sql, exact_params = exact.query.sql_with_params()
            union += " UNION (" + exact_sql + ")"
            union_params += list(exact_params)
        outer = (
            "SELECT c.doc_id FROM (" + union + ") AS c "  # noqa: S608 - compiled by the ORM
            "ORDER BY c.exact DESC, c.download ASC, c.rank DESC, c.newest DESC NULLS LAST, "
            "c.doc_id ASC"
        )
        with connection.cursor() as cursor:
            cursor.execute(outer, union_params)
            self._ids = [row[0] for row in cursor.fetchall()]
        self._limit = limit
        return self._ids

    def capped_count(self, limit: int) -> int:
        return len(self.ordered_ids(limit))

    def __getitem__(self, index: slice) -> list[SearchDocument]:
        ids = self.ordered_ids(self._limit or MAX_COUNTED + 1)[index]
        return _rows_in_order(self.params, ids)


def _rows_in_order(params: SearchParams, ids: list[int]) -> list[SearchDocument]:
    """The rows ``ids`` in that order, with their snippets (``ts_headline`` on these rows
    only) and committee, leaving out any that is not public now (``visible_documents()``, in
    the same query: ``checks_visibility`` tells ``run_search``)."""
    if not ids:
        return []
    rows = _annotated(
        _filtered(params)
        .filter(VISIBLE)
        .filter(_papers_still_public())
        .defer("body", "search_vector", "rank_vector"),
        params,
    ).select_related("committee")
    found = {doc.pk: doc for doc in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


# Only quotes and words joined by punctuation ("well-being", "children's", "2016/17") can
# make websearch_to_tsquery write a phrase: words and spaces alone never send the query
# that looks.
_MAY_HOLD_PHRASE = re.compile(r"[^\w\s]")
# A lexeme as PostgreSQL prints a tsquery ('it''s'): what is left around them are operators.
_QUOTED_LEXEME = re.compile(r"'(?:[^']|'')*'")


def _matches(params: SearchParams):
    """What ``run_search`` pages through, and the most it counts."""
    if not uses_postgres():
        # The committee comes in the same query as the rows (one query fewer per search).
        return search(params).select_related("committee"), MAX_COUNTED
    shortcut = True
    if _MAY_HOLD_PHRASE.search(params.q):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [SEARCH_CONFIG, params.q]
            )
            tsquery = cursor.fetchone()[0]
        and_query = phrase_free(tsquery)
        if and_query:
            return PhraseMatches(params, and_query), PHRASE_MAX_COUNTED
        shortcut = "!" not in _QUOTED_LEXEME.sub("", tsquery)
    return NewestMatches(params, shortcut=shortcut), MAX_COUNTED


def run_search(params: SearchParams, page_number) -> tuple[Page, list[tuple]]:
    """One page of results as ``(page, [(doc, snippet), …])``.

    The index holds public material only. As a second line of defence the rows of the page
    are checked again against the meeting and agenda item as they are now (published, not
    exempt, not confidential), so a row left stale between a change and its re-index task
    is never shown (the count may include it for those few seconds).
    """
    Kind = SearchDocument.Kind
    with search_session():
        matches, max_counted = _matches(params)
        paginator = CappedPaginator(matches, page_size("search"), max_counted=max_counted)
        page = paginator.get_page(page_number)
        rows = list(page.object_list)
        if getattr(matches, "checks_visibility", False):
            visible = {doc.pk for doc in rows}  # checked in the same query as the rows
        else:
            ids = [doc.pk for doc in rows]
            visible = set(visible_documents().filter(pk__in=ids).values_list("pk", flat=True))
        downloads = _downloads([doc.object_id for doc in rows if doc.kind == Kind.DOCUMENT])
        results = []
        for doc in rows:
            if doc.pk in visible:
                if doc.kind == Kind.DOCUMENT:
                    doc.download = downloads.get(doc.object_id)
                results.append((doc, snippet(doc, params.q)))
    return page, results


@dataclass(frozen=True)
class Download:
    """What a PDF result is before it is followed: its size, pages and, when the paper also
    has a web page (the report it is the PDF of), that page's address."""

    size: int
    page_count: int
    html_url: str = ""


def _downloads(document_ids: list[int]) -> dict[int, Download]:
    """One query for a page's PDF results: public documents only (``Document.objects``), and
    the public report page of each, if any (``Report.objects``), else its HTML version."""
    if not document_ids:
        return {}
    report = Report.objects.filter(document_id=OuterRef("pk")).order_by("pk").values("pk")[:1]
    found = {}
    for pk, size, pages, report_id in (
        Document.objects.filter(pk__in=document_ids)
        .annotate(report_id=Subquery(report))
        .values_list("pk", "size", "page_count", "report_id")
    ):
        # The report's page when the PDF is a report's; otherwise the paper's own HTML
        # version (its extracted text, issue 16), which every public paper has.
        html_url = (
            reverse("report-detail", args=[report_id])
            if report_id
            else reverse("document-html", args=[pk])
        )
        found[pk] = Download(size=size, page_count=pages, html_url=html_url)
    return found


def fallback_terms(q: str) -> list[str]:
    """Words the SQLite fallback requires (quotes, "or"/"and" and -excluded words dropped)."""
    words = re.findall(r"(?:^|(?<=\s))-?[\w'’]+(?:-[\w'’]+)*", _unquoted(q))
    return [
        w.strip("'’")
        for w in words
        if not w.startswith("-") and w not in {"or", "and"} and w.strip("'’")
    ]


def excluded_terms(q: str) -> list[str]:
    """Words after a minus sign ("-budget"), left out by the SQLite fallback."""
    found = re.findall(r"(?:^|(?<=\s))-([\w'’]+(?:-[\w'’]+)*)", _unquoted(q))
    return [w.strip("'’") for w in found]


def _unquoted(q: str) -> str:
    return re.sub(r"[\"“”()]", " ", q.lower())


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
