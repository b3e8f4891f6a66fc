"""The action tracker as CSV (written by ``scrutiny.csvexport``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from meetings.minutes import selectors
from meetings.minutes.filters import ActionFilter
from meetings.minutes.models import Action, ActionNote
from scrutiny import csvexport
from scrutiny.models import Committee

CSV_HEADER = [
    "Committee",
    "Raised on",
    "From",
    "Action",
    "Owner",
    "Due",
    "Status",
    "Overdue",
    "Latest progress",
    "Dealt with at",
]
# Rows fetched at a time while the CSV streams: a ten-year council has thousands of actions.
CSV_CHUNK = 2000
# The related rows the CSV reads, joined into the one query, and only the columns it prints.
_CSV_RELATED = (
    "committee",
    "owner_person",
    "target_meeting",
    "resolution__minute__agenda_item",
    "dealt_with_item__meeting",
)
_CSV_FIELDS = (
    "committee__name",
    "raised_on",
    "resolution__number",
    "resolution__minute__number",
    "resolution__minute__agenda_item__number",
    "description",
    "owner_person__honorific",
    "owner_person__kind",
    "owner_person__name",
    "owner_text",
    "due_date",
    "target_meeting__start",
    "status",
    "dealt_with_item__number",
    "dealt_with_item__title",
    "dealt_with_item__meeting__start",
)
# ``selectors.actions_for`` also annotates ``target_is_public`` and ``dealt_with_is_public``:
# the CSV names the target meeting and dealt-with item only where the viewer may see them.


def _csv_row(action: Action, today) -> list:
    """One action as a CSV row: the model's own ``owner_display``, ``is_overdue`` and due
    text, with every date as ``scrutiny.csvexport`` writes dates (ISO 8601)."""
    source = ""
    if action.resolution_id:
        minute = action.resolution.minute
        number = minute.number or minute.agenda_item.number
        source = f"Minute {number}, resolution {action.resolution.number}"
    dealt = ""
    item = action.shown_dealt_with_item  # only if the viewer may see it (selectors)
    if item is not None:
        dealt = f"{csvexport.date_text(item.meeting.date)}: {item}"
    return [
        action.committee.name,
        action.raised_on,
        source,
        action.description,
        action.owner_display,
        action.shown_due_label(csvexport.DATE_FORMAT),
        action.get_status_display(),
        action.is_overdue(today),
        f"{csvexport.date_text(action.note_on)}: {action.note_text}" if action.note_on else "",
        dealt,
    ]


def _csv_rows(actions: QuerySet, today):
    # Inside a transaction, PostgreSQL's server-side cursor lives only as long as it, so the
    # stream also works behind PgBouncer's transaction pooling (see Django's iterator()).
    with transaction.atomic(using=actions.db, savepoint=False):
        for action in actions.iterator(chunk_size=CSV_CHUNK):
            yield _csv_row(action, today)


def _csv(request, committee=None):
    """The tracker as CSV, streamed by ``scrutiny.csvexport`` (formula cells neutralised): one
    query for every action (its latest progress note included), read ``CSV_CHUNK`` rows at a
    time and written as they arrive."""
    qs = selectors.actions_for(request.user)
    if committee is not None:
        qs = qs.filter(committee=committee)
    filterset = ActionFilter(request.GET or None, queryset=qs, committee=committee)
    latest = ActionNote.objects.filter(action=OuterRef("pk")).order_by("-on", "-pk")
    actions = (
        filterset.qs.select_related(*_CSV_RELATED)
        .only(*_CSV_FIELDS)
        .annotate(
            note_on=Subquery(latest.values("on")[:1]),
            note_text=Subquery(latest.values("text")[:1]),
        )
        .order_by("committee__name", "-raised_on", "pk")
    )
    today = timezone.localdate()
    name = f"actions-{committee.slug}" if committee else "actions"
    return csvexport.response(
        f"{name}-{today:%Y-%m-%d}.csv", CSV_HEADER, _csv_rows(actions, today), stream=True
    )


def action_tracker_csv(request):
    return _csv(request)


def committee_actions_csv(request, slug):
    return _csv(request, get_object_or_404(Committee, slug=slug))
