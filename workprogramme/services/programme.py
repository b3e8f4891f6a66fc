"""Work programme topics: a committee's programme for the year, its items (issues), and the
meetings each item is planned for (``Consideration``), up to its place on a meeting's agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from meetings import services as meeting_services
from meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus
from scrutiny.audit import records_by
from scrutiny.models import Committee, MunicipalYear, Person
from workprogramme.models import (
    PRIORITY_CRITERIA,
    Consideration,
    ItemStatus,
    Method,
    WorkProgramme,
    WorkProgrammeItem,
    today,
)
from workprogramme.services._common import check_record_version

ITEM_FIELDS = {
    "issue",
    "put_forward_by",
    "approach",
    "outcomes",
    "lead_officers_text",
    "comments",
    "method",
    "priority",
    "status",
    "target_meeting",
    "target_text",
    *(f for f, _, _ in PRIORITY_CRITERIA),
}


@transaction.atomic
def create_programme(
    *, committee: Committee, year: MunicipalYear, introduction: str = "", notes: str = ""
) -> WorkProgramme:
    if WorkProgramme.objects.filter(committee=committee, year=year).exists():
        raise ValidationError(
            {"year": f"{committee.name} already has a work programme for {year.name}."}
        )
    return WorkProgramme.objects.create(
        committee=committee, year=year, introduction=introduction, notes=notes
    )


def _validate_item_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"Unknown work programme item fields: {sorted(unknown)}")
    errors = {}
    if "issue" in fields and not (fields["issue"] or "").strip():
        errors["issue"] = "Enter the issue."
    if "method" in fields and fields["method"] not in Method.values:
        errors["method"] = "Choose how the panel will look at this issue."
    if "status" in fields and fields["status"] not in ItemStatus.values:
        errors["status"] = "Choose a status."
    for field, label, _ in PRIORITY_CRITERIA:
        value = fields.get(field)
        if value is not None and value not in range(4):
            errors[field] = f"Score {label.lower()} from 0 to 3."
    if errors:
        raise ValidationError(errors)


@records_by
@transaction.atomic
def create_item(
    *,
    programme: WorkProgramme,
    issue: str,
    lead_officers: list[Person] | None = None,
    number: int | None = None,
    by=None,
    **fields: Any,
) -> WorkProgrammeItem:
    """Add an issue to a work programme (numbered after the last one unless given)."""
    fields["issue"] = issue
    _validate_item_fields(fields)
    if number is None:
        number = (programme.items.aggregate(n=Max("number"))["n"] or 0) + 1
    elif programme.items.filter(number=number).exists():
        raise ValidationError({"number": f"Item {number} already exists on this programme."})
    item = WorkProgrammeItem.objects.create(programme=programme, number=number, **fields)
    if lead_officers:
        item.lead_officers.set(lead_officers)
    return item


@records_by
@transaction.atomic
def update_item(
    *,
    item: WorkProgrammeItem,
    expected_version: int | None,
    lead_officers: list[Person] | None = None,
    by=None,
    **fields: Any,
) -> WorkProgrammeItem:
    """Change a work programme item; ``expected_version`` guards against lost updates."""
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    check_record_version(item, expected_version)
    _validate_item_fields(fields)
    for name, value in fields.items():
        setattr(item, name, value)
    item.version += 1
    item.save()
    if lead_officers is not None:
        item.lead_officers.set(lead_officers)
    return item


@records_by
@transaction.atomic
def set_item_status(*, item: WorkProgrammeItem, status: str, by=None) -> WorkProgrammeItem:
    if status not in ItemStatus.values:
        raise ValidationError({"status": "Choose a status."})
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    item.status = status
    item.version += 1
    item.save(update_fields=["status", "version", "modified_at"])
    return item


def _next_target(item: WorkProgrammeItem, on: dt.date) -> Meeting | None:
    coming = [
        c.meeting
        for c in item.considerations.select_related("meeting").order_by("meeting__start")
        if c.meeting.date >= on and c.meeting.status != MeetingStatus.CANCELLED
    ]
    return coming[0] if coming else None


@records_by
@transaction.atomic
def schedule_item(
    *,
    item: WorkProgrammeItem,
    meeting: Meeting,
    presenter: str = "",
    presenter_person: Person | None = None,
    report_deadline: dt.date | None = None,
    notes: str = "",
    place_on_agenda: bool = False,
    agenda_title: str = "",
    agenda_description: str = "",
    urgency_reasons: str = "",
    by=None,
) -> Consideration:
    """Plan ``item`` for ``meeting`` (the agenda plan); optionally put it on the agenda now.

    A proposed item becomes scheduled, and its target meeting becomes the next meeting it is
    planned for.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": "That meeting has been cancelled; choose another."})
    if item.considerations.filter(meeting=meeting).exists():
        raise ValidationError({"meeting": "This item is already planned for that meeting."})
    if report_deadline and report_deadline > meeting.date:
        raise ValidationError(
            {"report_deadline": "The report deadline must be on or before the meeting date."}
        )
    consideration = Consideration.objects.create(
        item=item,
        meeting=meeting,
        presenter=presenter.strip(),
        presenter_person=presenter_person,
        report_deadline=report_deadline,
        notes=notes,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if place_on_agenda:
        place_on_meeting_agenda(
            consideration=consideration,
            title=agenda_title,
            description=agenda_description,
            urgency_reasons=urgency_reasons,
            by=by,
        )
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.PROPOSED:
        item.status = ItemStatus.SCHEDULED
    item.target_meeting = _next_target(item, today()) or item.target_meeting or meeting
    item.version += 1
    item.save()
    consideration.refresh_from_db()
    return consideration


@records_by
@transaction.atomic
def place_on_meeting_agenda(
    *,
    consideration: Consideration,
    title: str = "",
    description: str = "",
    urgency_reasons: str = "",
    by=None,
) -> AgendaItem:
    """Put a planned consideration on its meeting's agenda; the item and the agenda item then
    point at each other (``Consideration.agenda_item``)."""
    consideration = Consideration.objects.select_for_update().get(pk=consideration.pk)
    if consideration.agenda_item_id:
        raise ValidationError({"__all__": "This item is already on that meeting's agenda."})
    meeting = consideration.meeting
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise ValidationError(
            {"meeting": f"The meeting is {meeting.get_status_display().lower()}."}
        )
    item = consideration.item
    officers = list(item.lead_officers.all())
    if consideration.presenter_person_id:
        officers.append(consideration.presenter_person)
    # The meetings app numbers the agenda and applies the late-item rules.
    agenda_item = meeting_services.add_agenda_item(
        meeting=meeting,
        title=(title or item.issue).strip(),
        description=description or _default_description(item),
        kind=ItemKind.BUSINESS,
        contact_officers=officers,
        urgency_reasons=urgency_reasons,
        by=by,
    )
    consideration.agenda_item = agenda_item
    consideration.save(update_fields=["agenda_item", "modified_at"])
    if item.status in (ItemStatus.PROPOSED,):
        set_item_status(item=item, status=ItemStatus.SCHEDULED, by=by)
    return agenda_item


def _default_description(item: WorkProgrammeItem) -> str:
    return f"To consider {item.issue} (work programme item {item.number})."


@records_by
@transaction.atomic
def remove_consideration(*, consideration: Consideration, by=None) -> None:
    """Take an item off a meeting's plan. An agenda item already made stays on the agenda
    (removing it is the meeting page's business) but no longer points at the topic."""
    item = consideration.item
    consideration.delete()
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    item.target_meeting = _next_target(item, today())
    if item.status == ItemStatus.SCHEDULED and not item.considerations.exists():
        item.status = ItemStatus.PROPOSED
    item.version += 1
    item.save()
