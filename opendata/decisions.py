"""Open data of the decisions app (issue 17): the forward plan's Atom feed and iCalendar of
planned decision dates, and the decisions Atom feed. They live here because opendata sits at
the top of the app chain and the decisions app may not import it; they reuse the feed
plumbing of ``opendata.feeds`` (``EntryFeed``, ``FeedEntry``, ``tag_uri``) and the calendar
helpers of ``opendata.ics`` (``uid_host``, ``_absolute``).

Everything is read through the public managers: ``ForwardPlanEntry.objects.current()`` and
``Decision.objects`` (a private decision by its public record only: title, decision maker,
date and "taken in private under paragraph N"; never its text). The answers carry an ETag
and the newest change to these tables as Last-Modified (``opendata.http.conditional`` with
the decisions tables watched).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from decisions.models import Decision, ForwardPlanEdition, ForwardPlanEntry
from opendata import http
from opendata.feeds import FEED_LENGTH, EntryFeed, FeedEntry, tag_uri
from opendata.ics import _absolute, uid_host
from scrutiny.models import Council

MAKERS = ("cabinet", "portfolio_holder__person", "officer")


def watch() -> None:
    """The CSV/feeds Last-Modified also follows the decisions tables."""
    for model in (ForwardPlanEntry, ForwardPlanEdition, Decision):
        if (model, "modified_at") not in http.WATCHED:
            http.WATCHED.append((model, "modified_at"))


def decision_public_text(decision: Decision) -> str:
    """What the public may read of ``decision`` in a feed."""
    if not decision.is_public:
        return (
            f"Decision of {decision.decision_maker_name}, {decision.decision_date:%-d %B %Y}, "
            f"taken in private: exempt information under paragraph {decision.exempt_paragraph} "
            "of Schedule 12A to the Local Government Act 1972."
        )
    return f"Decision of {decision.decision_maker_name}: {decision.decision}"


def decision_entries() -> list[FeedEntry]:
    entries = []
    for decision in Decision.objects.select_related(*MAKERS).order_by("-published_at", "-pk")[
        :FEED_LENGTH
    ]:
        entries.append(
            FeedEntry(
                guid=tag_uri("decision", decision.pk),
                title=decision.title,
                link=decision.get_absolute_url(),
                description=decision_public_text(decision),
                published=decision.published_at,
                updated=max(decision.modified_at, decision.published_at),
                committee=decision.decision_maker_name,
            )
        )
    return entries


def _entry_published(entry: ForwardPlanEntry) -> dt.datetime:
    return dt.datetime.combine(entry.first_published_on, dt.time(9), tzinfo=dt.UTC)


def entry_text(entry: ForwardPlanEntry) -> str:
    parts = [
        f"Decision maker: {entry.decision_maker_name}.",
        f"Decision due: {entry.planned_decision_date:%-d %B %Y}.",
    ]
    if entry.summary:
        parts.append(entry.summary)
    if entry.is_private:
        parts.append(f"To be taken in private (Schedule 12A, paragraph {entry.exempt_paragraph}).")
    return " ".join(parts)


def forward_plan_entries() -> list[FeedEntry]:
    entries = []
    for entry in (
        ForwardPlanEntry.objects.current()
        .select_related(*MAKERS)
        .order_by("-first_published_on", "-pk")[:FEED_LENGTH]
    ):
        entries.append(
            FeedEntry(
                guid=tag_uri("forward-plan-entry", entry.pk),
                title=entry.matter,
                link=entry.get_absolute_url(),
                description=entry_text(entry),
                published=_entry_published(entry),
                updated=max(entry.modified_at, _entry_published(entry)),
                committee=entry.decision_maker_name,
            )
        )
    return entries


class DecisionsFeed(EntryFeed):
    what = "Executive decisions"

    def get_object(self, request, *args, **kwargs):
        return None

    def link(self, obj):
        return reverse("decision-list")

    def subtitle(self, obj):
        return "Decisions of the Cabinet, its members and officers, as they are published."

    def feed_url(self, obj):
        return reverse("decisions-feed")

    def items(self, obj):
        return decision_entries()


class ForwardPlanFeed(EntryFeed):
    what = "Forward plan of key decisions"

    def get_object(self, request, *args, **kwargs):
        return None

    def link(self, obj):
        return reverse("forward-plan")

    def subtitle(self, obj):
        return "Key decisions and private decisions to be taken, as they are announced."

    def feed_url(self, obj):
        return reverse("forward-plan-feed")

    def items(self, obj):
        return forward_plan_entries()


def forward_plan_calendar() -> bytes:
    """An all-day event on each current entry's planned decision date. UID
    ``forward-plan-<pk>@host``; SEQUENCE is the entry's version, so a moved date updates."""
    cal = Calendar()
    cal.add("prodid", "-//Scrutiny portal//Forward plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{Council.current().name}: forward plan of key decisions")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for entry in (
        ForwardPlanEntry.objects.current()
        .select_related(*MAKERS)
        .order_by("planned_decision_date", "pk")
    ):
        event = Event()
        event.add("uid", f"forward-plan-{entry.pk}@{uid_host()}")
        event.add("dtstamp", entry.modified_at)
        event.add("sequence", entry.version)
        event.add("dtstart", entry.planned_decision_date)
        event.add("dtend", entry.planned_decision_date + dt.timedelta(days=1))
        event.add("summary", f"Decision due: {entry.matter}")
        event.add("transp", "TRANSPARENT")
        url = _absolute(entry.get_absolute_url())
        event.add("url", url)
        event.add("description", f"{entry_text(entry)}\n{url}")
        cal.add_component(event)
    return cal.to_ical()


# Decisions shown beside the site search's results (the register's own search does more).
SEARCH_HITS = 5


def search_decisions(query: str) -> list[Decision]:
    """Published decisions matching every word of ``query``: in the title, and for an open
    decision also in its text and reasons (``decisions.selectors.matching``, which asks
    ``scrutiny.visibility`` what a private decision may be found by)."""
    from decisions.selectors import matching

    return list(matching(Decision.objects.select_related(*MAKERS), query)[:SEARCH_HITS])
