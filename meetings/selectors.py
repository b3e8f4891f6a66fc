"""Reads for meetings pages. Public reads go through the safe default managers; reads that
include exempt papers take the viewer and check ``scrutiny.permissions`` first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import CharField, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Document,
    ExemptAccess,
    Meeting,
    MeetingStatus,
    Report,
)
from scrutiny import visibility
from scrutiny.permissions import can_view_exempt, is_officer, member_committee_ids


def public_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("committee")


def meeting_date(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.start).date()


def viewer_sees_exempt(user, meeting: Meeting) -> bool:
    return can_view_exempt(user, meeting.committee, on=meeting_date(meeting))


def agenda(
    meeting: Meeting, *, include_private: bool, preview: bool = False, drafts: bool = False
) -> list[AgendaItem]:
    """The meeting's items in order with their reports and documents.

    Without ``include_private`` the papers come from the public managers, so the papers of
    exempt or confidential items are never loaded (their titles and paragraph are).
    ``include_private`` (members and officers, after ``viewer_sees_exempt``) adds the papers of
    exempt items, never drafts. ``preview`` (officer pages only) shows the public papers of a
    meeting not yet published; ``drafts`` (the officer's meeting page only) every paper."""
    if drafts:
        # The officer's page: every current paper (drafts included); withdrawn papers and
        # earlier versions are attached below as ``withdrawn_papers`` / ``earlier_versions``.
        papers, documents = Report.all_objects.current(), Document.all_objects.current()
    elif include_private:
        papers, documents = Report.all_objects.issued(), Document.all_objects.issued()
    elif preview:
        # As the public will see it once published: issued papers of open items.
        papers = Report.all_objects.issued().filter(visibility.item_open("agenda_item"))
        documents = Document.all_objects.issued().filter(visibility.item_open("agenda_item"))
    else:
        papers, documents = Report.objects.all(), Document.objects.all()
    # Every item is listed (exempt ones by title, paragraph and reasons); only papers differ.
    items = AgendaItem.all_objects.filter(meeting=meeting)
    loaded = list(
        items.select_related("previous_meeting__committee")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=papers.filter(agenda_item__meeting=meeting).select_related("document"),
            ),
            Prefetch(
                "documents",
                queryset=documents.filter(agenda_item__meeting=meeting).defer("text"),
            ),
            "contact_officers",
        )
        .order_by("order", "pk")
    )
    _attach_withdrawals(loaded, meeting, officer=drafts, include_private=include_private)
    if drafts:
        _attach_versions(loaded, meeting)
    return loaded


def _attach_withdrawals(items, meeting, *, officer: bool, include_private: bool) -> None:
    """``item.withdrawn_papers``: the papers withdrawn from each item, for its note
    "Withdrawn on <date>: <reason>". The public sees the notes of open items only
    (``visibility.paper_withdrawal_noted``); members those of every item; officers also
    the withdrawn papers themselves. An uploaded report and its PDF make one note."""
    if officer or include_private:
        noted = visibility.paper_withdrawn()
        if not officer:
            noted &= ~visibility.paper_draft()
        reports = Report.all_objects.filter(noted, agenda_item__meeting=meeting)
        documents = Document.all_objects.filter(noted, agenda_item__meeting=meeting)
    else:
        reports = Report.all_objects.withdrawal_notes().filter(agenda_item__meeting=meeting)
        documents = Document.all_objects.withdrawal_notes().filter(agenda_item__meeting=meeting)
    notes: dict[int, list] = {}
    if not officer:
        # The public and members read title, date and reason only: one query for both kinds
        # of paper keeps the meeting page's query count where it was before withdrawal.
        for note in _withdrawal_notes(reports, documents):
            notes.setdefault(note.agenda_item_id, []).append(note)
    else:
        report_docs = set()
        for r in reports.order_by("withdrawn_at", "pk"):
            report_docs.add(r.document_id)
            notes.setdefault(r.agenda_item_id, []).append(r)
        for d in documents.defer("text").order_by("withdrawn_at", "pk"):
            if d.pk not in report_docs:
                notes.setdefault(d.agenda_item_id, []).append(d)
    for item in items:
        item.withdrawn_papers = notes.get(item.pk, [])


def _withdrawal_notes(reports, documents) -> list[SimpleNamespace]:
    """The withdrawal notes of ``reports`` and ``documents`` in one UNION query, oldest first;
    an uploaded report and its PDF make one note (the report's)."""
    columns = ("kind", "pk", "agenda_item_id", "title", "withdrawn_at", "withdrawal_reason", "doc")
    rows = (
        reports.annotate(kind=Value("report", output_field=CharField()), doc=F("document_id"))
        .order_by()
        .values_list(*columns)
        .union(
            documents.annotate(kind=Value("document", output_field=CharField()), doc=F("pk"))
            .order_by()
            .values_list(*columns),
            all=True,
        )
        .order_by("withdrawn_at", "kind", "pk")
    )
    notes = [SimpleNamespace(**dict(zip(columns, row, strict=True))) for row in rows]
    report_docs = {n.doc for n in notes if n.kind == "report" and n.doc is not None}
    return [n for n in notes if n.kind == "report" or n.pk not in report_docs]


def _attach_versions(items, meeting) -> None:
    """``paper.earlier_versions`` (newest first) on each current paper of the officer's
    page: the versions it replaced, which officers may still open."""
    for model, attr in ((Report, "reports"), (Document, "documents")):
        superseded = {
            p.superseded_by_id: p
            for p in model.all_objects.filter(
                visibility.paper_superseded(), agenda_item__meeting=meeting
            ).defer(*(["text"] if model is Document else []))
        }
        for item in items:
            for paper in getattr(item, attr).all():
                chain, at = [], paper.pk
                while at in superseded and len(chain) < 100:
                    chain.append(superseded[at])
                    at = superseded[at].pk
                paper.earlier_versions = chain


def may_read_paper(user, item: AgendaItem, *, paper: Report | Document | None = None) -> bool:
    """Can ``user`` read ``paper`` (or the papers of ``item``): drafts and unpublished
    meetings are for officers; exempt papers for those who may read them."""
    if is_officer(user):
        return True
    if paper is not None and not visibility.is_paper_issued(paper):
        return False  # drafts, withdrawn papers and earlier versions: officers only
    meeting = item.meeting
    if not visibility.is_meeting_public(meeting):
        return False
    if visibility.is_item_private(item):
        return viewer_sees_exempt(user, meeting)
    return True


def my_committee_ids(user) -> set[int]:
    """Committees the user sits on today (any role)."""
    return member_committee_ids(user, on=timezone.localdate())


def councillor_meetings(user, *, upcoming: bool, limit: int = 10) -> list[Meeting]:
    ids = my_committee_ids(user)
    if not ids:
        return []
    now = timezone.now()
    qs = Meeting.objects.select_related("committee").filter(committee_id__in=ids)
    qs = qs.upcoming(now) if upcoming else qs.past(now)
    return list(qs[:limit])


@dataclass(frozen=True)
class MeetingSummary:
    """A committee's next public meeting or, when none is coming, its last one."""

    meeting: Meeting
    upcoming: bool
    links: tuple[tuple[str, str], ...] = ()


def next_or_last_meetings(committee_ids) -> dict[int, MeetingSummary]:
    """For each committee, its next public meeting (starting now or later) or else its last
    one. Public means the one rule (``Meeting.objects``): a meeting whose agenda is not yet
    published is never returned, not even its date. Two queries whatever the number of
    committees."""
    from django.db.models import OuterRef, Subquery

    from scrutiny.models import Committee

    ids = list(committee_ids)
    if not ids:
        return {}
    now = timezone.now()
    mine = Meeting.objects.filter(committee=OuterRef("pk")).exclude(status=MeetingStatus.CANCELLED)
    rows = Committee.objects.filter(pk__in=ids).annotate(
        next_id=Subquery(mine.upcoming(now).values("pk")[:1]),
        last_id=Subquery(mine.past(now).values("pk")[:1]),
    )
    chosen = {}
    for row in rows.values("pk", "next_id", "last_id"):
        if row["next_id"] or row["last_id"]:
            chosen[row["pk"]] = (row["next_id"] or row["last_id"], row["next_id"] is not None)
    meetings = public_meetings().in_bulk([pk for pk, _ in chosen.values()])
    return {
        committee_id: MeetingSummary(meeting=meetings[pk], upcoming=upcoming)
        for committee_id, (pk, upcoming) in chosen.items()
        if pk in meetings
    }


def exempt_access_by_paper(meeting: Meeting) -> list[tuple[str, list]]:
    """The exempt-access log of ``meeting`` (reads and refused attempts), grouped by the paper
    or other material read, most recent first (issue 23 finding 4; officers only)."""

    rows = (
        ExemptAccess.objects.filter(
            Q(meeting=meeting)
            | Q(document__agenda_item__meeting=meeting)
            | Q(report__agenda_item__meeting=meeting)
        )
        .select_related("user")
        .order_by("-at", "-pk")
    )
    groups: dict[str, list] = {}
    for row in rows:
        if row.document_id:
            key = f"Document {row.document_id}"
        elif row.report_id:
            key = f"Report {row.report_id}"
        else:
            key = row.what
        groups.setdefault(key, []).append(row)
    return [(group[0].what, group) for group in groups.values()]


def own_exempt_reads(user) -> list:
    """What ``user`` read of exempt material, most recent first. Refused attempts are not
    listed: their description names a paper the user may not see (officers see them)."""
    return list(ExemptAccess.objects.filter(user=user, refused=False).order_by("-at", "-pk")[:500])
