"""Loads the demo minutes and actions from fixtures/demo/minutes/<committee>/<date>.yaml,
through ``meetings.minutes.services`` as the officers' minutes pages write them.

Three passes over the files (in path order): the minutes themselves (attendance, each item's
minute, publication), then their approval at a later meeting (which needs that meeting's
minutes item), then the actions raised from them.

Idempotent: minutes already approved are left alone; others are brought up to date. An action
is keyed on its committee and description, a progress note on its action, date and text.
"""

from __future__ import annotations

from meetings.minutes import services
from meetings.minutes.models import Action, ActionNote, ActionStatus, MinutesSet, MinutesStatus
from meetings.models import AgendaItem, ItemKind, Meeting
from scrutiny.fixtures import FixtureError, Fixtures, as_date
from scrutiny.sanitise import sanitise


def load(fixtures: Fixtures) -> None:
    officer = fixtures.officer_user()
    files = [(name, fixtures.read(name)) for name in fixtures.files("minutes", "*/*.yaml")]
    for name, data in files:
        _minutes(fixtures, name, data, officer)
    for name, data in files:
        if data.get("approved"):
            _approve(fixtures, name, data, officer)
    for name, data in files:
        minutes = MinutesSet.all_objects.get(meeting=_meeting(fixtures, name, data, data["date"]))
        for spec in data.get("actions") or ():
            _action(fixtures, name, data, minutes, dict(spec))


def _meeting(fixtures: Fixtures, name: str, data: dict, day) -> Meeting:
    committee = fixtures.committee(data["committee"])
    meeting = Meeting.all_objects.filter(committee=committee, start__date=as_date(day)).first()
    if meeting is None:
        raise FixtureError(f"{name}: no {committee.slug} meeting on {day} (see meetings/)")
    return meeting


def _minutes(fixtures: Fixtures, name: str, data: dict, officer) -> None:
    meeting = _meeting(fixtures, name, data, data["date"])
    existing = MinutesSet.all_objects.filter(meeting=meeting).first()
    if existing is not None and existing.status == MinutesStatus.APPROVED:
        return  # locked: left as approved
    minutes = services.start_minutes(meeting=meeting)
    _attendance(fixtures, minutes, data.get("attendance") or ())
    if data.get("no_interests_declared") and not minutes.no_interests_declared:
        services.set_no_interests(minutes=minutes, value=True)
    for spec in data.get("minutes") or ():
        item = AgendaItem.all_objects.filter(meeting=meeting, title=spec["item"]).first()
        if item is None:
            raise FixtureError(f"{name}: the agenda has no item {spec['item']!r}")
        minute = minutes.items.get(agenda_item=item)
        resolutions = [r.strip() for r in spec.get("resolutions") or () if r and r.strip()]
        if (
            minute.version > 1  # saved before (a new minute is saved even when empty)
            and minute.text == sanitise(spec.get("text") or "")
            and minute.outcome == spec.get("outcome", "considered")
            and minute.public_summary == sanitise(spec.get("public_summary") or "")
            and [r.text for r in minute.resolutions.order_by("number")] == resolutions
        ):
            continue  # as the file says: saving it again would only bump its version
        services.save_minute(
            minute=minute,
            version=None,
            text=spec.get("text") or "",
            resolutions=list(spec.get("resolutions") or ()),
            outcome=spec.get("outcome", "considered"),
            public_summary=spec.get("public_summary") or "",
        )
    minutes.refresh_from_db()
    if data.get("published") and minutes.status == MinutesStatus.DRAFT:
        if not meeting.published_at:
            raise FixtureError(f"{name}: the meeting's agenda is not published")
        services.publish_minutes(minutes=minutes, by=officer)


def _attendance(fixtures: Fixtures, minutes: MinutesSet, rows) -> None:
    have = {a.person_id: a for a in minutes.attendance.all() if a.person_id}
    for row in rows:
        person = fixtures.person(row["person"])
        role_text = row.get("role", "")
        current = have.get(person.pk)
        if current is None:
            services.add_attendee(
                minutes=minutes,
                kind=row["kind"],
                person=person,
                status=row["status"],
                role_text=role_text,
            )
        elif current.status != row["status"] or (role_text and current.role_text != role_text):
            current.status = row["status"]
            current.role_text = role_text or current.role_text
            current.save(update_fields=["status", "role_text"])


def _approve(fixtures: Fixtures, name: str, data: dict, officer) -> None:
    meeting = _meeting(fixtures, name, data, data["date"])
    minutes = MinutesSet.all_objects.filter(meeting=meeting).first()
    if minutes is None or minutes.status != MinutesStatus.PUBLISHED:
        return
    approved = data["approved"]
    at_meeting = _meeting(fixtures, name, data, approved["at"])
    at_item = AgendaItem.all_objects.filter(meeting=at_meeting, kind=ItemKind.MINUTES).first()
    if at_item is None:
        at_item = AgendaItem.all_objects.filter(
            meeting=at_meeting, title__icontains="minutes of"
        ).first()
    if at_item is None:
        raise FixtureError(f"{name}: the meeting of {approved['at']} has no minutes item")
    if at_item.previous_meeting_id != meeting.pk or at_item.kind != ItemKind.MINUTES:
        AgendaItem.all_objects.filter(pk=at_item.pk).update(
            previous_meeting=meeting, kind=ItemKind.MINUTES
        )
        at_item.refresh_from_db()
    amendments = []
    for change in approved.get("amendments") or ():
        minute = minutes.items.filter(agenda_item__title=change["item"]).first()
        if minute is None or not minute.number:
            raise FixtureError(f"{name}: no numbered minute for {change['item']!r} to amend")
        amendments.append(
            services.AmendmentInput(
                minute_number=minute.number, before=change["before"], after=change["after"]
            )
        )
    services.approve_minutes(minutes=minutes, at_item=at_item, amendments=amendments, by=officer)


def _action(fixtures: Fixtures, name: str, data: dict, minutes: MinutesSet, spec: dict) -> None:
    """An action from a resolution (``item`` and ``resolution``: a minute whose item's title
    contains ``item``, and the resolution's number) or standalone (``description``)."""
    committee = minutes.meeting.committee
    resolution = None
    if spec.get("item"):
        minute = next(
            (
                m
                for m in minutes.items.select_related("agenda_item")
                if spec["item"] in m.agenda_item.title
            ),
            None,
        )
        if minute is None:
            raise FixtureError(f"{name}: no minute for an item titled {spec['item']!r}")
        resolution = minute.resolutions.filter(number=spec["resolution"]).first()
    description = spec.get("description") or (resolution.text if resolution else "")
    status = spec.get("status", ActionStatus.OPEN)
    dealt_with = None
    if spec.get("dealt_with"):
        at = _meeting(fixtures, name, data, spec["dealt_with"]["meeting"])
        dealt_with = AgendaItem.all_objects.filter(
            meeting=at, title__icontains=spec["dealt_with"]["item"]
        ).first()
    target = (
        _meeting(fixtures, name, data, spec["target_meeting"])
        if spec.get("target_meeting")
        else None
    )
    action = Action.all_objects.filter(committee=committee, description=description).first()
    if action is None:
        fields = {}
        if spec.get("raised_on"):
            fields["raised_on"] = as_date(spec["raised_on"])
        action = services.create_action(
            committee=committee,
            description=description,
            resolution=resolution,
            owner_person=fixtures.person(spec.get("owner")),
            owner_text=spec.get("owner_text", ""),
            due_date=as_date(spec.get("due_date")),
            target_meeting=target,
            **fields,
        )
    if action.status != status or action.dealt_with_item_id != getattr(dealt_with, "pk", None):
        services.update_action(
            action=action,
            description=action.description,
            owner_person=action.owner_person,
            owner_text=action.owner_text,
            due_date=action.due_date,
            target_meeting=action.target_meeting,
            status=status,
            dealt_with_item=dealt_with,
            is_public=action.is_public,
            version=None,
        )
    for note in spec.get("notes") or ():
        on = as_date(note["on"])
        if not ActionNote.objects.filter(action=action, on=on, text=note["text"]).exists():
            services.add_action_note(action=action, on=on, text=note["text"])
