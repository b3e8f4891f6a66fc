"""Reads of minutes, resolutions, declarations and actions, for this app and later ones.

The ``public_*`` functions return only what the public may see: minutes published or
approved, of published meetings; never the text of an exempt or confidential item's minute
(search, feeds and the open data API use these). ``resolutions_for_items`` is what the work
programme uses for an issue's history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape

from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.html import strip_tags

from meetings.minutes.models import (
    OTHER_ATTENDANCE_KINDS,
    REGISTER_SUBSTITUTE,
    Action,
    Attendance,
    AttendanceKind,
    AttendanceStatus,
    Declaration,
    Minute,
    MinutesAmendment,
    MinutesSet,
    Resolution,
)
from meetings.models import ItemKind, MeetingStatus
from scrutiny import visibility
from scrutiny.models import Person
from scrutiny.permissions import can_view_exempt, is_officer, member_committee_ids


def public_minutes_sets() -> QuerySet[MinutesSet]:
    """Published or approved minutes of published meetings."""
    return MinutesSet.all_objects.public().select_related("meeting__committee")


def public_minutes() -> QuerySet[Minute]:
    """Minutes of public agenda items in public minutes (their ``text`` is safe to show).
    Exempt items are left out: use ``public_minute_text`` for their public summary."""
    return Minute.objects.filter(visibility.minute_public()).select_related(
        "agenda_item__meeting__committee"
    )


def public_exempt_summaries() -> QuerySet[Minute]:
    """Exempt items of public minutes that have an s100C public summary (use only
    ``public_summary``, never ``text``)."""
    return (
        Minute.objects.filter(visibility.minute_listed())
        .filter(visibility.item_private("agenda_item"))
        .exclude(public_summary="")
        .select_related("agenda_item__meeting__committee")
    )


def public_minute_text(minute: Minute) -> str:
    """What the public may read of a minute: the text, or for an exempt item its summary."""
    return minute.public_summary if minute.is_private else minute.text


def public_resolutions() -> QuerySet[Resolution]:
    """Resolutions of public items in public minutes."""
    return Resolution.objects.filter(visibility.resolution_public()).select_related(
        "minute__agenda_item__meeting__committee"
    )


# An action from a resolution follows its minutes: shown once they are public, and (to the
# public) never when the resolution is of an exempt or confidential item
# (``scrutiny.visibility.action_public``).
_SOURCE_PUBLISHED = visibility.action_source_listed()


def _with_link_visibility(qs: QuerySet[Action]) -> QuerySet[Action]:
    """Mark, per action, whether the public may see the meeting it is due back at and the
    agenda item it was dealt with at (``target_is_public``, ``dealt_with_is_public``)."""
    return qs.annotate(
        target_is_public=Case(
            When(visibility.meeting_public("target_meeting"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        dealt_with_is_public=Case(
            When(visibility.item_public("dealt_with_item"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def public_actions(*, links: bool = True, stored: bool = False) -> QuerySet[Action]:
    """Actions the public may see: marked public, and if they come from a resolution, only
    once that resolution's minutes are public (and never from an exempt item). Each carries
    ``target_is_public`` and ``dealt_with_is_public``: a renderer names the target meeting or
    the dealt-with item only when true (``Action.public_due_text``, ``public_dealt_with``).

    ``links=False``: the same actions without those two marks, for a query that prints no
    link (a count, a page's ids, the meetings they came from): their three joins cost
    every row of a ten-year tracker and decide nothing about which actions are listed.

    ``stored=True`` (with ``links=False``): the same actions decided by the stored answer
    (``visibility.action_public_stored``, one indexed column) instead of the join of every
    action to its minutes, meeting and agenda item: for counting and paging ids only; the
    rows shown are read again through the rule itself."""
    if stored:
        if links:
            raise ValueError("stored=True is for ids and counts: no links")
        return Action.all_objects.filter(visibility.action_public_stored())
    actions = Action.all_objects.filter(visibility.action_public())
    return _with_link_visibility(actions) if links else actions


def sees_public_actions_only(user) -> bool:
    """``actions_for(user)`` is ``public_actions()``: not an officer, on no committee today."""
    return not is_officer(user) and not member_committee_ids(user, on=timezone.localdate())


def actions_for(user, *, links: bool = True, stored: bool = False) -> QuerySet[Action]:
    """Every action for an officer; for a councillor, public actions plus the members-only
    actions of the committees they sit on today (once their minutes are published); public
    actions for everyone else. Links to meetings and agenda items that are not public are
    marked as for ``public_actions`` (officers: every link is shown); ``links=False`` leaves
    the marks out (the same actions, see ``public_actions``); ``stored=True`` (with
    ``links=False``) decides the public ones by their stored answer, for ids and counts."""
    if is_officer(user):
        if not links:
            return Action.all_objects.all()
        return Action.all_objects.annotate(
            target_is_public=Value(True, output_field=BooleanField()),
            dealt_with_is_public=Value(True, output_field=BooleanField()),
        )
    committee_ids = member_committee_ids(user, on=timezone.localdate())
    if not committee_ids:
        return public_actions(links=links, stored=stored)
    members_only = Q(committee_id__in=committee_ids) & _SOURCE_PUBLISHED
    public = visibility.action_public_stored() if stored else visibility.action_public()
    actions = Action.all_objects.filter(members_only | public)
    return _with_link_visibility(actions) if links else actions


def resolutions_for_items(
    items: Iterable, *, include_exempt: bool = False, include_drafts: bool = False
) -> dict:
    """``{agenda_item_id: [Resolution, …]}`` for the given agenda items (or ids).

    By default only what the public may read: public minutes, open items. ``include_exempt``
    (after ``can_view_exempt``) adds exempt and confidential items' resolutions, still of
    public minutes only; ``include_drafts`` (officers only) adds draft minutes."""
    ids = [getattr(i, "pk", i) for i in items]
    qs = Resolution.objects.filter(minute__agenda_item_id__in=ids)
    if not include_drafts:
        qs = qs.filter(visibility.minute_listed("minute"))
    if not include_exempt:
        qs = qs.filter(visibility.item_open("minute__agenda_item"))
    found: dict[int, list[Resolution]] = defaultdict(list)
    for resolution in qs.select_related("minute").order_by("minute_id", "number"):
        found[resolution.minute.agenda_item_id].append(resolution)
    return dict(found)


def meeting_minutes_set(meeting) -> MinutesSet | None:
    """The minutes of ``meeting`` whatever their status, or None. The approving item and its
    meeting come in the same query (the status line names them)."""
    return (
        MinutesSet.all_objects.filter(meeting=meeting)
        .select_related("approved_at_item__meeting")
        .first()
    )


def minutes_for_meeting(meeting, user) -> MinutesSet | None:
    """The minutes of ``meeting`` that ``user`` may read, or None (drafts: officers only)."""
    return visible_minutes(meeting_minutes_set(meeting), meeting, user)


def visible_minutes(minutes: MinutesSet | None, meeting, user) -> MinutesSet | None:
    """``minutes`` (of ``meeting``) if ``user`` may read them, else None."""
    if minutes is None:
        return None
    if is_officer(user):
        return minutes
    if minutes.status in visibility.PUBLIC_MINUTES_STATUSES and visibility.is_meeting_public(
        meeting
    ):
        return minutes
    return None


@dataclass
class MinuteView:
    minute: Minute
    resolutions: list[Resolution]
    declarations: list[Declaration]
    amendments: list[MinutesAmendment]
    show_full: bool  # False: an exempt item shown to someone who may not read it
    # The "No interests were declared" line under the interests item: printed from the
    # officer's tick, unless the minute shown already says so in its own words.
    says_no_interests: bool = False


@dataclass
class MinutesView:
    minutes: MinutesSet
    present: list[Attendance] = field(default_factory=list)
    apologies: list[Attendance] = field(default_factory=list)
    absent: list[Attendance] = field(default_factory=list)
    in_attendance: list[Attendance] = field(default_factory=list)
    observers: list[Attendance] = field(default_factory=list)
    items: list[MinuteView] = field(default_factory=list)
    may_read_exempt: bool = False


def minutes_view(minutes: MinutesSet, *, may_read_exempt: bool) -> MinutesView:
    """Everything the minutes page and PDF show, in a fixed number of queries."""
    view = MinutesView(minutes=minutes, may_read_exempt=may_read_exempt)
    for row in minutes.attendance.select_related("person", "substitute_for"):
        if row.status == AttendanceStatus.APOLOGIES:
            view.apologies.append(row)
        elif row.status == AttendanceStatus.ABSENT:
            view.absent.append(row)
        elif row.kind == AttendanceKind.IN_ATTENDANCE:
            view.in_attendance.append(row)
        elif row.kind == AttendanceKind.OBSERVER:
            view.observers.append(row)
        else:
            view.present.append(row)
    minutes_qs = (
        minutes.items.select_related("agenda_item")
        .prefetch_related(
            "resolutions",
            Prefetch("declarations", queryset=Declaration.objects.select_related("person")),
            "amendments",
        )
        .order_by("agenda_item__order", "agenda_item__pk")
    )
    for minute in minutes_qs:
        full = may_read_exempt or not minute.is_private
        shown = minute.text if full else minute.public_summary
        view.items.append(
            MinuteView(
                minute=minute,
                resolutions=list(minute.resolutions.all()) if full else [],
                declarations=list(minute.declarations.all()),
                amendments=list(minute.amendments.all()) if full else [],
                show_full=full,
                says_no_interests=(
                    minutes.no_interests_declared
                    and minute.agenda_item.kind == ItemKind.INTERESTS
                    and not already_says_no_interests(shown)
                ),
            )
        )
    return view


# "No interests were declared", "No declarations of interest were made", "There were no
# declarations of interests": the words an officer types when nobody declared anything.
_NO_INTERESTS = re.compile(
    r"\bno\s+(?:(?:other|further|disclosable\s+pecuniary|pecuniary)\s+)?"
    r"(?:interests?|declarations?)\b"
)


def already_says_no_interests(html: str) -> bool:
    """True when the minute's own words already record that no interests were declared, so
    that the tick does not print the same sentence a second time."""
    text = " ".join(unescape(strip_tags(html or "")).split()).casefold()
    return bool(_NO_INTERESTS.search(text))


def may_read_exempt_minutes(user, meeting) -> bool:
    return can_view_exempt(user, meeting.committee, on=meeting.date)


# --- Person pages --------------------------------------------------------------------------


@dataclass
class AttendanceStats:
    committee_name: str
    expected: int
    attended: int
    apologies: int
    absent: int
    as_substitute: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.attended / self.expected) if self.expected else None


def attendance_stats(person: Person) -> list[AttendanceStats]:
    """Per committee: meetings the person was expected at (as a member), attended, sent
    apologies to, missed; and meetings attended as a substitute. Public minutes only;
    cancelled meetings never count."""
    rows = (
        Attendance.objects.filter(person=person)
        .filter(visibility.minutes_public("minutes"))
        .exclude(minutes__meeting__status=MeetingStatus.CANCELLED)
        .filter(kind__in=[AttendanceKind.MEMBER, AttendanceKind.SUBSTITUTE])
        .values_list("minutes__meeting__committee__name", "kind", "status")
    )
    stats: dict[str, AttendanceStats] = {}
    for committee_name, kind, status in rows:
        s = stats.setdefault(committee_name, AttendanceStats(committee_name, 0, 0, 0, 0, 0))
        if kind == AttendanceKind.SUBSTITUTE:
            if status == AttendanceStatus.PRESENT:
                s.as_substitute += 1
            continue
        s.expected += 1
        if status == AttendanceStatus.PRESENT:
            s.attended += 1
        elif status == AttendanceStatus.APOLOGIES:
            s.apologies += 1
        else:
            s.absent += 1
    return [stats[name] for name in sorted(stats)]


def declarations_for_person(person: Person) -> QuerySet[Declaration]:
    """Declarations of interest the person made at meetings with public minutes."""
    return (
        Declaration.objects.filter(person=person)
        .filter(visibility.minute_listed("minute"))
        .select_related("minute__agenda_item__meeting__committee")
        .order_by("-minute__minutes__meeting__start")
    )


def overdue_count(qs: QuerySet[Action], today: dt.date | None = None) -> int:
    return qs.overdue(today or timezone.localdate()).count()


# --- The attendance register (officer page) -------------------------------------------------


@dataclass
class RegisterMember:
    person: Person
    role_text: str
    mark: str  # present, apologies, absent or substitute
    substitute_id: int | None = None


@dataclass
class Register:
    minutes: MinutesSet | None
    members: list[RegisterMember]
    others: list[Attendance]
    # (person id, label) of everyone who may be chosen as a substitute: the committee's named
    # substitutes on the day first, then every other active person who is not a member.
    substitute_choices: list[tuple[int, str]]
    version: int


def attendance_register(meeting) -> Register:
    """What the register page shows: from the saved attendance once the minutes are started,
    else the members whose membership is in force on the meeting's date (what starting the
    minutes will list)."""
    minutes = MinutesSet.all_objects.filter(meeting=meeting).first()
    memberships = list(meeting.committee.members_on(meeting.date))
    members: list[RegisterMember] = []
    others: list[Attendance] = []
    if minutes is not None:
        rows = list(minutes.attendance.select_related("person", "substitute_for"))
        subs = {
            r.substitute_for_id: r.person_id
            for r in rows
            if r.kind == AttendanceKind.SUBSTITUTE and r.person_id
        }
        for r in rows:
            if r.kind == AttendanceKind.MEMBER and r.person_id:
                sub = subs.get(r.person_id)
                mark = REGISTER_SUBSTITUTE if sub else r.status
                members.append(RegisterMember(r.person, r.role_text, mark, sub))
            elif r.kind in OTHER_ATTENDANCE_KINDS:
                others.append(r)
    else:
        for m in memberships:
            if m.role == "substitute":
                continue
            role = m.get_role_display() if m.role in ("chair", "vice_chair") else ""
            if m.role == "cooptee":
                role = "Co-optee"
            members.append(RegisterMember(m.person, role, AttendanceStatus.PRESENT))
    member_ids = {m.person.pk for m in members}
    named = [m.person for m in memberships if m.role == "substitute"]
    named_ids = {p.pk for p in named}
    rest = (
        Person.objects.filter(is_active=True)
        .exclude(pk__in=member_ids | named_ids)
        .order_by("sort_name", "pk")
    )
    choices = [(p.pk, f"{p.display_name} (named substitute)") for p in named]
    choices += [(p.pk, p.display_name) for p in rest]
    return Register(
        minutes=minutes,
        members=members,
        others=others,
        substitute_choices=choices,
        version=minutes.version if minutes else 0,
    )
