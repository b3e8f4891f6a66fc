"""Write operations on meetings, agenda items, reports and documents.

Every function is keyword-only, validates, writes in one transaction and raises
``ValidationError`` with field keys that views map onto their forms. When anything on a
published meeting changes, ``meetings.signals.meeting_changed`` is sent after the commit (and
``meeting_published`` when the agenda is published) so the agenda packs are rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings import changes, workdays
from meetings.models import (
    DEFAULT_STANDARD_ITEMS,
    STANDARD_SECTIONS,
    AgendaItem,
    ChangeKind,
    CommitteeAgendaSettings,
    Document,
    ItemKind,
    Meeting,
    MeetingStatus,
    Report,
    ReportSection,
)
from meetings.signals import meeting_changed, meeting_published
from meetings.uploads import inspect_pdf, read_upload, tagging_of
from scrutiny import bulk, constitution, dates
from scrutiny.audit import records_by
from scrutiny.conflicts import check_version
from scrutiny.models import Committee, Person
from scrutiny.sanitise import sanitise

# --- helpers -------------------------------------------------------------------------------


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_version(obj, version: int | None) -> None:
    check_version(obj.version, version)


def _lock_meeting(meeting: Meeting) -> Meeting:
    """Re-read the meeting FOR UPDATE so concurrent numbering and publishing serialise."""
    return Meeting.all_objects.select_for_update().get(pk=meeting.pk)


def _changed(meeting: Meeting) -> None:
    """Record and announce a change to a published meeting (after commit)."""
    if not meeting.is_published:
        return
    now = timezone.now()
    Meeting.all_objects.filter(pk=meeting.pk).update(papers_changed_at=now)
    meeting.papers_changed_at = now
    pk = meeting.pk

    def send():
        fresh = Meeting.all_objects.filter(pk=pk).first()
        if fresh is not None:
            meeting_changed.send(sender=Meeting, meeting=fresh)

    transaction.on_commit(send)


def _late_fields(meeting: Meeting, urgency_reasons: str, field: str = "urgency_reasons"):
    """(is_late, reasons): papers added after publication need the chair's reasons."""
    if not meeting.is_published:
        return False, urgency_reasons.strip()
    if not urgency_reasons.strip():
        raise ValidationError(
            {
                field: [
                    "The agenda is already published: enter the chair's reasons for "
                    "considering this as urgent business."
                ]
            }
        )
    return True, urgency_reasons.strip()


def _draft_fields(meeting: Meeting, urgency_reasons: str):
    """(is_late, is_draft, reasons) of a paper being added. Before publication a paper is
    published with the agenda. After it, the paper is a late paper and starts as a draft that
    only officers see (not the public, not members, not the packs) until the officer
    publishes it with ``publish_late_paper`` and the chair's reasons for urgency; the reasons
    may be written now or then. A meeting already held takes no late papers (issue 23
    finding 5): what came after it belongs with its minutes, not its agenda."""
    if not meeting.is_published:
        return False, False, urgency_reasons.strip()
    _refuse_late_paper_if_held(meeting)
    return True, True, urgency_reasons.strip()


def late_paper_refusal(meeting: Meeting) -> str:
    """Why no paper may be added to ``meeting``'s published agenda now ("" if one may)."""
    if meeting.is_published and meeting.status == MeetingStatus.HELD:
        return (
            f"The meeting on {meeting.date:%-d %B %Y} has been recorded as held: a late paper "
            "cannot be added to its agenda. Attach anything considered at the meeting to its "
            "minutes instead."
        )
    return ""


def _refuse_late_paper_if_held(meeting: Meeting) -> None:
    if refusal := late_paper_refusal(meeting):
        raise ValidationError({"__all__": [refusal]})


@records_by
@transaction.atomic
def publish_late_paper(
    *, paper: Report | Document, urgency_reasons: str | None = None, by
) -> Report | Document:
    """Publish a draft late paper (report or document) on a published agenda: it needs the
    chair's reasons for urgency (given here, or saved with the draft). An uploaded report and
    its PDF are published together. Packs are rebuilt and the search index updated (through
    ``meeting_changed``)."""
    model = type(paper)
    meeting = _lock_meeting(paper.agenda_item.meeting)
    paper = model.all_objects.select_for_update().get(pk=paper.pk)
    if not paper.is_draft:
        raise ValidationError({"__all__": [f'"{paper.title}" is already published.']})
    if not meeting.is_published:
        raise ValidationError(
            {"__all__": ["The agenda is not published yet: the paper goes out with it."]}
        )
    _refuse_late_paper_if_held(meeting)
    reasons = (paper.urgency_reasons if urgency_reasons is None else urgency_reasons).strip()
    if not reasons:
        raise ValidationError(
            {
                "urgency_reasons": [
                    "The agenda is already published: enter the chair's reasons for "
                    "considering this as urgent business."
                ]
            }
        )
    linked: list[Report | Document] = [paper]
    if isinstance(paper, Report) and paper.document_id:
        linked += list(Document.all_objects.drafts().filter(pk=paper.document_id))
    elif isinstance(paper, Document):
        linked += list(Report.all_objects.drafts().filter(document=paper))
    for each in linked:
        each.is_draft = False
        each.is_late = True
        each.urgency_reasons = reasons
        fields = ["is_draft", "is_late", "urgency_reasons", "modified_at"]
        if isinstance(each, Report):
            each.version += 1
            fields.append("version")
        each._history_user = by if getattr(by, "pk", None) else None
        each.save(update_fields=fields)
    changes.record(meeting, ChangeKind.LATE_PAPER, paper=paper, after=paper.title)
    _changed(meeting)
    return paper


def _validate_exemption(
    *, is_exempt: bool, exempt_paragraph: int | None, exempt_reasons: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if is_exempt:
        if exempt_paragraph not in range(1, 8):
            errors["exempt_paragraph"] = ["Choose the paragraph of Schedule 12A (1 to 7)."]
        if not exempt_reasons.strip():
            errors["exempt_reasons"] = [
                "Enter the reasons the item is exempt, including the public interest test."
            ]
    return errors


def _renumber(meeting: Meeting) -> dict[int, int]:
    """Number the agenda 1, 2, 3… in its order; returns each item's place (id -> order)."""
    places = {}
    for position, item in enumerate(
        AgendaItem.all_objects.filter(meeting=meeting).order_by("order", "pk"), start=1
    ):
        if item.order != position or item.number != str(position):
            AgendaItem.all_objects.filter(pk=item.pk).update(order=position, number=str(position))
        places[item.pk] = position
    return places


def council_standard_items() -> list[dict[str, str]]:
    """The council's standard opening items (the constitution settings), else the built-in
    ``DEFAULT_STANDARD_ITEMS``."""
    chosen = constitution.standard_items()
    return chosen if chosen is not None else [dict(i) for i in DEFAULT_STANDARD_ITEMS]


def standard_items_for(committee: Committee) -> list[dict[str, str]]:
    """The committee's own list when it has one, else the council's (issue 21)."""
    settings_row = CommitteeAgendaSettings.objects.filter(committee=committee).first()
    if settings_row is None:
        return council_standard_items()
    return [dict(i) for i in settings_row.standard_items]


@records_by
def set_council_standard_items(*, items: Sequence[dict[str, str]] | None, by) -> None:
    """The council's standard opening items (an administrator, on the constitution
    settings): new meetings of every committee without its own list start with them. None
    goes back to the built-in list. Audited in the constitution's history."""
    clean = None if items is None else _clean_standard_items(items)
    constitution.save_standard_items(items=clean, by=by)


def _clean_standard_items(items: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    kinds = {k for k, _ in ItemKind.choices}
    clean: list[dict[str, str]] = []
    for n, item in enumerate(items, start=1):
        kind = item.get("kind") or ItemKind.BUSINESS
        title = (item.get("title") or "").strip()
        if kind not in kinds:
            _raise({"standard_items": [f"Item {n}: unknown kind {kind!r}."]})
        if not title:
            _raise({"standard_items": [f"Item {n}: enter a title."]})
        clean.append(
            {"kind": str(kind), "title": title, "description": item.get("description", "").strip()}
        )
    return clean


@records_by
@transaction.atomic
def set_standard_items(
    *, committee: Committee, items: Sequence[dict[str, str]], by
) -> CommitteeAgendaSettings:
    """Choose the opening items new meetings of ``committee`` get (kind, title, description)."""
    clean = _clean_standard_items(items)
    row, _ = CommitteeAgendaSettings.objects.update_or_create(
        committee=committee, defaults={"standard_items": clean}
    )
    return row


# --- meetings ------------------------------------------------------------------------------


def previous_meeting_of(committee: Committee, start: dt.datetime) -> Meeting | None:
    return (
        Meeting.all_objects.filter(committee=committee, start__lt=start)
        .exclude(status__in=[MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
        .order_by("-start")
        .first()
    )


_YEARS = f"{dates.EARLIEST.year} and {dates.LATEST.year}"


def _validate_meeting_times(start, end, report_deadline=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start"] = ["Enter the date and time the meeting starts."]
    elif not dates.in_range(start):
        errors["start"] = [
            f"The meeting must start between {dates.EARLIEST.year} and {dates.LATEST.year}."
        ]
    if end is not None and not dates.in_range(end):
        errors["end"] = [
            f"The meeting must end between {dates.EARLIEST.year} and {dates.LATEST.year}."
        ]
    elif start is not None and end is not None and end < start:
        errors["end"] = ["The end must be after the start."]
    if report_deadline is not None and not dates.in_range(report_deadline):
        errors["report_deadline"] = [dates.range_message()]
    return errors


def _validate_not_duplicate(committee: Committee, start, exclude_pk: int | None = None):
    """A committee cannot meet twice at the same moment: a second meeting with the same
    start is a slip (a double submit, a copied date). Cancelled and postponed meetings do
    not count: a meeting re-arranged for the same time is allowed."""
    if start is None:
        return {}
    # Times are shown and entered to the minute: 10:00:30 is "10:00" to everyone who reads it.
    minute = start.replace(second=0, microsecond=0)
    clash = (
        Meeting.all_objects.filter(
            committee=committee, start__gte=minute, start__lt=minute + dt.timedelta(minutes=1)
        )
        .exclude(status__in=[MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
        .exclude(pk=exclude_pk)
        .first()
    )
    if clash is None:
        return {}
    return {
        "start": [
            f"{committee.name} already has a meeting at this time "
            f"({timezone.localtime(clash.start):%-H:%M on %A %-d %B %Y}, meeting {clash.pk}). "
            "Change the date or time, or edit that meeting instead."
        ]
    }


@records_by
@transaction.atomic
def create_meeting(
    *,
    committee: Committee,
    start: dt.datetime,
    end: dt.datetime | None = None,
    venue: str = "",
    is_public: bool = True,
    webcast_url: str = "",
    is_hybrid: bool = False,
    contact_officer: Person | None = None,
    report_deadline: dt.date | None = None,
    copy_previous_agenda: bool = False,
    standard_items: bool = True,
    by,
) -> Meeting:
    """Create a meeting whose agenda starts with the committee's standard opening items or,
    with ``copy_previous_agenda``, with a copy of the agenda of the committee's previous meeting
    (titles, descriptions, kinds, order, contacts and exemptions; never its papers).
    ``standard_items=False`` starts with an empty agenda (an import brings its own items).

    The constitution settings (issue 21) fill what the officer left empty: the venue, the
    end (the default end time on the meeting's day, when that is after the start) and the
    report deadline (the set number of working days before the meeting)."""
    defaults = constitution.meeting_defaults()
    if not venue.strip():
        venue = defaults.venue
    if end is None and start is not None and defaults.end_time is not None:
        local = timezone.localtime(start)
        candidate = local.replace(
            hour=defaults.end_time.hour, minute=defaults.end_time.minute, second=0, microsecond=0
        )
        end = candidate if candidate > local else None
    if report_deadline is None and start is not None and dates.in_range(start):
        report_deadline = default_report_deadline(timezone.localtime(start).date())
    errors = _validate_meeting_times(start, end, report_deadline)
    if not errors:
        errors = _validate_not_duplicate(committee, start)
    if (
        not errors
        and report_deadline
        and start
        and report_deadline > timezone.localtime(start).date()
    ):
        errors["report_deadline"] = ["The report deadline must be before the meeting."]
    _raise(errors)
    previous = previous_meeting_of(committee, start)
    if copy_previous_agenda and previous is None:
        _raise(
            {
                "copy_previous_agenda": [
                    f"{committee.name} has no earlier meeting to copy the agenda from: "
                    "start with the standard opening items instead."
                ]
            }
        )
    meeting = Meeting.all_objects.create(
        committee=committee,
        start=start,
        end=end,
        venue=venue.strip(),
        is_public=is_public,
        webcast_url=webcast_url.strip(),
        is_hybrid=is_hybrid,
        contact_officer=contact_officer or committee.contact_officer,
        report_deadline=report_deadline,
    )
    if copy_previous_agenda:
        specs = _copied_agenda(previous)
    else:
        specs = standard_items_for(committee) if standard_items else []
    for position, spec in enumerate(specs, start=1):
        description = spec.get("description", "")
        prev = None
        if spec["kind"] == ItemKind.MINUTES:
            prev = previous
            if previous is not None:
                description = minutes_item_description(committee, previous)
        item = AgendaItem.all_objects.create(
            meeting=meeting,
            order=position,
            number=str(position),
            kind=spec["kind"],
            title=spec["title"],
            description=description,
            previous_meeting=prev,
            **spec.get("copied", {}),
        )
        if spec.get("contact_officers"):
            item.contact_officers.set(spec["contact_officers"])
    _follow_inserted_meeting(meeting, previous)
    return meeting


def default_report_deadline(meeting_day: dt.date) -> dt.date | None:
    """The report deadline the constitution's rule gives a meeting on ``meeting_day``: the
    working day that many working days before it (None when there is no rule)."""
    days = constitution.report_deadline_working_days()
    if not days:
        return None
    return workdays.working_days_before(meeting_day, days)


# --- the minutes item's previous meeting (issue 15 items 4 and 9) ---------------------------


def minutes_item_description(committee: Committee, previous: Meeting | None) -> str:
    """The description a minutes item gets for ``previous`` (kept in step while the officer
    has not rewritten it)."""
    if previous is None:
        return "To approve the minutes of the previous meeting."
    return (
        f"To approve the minutes of the {committee.name} meeting held on "
        f"{timezone.localtime(previous.start):%-d %B %Y}."
    )


def previous_meeting_choices(meeting: Meeting):
    """The meetings whose minutes a minutes item of ``meeting`` may carry: the committee's
    earlier meetings, latest first."""
    return Meeting.all_objects.filter(
        committee_id=meeting.committee_id, start__lt=meeting.start
    ).order_by("-start")


def _validate_previous(meeting: Meeting, previous: Meeting | None) -> dict[str, list[str]]:
    if previous is None:
        return {}
    if previous.committee_id != meeting.committee_id or previous.start >= meeting.start:
        return {"previous_meeting": ["Choose an earlier meeting of the same committee."]}
    return {}


def _follow_inserted_meeting(meeting: Meeting, previous: Meeting | None) -> None:
    """A meeting entered after a later one (last month's, typed in after next month's was
    set up): the next meeting's minutes item pointed, by default, at the meeting before this
    one; it now carries this meeting's minutes. Not once the next agenda is published (its
    pack has gone out: the officer changes it on the item's page)."""
    following = (
        Meeting.all_objects.filter(committee_id=meeting.committee_id, start__gt=meeting.start)
        .exclude(status__in=[MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
        .order_by("start")
        .first()
    )
    if following is None or following.status != MeetingStatus.SCHEDULED:
        return
    old_text = minutes_item_description(meeting.committee, previous)
    for item in AgendaItem.all_objects.filter(
        meeting=following, kind=ItemKind.MINUTES, previous_meeting=previous
    ):
        item.previous_meeting = meeting
        if item.description == old_text:
            item.description = minutes_item_description(meeting.committee, meeting)
        item.version += 1
        item.save()


def _copied_agenda(previous: Meeting) -> list[dict[str, Any]]:
    """The items of ``previous`` as specs for a new meeting: title, description, kind,
    order, contacts and exemption (flag, paragraph, public reasons, confidential). Never the
    papers, and never lateness: a copied item is on the new agenda from the start."""
    specs = []
    for item in (
        AgendaItem.all_objects.filter(meeting=previous)
        .order_by("order", "pk")
        .prefetch_related("contact_officers")
    ):
        specs.append(
            {
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "contact_officers": list(item.contact_officers.all()),
                "copied": {
                    "contact_text": item.contact_text,
                    "is_exempt": item.is_exempt,
                    "exempt_paragraph": item.exempt_paragraph if item.is_exempt else None,
                    "exempt_reasons": item.exempt_reasons if item.is_exempt else "",
                    "is_confidential": item.is_confidential,
                },
            }
        )
    return specs


@records_by
@transaction.atomic
def update_meeting(*, meeting: Meeting, version: int | None = None, by, **fields: Any) -> Meeting:
    """Change the meeting's details (start, end, venue, public, webcast, hybrid, contact,
    report deadline)."""
    meeting = _lock_meeting(meeting)
    _check_version(meeting, version)
    allowed = {
        "start",
        "end",
        "venue",
        "is_public",
        "webcast_url",
        "is_hybrid",
        "contact_officer",
        "report_deadline",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"update_meeting() got unexpected fields {sorted(unknown)}")
    was_start, was_venue = meeting.start, meeting.venue
    for name, value in fields.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    errors = _validate_meeting_times(meeting.start, meeting.end, meeting.report_deadline)
    if not errors and "start" in fields:
        errors = _validate_not_duplicate(meeting.committee, meeting.start, exclude_pk=meeting.pk)
    _raise(errors)
    meeting.version += 1
    meeting.save()
    if changes.when(meeting.start) != changes.when(was_start):
        changes.record(
            meeting,
            ChangeKind.DATE_CHANGED,
            before=changes.when(was_start),
            after=changes.when(meeting.start),
        )
    if meeting.venue != was_venue:
        changes.record(meeting, ChangeKind.VENUE_CHANGED, before=was_venue, after=meeting.venue)
    _changed(meeting)
    return meeting


def publication_warnings(meeting: Meeting, *, on: dt.date | None = None) -> dict[str, str]:
    """What the officer must confirm before publishing (keys: confirm_late, confirm_unsigned)."""
    on = on or timezone.localdate()
    warnings: dict[str, str] = {}
    meeting_day = timezone.localtime(meeting.start).date()
    needed = constitution.publication_clear_days()
    clear = workdays.clear_working_days(on, meeting_day, at_most=needed)
    if on >= meeting_day and on == timezone.localdate() and meeting.start <= timezone.now():
        # Not "late": the meeting is over. Usually a past meeting being entered after the
        # fact, whose agenda went out on a date the officer can record (issue 15, item 5).
        warnings["confirm_late"] = (
            f"The meeting was on {meeting_day:%A %-d %B %Y}: it is already over. If its "
            "agenda was despatched at the time, enter the date it was despatched; otherwise "
            "confirm you are publishing the agenda after the meeting."
        )
    elif clear < needed:
        deadline = workdays.latest_publication_date(meeting_day, needed)
        asks = (
            "the law asks for"
            if needed == workdays.CLEAR_WORKING_DAYS
            else ("the constitution asks for")
        )
        warnings["confirm_late"] = (
            f"Publishing today gives {clear} clear working "
            f"day{'s' if clear != 1 else ''} before the meeting; {asks} "
            f"{needed} (the last day in time was "
            f"{deadline:%A %-d %B %Y}). Confirm you are publishing late."
        )
    unsigned = [
        r.title
        for r in Report.all_objects.filter(
            agenda_item__meeting=meeting, source=Report.Source.AUTHORED
        )
        if not r.is_signed_off
    ]
    if unsigned:
        warnings["confirm_unsigned"] = (
            f"{len(unsigned)} report{'s have' if len(unsigned) != 1 else ' has'} not been "
            f"signed off: {', '.join(unsigned)}. Confirm you are publishing without sign-off."
        )
    return warnings


def _validate_despatch(meeting: Meeting, despatched_on: dt.date) -> dict[str, list[str]]:
    """The rules for a despatch date recorded after the fact (docs/notes-papers.md):
    only for a meeting that is already over (an upcoming meeting's agenda is published now,
    so a late one cannot be made to look in time: notes-attack.md, finding 3), not in the
    future, not after the day of the meeting, not before the meeting's municipal year could
    have begun (a year before the meeting), and in the portal's range of dates."""
    meeting_day = timezone.localtime(meeting.start).date()
    if not dates.in_range(despatched_on):
        return {"despatched_on": [dates.range_message()]}
    if meeting.start > timezone.now():
        return {
            "despatched_on": [
                "A despatch date other than today can be entered only for a meeting that is "
                "already over. This meeting has not happened yet: leave the date empty to "
                "publish the agenda today."
            ]
        }
    if despatched_on > timezone.localdate():
        return {"despatched_on": ["The despatch date cannot be in the future."]}
    if despatched_on > meeting_day:
        return {
            "despatched_on": [
                f"The despatch date must be on or before the day of the meeting "
                f"({meeting_day:%-d %B %Y})."
            ]
        }
    if despatched_on < meeting_day - dt.timedelta(days=366):
        return {
            "despatched_on": [
                "The despatch date is more than a year before the meeting: check the year."
            ]
        }
    return {}


@records_by
@transaction.atomic
def publish_meeting(
    *,
    meeting: Meeting,
    by,
    confirm_late: bool = False,
    confirm_unsigned: bool = False,
    late_reason: str = "",
    at: dt.datetime | None = None,
    despatched_on: dt.date | None = None,
) -> Meeting:
    """Publish the agenda. ``at`` records an earlier publication (demo data and imports of
    past meetings); the five-day check is made as of that moment.

    ``despatched_on``: the date the agenda was really despatched, for a meeting entered
    after the fact (issue 15, item 5). It is the publication date the public sees, with the
    date it was entered here (``publication_entered_at``); the five-day check is made as of
    that date. Only for a meeting that is already over; it cannot be in the future, nor after
    the day of the meeting."""
    meeting = _lock_meeting(meeting)
    if meeting.is_published:
        raise ValidationError({"__all__": ["The agenda of this meeting is already published."]})
    entered_at = None
    if despatched_on is not None and despatched_on != timezone.localdate():
        _raise(_validate_despatch(meeting, despatched_on))
        at = timezone.make_aware(dt.datetime.combine(despatched_on, dt.time.min))
        entered_at = timezone.now()
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            {"__all__": [f"A {meeting.get_status_display().lower()} meeting cannot be published."]}
        )
    if not AgendaItem.all_objects.filter(meeting=meeting).exists():
        raise ValidationError({"__all__": ["Add at least one agenda item before publishing."]})
    from meetings.conversion import check_nothing_converting  # it adds papers through here

    check_nothing_converting(meeting)
    now = at or timezone.now()
    warnings = publication_warnings(meeting, on=timezone.localtime(now).date())
    errors = {}
    if "confirm_late" in warnings and not confirm_late:
        errors["confirm_late"] = [warnings["confirm_late"]]
    if "confirm_unsigned" in warnings and not confirm_unsigned:
        errors["confirm_unsigned"] = [warnings["confirm_unsigned"]]
    _raise(errors)
    meeting.published_at = now
    meeting.publication_entered_at = entered_at
    meeting.published_by = by if getattr(by, "pk", None) else None
    meeting.published_late = "confirm_late" in warnings
    meeting.late_publication_reason = late_reason.strip() if meeting.published_late else ""
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.papers_changed_at = entered_at or now
    meeting.version += 1
    meeting.save()
    changes.record(meeting, ChangeKind.AGENDA_PUBLISHED, at=now)
    pk = meeting.pk

    def send():
        fresh = Meeting.all_objects.get(pk=pk)
        meeting_published.send(sender=Meeting, meeting=fresh)

    transaction.on_commit(send)
    return meeting


@records_by
@transaction.atomic
def cancel_meeting(*, meeting: Meeting, notice: str, by) -> Meeting:
    meeting = _lock_meeting(meeting)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise ValidationError(
            {"__all__": [f"The meeting is already {meeting.get_status_display().lower()}."]}
        )
    if not notice.strip():
        raise ValidationError({"notice": ["Enter the notice to show the public."]})
    was = meeting.get_status_display()
    meeting.status = MeetingStatus.CANCELLED
    meeting.status_notice = notice.strip()
    meeting.version += 1
    meeting.save()
    changes.record(meeting, ChangeKind.CANCELLED, before=was, after=meeting.status_notice)
    _changed(meeting)
    return meeting


@records_by
@transaction.atomic
def postpone_meeting(*, meeting: Meeting, notice: str, by) -> Meeting:
    meeting = _lock_meeting(meeting)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD, MeetingStatus.POSTPONED):
        raise ValidationError(
            {"__all__": [f"The meeting is already {meeting.get_status_display().lower()}."]}
        )
    if not notice.strip():
        raise ValidationError(
            {"notice": ["Enter the notice to show the public, with the new date if known."]}
        )
    was = meeting.get_status_display()
    meeting.status = MeetingStatus.POSTPONED
    meeting.status_notice = notice.strip()
    meeting.version += 1
    meeting.save()
    changes.record(meeting, ChangeKind.POSTPONED, before=was, after=meeting.status_notice)
    _changed(meeting)
    return meeting


@records_by
@transaction.atomic
def mark_held(*, meeting: Meeting, by) -> Meeting:
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.AGENDA_PUBLISHED:
        raise ValidationError(
            {"__all__": ["Only a meeting whose agenda is published can be marked as held."]}
        )
    if meeting.start > timezone.now():
        raise ValidationError({"__all__": ["The meeting has not started yet."]})
    meeting.status = MeetingStatus.HELD
    meeting.version += 1
    meeting.save()
    _changed(meeting)
    return meeting


# --- agenda items --------------------------------------------------------------------------


@records_by
def add_agenda_item(*, meeting: Meeting, by, **fields: Any) -> AgendaItem:
    """Add an item at the end of the agenda: ``add_agenda_items`` with one item, whose
    fields (title, description, kind, …) are ``_new_item``'s."""
    return add_agenda_items(meeting=meeting, items=[fields], by=by)[0]


MAX_ITEMS_AT_ONCE = 50


@records_by
@transaction.atomic
def add_agenda_items(
    *, meeting: Meeting, items: Sequence[dict[str, Any]], urgency_reasons: str = "", by
) -> list[AgendaItem]:
    """Add items at the end of the agenda, in the order given (at most
    ``MAX_ITEMS_AT_ONCE``). Each is a dict of ``add_agenda_item``'s arguments: ``title`` and
    optionally description, kind, contact_text, contact_officers, previous_meeting,
    is_exempt, exempt_paragraph, exempt_reasons, is_confidential and urgency_reasons. After
    publication they are late items and need the chair's reasons for urgency: an item's
    own, else ``urgency_reasons`` (one text for them all).

    All or nothing: if any item is refused, none is added. The errors of one item are
    raised by field, as ``add_agenda_item``'s form shows them; those of several say which
    item ("Item 2: enter the title of the item."). The meeting is locked and renumbered once
    for them all and, while a bulk writer has deferred the meeting's per-record receivers
    (``scrutiny.bulk``: an import), the items are inserted in one statement with their
    history rows."""
    meeting = _lock_meeting(meeting)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise ValidationError(
            {
                "__all__": [
                    f"Items cannot be added to a {meeting.get_status_display().lower()} meeting."
                ]
            }
        )
    errors: list[str] = []
    if not items:
        errors.append("Enter at least one item.")
    elif len(items) > MAX_ITEMS_AT_ONCE:
        errors.append(f"Add at most {MAX_ITEMS_AT_ONCE} items at once.")
    _raise({"__all__": errors} if errors else {})
    if any(not (fields.get("urgency_reasons") or "").strip() for fields in items):
        _late_fields(meeting, urgency_reasons)  # refuses, once, without the chair's reasons
    start = AgendaItem.all_objects.filter(meeting=meeting).aggregate(m=Max("order"))["m"] or 0
    rows = []
    for n, fields in enumerate(items, start=1):
        fields = {**fields, "urgency_reasons": fields.get("urgency_reasons") or urgency_reasons}
        try:
            rows.append(_new_item(meeting, start + n, **fields))
        except ValidationError as exc:
            if len(items) == 1:
                raise
            errors += [f"Item {n}: {m[:1].lower()}{m[1:]}" for m in exc.messages]
    _raise({"__all__": errors} if errors else {})
    bulk.create_rows(AgendaItem, rows)
    for item, fields in zip(rows, items, strict=True):
        chosen = list(fields.get("contact_officers") or ())
        if chosen:  # a new item has none: set([]) would only read that back
            item.contact_officers.set(chosen)
    places = _renumber(meeting)
    for item in rows:
        item.order = places[item.pk]
        item.number = str(item.order)
        changes.record(
            meeting,
            ChangeKind.ITEM_ADDED,
            item=item,
            before="late" if item.is_late else "",
            after=item.title,
        )
    _changed(meeting)
    return rows


def _new_item(
    meeting: Meeting,
    position: int,
    *,
    title: str,
    description: str = "",
    kind: str = ItemKind.BUSINESS,
    is_exempt: bool = False,
    exempt_paragraph: int | None = None,
    exempt_reasons: str = "",
    is_confidential: bool = False,
    urgency_reasons: str = "",
    contact_officers: Iterable[Person] = (),
    contact_text: str = "",
    previous_meeting: Meeting | None = None,
) -> AgendaItem:
    """A new item of ``meeting`` at ``position``, checked, not saved."""
    errors = _validate_exemption(
        is_exempt=is_exempt, exempt_paragraph=exempt_paragraph, exempt_reasons=exempt_reasons
    )
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Enter the title of the item."]
    elif len(title) > 300:
        errors["title"] = ["The title must be 300 characters or fewer."]
    kind = kind or ItemKind.BUSINESS
    if kind not in ItemKind.values:
        errors["kind"] = ["Choose the kind of item."]
    errors.update(_validate_previous(meeting, previous_meeting))
    _raise(errors)
    is_late, reasons = _late_fields(meeting, urgency_reasons)
    return AgendaItem(
        meeting=meeting,
        order=position,
        number=str(position),
        kind=kind,
        title=title,
        description=(description or "").strip(),
        contact_text=(contact_text or "").strip()[:300],
        previous_meeting=previous_meeting,
        is_exempt=is_exempt,
        exempt_paragraph=exempt_paragraph if is_exempt else None,
        exempt_reasons=exempt_reasons.strip() if is_exempt else "",
        is_confidential=is_confidential,
        is_late=is_late,
        urgency_reasons=reasons,
    )


@records_by
@transaction.atomic
def update_agenda_item(
    *,
    item: AgendaItem,
    version: int | None = None,
    by,
    contact_officers: Iterable[Person] | None = None,
    **fields: Any,
) -> AgendaItem:
    """Change an item's title, description, kind, contacts, exemption or urgency reasons."""
    allowed = {
        "title",
        "description",
        "kind",
        "contact_text",
        "previous_meeting",
        "is_exempt",
        "exempt_paragraph",
        "exempt_reasons",
        "is_confidential",
        "urgency_reasons",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"update_agenda_item() got unexpected fields {sorted(unknown)}")
    meeting = _lock_meeting(item.meeting)
    item = AgendaItem.all_objects.select_for_update().get(pk=item.pk)
    _check_version(item, version)
    old_previous = item.previous_meeting
    old_title = item.title
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    errors = _validate_exemption(
        is_exempt=item.is_exempt,
        exempt_paragraph=item.exempt_paragraph,
        exempt_reasons=item.exempt_reasons,
    )
    errors.update(_validate_previous(meeting, item.previous_meeting))
    if item.previous_meeting != old_previous and item.description == minutes_item_description(
        meeting.committee, old_previous
    ):  # the description named the old meeting and the officer did not rewrite it
        item.description = minutes_item_description(meeting.committee, item.previous_meeting)
    if not item.title:
        errors["title"] = ["Enter the title of the item."]
    if item.is_late and not item.urgency_reasons:
        errors["urgency_reasons"] = ["A late item needs the chair's reasons for urgency."]
    _raise(errors)
    if not item.is_exempt:
        item.exempt_paragraph = None
        item.exempt_reasons = ""
    item.version += 1
    item.save()
    if contact_officers is not None:
        item.contact_officers.set(list(contact_officers))
    if item.title != old_title:
        changes.record(
            meeting, ChangeKind.ITEM_RETITLED, item=item, before=old_title, after=item.title
        )
    _changed(meeting)
    return item


@records_by
@transaction.atomic
def set_item_numbers(*, meeting: Meeting, numbers: dict[int, str], by) -> None:
    """Give items the numbers printed on an agenda that was not numbered here (an import:
    "1.", "9", "5a"). ``numbers`` maps an item's id to its number; adding, moving or removing
    an item afterwards numbers the agenda 1, 2, 3… again."""
    meeting = _lock_meeting(meeting)
    items = set(AgendaItem.all_objects.filter(meeting=meeting).values_list("pk", flat=True))
    errors = []
    for pk, number in numbers.items():
        number = (number or "").strip().rstrip(".").strip()
        if pk not in items:
            errors.append(f"Item {pk} is not on this agenda.")
        elif not number or len(number) > 10:
            errors.append(f"Item {pk}: a number is 1 to 10 characters.")
    _raise({"numbers": errors} if errors else {})
    changed = False
    for pk, number in numbers.items():
        changed |= bool(
            AgendaItem.all_objects.filter(pk=pk)
            .exclude(number=number.strip().rstrip(".").strip())
            .update(number=number.strip().rstrip(".").strip())
        )
    if changed:
        _changed(meeting)


def _parse_position(value: int | str, count: int) -> int:
    text = str(value).strip()
    if not text:
        raise ValidationError({"position": ["Enter the position to move the item to."]})
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= count:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise ValidationError(
            {
                "position": [
                    f"The position must be a whole number from 1 to {count} "
                    f"(the number of items), not “{shown}”."
                ]
            }
        )
    return int(text)


@records_by
@transaction.atomic
def move_agenda_item(
    *,
    item: AgendaItem,
    direction: str | None = None,
    position: int | str | None = None,
    version: int | str | None = None,
    by,
) -> AgendaItem:
    """Move an item ``up``/``down`` one place or to ``position`` (1-based); renumbers all.

    ``position`` may be the text of a form field: anything but a whole number from 1 to the
    number of items is refused with a message that says so (never clamped or ignored).
    ``version`` is the item's version the officer's page showed: if the item has moved or
    changed since, ``EditConflict`` is raised and nothing moves. Every item whose place
    changes is saved with a new version and a history record naming ``by``."""
    meeting = _lock_meeting(item.meeting)
    current = AgendaItem.all_objects.filter(pk=item.pk, meeting=meeting).first()
    if current is None:
        raise ValidationError({"__all__": ["The item is no longer on this agenda."]})
    _check_version(current, version)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise ValidationError(
            {
                "__all__": [
                    f"The meeting is {meeting.get_status_display().lower()}: its agenda "
                    "order is fixed (the minutes follow it)."
                ]
            }
        )
    items = list(AgendaItem.all_objects.filter(meeting=meeting).order_by("order", "pk"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    if position is None:
        if direction not in ("up", "down"):
            raise ValidationError({"direction": ["Move the item up or down."]})
        # Up from the top or down from the bottom stays put.
        position = max(1, min(len(items), index + (0 if direction == "up" else 2)))
    else:
        position = _parse_position(position, len(items))
    moving = items.pop(index)
    was_number = moving.number
    items.insert(position - 1, moving)
    for n, it in enumerate(items, start=1):
        if it.order != n or it.number != str(n):
            it.order, it.number = n, str(n)
            it.version += 1
            it.save(update_fields=["order", "number", "version", "modified_at"])
    if moving.number != was_number:
        changes.record(
            meeting,
            ChangeKind.ITEM_MOVED,
            item=moving,
            subject=moving.title,
            before=was_number,
            after=moving.number,
        )
    _changed(meeting)
    return AgendaItem.all_objects.get(pk=item.pk)


@records_by
@transaction.atomic
def remove_agenda_item(*, item: AgendaItem, by) -> None:
    """Remove an item from an agenda that is not yet published."""
    meeting = _lock_meeting(item.meeting)
    if meeting.is_published:
        raise ValidationError(
            {
                "__all__": [
                    "The agenda is published: items cannot be removed, only withdrawn "
                    "(edit the item's description to say so)."
                ]
            }
        )
    files = [(d.file.storage, d.file.name) for d in Document.all_objects.filter(agenda_item=item)]
    item.delete()
    _renumber(meeting)
    for storage, name in files:
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))


# --- reports -------------------------------------------------------------------------------

REPORT_FIELDS = {
    "title",
    "author",
    "purpose",
    "is_key_decision",
    "key_decision_reason",
    "in_forward_plan",
    "forward_plan_reference",
    "eligible_for_call_in",
    "call_in_reason",
    "signed_off_by",
    "signed_off_on",
    "finance_signed_off_by",
    "legal_signed_off_by",
    "cabinet_portfolio",
    "wards_affected",
    "ward_councillors_consulted",
    "is_public_report",
    "generator",
    "generator_params",
    "urgency_reasons",
}


def _validate_report(report: Report) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not report.title.strip():
        errors["title"] = ["Enter the title of the report."]
    if report.signed_off_on and not report.signed_off_by.strip():
        errors["signed_off_by"] = ["Enter who signed the report off."]
    if report.signed_off_by.strip() and not report.signed_off_on:
        errors["signed_off_on"] = ["Enter the date the report was signed off."]
    if report.source == Report.Source.GENERATED and not report.generator:
        errors["generator"] = ["Choose what generates this report."]
    if report.source == Report.Source.UPLOADED and report.document_id is None:
        errors["document"] = ["Upload the report's PDF."]
    return errors


def _save_sections(report: Report, sections: Sequence[tuple[str, str] | dict]) -> None:
    report.sections.all().delete()
    n = 0
    for section in sections:
        heading, body = (
            (section.get("heading", ""), section.get("body", ""))
            if isinstance(section, dict)
            else section
        )
        heading = (heading or "").strip()
        if not heading:
            continue
        n += 1
        ReportSection.objects.create(report=report, order=n, heading=heading, body=sanitise(body))


@records_by
@transaction.atomic
def add_report(
    *,
    agenda_item: AgendaItem,
    title: str,
    by,
    source: str = Report.Source.AUTHORED,
    sections: Sequence[tuple[str, str] | dict] | None = None,
    document: Document | None = None,
    **fields: Any,
) -> Report:
    """Add a report to an item. Authored reports get the standard numbered sections unless
    ``sections`` ((heading, body) pairs) are given; bodies are sanitised HTML."""
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise TypeError(f"add_report() got unexpected fields {sorted(unknown)}")
    meeting = _lock_meeting(agenda_item.meeting)
    reasons = fields.pop("urgency_reasons", "")
    report = Report(
        agenda_item=agenda_item,
        title=title.strip(),
        source=source,
        document=document,
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()},
    )
    errors = _validate_report(report)
    if document is not None and document.agenda_item_id != agenda_item.pk:
        errors["document"] = ["The PDF must belong to the same agenda item."]
    _raise(errors)
    report.is_late, report.is_draft, report.urgency_reasons = _draft_fields(meeting, reasons)
    report.order = (
        Report.all_objects.filter(agenda_item=agenda_item).aggregate(m=Max("order"))["m"] or 0
    ) + 1
    report.save()
    if source == Report.Source.AUTHORED:
        _save_sections(
            report, sections if sections is not None else [(h, "") for h in STANDARD_SECTIONS]
        )
    if not report.is_draft:
        _changed(meeting)
    return report


@records_by
@transaction.atomic
def update_report(
    *,
    report: Report,
    version: int | None = None,
    by,
    sections: Sequence[tuple[str, str] | dict] | None = None,
    **fields: Any,
) -> Report:
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise TypeError(f"update_report() got unexpected fields {sorted(unknown)}")
    meeting = _lock_meeting(report.agenda_item.meeting)
    report = Report.all_objects.select_for_update().get(pk=report.pk)
    _check_version(report, version)
    _check_current(report, "edit")
    old_title = report.title
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    errors = _validate_report(report)
    if report.is_late and not report.is_draft and not report.urgency_reasons:
        errors["urgency_reasons"] = ["A late report needs the chair's reasons for urgency."]
    _raise(errors)
    report.version += 1
    report.save()
    if sections is not None:
        _save_sections(report, sections)
    if not report.is_draft:
        if report.title != old_title:
            changes.record(
                meeting,
                ChangeKind.PAPER_RETITLED,
                paper=report,
                before=old_title,
                after=report.title,
            )
        _changed(meeting)
    return report


@records_by
@transaction.atomic
def remove_report(*, report: Report, by) -> None:
    meeting = _lock_meeting(report.agenda_item.meeting)
    if meeting.is_published and not report.is_draft:
        raise ValidationError({"__all__": ["The agenda is published: reports cannot be removed."]})
    report.delete()


# --- documents -----------------------------------------------------------------------------


@records_by
@transaction.atomic
def add_document(
    *,
    agenda_item: AgendaItem,
    uploaded_file,
    title: str,
    by,
    urgency_reasons: str = "",
) -> Document:
    """Check, sanitise and store an uploaded PDF (``uploaded_file`` is any file-like with a
    ``name``). ``Document.sanitised`` says what was removed, for the officer."""
    meeting = _lock_meeting(agenda_item.meeting)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title for the document."]
    if uploaded_file is None:
        errors["uploaded_file"] = ["Choose a PDF file to upload."]
    _raise(errors)
    checked = inspect_pdf(read_upload(uploaded_file))
    is_late, is_draft, reasons = _draft_fields(meeting, urgency_reasons)
    original = (getattr(uploaded_file, "name", "") or "document.pdf").rsplit("/", 1)[-1]
    order = (
        Document.all_objects.filter(agenda_item=agenda_item).aggregate(m=Max("order"))["m"] or 0
    ) + 1
    document = Document(
        agenda_item=agenda_item,
        order=order,
        title=title.strip(),
        original_filename=original[:255],
        page_count=checked.page_count,
        size=checked.size,
        sha256=checked.sha256,
        sha512=checked.sha512,
        sanitised=checked.sanitised_text,
        is_tagged=checked.tagged,
        headings=checked.headings,
        is_late=is_late,
        is_draft=is_draft,
        urgency_reasons=reasons,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    document.file.save("upload.pdf", ContentFile(checked.data), save=False)
    path = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(path)
        raise
    if not document.is_draft:
        _changed(meeting)
    return document


@records_by
@transaction.atomic
def update_document(*, document: Document, title: str, by) -> Document:
    meeting = _lock_meeting(document.agenda_item.meeting)
    _check_current(document, "rename")
    if not title.strip():
        raise ValidationError({"title": ["Enter a title for the document."]})
    old_title = document.title
    document.title = title.strip()
    document.save(update_fields=["title", "modified_at"])
    if old_title != document.title and not document.is_draft:
        changes.record(
            meeting,
            ChangeKind.PAPER_RETITLED,
            paper=document,
            before=old_title,
            after=document.title,
        )
    _changed(meeting)
    return document


@records_by
@transaction.atomic
def remove_document(*, document: Document, by) -> None:
    meeting = _lock_meeting(document.agenda_item.meeting)
    if meeting.is_published and not document.is_draft:
        raise ValidationError(
            {"__all__": ["The agenda is published: documents cannot be removed."]}
        )
    name = document.file.name
    storage = document.file.storage
    Report.all_objects.filter(document=document).update(document=None)
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def record_document_tagging(*, document: Document) -> bool | None:
    """Check a stored PDF for tags and headings (``Document.is_tagged``/``headings``; new
    uploads get them from ``inspect_pdf``). A missing file is left unchecked (None). Writes
    only the two derived fields, without a new history row when nothing changed."""
    if not document.file or not document.file.storage.exists(document.file.name):
        return None
    with document.file.open("rb") as handle:
        tagged, headings = tagging_of(handle.read())
    if (document.is_tagged, document.headings) != (tagged, headings):
        Document.all_objects.filter(pk=document.pk).update(is_tagged=tagged, headings=headings)
        document.is_tagged, document.headings = tagged, headings
    return tagged


def log_exempt_access(
    *,
    user,
    what: str = "",
    document: Document | None = None,
    report: Report | None = None,
    meeting: Meeting | None = None,
    refused: bool = False,
):
    """Record that ``user`` read exempt material, or (``refused``) was refused it: the one
    exempt-access logger (issue 23 finding 4).

    Every view that serves exempt material calls it, and every view that refuses it: a paper
    (``document`` or ``report``, described from the paper), or anything else described by
    ``what`` (exempt minutes, the members' agenda pack) with its ``meeting``. It writes an
    ``ExemptAccess`` row and a line to the ``scrutiny.exempt_access`` log. A visitor who is not
    signed in is recorded without a user."""
    import logging

    from meetings.models import ExemptAccess

    paper = document or report
    if paper is not None:
        item = paper.agenda_item
        meeting = meeting or item.meeting
        if not what:
            what = (
                f"{'Document' if document else 'Report'} {paper.pk} “{paper.title}”, item "
                f"{item.number} of {item.meeting}"
            )
    if not what:
        raise ValueError("Say what was read: a document, a report or a description.")
    what = what[:300]
    reader = user if user is not None and user.is_authenticated else None
    access = ExemptAccess.objects.create(
        user=reader, document=document, report=report, meeting=meeting, what=what, refused=refused
    )
    logging.getLogger("scrutiny.exempt_access").info(
        "%s %s %s", reader or "anonymous", "was refused" if refused else "read", what
    )
    return access


# --- after publication: withdraw, replace, move (issue 15) ---------------------------------
#
# A paper published on the wrong item, or superseded, or not to be considered after all, is
# corrected here, never deleted: every step is kept in the papers' history (``by`` as the
# history user) and officers see the earlier versions on the meeting page. Each commit sends
# ``meeting_changed`` for every published meeting it touched: the packs are rebuilt and the
# search index and the open data records follow. The paper stops being public in the same
# transaction (``scrutiny.visibility.paper_issued``), so a pack that holds it stops being
# served the moment the change commits (``meetings.packs.services.is_public_now``).

Paper = Report | Document


def _lock_paper(paper: Paper) -> Paper:
    return type(paper).all_objects.select_for_update().get(pk=paper.pk)


def _partners(paper: Paper) -> list[Paper]:
    """The paper and the one it goes with: an uploaded report and its PDF are withdrawn,
    replaced and moved together."""
    together: list[Paper] = [paper]
    if isinstance(paper, Report) and paper.document_id:
        together += list(Document.all_objects.select_for_update().filter(pk=paper.document_id))
    elif isinstance(paper, Document):
        together += list(
            Report.all_objects.select_for_update().current().filter(document_id=paper.pk)
        )
    return together


def _versions(paper: Paper) -> list[Paper]:
    """Every version of ``paper``, the oldest first, ending with ``paper``."""
    chain = [paper]
    model = type(paper)
    current = paper
    while True:
        earlier = model.all_objects.filter(superseded_by_id=current.pk).first()
        if earlier is None or earlier in chain:
            return list(reversed(chain))
        chain.append(earlier)
        current = earlier


def paper_versions(paper: Paper) -> list[Paper]:
    """The versions of ``paper`` (oldest first), for the officer's history."""
    return _versions(paper)


def _save_paper(paper: Paper, fields: list[str], by) -> None:
    if isinstance(paper, Report) and "version" not in fields:
        paper.version += 1
        fields.append("version")
    paper._history_user = by if getattr(by, "pk", None) else None
    paper.save(update_fields=[*fields, "modified_at"])


def _check_current(paper: Paper, verb: str) -> None:
    if paper.withdrawn_at is not None:
        raise ValidationError(
            {"__all__": [f'"{paper.title}" was withdrawn: it cannot be changed any more.']}
        )
    if paper.superseded_by_id is not None:
        raise ValidationError(
            {
                "__all__": [
                    f'"{paper.title}" is an earlier version: {verb} the current version instead.'
                ]
            }
        )


@records_by
@transaction.atomic
def withdraw_paper(*, paper: Paper, reason: str, by) -> Paper:
    """Withdraw a published paper (with an uploaded report, its PDF too): it is no longer
    served to anyone but officers, and the public item shows "Withdrawn on <date>:
    <reason>". A draft or a paper of an unpublished agenda was never public: remove it
    instead."""
    meeting = _lock_meeting(paper.agenda_item.meeting)
    paper = _lock_paper(paper)
    _check_current(paper, "withdraw")
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Enter the reason the paper is withdrawn (it is shown publicly)."]}
        )
    if paper.is_draft or not meeting.is_published:
        raise ValidationError(
            {
                "__all__": [
                    f'"{paper.title}" was never published: remove it instead of withdrawing it.'
                ]
            }
        )
    now = timezone.now()
    for each in _partners(paper):
        each.withdrawn_at = now
        each.withdrawal_reason = reason.strip()
        each.withdrawn_by = by if getattr(by, "pk", None) else None
        _save_paper(each, ["withdrawn_at", "withdrawal_reason", "withdrawn_by"], by)
    changes.record(
        meeting, ChangeKind.PAPER_WITHDRAWN, paper=paper, before=paper.title, after=reason.strip()
    )
    _changed(meeting)
    return paper


def _supersede(old: Paper, new: Paper, by) -> None:
    old.superseded_by = new
    _save_paper(old, ["superseded_by"], by)


def _next_copy(old: Paper, **changes) -> Paper:
    """A new row with ``old``'s fields (not its identity, lifecycle or stamps)."""
    skip = {
        "id",
        "created_at",
        "modified_at",
        "superseded_by",
        "withdrawn_at",
        "withdrawal_reason",
        "withdrawn_by",
        "version_note",
    }
    values = {
        f.attname: getattr(old, f.attname)
        for f in type(old)._meta.concrete_fields
        if f.name not in skip
    }
    values.update(changes)
    return type(old)(**values)


@records_by
@transaction.atomic
def replace_document(
    *, document: Document, uploaded_file, by, title: str = "", note: str = ""
) -> Document:
    """Replace an uploaded PDF (an appendix or an uploaded report's PDF) with a new version.
    The new version takes its place (same item, order, late and draft state); the earlier
    one is kept for officers and no longer served to anyone else. An uploaded report gets a
    new version pointing at the new PDF."""
    meeting = _lock_meeting(document.agenda_item.meeting)
    document = _lock_paper(document)
    _check_current(document, "replace")
    if uploaded_file is None:
        raise ValidationError({"uploaded_file": ["Choose the PDF of the new version."]})
    checked = inspect_pdf(read_upload(uploaded_file))
    if checked.sha256 == document.sha256:
        raise ValidationError(
            {"uploaded_file": ["This file is the same as the current version: choose the new one."]}
        )
    original = (getattr(uploaded_file, "name", "") or "document.pdf").rsplit("/", 1)[-1]
    new = _next_copy(
        document,
        title=title.strip() or document.title,
        original_filename=original[:255],
        page_count=checked.page_count,
        size=checked.size,
        sha256=checked.sha256,
        sha512=checked.sha512,
        sanitised=checked.sanitised_text,
        is_tagged=checked.tagged,
        headings=checked.headings,
        text="",
        text_extracted_at=None,
        has_text_layer=None,
        uploaded_by_id=by.pk if getattr(by, "pk", None) else None,
        version_note=note.strip(),
    )
    new.file.save("upload.pdf", ContentFile(checked.data), save=False)
    path = new.file.name
    try:
        new._history_user = by if getattr(by, "pk", None) else None
        new.save()
        reports = list(
            Report.all_objects.select_for_update().current().filter(document_id=document.pk)
        )
        _supersede(document, new, by)
        for report in reports:
            new_report = _next_copy(
                report,
                document_id=new.pk,
                title=title.strip() or report.title,
                version=1,
                version_note=note.strip(),
            )
            new_report.save()
            _supersede(report, new_report, by)
    except Exception:
        new.file.storage.delete(path)
        raise
    if not new.is_draft:
        changes.record(
            meeting, ChangeKind.PAPER_REPLACED, paper=new, before=document.title, after=new.title
        )
        _changed(meeting)
    return new


@records_by
@transaction.atomic
def replace_report(
    *,
    report: Report,
    by,
    note: str = "",
    sections: Sequence[tuple[str, str] | dict] | None = None,
    version: int | None = None,
    **fields: Any,
) -> Report:
    """Publish a new version of a report written in the portal: the cover sheet and
    sections given here (bodies sanitised). The earlier version is kept for officers and no
    longer served to anyone else; the packs are rebuilt with the new one."""
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise TypeError(f"replace_report() got unexpected fields {sorted(unknown)}")
    meeting = _lock_meeting(report.agenda_item.meeting)
    report = _lock_paper(report)
    _check_version(report, version)
    _check_current(report, "replace")
    if report.source == Report.Source.UPLOADED:
        raise ValidationError(
            {"__all__": ["An uploaded report is replaced by uploading the new PDF."]}
        )
    if report.source == Report.Source.GENERATED:
        raise ValidationError(
            {"__all__": ["A generated report is always current: there is no version to replace."]}
        )
    new = _next_copy(report, version=1, version_note=note.strip())
    for name, value in fields.items():
        setattr(new, name, value.strip() if isinstance(value, str) else value)
    errors = _validate_report(new)
    if new.is_late and not new.is_draft and not new.urgency_reasons:
        errors["urgency_reasons"] = ["A late report needs the chair's reasons for urgency."]
    _raise(errors)
    new._history_user = by if getattr(by, "pk", None) else None
    new.save()
    if sections is None:
        sections = [(s.heading, s.body) for s in report.sections.all()]
    _save_sections(new, sections)
    _supersede(report, new, by)
    if not new.is_draft:
        changes.record(
            meeting, ChangeKind.PAPER_REPLACED, paper=new, before=report.title, after=new.title
        )
        _changed(meeting)
    return new


def move_targets(paper: Paper) -> list[AgendaItem]:
    """The items ``paper`` may move to: the other items of its meeting, then the items of the
    committee's other meetings (nearest first), never of a cancelled meeting."""
    here = paper.agenda_item
    meeting = here.meeting
    same = list(AgendaItem.all_objects.filter(meeting=meeting).exclude(pk=here.pk))
    others = (
        AgendaItem.all_objects.filter(meeting__committee_id=meeting.committee_id)
        .exclude(meeting=meeting)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("meeting__start", "order", "pk")
    )
    return same + sorted(
        others, key=lambda i: (abs((i.meeting.start - meeting.start).total_seconds()), i.order)
    )


@records_by
@transaction.atomic
def move_paper(
    *,
    paper: Paper,
    to_item: AgendaItem,
    by,
    confirm_public: bool = False,
) -> Paper:
    """Move a paper (with an uploaded report, its PDF too; with its earlier versions) to
    another item of the same meeting, or to an item of another meeting of the same
    committee.

    - Within the meeting the paper keeps its state (published, late, draft).
    - To a meeting whose agenda is not published it goes out with that agenda.
    - To another published meeting it arrives as a draft late paper: officers publish it
      there with the chair's reasons for urgency, as any paper added after publication.
    - From an exempt or confidential item to an open one it would become public: the
      officer must confirm (``confirm_public``)."""
    source_meeting = paper.agenda_item.meeting
    target_meeting = to_item.meeting
    # Lock both meetings in a fixed order so two moves cannot deadlock.
    for meeting in sorted({source_meeting, target_meeting}, key=lambda m: m.pk):
        _lock_meeting(meeting)
    source_meeting = Meeting.all_objects.get(pk=source_meeting.pk)
    target_meeting = Meeting.all_objects.get(pk=target_meeting.pk)
    paper = _lock_paper(paper)
    _check_current(paper, "move")
    to_item = AgendaItem.all_objects.get(pk=to_item.pk)
    here = paper.agenda_item
    if to_item.pk == here.pk:
        raise ValidationError({"to_item": ["The paper is already on this item."]})
    if target_meeting.committee_id != source_meeting.committee_id:
        raise ValidationError(
            {"to_item": ["A paper can only move to a meeting of the same committee."]}
        )
    if target_meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"to_item": ["The meeting is cancelled: choose another item."]})
    if here.is_private and not to_item.is_private and not confirm_public:
        raise ValidationError(
            {
                "confirm_public": [
                    f'"{paper.title}" is on an exempt or confidential item; item '
                    f"{to_item.number} is open, so the paper would become public. Confirm "
                    "you want to publish it, or choose an exempt item."
                ]
            }
        )
    other_meeting = target_meeting.pk != source_meeting.pk
    for each in _partners(paper):
        for version in _versions(each):
            version.agenda_item = to_item
            fields = ["agenda_item"]
            if other_meeting:
                if target_meeting.is_published:
                    # Arrives after publication: a draft late paper, as if added now.
                    version.is_late, version.is_draft = True, True
                else:
                    version.is_late, version.is_draft = False, False
                fields += ["is_late", "is_draft"]
            if version.pk == each.pk:
                version.order = (
                    type(version)
                    .all_objects.filter(agenda_item=to_item)
                    .aggregate(m=Max("order"))["m"]
                    or 0
                ) + 1
                fields.append("order")
            _save_paper(version, fields, by)
    if not paper.is_draft:
        where = f"item {to_item.number}"
        if other_meeting:
            where += f" of the meeting on {changes.when(target_meeting.start)}"
        changes.record(
            source_meeting,
            ChangeKind.PAPER_MOVED,
            item=here,
            paper=paper,
            subject=paper.title,
            before=f"item {here.number}",
            after=where,
            public=not (here.is_private or to_item.is_private),
        )
    _changed(source_meeting)
    if other_meeting:
        _changed(target_meeting)
    return type(paper).all_objects.get(pk=paper.pk)
