"""Atom feeds (django.contrib.syndication): newly published papers and minutes, for all
committees or one. Everything comes from the public managers, so exempt papers never appear.

A paper is "published" when its meeting's agenda was published, or when it was added later
(a late paper), whichever is later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from meetings.models import Document, Meeting, Report
from scrutiny.models import Committee

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


def paper_entries(committee: Committee | None) -> list[FeedEntry]:
    """The newest public reports and PDFs (a PDF that is a report's file counts once)."""
    reports = Report.objects.select_related("agenda_item__meeting__committee")
    documents = Document.objects.select_related("agenda_item__meeting__committee").exclude(
        pk__in=Report.objects.filter(document__isnull=False).values("document_id")
    )
    if committee is not None:
        reports = reports.filter(agenda_item__meeting__committee=committee)
        documents = documents.filter(agenda_item__meeting__committee=committee)
    published = Greatest("agenda_item__meeting__published_at", "created_at")
    entries: list[FeedEntry] = []
    for kind, qs in (("report", reports), ("document", documents)):
        for paper in qs.annotate(published=published).order_by("-published", "-pk")[:FEED_LENGTH]:
            meeting: Meeting = paper.agenda_item.meeting
            what = "Report" if kind == "report" else "Document (PDF)"
            description = f"{what} for {meeting}: item {paper.agenda_item}."
            if kind == "report" and paper.purpose:
                description += f" {paper.purpose}"
            entries.append(
                FeedEntry(
                    guid=tag_uri(kind, paper.pk),
                    title=paper.title,
                    link=paper.get_absolute_url(),
                    description=description,
                    published=paper.published,
                    updated=max(paper.modified_at, paper.published),
                    committee=meeting.committee.name,
                )
            )
    entries.sort(key=lambda e: (e.published, e.guid), reverse=True)
    return entries[:FEED_LENGTH]


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
        where = obj.name if obj else settings.COUNCIL_NAME
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


class PapersFeed(EntryFeed):
    what = "Newly published papers"

    def link(self, obj):
        return obj.get_absolute_url() if obj else reverse("open-data")

    def subtitle(self, obj):
        return "Reports and documents published for committee meetings."

    def feed_url(self, obj):
        if obj:
            return reverse("committee-papers-feed", kwargs={"slug": obj.slug})
        return reverse("papers-feed")

    def items(self, obj):
        return paper_entries(obj)


# Minutes entries come from the minutes app when it is installed (see opendata.minutes).
MINUTES_ENTRY_PROVIDERS: list = []


class MinutesFeed(EntryFeed):
    what = "Minutes published or approved"

    def link(self, obj):
        return obj.get_absolute_url() if obj else reverse("open-data")

    def subtitle(self, obj):
        return "Minutes of committee meetings, when published and when approved."

    def feed_url(self, obj):
        if obj:
            return reverse("committee-minutes-feed", kwargs={"slug": obj.slug})
        return reverse("minutes-feed")

    def items(self, obj):
        entries: list[FeedEntry] = []
        for provider in MINUTES_ENTRY_PROVIDERS:
            entries.extend(provider(obj))
        entries.sort(key=lambda e: (e.published, e.guid), reverse=True)
        return entries[:FEED_LENGTH]
