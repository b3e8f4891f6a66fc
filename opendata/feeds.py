"""Atom feeds (django.contrib.syndication): newly published papers and minutes, for all
committees or one. Everything comes from the public managers, so exempt papers never appear.

A paper is "published" when its meeting's agenda was published, or when it was added later
(a late paper), whichever is later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F, Min
from django.db.models.functions import Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from meetings.models import Document, Meeting, Report
from scrutiny.council import current_council
from scrutiny.models import Committee, Council

FEED_LENGTH = 50


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    title: str
    link: str
    description: str
    published: datetime
    updated: datetime
    committee: str


def tag_uri(kind: str, pk: int) -> str:
    """A stable Atom entry id (RFC 4151 tag URI)."""
    host = urlsplit(settings.SITE_URL).hostname or "scrutiny-portal.invalid"
    return f"tag:{host},2017:{kind}-{pk}"


# What a paper entry needs, read as plain values: building four model instances a row (paper,
# item, meeting, committee with every column) cost more than the queries (issue 20).
PAPER_FIELDS = (
    "pk",
    "title",
    "modified_at",
    "published",
    "agenda_item__number",
    "agenda_item__title",
    "agenda_item__meeting__start",
    "agenda_item__meeting__committee__name",
)


def paper_entries(
    committee: Committee | None, since: datetime | None = None, until: datetime | None = None
) -> list[FeedEntry]:
    """The newest public reports and PDFs (a PDF that is a report's file counts once): the
    latest ``FEED_LENGTH``, or all published in ``[since, until)`` (an archived month)."""
    reports = Report.objects.all()
    documents = Document.objects.exclude(
        pk__in=Report.objects.filter(document__isnull=False).values("document_id")
    )
    if committee is not None:
        reports = reports.filter(agenda_item__meeting__committee=committee)
        documents = documents.filter(agenda_item__meeting__committee=committee)
    entries: list[FeedEntry] = []
    for kind, qs in (("report", reports), ("document", documents)):
        fields = (*PAPER_FIELDS, "purpose") if kind == "report" else PAPER_FIELDS
        qs = qs.annotate(
            published=Greatest("agenda_item__meeting__published_at", "created_at"),
            agenda_published=F("agenda_item__meeting__published_at"),
        )
        if since is not None:
            papers = list(
                qs.filter(published__gte=since, published__lt=until)
                .order_by("-published", "-pk")
                .values(*fields)
            )
        else:
            papers = _latest_papers(qs, fields)
        what = "Report" if kind == "report" else "Document (PDF)"
        url_name = "report-detail" if kind == "report" else "document-download"
        for paper in papers:
            # As str(meeting) and str(agenda_item) say them.
            meeting = (
                f"{paper['agenda_item__meeting__committee__name']} – "
                f"{paper['agenda_item__meeting__start']:%-d %B %Y}"
            )
            number, item = paper["agenda_item__number"], paper["agenda_item__title"]
            if number:
                item = f"{number}: {item}"
            description = f"{what} for {meeting}: item {item}."
            if kind == "report" and paper["purpose"]:
                description += f" {paper['purpose']}"
            entries.append(
                FeedEntry(
                    guid=tag_uri(kind, paper["pk"]),
                    title=paper["title"],
                    link=reverse(url_name, kwargs={"pk": paper["pk"]}),
                    description=description,
                    published=paper["published"],
                    updated=max(paper["modified_at"], paper["published"]),
                    committee=paper["agenda_item__meeting__committee__name"],
                )
            )
    entries.sort(key=lambda e: (e.published, e.guid), reverse=True)
    return entries if since is not None else entries[:FEED_LENGTH]


def _latest_papers(qs, fields) -> list[dict]:
    """The first ``FEED_LENGTH`` of ``qs`` by (published, pk) descending, where published is
    the later of the paper's ``created_at`` and its agenda's publication.

    Ordering by that GREATEST() directly cannot use an index: PostgreSQL joined and sorted
    every public paper of the council's history (issue 20: 300 ms on ten years, for 50
    entries). Instead, two bounded queries: (1) the newest ``FEED_LENGTH`` papers by
    ``created_at`` (an index scan); the ``FEED_LENGTH``-th largest ``published`` among them,
    ``floor``, is a lower bound of the answer's, since those papers already are that many at or
    above it. (2) Any paper at or above ``floor`` that (1) missed was published by its agenda
    (``published`` is the agenda's date, or its ``created_at`` would have put it in (1)): the
    papers of agendas published since ``floor``, a few recent meetings. The answer is the
    first ``FEED_LENGTH`` of both, in the order the single query gave."""
    newest = list(qs.order_by("-created_at", "-pk").values(*fields)[:FEED_LENGTH])
    # (With fewer than FEED_LENGTH, (1) has them all, and none when empty; (2) still runs,
    # so that the query count does not depend on the data.)
    if newest:
        qs = qs.filter(agenda_published__gte=min(paper["published"] for paper in newest))
    seen = {paper["pk"] for paper in newest}
    newest += [
        paper
        for paper in qs.order_by("-published", "-pk").values(*fields)[:FEED_LENGTH]
        if paper["pk"] not in seen
    ]
    newest.sort(key=lambda paper: (paper["published"], paper["pk"]), reverse=True)
    return newest[:FEED_LENGTH]


class StableAtomFeed(Atom1Feed):
    """An Atom feed whose ``<updated>`` depends on the data only. Django's falls back to
    *now* when no entry has a date, so an empty feed changed (and lost its ETag) every
    second; here it is the last public change (``opendata.records``)."""

    def latest_post_date(self):
        if any(item.get("pubdate") or item.get("updateddate") for item in self.items):
            return super().latest_post_date()
        from opendata.records import public_last_modified

        return public_last_modified() or datetime(2000, 1, 1, tzinfo=UTC)


class EntryFeed(Feed):
    """Shared plumbing: entries are ``FeedEntry`` objects; ``obj`` is a committee or None."""

    feed_type = StableAtomFeed
    what = ""

    def get_object(self, request, slug: str | None = None):
        return get_object_or_404(Committee, slug=slug) if slug else None

    def title(self, obj):
        where = obj.name if obj else current_council().name
        return f"{self.what}: {where}"

    def item_title(self, item: FeedEntry):
        return item.title

    def item_link(self, item: FeedEntry):
        return item.link

    def item_description(self, item: FeedEntry):
        return item.description

    def item_guid(self, item: FeedEntry):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedEntry):
        return item.published

    def item_updateddate(self, item: FeedEntry):
        return item.updated

    def item_categories(self, item: FeedEntry):
        return [item.committee]


# --- Archived feeds (RFC 5005) ---------------------------------------------------------------
#
# The subscription documents above carry the latest FEED_LENGTH entries: their size does not
# grow with the council's history (issue 20). The rest is in one archive document a month,
# /feeds/papers/2017-10.atom (and per committee), linked as RFC 5005 says: the subscription
# document's prev-archive is the month of its oldest entry; each archive has fh:archive, a
# "current" link to the subscription document and prev-archive / next-archive to the months
# either side, from the month of the first published agenda to this month. A finished month's
# archive does not change (but for withdrawn papers); this month's grows until it ends.

FH_NS = "http://purl.org/syndication/history/1.0"


class ArchivedAtomFeed(StableAtomFeed):
    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xmlns:fh"] = FH_NS
        return attrs

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("is_archive"):
            handler.addQuickElement("fh:archive", "")
        for rel, href in self.feed.get("archive_links", ()):
            handler.addQuickElement("link", "", {"rel": rel, "href": href})


@dataclass(frozen=True)
class FeedScope:
    """What one feed document covers: a committee (or all) and an archived month (or the
    latest entries); ``absolute`` makes the archive links absolute on the request's host."""

    committee: Committee | None
    month: date | None
    absolute: Callable[[str], str]
    # The entries, once computed: ``items`` and ``feed_extra_kwargs`` (the prev-archive link
    # is the month of the oldest entry) both need them, and the scope lives for one request.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.committee.name if self.committee else Council.current().name


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    following = _add_months(month, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def first_month() -> date | None:
    """The month of the first published agenda: no paper or minutes are older."""
    first = Meeting.objects.aggregate(first=Min("published_at"))["first"]
    if first is None:
        return None
    first = timezone.localtime(first)
    return date(first.year, first.month, 1)


def this_month() -> date:
    today = timezone.localdate()
    return date(today.year, today.month, 1)


class ArchivedEntryFeed(EntryFeed):
    """A subscription document and its monthly archives (``year``/``month`` in the URL)."""

    feed_type = ArchivedAtomFeed
    subscription_url_name = ""
    committee_subscription_url_name = ""

    def get_object(self, request, slug: str | None = None, year=None, month=None):
        committee = super().get_object(request, slug)
        archived = None
        if year is not None:
            try:
                archived = date(int(year), int(month), 1)
            except ValueError:
                raise Http404("No such month") from None
            first = first_month()
            if first is None or not first <= archived <= this_month():
                raise Http404("Nothing was published that month")
        return FeedScope(committee=committee, month=archived, absolute=request.build_absolute_uri)

    def entries(self, scope: FeedScope, since=None, until=None) -> list[FeedEntry]:
        raise NotImplementedError

    def items(self, scope: FeedScope):
        if "items" not in scope.memo:
            if scope.month is None:
                scope.memo["items"] = self.entries(scope)
            else:
                scope.memo["items"] = self.entries(scope, *month_bounds(scope.month))
        return scope.memo["items"]

    def title(self, scope: FeedScope):
        title = f"{self.what}: {scope.name}"
        if scope.month is not None:
            title += f", {scope.month:%B %Y} (archive)"
        return title

    def link(self, scope: FeedScope):
        return scope.committee.get_absolute_url() if scope.committee else reverse("open-data")

    def _url(self, scope: FeedScope, month: date | None) -> str:
        kwargs = {"slug": scope.committee.slug} if scope.committee else {}
        name = (
            self.committee_subscription_url_name if scope.committee else self.subscription_url_name
        )
        if month is None:
            return reverse(name, kwargs=kwargs)
        return reverse(
            f"{name}-archive",
            kwargs={**kwargs, "year": f"{month.year:04d}", "month": f"{month.month:02d}"},
        )

    def feed_url(self, scope: FeedScope):
        return self._url(scope, scope.month)

    def feed_extra_kwargs(self, scope: FeedScope):
        links = []
        if scope.month is None:
            entries = self.items(scope)
            if entries:
                oldest = timezone.localtime(entries[-1].published)
                links.append(("prev-archive", date(oldest.year, oldest.month, 1)))
        else:
            links.append(("current", None))
            previous, following = _add_months(scope.month, -1), _add_months(scope.month, 1)
            first = first_month()
            if first is not None and previous >= first:
                links.append(("prev-archive", previous))
            if following <= this_month():
                links.append(("next-archive", following))
        return {
            "is_archive": scope.month is not None,
            "archive_links": [
                (rel, scope.absolute(self._url(scope, month))) for rel, month in links
            ],
        }


class PapersFeed(ArchivedEntryFeed):
    what = "Newly published papers"
    subscription_url_name = "papers-feed"
    committee_subscription_url_name = "committee-papers-feed"

    def subtitle(self, scope):
        return "Reports and documents published for committee meetings."

    def entries(self, scope, since=None, until=None):
        return paper_entries(scope.committee, since, until)


# Minutes entries come from the minutes app when it is installed (see opendata.minutes):
# ``provider(committee, since=None, until=None)``.
MINUTES_ENTRY_PROVIDERS: list = []


class MinutesFeed(ArchivedEntryFeed):
    what = "Minutes published or approved"
    subscription_url_name = "minutes-feed"
    committee_subscription_url_name = "committee-minutes-feed"

    def subtitle(self, scope):
        return "Minutes of committee meetings, when published and when approved."

    def entries(self, scope, since=None, until=None):
        entries: list[FeedEntry] = []
        for provider in MINUTES_ENTRY_PROVIDERS:
            entries.extend(provider(scope.committee, since, until))
        entries.sort(key=lambda e: (e.published, e.guid), reverse=True)
        return entries if since is not None else entries[:FEED_LENGTH]
