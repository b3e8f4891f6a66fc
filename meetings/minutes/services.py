"""Writes for minutes, attendance, declarations, approval and actions.

Every function is keyword-only, runs in one transaction and raises ``ValidationError`` with
field keys. Approved minutes are locked: the only change allowed afterwards is a recorded
amendment (``correct_minutes``). Shared officer forms use optimistic locking: the caller
passes the ``version`` it read; a stale version raises ``scrutiny.conflicts.EditConflict``
and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from meetings.minutes.models import (
    OTHER_ATTENDANCE_KINDS,
    PUBLIC_MINUTES_STATUSES,
    REGISTER_SUBSTITUTE,
    Action,
    ActionNote,
    ActionStatus,
    Attendance,
    AttendanceKind,
    AttendanceStatus,
    Declaration,
    InterestType,
    Minute,
    MinuteOutcome,
    MinutesAmendment,
    MinutesSet,
    MinutesStatus,
    Resolution,
)
from meetings.models import AgendaItem, ItemKind, Meeting
from meetings.signals import meeting_changed
from scrutiny import bulk, constitution
from scrutiny.audit import records_by
from scrutiny.conflicts import check_version
from scrutiny.models import Committee, Constitution, MunicipalYear, Person
from scrutiny.sanitise import count_text, replace_text, sanitise


def split_resolutions(text: str) -> list[str]:
    """Resolutions typed one per paragraph (a blank line between them); a leading "1)" or
    "(1)" is dropped because the portal numbers them."""
    parts = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    cleaned = []
    for part in parts:
        part = re.sub(r"^\(?\d+\)\s*", "", part.strip())
        if part:
            cleaned.append(part)
    return cleaned


def _ensure_not_locked(minutes: MinutesSet) -> None:
    if minutes.status == MinutesStatus.APPROVED:
        raise ValidationError(
            {
                "__all__": [
                    "These minutes have been approved and are locked. Record a correction "
                    "as an amendment instead."
                ]
            },
            code="locked",
        )


def _check_version(obj, version: int | None) -> None:
    check_version(obj.version, version)


# --- Starting the minutes ------------------------------------------------------------------


@records_by
@transaction.atomic
def start_minutes(*, meeting: Meeting, by=None) -> MinutesSet:
    """Create (or bring up to date) the minutes of ``meeting``: a minute for every agenda item
    and an attendance row for every member expected that day. Idempotent."""
    if meeting.status == "cancelled":
        raise ValidationError({"meeting": ["A cancelled meeting has no minutes."]})
    minutes, _ = MinutesSet.all_objects.get_or_create(meeting=meeting)
    if minutes.status != MinutesStatus.APPROVED:
        _sync_items(minutes)
        _sync_expected_members(minutes)
    return minutes


def _sync_items(minutes: MinutesSet) -> None:
    meeting = minutes.meeting
    year = MunicipalYear.for_date(meeting.date)
    have = set(Minute.objects.filter(minutes=minutes).values_list("agenda_item_id", flat=True))
    bulk.create_rows(
        Minute,
        [
            Minute(
                minutes=minutes,
                agenda_item=item,
                committee=meeting.committee,
                municipal_year=year,
            )
            for item in AgendaItem.all_objects.filter(meeting=meeting).exclude(pk__in=have)
        ],
    )


def _sync_expected_members(minutes: MinutesSet) -> None:
    meeting = minutes.meeting
    have = set(
        Attendance.objects.filter(minutes=minutes, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for order, membership in enumerate(meeting.committee.members_on(meeting.date), start=1):
        if membership.person_id in have or membership.role == "substitute":
            continue
        role = membership.get_role_display() if membership.role in ("chair", "vice_chair") else ""
        if membership.role == "cooptee":
            role = "Co-optee"
        rows.append(
            Attendance(
                minutes=minutes,
                person=membership.person,
                kind=AttendanceKind.MEMBER,
                status=AttendanceStatus.PRESENT,
                role_text=role,
                order=order,
            )
        )
        have.add(membership.person_id)
    bulk.create_rows(Attendance, rows)


# --- Attendance ----------------------------------------------------------------------------


@records_by
@transaction.atomic
def save_attendance(
    *, minutes: MinutesSet, statuses: dict[int, str], version: int | None, by=None
) -> MinutesSet:
    """Mark each attendance row (by id) present, apologies or absent."""
    minutes = MinutesSet.all_objects.select_for_update().get(pk=minutes.pk)
    _ensure_not_locked(minutes)
    _check_version(minutes, version)
    valid = set(AttendanceStatus.values)
    rows = {a.pk: a for a in minutes.attendance.all()}
    errors = {}
    for pk, status in statuses.items():
        if pk not in rows:
            errors[f"status-{pk}"] = ["This person is not on the attendance list."]
        elif status not in valid:
            errors[f"status-{pk}"] = ["Choose present, apologies or absent."]
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, status in statuses.items():
        if rows[pk].status != status:
            rows[pk].status = status
            changed.append(rows[pk])
    bulk.update_rows(Attendance, changed, ["status"])
    return _bump(minutes)


def _bump(minutes: MinutesSet) -> MinutesSet:
    MinutesSet.all_objects.filter(pk=minutes.pk).update(
        version=F("version") + 1, modified_at=timezone.now()
    )
    minutes.refresh_from_db()
    _announce(minutes)
    return minutes


def _announce(minutes: MinutesSet) -> None:
    """Tell the listeners (page cache, public records, search, stored minutes PDF) that what
    the meeting shows changed: sent explicitly, after commit, because ``_bump``'s
    ``QuerySet.update()`` sends no ``post_save``. Draft minutes are not public: nothing to say."""
    if minutes.status not in PUBLIC_MINUTES_STATUSES:
        return
    meeting_id = minutes.meeting_id

    def send():
        meeting = Meeting.all_objects.filter(pk=meeting_id).first()
        if meeting is not None:
            meeting_changed.send(sender=MinutesSet, meeting=meeting)

    transaction.on_commit(send)


@records_by
@transaction.atomic
def add_attendee(
    *,
    minutes: MinutesSet,
    kind: str,
    person: Person | None = None,
    name: str = "",
    status: str = AttendanceStatus.PRESENT,
    role_text: str = "",
    substitute_for: Person | None = None,
    by=None,
) -> Attendance:
    _ensure_not_locked(minutes)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if person is None and not name:
        errors["person"] = ["Choose a person or type a name."]
    if kind not in AttendanceKind.values:
        errors["kind"] = ["Choose how they attended."]
    if status not in AttendanceStatus.values:
        errors["status"] = ["Choose present, apologies or absent."]
    if kind == AttendanceKind.SUBSTITUTE:
        if substitute_for is None:
            errors["substitute_for"] = ["Choose the member they are substituting for."]
        elif person is not None and substitute_for == person:
            errors["substitute_for"] = ["A member cannot substitute for themselves."]
    elif substitute_for is not None:
        errors["substitute_for"] = ["Only a substitute substitutes for a member."]
    if person is not None and minutes.attendance.filter(person=person).exists():
        errors["person"] = [f"{person.display_name} is already on the attendance list."]
    if errors:
        raise ValidationError(errors)
    order = (minutes.attendance.aggregate(m=Max("order"))["m"] or 0) + 1
    row = Attendance.objects.create(
        minutes=minutes,
        person=person,
        name="" if person else name,
        kind=kind,
        status=status,
        role_text=(role_text or "").strip()
        or (person.job_title or person.organisation if person else ""),
        substitute_for=substitute_for if kind == AttendanceKind.SUBSTITUTE else None,
        order=order,
    )
    _bump(minutes)
    return row


@records_by
@transaction.atomic
def remove_attendee(*, attendance: Attendance, by=None) -> None:
    _ensure_not_locked(attendance.minutes)
    if attendance.kind == AttendanceKind.MEMBER:
        raise ValidationError(
            {"__all__": ["Members expected that day stay on the list: mark them absent."]}
        )
    minutes = attendance.minutes
    attendance.delete()
    _bump(minutes)


# --- The attendance register -----------------------------------------------------------------

REGISTER_CHOICES = [
    (AttendanceStatus.PRESENT, "Present"),
    (AttendanceStatus.APOLOGIES, "Apologies"),
    (AttendanceStatus.ABSENT, "Absent"),
    (REGISTER_SUBSTITUTE, "Substitute"),
]
OTHER_KINDS = OTHER_ATTENDANCE_KINDS
# "Name – Role": an en dash or an em dash (spaces optional), or a hyphen with a space on each
# side (a hyphen inside "Smith-Jones" is part of the name). The first dash splits the line.
_NAME_ROLE_DASH = re.compile(r"\s*[–—]\s*|\s+-\s+")
_BULLET = re.compile(r"^(?:[•·*▪◦]|-(?=\s))\s*")
# "Name (Role)": the role in brackets at the end of the line.
_NAME_ROLE_BRACKETS = re.compile(r"^(?P<name>[^()]*?)\s*\((?P<role>[^()]*)\)$")
_NAME_MAX = 200


@dataclass
class MemberMark:
    """One member's line of the register."""

    person_id: int
    status: str
    substitute: Person | None = None


@dataclass
class OtherAttendee:
    """One "others in attendance" row: ``pk`` names a row already saved (None: a new one);
    ``key`` is the form's prefix for this row, so that an error lands on the row."""

    name: str = ""
    role_text: str = ""
    kind: str = AttendanceKind.IN_ATTENDANCE
    pk: int | None = None
    remove: bool = False
    key: str = ""


def _split_name_role(raw: str) -> tuple[str, str, str] | None:
    """(name, role, what separated them) for one pasted line, or None if nothing did.

    In this order: a tab (a row copied from a Word or Excel table; further columns are joined
    into the role with commas, empty ones dropped), a dash (``_NAME_ROLE_DASH``), the role in
    brackets at the end ("Jane Smith (Director)"), a comma (the first one splits)."""
    cells = [cell.strip() for cell in raw.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > 1:
        name = _BULLET.sub("", cells[0]).strip()
        return name, ", ".join(cell for cell in cells[1:] if cell), "tab"
    line = _BULLET.sub("", raw.strip()).strip()
    parts = _NAME_ROLE_DASH.split(line, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip(), "dash"
    found = _NAME_ROLE_BRACKETS.match(line)
    if found:
        return found["name"].strip(), found["role"].strip(), "brackets"
    if "," in line:
        name, role = line.split(",", 1)
        return name.strip(), role.strip(), "comma"
    return None


_NO_NAME = {
    "tab": "has no name in its first column",
    "dash": "has no name before the dash",
    "brackets": "has no name before the brackets",
    "comma": "has no name before the comma",
}
_NO_ROLE = {
    "tab": "has no role after the tab",
    "dash": "has no role after the dash",
    "brackets": "has no role in the brackets",
    "comma": "has no role after the comma",
}


def parse_others(text: str, *, kind: str = AttendanceKind.IN_ATTENDANCE) -> list[OtherAttendee]:
    """Pasted lines, one person a line: "Name – Role", "Name, Role", "Name (Role)" or
    "Name<tab>Role" (a row pasted from a table). Blank lines are ignored; a leading bullet
    is dropped. Any bad line raises ``ValidationError`` on ``others_text`` naming every bad
    line, so that nothing is saved until all of them read right."""
    rows: list[OtherAttendee] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = _BULLET.sub("", " ".join(raw.split())).strip()
        if not line:
            continue
        shown = line if len(line) <= 60 else line[:57] + "…"
        found = _split_name_role(raw)
        if found is None:
            errors.append(
                f"Line {number} (“{shown}”) has no role: write it as Name – Role, Name, Role "
                "or Name (Role), for example “Jane Smith – Head of Education”."
            )
            continue
        name, role, how = found
        if not name:
            errors.append(f"Line {number} (“{shown}”) {_NO_NAME[how]}.")
        elif not role:
            errors.append(f"Line {number} (“{shown}”) {_NO_ROLE[how]}.")
        elif len(name) > _NAME_MAX or len(role) > _NAME_MAX:
            errors.append(
                f"Line {number} (“{shown}”) is too long: a name and a role can each have "
                f"at most {_NAME_MAX} characters."
            )
        else:
            rows.append(OtherAttendee(name=name, role_text=role, kind=kind, key="others_text"))
    if errors:
        raise ValidationError({"others_text": errors})
    return rows


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@records_by
@transaction.atomic
def save_register(
    *,
    meeting: Meeting,
    members: list[MemberMark],
    others: list[OtherAttendee] | None = None,
    pasted: str = "",
    pasted_kind: str = AttendanceKind.IN_ATTENDANCE,
    version: int | None,
    by=None,
) -> MinutesSet:
    """Save the whole attendance register of ``meeting`` in one go: every expected member's
    mark (with their substitute), the others in attendance (rows changed, removed or added)
    and any pasted "Name – Role" lines. Starts the minutes if need be.

    Saving again updates: members are keyed by person, saved rows by id, and a new or pasted
    name that is already on the list (ignoring case and spacing) updates that row. Any error
    leaves everything as it was. ``version`` is the minutes' version the form was opened with
    (0: not started then)."""
    existing = MinutesSet.all_objects.select_for_update().filter(meeting=meeting).first()
    check_version(existing.version if existing else 0, version)
    if existing is not None:
        _ensure_not_locked(existing)
    if pasted_kind not in OTHER_KINDS:
        raise ValidationError({"others_kind": ["Choose how the pasted people attended."]})
    parsed = parse_others(pasted, kind=pasted_kind)  # raises before anything is written
    minutes = start_minutes(meeting=meeting, by=by)
    rows = list(minutes.attendance.select_related("person"))
    member_rows = {r.person_id: r for r in rows if r.kind == AttendanceKind.MEMBER}
    marks = {m.person_id: m for m in members}
    # Substitute rows for the members on this register are rewritten from their marks.
    sub_rows = {
        r.substitute_for_id: r
        for r in rows
        if r.kind == AttendanceKind.SUBSTITUTE and r.substitute_for_id in marks
    }
    managed = {r.pk for r in sub_rows.values()}
    others_rows = {r.pk: r for r in rows if r.kind in OTHER_KINDS}
    by_person = {r.person_id: r for r in rows if r.person_id and r.pk not in managed}
    errors: dict[str, list[str]] = {}

    chosen: dict[int, int] = {}  # substitute's person id -> member's person id
    for pid, mark in marks.items():
        row = member_rows.get(pid)
        if row is None:
            errors[f"member-{pid}"] = ["This person is not a member expected at this meeting."]
            continue
        if mark.status not in dict(REGISTER_CHOICES):
            errors[f"member-{pid}"] = [
                f"Mark {row.display_name} present, apologies, absent or substitute."
            ]
            continue
        if mark.status != REGISTER_SUBSTITUTE:
            continue
        sub = mark.substitute
        field = f"sub-{pid}"
        if sub is None:
            errors[field] = [f"Choose who substituted for {row.display_name}."]
        elif sub.pk in member_rows:
            errors[field] = [
                f"{sub.display_name} is a member at this meeting and cannot also be "
                f"{row.display_name}'s substitute."
            ]
        elif sub.pk in chosen:
            other = member_rows[chosen[sub.pk]].display_name
            errors[field] = [f"{sub.display_name} is already substituting for {other}."]
        elif sub.pk in by_person and by_person[sub.pk].kind != AttendanceKind.SUBSTITUTE:
            listed = by_person[sub.pk].get_kind_display().lower()
            errors[field] = [
                f"{sub.display_name} is already on the attendance list ({listed}): remove "
                "them from the others in attendance first."
            ]
        elif sub.pk in by_person:
            errors[field] = [f"{sub.display_name} is already on the list as a substitute."]
        else:
            chosen[sub.pk] = pid

    # Others: saved rows changed or removed, new rows, pasted lines; one row per name.
    names: dict[str, Attendance | OtherAttendee] = {}
    for r in others_rows.values():
        names[_name_key(r.display_name)] = r
    updates: list[tuple[Attendance, OtherAttendee, bool]] = []  # (row, entry, rename)
    removals: list[Attendance] = []
    new: list[OtherAttendee] = []
    for entry in others or []:
        if entry.kind not in OTHER_KINDS:
            errors[f"{entry.key}-kind"] = ["Choose how they attended."]
            continue
        if entry.pk is not None:
            row = others_rows.get(entry.pk)
            if row is None:
                errors[f"{entry.key}-name"] = ["This row is no longer on the attendance list."]
            elif entry.remove:
                removals.append(row)
                names.pop(_name_key(row.display_name), None)
            elif not row.person_id and not entry.name.strip():
                errors[f"{entry.key}-name"] = ["Enter a name, or tick “Remove”."]
            else:
                updates.append((row, entry, True))
            continue
        if not entry.name.strip():
            if entry.role_text.strip():
                errors[f"{entry.key}-name"] = ["Enter the name of the person in this role."]
            continue
        new.append(entry)
    for entry in [*new, *parsed]:
        known = names.get(_name_key(entry.name))
        if isinstance(known, Attendance):
            updates.append((known, entry, False))  # already listed: update, never duplicate
        elif known is not None:
            known.role_text = entry.role_text or known.role_text
            known.kind = entry.kind
        else:
            names[_name_key(entry.name)] = entry
    if errors:
        raise ValidationError(errors)

    for pid, mark in marks.items():
        row = member_rows[pid]
        status = AttendanceStatus.APOLOGIES if mark.status == REGISTER_SUBSTITUTE else mark.status
        if row.status != status:
            row.status = status
            row.save(update_fields=["status"])
        sub_row = sub_rows.get(pid)
        if mark.status != REGISTER_SUBSTITUTE:
            if sub_row is not None:
                sub_row.delete()
            continue
        if sub_row is not None and sub_row.person_id == mark.substitute.pk:
            continue
        if sub_row is not None:
            sub_row.delete()  # another person now: their own row, in the member's place
    order = (minutes.attendance.aggregate(m=Max("order"))["m"] or 0) + 1
    for sub_pk, pid in chosen.items():
        if sub_rows.get(pid) is not None and sub_rows[pid].person_id == sub_pk:
            continue
        member = member_rows[pid]
        Attendance.objects.create(
            minutes=minutes,
            person=marks[pid].substitute,
            kind=AttendanceKind.SUBSTITUTE,
            status=AttendanceStatus.PRESENT,
            substitute_for=member.person,
            order=member.order,
        )
    for row in removals:
        row.delete()
    for row, entry, rename in updates:
        changed = []
        name = entry.name.strip()
        if rename and not row.person_id and name and row.name != name:
            row.name = name
            changed.append("name")
        if row.role_text != entry.role_text.strip():
            row.role_text = entry.role_text.strip()
            changed.append("role_text")
        if row.kind != entry.kind:
            row.kind = entry.kind
            changed.append("kind")
        if changed:
            row.save(update_fields=changed)
    for entry in names.values():
        if isinstance(entry, Attendance):
            continue
        Attendance.objects.create(
            minutes=minutes,
            name=entry.name.strip(),
            role_text=entry.role_text.strip(),
            kind=entry.kind,
            status=AttendanceStatus.PRESENT,
            order=order,
        )
        order += 1
    return _bump(minutes)


# --- Declarations --------------------------------------------------------------------------


@records_by
@transaction.atomic
def set_no_interests(*, minutes: MinutesSet, value: bool, by=None) -> MinutesSet:
    _ensure_not_locked(minutes)
    if value and Declaration.objects.filter(minute__minutes=minutes).exists():
        raise ValidationError(
            {
                "no_interests_declared": [
                    "Interests have been declared at this meeting: remove them first."
                ]
            }
        )
    minutes.no_interests_declared = value
    minutes.save(update_fields=["no_interests_declared", "modified_at"])
    return _bump(minutes)


@records_by
@transaction.atomic
def add_declaration(
    *,
    minute: Minute,
    person: Person,
    interest_type: str,
    withdrew: bool,
    description: str,
    by=None,
) -> Declaration:
    minutes = minute.minutes
    _ensure_not_locked(minutes)
    errors: dict[str, list[str]] = {}
    if interest_type not in InterestType.values:
        errors["interest_type"] = ["Choose the type of interest."]
    if not (description or "").strip():
        errors["description"] = ["Describe the interest, as the member stated it."]
    if minutes.no_interests_declared:
        errors["__all__"] = [
            'These minutes record "No interests were declared". Untick that first.'
        ]
    if errors:
        raise ValidationError(errors)
    declaration = Declaration.objects.create(
        minute=minute,
        person=person,
        interest_type=interest_type,
        withdrew=withdrew,
        description=description.strip(),
    )
    _bump(minutes)
    return declaration


@records_by
@transaction.atomic
def remove_declaration(*, declaration: Declaration, by=None) -> None:
    minutes = declaration.minute.minutes
    _ensure_not_locked(minutes)
    declaration.delete()
    _bump(minutes)


# --- Minutes of each item ------------------------------------------------------------------


@records_by
@transaction.atomic
def save_minute(
    *,
    minute: Minute,
    text: str,
    outcome: str = MinuteOutcome.CONSIDERED,
    resolutions: list[str] | None = None,
    public_summary: str = "",
    version: int | None,
    by=None,
) -> Minute:
    """Save an item's minute and replace its resolutions (numbered 1, 2, 3… in order)."""
    minute = Minute.objects.select_for_update().select_related("agenda_item").get(pk=minute.pk)
    _ensure_not_locked(minute.minutes)
    _check_version(minute, version)
    if outcome not in MinuteOutcome.values:
        raise ValidationError({"outcome": ["Choose what happened to the item."]})
    if public_summary.strip() and not minute.is_private:
        raise ValidationError(
            {"public_summary": ["A public summary is only for an exempt or confidential item."]}
        )
    resolutions = [r.strip() for r in (resolutions or []) if r and r.strip()]
    old = list(minute.resolutions.order_by("number"))
    old_texts = [r.text for r in old]
    if old_texts != resolutions:
        # Keep the rows (and the actions hanging off them) where the number stays.
        for n, text_ in enumerate(resolutions, start=1):
            if n <= len(old):
                if old[n - 1].text != text_:
                    old[n - 1].text = text_
                    old[n - 1].save(update_fields=["text"])
            else:
                Resolution.objects.create(minute=minute, number=n, text=text_)
        for extra in old[len(resolutions) :]:
            extra.delete()
    minute.text = sanitise(text)
    minute.outcome = outcome
    minute.public_summary = sanitise(public_summary)
    minute.version = minute.version + 1
    minute.save()
    _announce(minute.minutes)
    return minute


@records_by
@transaction.atomic
def save_minute_texts(*, minutes: MinutesSet, texts: dict[int, str], by=None) -> None:
    """Save the text of several minutes of one set (by minute id), each as
    ``save_minute(minute=, text=, version=its current version)`` would: outcome "considered",
    no public summary, no resolutions. One ``save_minute`` each; while a bulk writer has
    deferred the per-record receivers (``scrutiny.bulk.deferred()``: an import), the minutes
    without resolutions are saved in one update with their history rows."""
    if not bulk.deferred():
        for minute in Minute.objects.filter(minutes=minutes, pk__in=list(texts)):
            save_minute(minute=minute, text=texts[minute.pk], version=minute.version, by=by)
        return
    fresh = MinutesSet.all_objects.select_for_update().get(pk=minutes.pk)
    _ensure_not_locked(fresh)
    rows = list(
        Minute.objects.select_for_update()
        .filter(minutes=fresh, pk__in=list(texts))
        .order_by("agenda_item__order", "agenda_item__pk")
    )
    with_resolutions = set(
        Resolution.objects.filter(minute__in=rows).values_list("minute_id", flat=True)
    )
    plain = []
    for minute in rows:
        if minute.pk in with_resolutions:  # rows to delete, each with its history: one by one
            save_minute(minute=minute, text=texts[minute.pk], version=minute.version, by=by)
            continue
        minute.text = sanitise(texts[minute.pk])
        minute.outcome = MinuteOutcome.CONSIDERED
        minute.public_summary = sanitise("")
        minute.version += 1
        plain.append(minute)
    bulk.update_rows(Minute, plain, ["text", "outcome", "public_summary", "version", "modified_at"])
    if plain:
        _announce(fresh)


# --- Lifecycle -----------------------------------------------------------------------------


@records_by
@transaction.atomic
def publish_minutes(*, minutes: MinutesSet, by=None) -> MinutesSet:
    """Publish draft minutes ("to be approved") and give their minutes numbers."""
    minutes = MinutesSet.all_objects.select_for_update().get(pk=minutes.pk)
    if minutes.status != MinutesStatus.DRAFT:
        raise ValidationError({"__all__": ["These minutes are already published."]})
    if not minutes.meeting.published_at:
        raise ValidationError(
            {"__all__": ["Publish the meeting's agenda before publishing its minutes."]}
        )
    number_minutes(minutes=minutes)
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.published_by = by
    minutes.version += 1
    minutes.save()
    _announce(minutes)
    return minutes


def number_minutes(*, minutes: MinutesSet) -> None:
    """Number the minutes of a meeting as the constitution settings say (issue 21): after
    those of earlier meetings of the same committee in the same municipal year (minute
    numbers run through the year, the default), or from 1 at each meeting."""
    meeting = minutes.meeting
    year = MunicipalYear.for_date(meeting.date)
    items = list(
        Minute.objects.filter(minutes=minutes).order_by("agenda_item__order", "agenda_item__pk")
    )
    if any(m.number for m in items):
        return
    numbering = constitution.minute_numbering()
    fields = ["number", "municipal_year", "numbering", "modified_at"]
    if numbering == Constitution.MinuteNumbering.MEETING:
        for n, minute in enumerate(items, start=1):
            minute.number = n
            minute.municipal_year = year
            minute.numbering = numbering
        bulk.update_rows(Minute, items, fields)
        return
    same_year = Minute.objects.filter(
        committee=meeting.committee, municipal_year=year, numbering=numbering
    )
    start = (
        same_year.filter(minutes__meeting__start__lt=meeting.start).aggregate(m=Max("number"))["m"]
        or 0
    )
    later = same_year.filter(minutes__meeting__start__gt=meeting.start, number__isnull=False)
    if later.exists():
        first_later = later.select_related("minutes__meeting").order_by("number").first()
        raise ValidationError(
            {
                "__all__": [
                    "The minutes of a later meeting of this committee "
                    f"({first_later.minutes.meeting.date:%-d %B %Y}) are already numbered, "
                    "so these cannot take their place in the year's sequence."
                ]
            }
        )
    for n, minute in enumerate(items, start=start + 1):
        minute.number = n
        minute.municipal_year = year
        minute.numbering = numbering
    bulk.update_rows(Minute, items, fields)


@dataclass
class AmendmentInput:
    minute_number: int
    before: str
    after: str


def _match_key(text: str) -> str:
    return text.strip().strip("'\"‘’“”").strip().lstrip(".…").rstrip("…").strip()


def _apply_change(minute: Minute, before: str, after: str, field: str) -> None:
    """Replace ``before`` by ``after`` in the minute's words or one of its resolutions.

    The change operates on text: only the words of the minute (never a tag, a link target or
    any other attribute) are matched and replaced, ``after`` is taken as words (a quote or an
    angle bracket stays a character), and the result is sanitised again before it is stored.
    """
    key_before, key_after = _match_key(before), _match_key(after)
    if not key_before:
        raise ValidationError({field: ["Enter the words as they stood."]})
    hits = count_text(minute.text, key_before)
    resolution_hits = [r for r in minute.resolutions.all() if key_before in r.text]
    summary_hits = count_text(minute.public_summary, key_before)
    total = hits + sum(r.text.count(key_before) for r in resolution_hits) + summary_hits
    if total == 0:
        raise ValidationError(
            {field: [f"Minute {minute.number} does not contain the words “{key_before}”."]}
        )
    if total > 1:
        raise ValidationError(
            {field: [f"The words “{key_before}” appear more than once in minute {minute.number}."]}
        )
    if hits:
        minute.text = replace_text(minute.text, key_before, key_after)
    elif summary_hits:
        minute.public_summary = replace_text(minute.public_summary, key_before, key_after)
    else:
        resolution = resolution_hits[0]
        resolution.text = resolution.text.replace(key_before, key_after)
        resolution.save(update_fields=["text"])
    minute.version += 1
    minute.save()


@records_by
@transaction.atomic
def approve_minutes(
    *,
    minutes: MinutesSet,
    at_item: AgendaItem,
    amendments: list[AmendmentInput] | None = None,
    by=None,
) -> MinutesSet:
    """Approve published minutes at a later meeting of the same committee, through its
    "minutes of the previous meeting" item, optionally subject to amendments."""
    minutes = (
        MinutesSet.all_objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    )
    meeting = minutes.meeting
    errors: dict[str, list[str]] = {}
    if minutes.status == MinutesStatus.APPROVED:
        errors["__all__"] = ["These minutes have already been approved."]
    elif minutes.status != MinutesStatus.PUBLISHED:
        errors["__all__"] = ["Publish the draft minutes before they are approved."]
    if at_item.kind != ItemKind.MINUTES:
        errors["at_item"] = [
            'Minutes are approved through a "minutes of the previous meeting" item.'
        ]
    elif at_item.previous_meeting_id != meeting.pk:
        errors["at_item"] = ["That item approves the minutes of a different meeting."]
    later = at_item.meeting
    if later.committee_id != meeting.committee_id:
        errors["at_item"] = ["Minutes are approved at a meeting of the same committee."]
    elif later.start <= meeting.start:
        errors["at_item"] = ["Minutes are approved at a later meeting."]
    if errors:
        raise ValidationError(errors)
    texts = []
    for n, amendment in enumerate(amendments or [], start=1):
        minute = Minute.objects.filter(minutes=minutes, number=amendment.minute_number).first()
        if minute is None:
            raise ValidationError(
                {f"amendment-{n}": [f"These minutes have no minute {amendment.minute_number}."]}
            )
        _apply_change(minute, amendment.before, amendment.after, f"amendment-{n}")
        MinutesAmendment.objects.create(
            minutes=minutes,
            minute=minute,
            kind=MinutesAmendment.Kind.ON_APPROVAL,
            before=amendment.before.strip(),
            after=amendment.after.strip(),
            made_at_item=at_item,
            made_by=by,
        )
        texts.append(
            f"Minute {minute.number} from ‘{amendment.before.strip()}’ to "
            f"‘{amendment.after.strip()}’"
        )
    text = (
        f"That the minutes of the meeting held on {meeting.date:%-d %B %Y} be approved as a "
        "correct record"
    )
    if texts:
        text += " subject to the amendment of " + " and ".join(texts)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at_item = at_item
    minutes.approved_at = timezone.now()
    minutes.approved_by = by
    minutes.approval_text = text + "."
    minutes.version += 1
    minutes.save()
    _announce(minutes)
    return minutes


@records_by
@transaction.atomic
def correct_minutes(
    *, minute: Minute, before: str, after: str, reason: str, by=None
) -> MinutesAmendment:
    """Correct approved minutes: the only change allowed once they are locked. The change is
    recorded (who, when, before, after, why) and shown with the minutes."""
    minute = Minute.objects.select_for_update().get(pk=minute.pk)
    if minute.minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(
            {"__all__": ["These minutes are not approved yet: edit the minute instead."]}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the approved minutes are being corrected."]})
    _apply_change(minute, before, after, "before")
    _announce(minute.minutes)
    return MinutesAmendment.objects.create(
        minutes=minute.minutes,
        minute=minute,
        kind=MinutesAmendment.Kind.CORRECTION,
        before=before.strip(),
        after=after.strip(),
        reason=reason.strip(),
        made_by=by,
    )


# --- Actions -------------------------------------------------------------------------------


def _validate_action(
    *, description: str, owner_person, owner_text: str, due_date, target_meeting, committee
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (description or "").strip():
        errors["description"] = ["Describe the action."]
    if owner_person is None and not (owner_text or "").strip():
        errors["owner_text"] = ["Name the owner: choose a person or type a service."]
    if (
        target_meeting is not None
        and committee is not None
        and target_meeting.committee_id != committee.pk
    ):
        errors["target_meeting"] = ["Choose a meeting of the same committee."]
    return errors


@records_by
@transaction.atomic
def create_action(
    *,
    committee: Committee,
    description: str,
    owner_person: Person | None = None,
    owner_text: str = "",
    due_date=None,
    target_meeting: Meeting | None = None,
    resolution: Resolution | None = None,
    is_public: bool = True,
    raised_on=None,
    by=None,
) -> Action:
    errors = _validate_action(
        description=description,
        owner_person=owner_person,
        owner_text=owner_text,
        due_date=due_date,
        target_meeting=target_meeting,
        committee=committee,
    )
    if resolution is not None:
        meeting = resolution.minute.minutes.meeting
        if meeting.committee_id != committee.pk:
            errors["resolution"] = ["The resolution belongs to another committee."]
        if resolution.minute.is_private:
            is_public = False  # an exempt item's follow-up stays members-only
        raised_on = raised_on or meeting.date
    if errors:
        raise ValidationError(errors)
    return Action.all_objects.create(
        committee=committee,
        description=description.strip(),
        owner_person=owner_person,
        owner_text=(owner_text or "").strip(),
        due_date=due_date,
        target_meeting=target_meeting,
        resolution=resolution,
        is_public=is_public,
        raised_on=raised_on or timezone.localdate(),
        created_by=by,
    )


@records_by
@transaction.atomic
def update_action(
    *,
    action: Action,
    description: str,
    owner_person: Person | None,
    owner_text: str,
    due_date,
    target_meeting: Meeting | None,
    status: str,
    dealt_with_item: AgendaItem | None,
    is_public: bool,
    version: int | None,
    by=None,
) -> Action:
    action = Action.all_objects.select_for_update().get(pk=action.pk)
    _check_version(action, version)
    errors = _validate_action(
        description=description,
        owner_person=owner_person,
        owner_text=owner_text,
        due_date=due_date,
        target_meeting=target_meeting,
        committee=action.committee,
    )
    if status not in ActionStatus.values:
        errors["status"] = ["Choose a status."]
    if dealt_with_item is not None and dealt_with_item.meeting.date < action.raised_on:
        errors["dealt_with_item"] = ["Choose an agenda item of a later meeting."]
    if is_public and action.resolution_id and action.resolution.minute.is_private:
        errors["is_public"] = ["An action from an exempt item cannot be made public."]
    if errors:
        raise ValidationError(errors)
    action.description = description.strip()
    action.owner_person = owner_person
    action.owner_text = (owner_text or "").strip()
    action.due_date = due_date
    action.target_meeting = target_meeting
    action.status = status
    action.dealt_with_item = dealt_with_item
    action.is_public = is_public
    action.version += 1
    action.save()
    return action


@records_by
@transaction.atomic
def add_action_note(*, action: Action, text: str, on=None, by=None) -> ActionNote:
    if not (text or "").strip():
        raise ValidationError({"text": ["Enter the progress note."]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": ["A progress note cannot be dated in the future."]})
    note = ActionNote.objects.create(action=action, text=text.strip(), on=on, by=by)
    Action.all_objects.filter(pk=action.pk).update(modified_at=timezone.now())
    return note


def log_exempt_minutes_read(*, user, meeting: Meeting, minutes: list[Minute]):
    """Record that ``user`` read the full minutes of exempt items (as for exempt papers)."""
    from meetings.services import log_exempt_access

    numbers = ", ".join(str(m.number or m.agenda_item.number) for m in minutes)
    return log_exempt_access(
        user=user, meeting=meeting, what=f"Exempt minutes ({numbers}) of {meeting}"
    )
