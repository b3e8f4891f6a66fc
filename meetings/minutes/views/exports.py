"""The action tracker as CSV (written by ``scrutiny.csvexport``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from meetings.minutes import selectors
from meetings.minutes.filters import ActionFilter
from meetings.minutes.models import OPEN_ACTION_STATUSES, Action, ActionNote, ActionStatus
from scrutiny import csvexport
from scrutiny.models import Committee, Person

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
# The plain values the CSV prints, all from the one query (joins, and two subqueries for the
# latest progress note): no model instance is built and no row sends a query of its own.
# ``selectors.actions_for`` also annotates ``target_is_public`` and ``dealt_with_is_public``:
# the CSV names the target meeting and dealt-with item only where the viewer may see them.
_CSV_VALUES = (
    "committee__name",
    "raised_on",
    "resolution_id",
    "resolution__number",
    "resolution__minute__number",
    "resolution__minute__agenda_item__number",
    "description",
    "owner_person_id",
    "owner_person__honorific",
    "owner_person__kind",
    "owner_person__name",
    "owner_text",
    "due_date",
    "target_meeting_id",
    "target_meeting__start",
    "target_is_public",
    "status",
    "dealt_with_item_id",
    "dealt_with_item__number",
    "dealt_with_item__title",
    "dealt_with_item__meeting__start",
    "dealt_with_is_public",
    "note_on",
    "note_text",
)
_STATUS_LABELS = dict(ActionStatus.choices)


def _local_date(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def _csv_row(row: dict, today) -> list:
    """One action's plain values as a CSV row, saying what the model's ``owner_display``,
    ``shown_due_label``, ``is_overdue`` and ``shown_dealt_with_item`` say (the byte-for-byte
    test in tests/opendata/test_csv_bytes.py holds them together), with every date as
    ``scrutiny.csvexport`` writes dates (ISO 8601)."""
    source = ""
    if row["resolution_id"]:
        number = row["resolution__minute__number"] or row["resolution__minute__agenda_item__number"]
        source = f"Minute {number}, resolution {row['resolution__number']}"
    owner = row["owner_text"]
    if row["owner_person_id"]:
        title = row["owner_person__honorific"] or Person.DEFAULT_TITLES.get(
            row["owner_person__kind"], ""
        )
        person = f"{title} {row['owner_person__name']}".strip()
        owner = f"{person} ({owner})" if owner else person
    target_date = _local_date(row["target_meeting__start"])
    if row["due_date"]:
        due = csvexport.date_text(row["due_date"])
    elif row["target_meeting_id"] and not row["target_is_public"]:
        due = Action.UNPUBLISHED_TARGET_TEXT
    elif row["target_meeting_id"]:
        due = f"Meeting of {csvexport.date_text(target_date)}"
    else:
        due = "No date set"
    overdue = False
    if row["status"] in OPEN_ACTION_STATUSES:
        if row["due_date"]:
            overdue = row["due_date"] < today
        elif row["target_meeting_id"]:
            overdue = target_date < today
    dealt = ""
    if row["dealt_with_item_id"] and row["dealt_with_is_public"]:
        number, title = row["dealt_with_item__number"], row["dealt_with_item__title"]
        item = f"{number}: {title}" if number else title
        held = _local_date(row["dealt_with_item__meeting__start"])
        dealt = f"{csvexport.date_text(held)}: {item}"
    note = f"{csvexport.date_text(row['note_on'])}: {row['note_text']}" if row["note_on"] else ""
    return [
        row["committee__name"],
        row["raised_on"],
        source,
        row["description"],
        owner,
        due,
        _STATUS_LABELS.get(row["status"], row["status"]),
        overdue,
        note,
        dealt,
    ]


def _csv_rows(actions: QuerySet, today):
    # Inside a transaction, PostgreSQL's server-side cursor lives only as long as it, so the
    # stream also works behind PgBouncer's transaction pooling (see Django's iterator()).
    with transaction.atomic(using=actions.db, savepoint=False):
        for row in actions.iterator(chunk_size=CSV_CHUNK):
            yield _csv_row(row, today)


# The whole public tracker as CSV is ten years of actions (1.8 MB, 12,000 rows: 270 ms to
# write on a ten-year council). What the public downloads unfiltered (every committee's, or
# one committee's) is written once per content generation and day (the "Overdue" column)
# and kept (``scrutiny.csvexport.stored``, issue 20). Filtered downloads, and everyone who may
# see more than the public (officers, councillors), are written on request as before. Only
# the public's actions are ever stored.


def _unfiltered(request) -> bool:
    """No filter chosen (a ``page`` from the tracker's own link changes nothing)."""
    return not any(request.GET.get(name) for name in ActionFilter.base_filters)


def _csv(request, committee=None):
    """The tracker as CSV, streamed by ``scrutiny.csvexport`` (formula cells neutralised): one
    query of plain values for every action (its latest progress note included), read
    ``CSV_CHUNK`` rows at a time and written as they arrive; the public's unfiltered CSV is
    written once per content generation and day and kept (``scrutiny.csvexport.stored``)."""
    today = timezone.localdate()
    name = f"actions-{committee.slug}" if committee else "actions"
    filename = f"{name}-{today:%Y-%m-%d}.csv"

    def rows():
        qs = selectors.actions_for(request.user)
        if committee is not None:
            qs = qs.filter(committee=committee)
        filterset = ActionFilter(request.GET or None, queryset=qs, committee=committee)
        latest = ActionNote.objects.filter(action=OuterRef("pk")).order_by("-on", "-pk")
        actions = (
            filterset.qs.annotate(
                note_on=Subquery(latest.values("on")[:1]),
                note_text=Subquery(latest.values("text")[:1]),
            )
            .order_by("committee__name", "-raised_on", "pk")
            .values(*_CSV_VALUES)
        )
        return _csv_rows(actions, today)

    if selectors.sees_public_actions_only(request.user) and _unfiltered(request):
        name = f"actions|{committee.pk if committee else ''}|{today}"
        return csvexport.stored(name, filename, CSV_HEADER, rows)
    return csvexport.response(filename, CSV_HEADER, rows(), stream=True)


def action_tracker_csv(request):
    return _csv(request)


def committee_actions_csv(request, slug):
    return _csv(request, get_object_or_404(Committee, slug=slug))
