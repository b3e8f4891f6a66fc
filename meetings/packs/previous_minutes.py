"""The previous meeting's minutes in the agenda pack (issue 15 item 4).

The "Minutes of the previous meeting" item (``ItemKind.MINUTES``) carries the minutes of the
meeting it names (``AgendaItem.previous_meeting``) with no officer step: they are printed
when the pack is built, so the pack always holds their current version — published minutes
say "Draft – to be approved", approved ones say when they were approved, corrections show.
The pack is rebuilt when those minutes change (``receivers.on_meeting_changed``).

What goes in follows the one public rule (``scrutiny.visibility`` through
``MinutesSet.all_objects.public()`` and ``minutes_view``):

- the public and supplementary packs hold the minutes only while they are public (published
  or approved, of a published meeting), and only their public version: an exempt item's
  minute shows its s100C summary at most, never the members-only text. Draft minutes are in
  no pack, the members' pack included;
- the members' pack holds the same public version and, as a separate paper stamped NOT FOR
  PUBLICATION, the full minutes of the exempt items (when the previous meeting is of the same
  committee: the members reading it are that committee's members).

Papers are keyed ``minutes-<item id>-<MinutesSet id>`` and ``minutes-exempt-<item id>-<MinutesSet
id>``;
``public_keys`` gives the keys the public may see now (``services.public_now``), so a public
pack holding minutes that stop being public is withdrawn like one holding a paper.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from meetings.minutes.models import MinutesSet, MinutesStatus
from meetings.minutes.panels import MINUTES_GENERATOR
from meetings.minutes.selectors import minutes_view
from meetings.models import AgendaItem, ItemKind, Meeting


def public_key(item_id: int, minutes: MinutesSet) -> str:
    return public_key_of(item_id, minutes.pk)


def public_key_of(item_id: int, minutes_id: int) -> str:
    return f"minutes-{item_id}-{minutes_id}"


def carried_subquery() -> Subquery:
    """For an agenda item queryset: the id of the public minutes its previous meeting has
    (what ``carried`` finds for a minutes item), as an annotation read in the same query."""
    public = MinutesSet.all_objects.public().filter(meeting_id=OuterRef("previous_meeting_id"))
    return Subquery(public.values("pk")[:1])


def exempt_key(item_id: int, minutes: MinutesSet) -> str:
    return f"minutes-exempt-{item_id}-{minutes.pk}"


def carried(items) -> dict[int, MinutesSet]:
    """``{agenda item id: MinutesSet}``: the public minutes each minutes item carries."""
    wanted = {
        item.pk: item.previous_meeting_id
        for item in items
        if item.kind == ItemKind.MINUTES and item.previous_meeting_id
    }
    if not wanted:
        return {}
    by_meeting = {
        m.meeting_id: m
        for m in MinutesSet.all_objects.public()
        .filter(meeting_id__in=set(wanted.values()))
        .select_related("meeting__committee", "approved_at_item__meeting")
    }
    return {item_id: by_meeting[mid] for item_id, mid in wanted.items() if mid in by_meeting}


def public_keys(meeting: Meeting, *, items=None) -> set[str]:
    """Keys of the minutes papers of ``meeting``'s pack that the public may see now: public
    minutes carried by a listed, open minutes item. ``items``: those items if the caller
    has already read them (``pk``, ``kind``, ``previous_meeting_id``), saving a query."""
    if items is None:
        items = AgendaItem.objects.filter(meeting_id=meeting.pk).public()
    return {public_key(item_id, m) for item_id, m in carried(items).items()}


def title(minutes: MinutesSet) -> str:
    held = f"Minutes of the meeting held on {minutes.meeting.date:%-d %B %Y}"
    if minutes.status == MinutesStatus.APPROVED:
        return f"{held} – approved"
    return f"{held} – draft, to be approved"


def render_public(minutes: MinutesSet) -> SafeString:
    view = minutes_view(minutes, may_read_exempt=False)
    return render_to_string(
        "minutes/_generated_minutes.html",
        {"view": view, "minutes": minutes, "meeting": minutes.meeting, "for_print": True},
    )


def render_exempt(minutes: MinutesSet) -> SafeString | None:
    """The full minutes of the exempt and confidential items, or ``None`` if there are none."""
    view = minutes_view(minutes, may_read_exempt=True)
    entries = [e for e in view.items if e.minute.is_private]
    if not entries:
        return None
    return render_to_string(
        "packs/print/_exempt_minutes.html",
        {"entries": entries, "minutes": minutes, "meeting": minutes.meeting},
    )


def may_carry_exempt(item: AgendaItem, minutes: MinutesSet) -> bool:
    """The members' pack of ``item``'s meeting may hold the exempt minutes of ``minutes``:
    only those of the same committee (the pack's readers are its members)."""
    return minutes.meeting.committee_id == item.meeting.committee_id


def is_legacy(report) -> bool:
    """A report added by hand with the ``minutes.previous`` generator (before the minutes were
    carried automatically): left out of a pack that carries the minutes itself."""
    return (
        report is not None
        and report.source == "generated"
        and (report.generator == MINUTES_GENERATOR)
    )
