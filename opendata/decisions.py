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

from decisions.models import (
    CallInRequest,
    Decision,
    DelegatedReport,
    ForwardPlanEdition,
    ForwardPlanEntry,
)
from opendata import http
from opendata.feeds import FEED_LENGTH, EntryFeed, FeedEntry, tag_uri
from opendata.ics import _absolute, uid_host
from scrutiny.models import Council

MAKERS = ("cabinet", "portfolio_holder__person", "officer")


def watch() -> None:
    """The CSV/feeds Last-Modified also follows the decisions tables."""
    for model in (ForwardPlanEntry, ForwardPlanEdition, Decision, DelegatedReport, CallInRequest):
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


# --- OParl: the reports a delegated decision was taken on (``oparl.decision_json``) ------

DECISION_FILE_KIND = "DecisionFile"  # PublicRecord kind; OParl type File, id space decisionfile


def public_delegated_reports():
    """Every public delegated report (``DelegatedReport.objects.public()``, the one rule in
    ``decisions.selectors``), ready to serialise."""
    from decisions.models import DelegatedReport

    return DelegatedReport.objects.public().select_related("decision")


def delegated_report_json(api, report) -> dict:
    """A public delegated report as an OParl File in an id space of its own
    (``/decisionfile/<pk>``, beside the papers' ``/file/<pk>``), listed in its decision's
    ``auxiliaryFile``. The file is the one the decision page links to."""
    from opendata.oparl import LICENSE, OPARL, clean, iso

    url = api.base + report.get_absolute_url()
    return clean(
        {
            "id": api.obj("decisionfile", report.pk),
            "type": OPARL + "File",
            "name": report.title,
            "fileName": report.download_name,
            "mimeType": "application/pdf",
            "date": iso(report.created_at.date()),
            "size": report.size,
            "accessUrl": url + "?view=1",
            "downloadUrl": url,
            "paper": [api.obj("decision", report.decision_id)],
            "fileLicense": LICENSE,
            **api.stamps(DECISION_FILE_KIND, report),
        }
    )


def snapshot() -> dict:
    """The public records of the decisions root beyond the decisions themselves
    (``opendata.records.decisions_snapshot``): {(kind, pk): (created, public JSON)}."""
    from opendata.oparl import RESOURCES, Api, prepare_page

    out = {}
    for kind in ("decisionfile", "callin"):
        resource = RESOURCES[kind]
        objects = list(resource.public().order_by("pk"))
        api = Api.offline()
        prepare_page(api, resource, objects)
        for obj in objects:
            out[(resource.oparl_type, obj.pk)] = (obj.created_at, resource.serialize(api, obj))
    return out


# --- validated call-ins: search, feed and OParl --------------------------------------------
#
# Only validated call-ins (``CallInRequest.objects``: ``scrutiny.visibility.call_in_public``)
# ever reach these: a request still collecting signatures, submitted, not valid or withdrawn
# is in none of them. Of a call-in of a private decision the public reads the facts (who,
# when, the status and outcome), never its reasons, concerns or the response.

CALL_IN_KIND = "CallIn"  # PublicRecord kind; OParl type Paper, id space callin
KINDS = (DECISION_FILE_KIND, CALL_IN_KIND)


def public_call_ins():
    """Validated call-ins, ready to serialise (signatures and outcome loaded)."""
    return CallInRequest.objects.select_related(
        "decision__cabinet",
        "decision__portfolio_holder__person",
        "decision__officer",
        "requested_by",
        "outcome",
    ).prefetch_related("signatures__person")


def _outcome(call_in):
    outcome = getattr(call_in, "outcome", None)
    return outcome if call_in.status == "decided" else None


def call_in_public_text(call_in) -> str:
    """What the public may read of a validated call-in in a feed or the API."""
    decision = call_in.decision
    names = ", ".join(s.person.display_name for s in call_in.signatures.all())
    parts = [
        f"Call-in of “{decision.title}” ({decision.decision_maker_name}, "
        f"{decision.decision_date:%-d %B %Y}), validated on "
        f"{call_in.validated_at:%-d %B %Y}. Signed by {names}."
    ]
    outcome = _outcome(call_in)
    if outcome is not None:
        parts.append(f"Outcome ({outcome.decided_on:%-d %B %Y}): {outcome.get_result_display()}.")
    if decision.is_public:
        parts.append(f"Reasons: {call_in.reasons}")
    return " ".join(parts)


def call_in_entries() -> list[FeedEntry]:
    entries = []
    for call_in in public_call_ins().order_by("-validated_at", "-pk")[:FEED_LENGTH]:
        entries.append(
            FeedEntry(
                guid=tag_uri("call-in", call_in.pk),
                title=f"Call-in: {call_in.decision.title}",
                link=call_in.get_absolute_url(),
                description=call_in_public_text(call_in),
                published=call_in.validated_at,
                updated=max(call_in.modified_at, call_in.validated_at),
                committee=call_in.decision.decision_maker_name,
            )
        )
    return entries


class CallInsFeed(EntryFeed):
    what = "Call-ins of executive decisions"

    def get_object(self, request, *args, **kwargs):
        return None

    def link(self, obj):
        return reverse("decision-list")

    def subtitle(self, obj):
        return "Executive decisions called in for review by overview and scrutiny, once valid."

    def feed_url(self, obj):
        return reverse("call-ins-feed")

    def items(self, obj):
        return call_in_entries()


def search_call_ins(query: str) -> list:
    """Validated call-ins matching every word of ``query``: in their decision's title, and
    for an open decision also in the call-in's reasons (a private decision's call-in is not
    findable by its reasons, which are not public)."""
    from django.db.models import Q

    from scrutiny import visibility

    queryset = public_call_ins()
    for word in query.split()[:10]:
        queryset = queryset.filter(
            Q(decision__title__icontains=word)
            | (Q(reasons__icontains=word) & visibility.decision_open("decision"))
        )
    return list(queryset.order_by("-validated_at", "-pk")[:SEARCH_HITS])


def call_in_json(api, call_in) -> dict:
    """A validated call-in as an OParl Paper (OParl has no call-in type): its own id space
    (``/callin/<pk>``), listed at ``/body/<pk>/callin``, ``relatedPaper`` the decision's
    Paper, ``originatorPerson`` its signatories. ``description`` is ``call_in_public_text``
    (no reasons for a private decision)."""
    from opendata.oparl import OPARL, clean, iso

    decision = call_in.decision
    outcome = _outcome(call_in)
    keywords = ["Call-in", call_in.get_status_display()]
    if outcome is not None:
        keywords.append(outcome.get_result_display())
    data = {
        "id": api.obj("callin", call_in.pk),
        "type": OPARL + "Paper",
        "body": api.body(),
        "name": f"Call-in: {decision.title}",
        "reference": f"Call-in {call_in.pk}",
        "date": iso(call_in.validated_at.date()),
        "paperType": "Call-in request",
        "relatedPaper": [api.obj("decision", decision.pk)],
        "originatorPerson": [
            api.obj("person", s.person_id) for s in call_in.signatures.all() if s.person.is_active
        ],
        "keyword": keywords,
        "description": call_in_public_text(call_in),
        "web": api.web(call_in),
        **api.stamps(CALL_IN_KIND, call_in),
    }
    return clean(data)
