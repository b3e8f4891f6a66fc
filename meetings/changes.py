"""The change log of published meetings: what changed, with before and after (issue 23,
finding 1; docs/meetings.md, "The change log").

Every service that changes what a published meeting shows calls ``record`` inside its own
transaction (``meetings.services``; ``meetings.packs.services`` for the supplementary pack), so
a change that rolls back leaves no event and one that commits always has one. Each event
knows whether it is public: a change about an exempt or confidential item, or a paper of one,
is for those who may read that item (``scrutiny.visibility`` decides what is open;
``scrutiny.permissions.can_view_exempt`` who may read the rest, the rule exempt papers use).

Readers:

- ``/my/`` (``meetings.views.MyMeetings``) lists, per meeting of the member's committees, the
  events after the last one they acknowledged (``ChangeAcknowledgement``, per member and
  meeting, so it holds on every device); a meeting never acknowledged shows its recent events
  if it is upcoming.
- the change notice (``notifications.events.changed``) lists the events after the last
  notice, public text only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone

from meetings.models import (
    AgendaItem,
    ChangeAcknowledgement,
    ChangeKind,
    Document,
    Meeting,
    MeetingChange,
    Report,
)
from scrutiny import visibility
from scrutiny.permissions import can_view_exempt, member_committee_ids

# A meeting the member never acknowledged shows the changes of this many days (a first visit,
# or a committee they have just joined), if the meeting is still to come.
RECENT_DAYS = 14
# At most this many events per meeting on the page (the rest are counted, and acknowledging
# covers them too).
PER_MEETING = 50

PAPER_KINDS = {
    ChangeKind.LATE_PAPER,
    ChangeKind.PAPER_REPLACED,
    ChangeKind.PAPER_WITHDRAWN,
    ChangeKind.PAPER_RETITLED,
    ChangeKind.PAPER_MOVED,
}


def _private(item: AgendaItem | None) -> bool:
    return item is not None and visibility.is_item_private(item)


def record(
    meeting: Meeting,
    kind: str,
    *,
    item: AgendaItem | None = None,
    paper: Report | Document | None = None,
    before: str = "",
    after: str = "",
    subject: str = "",
    public: bool | None = None,
    at: dt.datetime | None = None,
) -> MeetingChange | None:
    """Record one change to ``meeting`` (call it inside the transaction that makes the change,
    after the change is saved). Nothing is recorded for a meeting whose agenda is not
    published: until then there is nothing anyone was told. ``public`` defaults to the one
    rule: the change is public unless it is about a private item or a paper of one."""
    if not visibility.is_meeting_public(meeting):
        return None
    if paper is not None and item is None:
        item = paper.agenda_item
    if public is None:
        public = not _private(item)
    return MeetingChange.all_objects.create(
        meeting=meeting,
        kind=kind,
        item=item,
        report=paper if isinstance(paper, Report) else None,
        document=paper if isinstance(paper, Document) else None,
        item_number=item.number if item is not None else "",
        subject=str(subject)[:300],
        at=at or timezone.now(),
        before=str(before)[:500],
        after=str(after)[:500],
        is_public=public,
    )


def when(moment: dt.datetime | None) -> str:
    """A meeting's start as the change log writes it ("9 October 2017, 2.00 p.m.", as the
    portal's pages do)."""
    if moment is None:
        return ""
    return dateformat.format(timezone.localtime(moment), "j F Y, g.i a")


# --- reading -------------------------------------------------------------------------------


@dataclass
class Line:
    """One event as a member reads it: a sentence with before and after, and where to go."""

    change: MeetingChange
    text: str
    url: str
    link_text: str
    pack: str = ""  # a late paper's pages in the supplementary pack ("" if not in one)
    pack_url: str = ""  # the supplementary pack at the paper's first page
    pack_label: str = "Supplementary pack"  # or "Members' pack" for a private late paper


def _q(text: str) -> str:
    return f"“{text}”"


def _item(change: MeetingChange) -> str:
    return f"Item {change.item_number}" if change.item_number else "An item"


def sentence(change: MeetingChange) -> str:
    """The event in words, with before → after ("Item 5 retitled: “X” → “Y”")."""
    k, b, a = change.kind, change.before, change.after
    on = f"item {change.item_number}" if change.item_number else "an item"
    match k:
        case ChangeKind.AGENDA_PUBLISHED:
            return "Agenda published"
        case ChangeKind.ITEM_ADDED:
            return f"{_item(change)} added: {_q(a)}" + (" (late item)" if b == "late" else "")
        case ChangeKind.ITEM_RETITLED:
            return f"{_item(change)} retitled: {_q(b)} → {_q(a)}"
        case ChangeKind.ITEM_MOVED:
            return f"Item moved: {_q(change.subject)}, item {b} → item {a}"
        case ChangeKind.LATE_PAPER:
            return f"Late paper added to {on}: {_q(a)}"
        case ChangeKind.PAPER_REPLACED:
            if a == b:  # same title: say it once
                return f"Paper replaced on {on}: new version of {_q(a)}"
            return f"Paper replaced on {on}: {_q(b)} → new version {_q(a)}"
        case ChangeKind.PAPER_WITHDRAWN:
            return f"Paper withdrawn from {on}: {_q(b)}" + (f" ({a})" if a else "")
        case ChangeKind.PAPER_RETITLED:
            return f"Paper on {on} retitled: {_q(b)} → {_q(a)}"
        case ChangeKind.PAPER_MOVED:
            return f"Paper moved: {_q(change.subject)}, {b} → {a}"
        case ChangeKind.SUPPLEMENTARY_PACK:
            return f"Supplementary pack {'updated' if b else 'published'}: {a}"
        case ChangeKind.DATE_CHANGED:
            return f"Date changed: {b} → {a}"
        case ChangeKind.VENUE_CHANGED:
            return f"Venue changed: {b or 'to be confirmed'} → {a or 'to be confirmed'}"
        case ChangeKind.POSTPONED:
            return "Meeting postponed" + (f": {a}" if a else "")
        case ChangeKind.CANCELLED:
            return "Meeting cancelled" + (f": {a}" if a else "")
    return change.get_kind_display()


def public_sentence(change: MeetingChange, *, public: bool) -> str:
    """The sentence for a reader who may not see a private change (an email): which item, no
    title of an exempt item or paper."""
    if public:
        return sentence(change)
    where = f"item {change.item_number}" if change.item_number else "an exempt item"
    return (
        f"{change.get_kind_display()} on {where} (members only: sign in and see the "
        "members' pack or My meetings)"
    )


def _place(change: MeetingChange) -> tuple[str, str]:
    """(url, link text) of where the change is: the paper, or the item on the meeting page."""
    meeting_url = change.meeting.get_absolute_url()
    if change.kind in PAPER_KINDS and change.kind != ChangeKind.PAPER_WITHDRAWN:
        paper = change.document or change.report
        if paper is not None and visibility.is_paper_issued(paper):
            if change.document is not None:
                return reverse("document-download", args=[paper.pk]), "Open the paper"
            if paper.source != Report.Source.UPLOADED:
                return reverse("report-detail", args=[paper.pk]), "Open the paper"
            if paper.document_id:
                return reverse("document-download", args=[paper.document_id]), "Open the paper"
    if change.kind == ChangeKind.SUPPLEMENTARY_PACK:
        return (
            reverse("meeting-supplementary-pack", args=[change.meeting_id]),
            "Open the supplementary pack",
        )
    if change.item_id:
        return f"{meeting_url}#item-{change.item_id}", f"Go to item {change.item_number}"
    return meeting_url, "Go to the meeting"


def lines(changes: list[MeetingChange]) -> list[Line]:
    """The events as lines, in order. A public late paper links to the supplementary pack at
    its own pages, worked out by the packs app (``extensions.paper_pages``: the same range and
    ``#page`` as the meeting page shows under its item), so a supplementary pack built (or
    rebuilt) after a late paper listed here is not a line of its own. The pack is a line only
    when no late paper above links to it (for example when it is rebuilt after a withdrawal)."""
    from meetings.extensions import paper_pages

    out: list[Line] = []
    late = False
    meetings: dict[int, object] = {}  # one Meeting per id, so the packs are read once each
    for change in changes:
        if change.kind == ChangeKind.SUPPLEMENTARY_PACK and late:
            continue
        url, link_text = _place(change)
        line = Line(change=change, text=sentence(change), url=url, link_text=link_text)
        out.append(line)
        if change.kind == ChangeKind.LATE_PAPER:
            paper = change.document or change.report
            meeting = meetings.setdefault(change.meeting_id, change.meeting)
            # A private late paper is only in the members' pack: the lines of a private
            # change reach only readers who may see it (/my/); a notice never links it.
            members = not change.is_public
            pages = (
                paper_pages.locate(meeting, paper, members=members) if paper is not None else None
            )
            if pages is not None:
                line.pack, line.pack_url = pages.text, pages.url
                if members:
                    line.pack_label = "Members' pack"
                else:
                    late = True
    return out


def _visible(user, meeting: Meeting, changes: QuerySet[MeetingChange]) -> QuerySet:
    """Of ``changes`` (all of ``meeting``), those ``user`` may read."""
    if can_view_exempt(user, meeting.committee, on=timezone.localtime(meeting.start).date()):
        return changes
    return changes.public()


@dataclass
class MeetingChanges:
    meeting: Meeting
    lines: list[Line]
    up_to: int  # the last event id on the page: what "I've seen these" acknowledges
    more: int = 0
    first_look: bool = False  # never acknowledged: the recent events only
    since: dt.datetime | None = None


def unacknowledged(user, *, now: dt.datetime | None = None) -> list[MeetingChanges]:
    """For each public meeting of the committees ``user`` sits on, the events they may read
    after the last one they acknowledged; a meeting never acknowledged shows the events of the
    last ``RECENT_DAYS`` if it is still to come. Meetings with nothing new are left out;
    soonest meeting first."""
    now = now or timezone.now()
    ids = member_committee_ids(user, on=timezone.localdate())
    if not ids:
        return []
    acks = {
        a.meeting_id: a
        for a in ChangeAcknowledgement.objects.filter(user=user, meeting__committee_id__in=ids)
    }
    recent = now - dt.timedelta(days=RECENT_DAYS)
    recent_ids = set(
        MeetingChange.all_objects.filter(meeting__committee_id__in=ids, at__gte=recent)
        .values_list("meeting_id", flat=True)
        .distinct()
    )
    meetings = (
        Meeting.objects.filter(pk__in=recent_ids | set(acks))
        .select_related("committee")
        .order_by("start", "pk")
    )
    out = []
    for meeting in meetings:
        ack = acks.get(meeting.pk)
        changes = MeetingChange.all_objects.filter(meeting=meeting)
        if ack is not None:
            changes = changes.filter(pk__gt=ack.up_to)
        elif meeting.start >= now:
            changes = changes.filter(at__gte=recent)
        else:
            continue
        changes = _visible(user, meeting, changes)
        last = changes.aggregate(m=Max("pk"))["m"]
        if last is None:
            continue
        count = changes.count()
        shown = list(
            changes.select_related("meeting", "report", "document").order_by("pk")[:PER_MEETING]
        )
        for change in shown:
            change.meeting = meeting
        out.append(
            MeetingChanges(
                meeting=meeting,
                lines=lines(shown),
                up_to=last,
                more=max(0, count - len(shown)),
                first_look=ack is None,
                since=ack.at if ack else recent,
            )
        )
    return out


@transaction.atomic
def acknowledge(*, user, meeting: Meeting, up_to: int) -> ChangeAcknowledgement:
    """``user`` has seen the changes of ``meeting`` up to the event ``up_to`` (the last one on
    their page: a change recorded while they read is still new next time). Never moves back."""
    ack, _ = ChangeAcknowledgement.objects.select_for_update().get_or_create(
        user=user, meeting=meeting, defaults={"up_to": 0}
    )
    last = MeetingChange.all_objects.filter(meeting=meeting).aggregate(m=Max("pk"))["m"] or 0
    up_to = min(max(int(up_to), 0), last)
    if up_to > ack.up_to or ack.up_to == 0:
        ack.up_to = max(ack.up_to, up_to)
        ack.at = timezone.now()
        ack.save(update_fields=["up_to", "at"])
    return ack


def may_acknowledge(user, meeting: Meeting) -> bool:
    """A member may acknowledge the changes of their committees' public meetings."""
    return visibility.is_meeting_public(meeting) and meeting.committee_id in member_committee_ids(
        user, on=timezone.localdate()
    )
