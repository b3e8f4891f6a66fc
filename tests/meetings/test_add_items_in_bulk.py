"""One way to add items (``meetings.services.add_agenda_items``; ``add_agenda_item`` is it
with one item): the officer's several-items form, an import and a single item all go through
it. Inside ``scrutiny.bulk.meeting_records_deferred()`` (an import) the items are inserted in
one statement with their history rows: the same rows, numbers and history as one save each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import AgendaItem, ItemKind
from scrutiny import bulk
from tests.factories import make_user
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db

ITEMS = [
    {"title": "Apologies", "kind": ItemKind.MEMBERSHIP},
    {"title": " Budget monitoring ", "description": " The quarter's figures. "},
    {
        "title": "Missing children",
        "is_exempt": True,
        "exempt_paragraph": 2,
        "exempt_reasons": "Names children.",
    },
    {"title": "Legal advice", "is_confidential": True, "contact_text": "Legal – 01484 221000"},
]


def _shape(meeting):
    items = list(AgendaItem.all_objects.filter(meeting=meeting).order_by("order"))
    return [
        (
            i.order,
            i.number,
            i.kind,
            i.title,
            i.description,
            i.is_exempt,
            i.exempt_paragraph,
            i.exempt_reasons,
            i.is_confidential,
            i.contact_text,
            i.is_late,
            [(h.history_type, h.history_user_id, h.title) for h in i.history.all()],
        )
        for i in items
    ]


def test_items_added_in_bulk_are_the_rows_one_save_each_would_write():
    by = make_user("officer")
    one_by_one, in_bulk, together = MeetingFactory(), MeetingFactory(), MeetingFactory()
    for fields in ITEMS:
        services.add_agenda_item(meeting=one_by_one, by=by, **fields)
    with bulk.meeting_records_deferred():
        added = services.add_agenda_items(meeting=in_bulk, items=ITEMS, by=by)
    services.add_agenda_items(meeting=together, items=ITEMS, by=by)
    assert _shape(in_bulk) == _shape(one_by_one) == _shape(together)
    assert [(i.number, i.title) for i in added] == [
        ("1", "Apologies"),
        ("2", "Budget monitoring"),
        ("3", "Missing children"),
        ("4", "Legal advice"),
    ]
    assert all(i.pk for i in added)
    assert _shape(in_bulk)[0][-1] == [("+", by.pk, "Apologies")]


def test_one_refused_item_refuses_them_all_and_says_which():
    meeting = MeetingFactory()
    services.add_agenda_item(meeting=meeting, title="Kept", by=None)
    items = [{"title": "Fine"}, {"title": " "}, {"title": "Exempt", "is_exempt": True}]
    with pytest.raises(ValidationError) as caught, bulk.meeting_records_deferred():
        services.add_agenda_items(meeting=meeting, items=items, by=None)
    messages = caught.value.messages
    assert messages[0] == "Item 2: enter the title of the item."
    assert any(m.startswith("Item 3: ") for m in messages), messages
    assert list(AgendaItem.all_objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        "Kept"
    ]


def test_one_item_is_refused_by_field_as_its_form_shows_it():
    meeting = MeetingFactory()
    with pytest.raises(ValidationError) as caught:
        services.add_agenda_item(meeting=meeting, title="", by=None)
    assert caught.value.message_dict == {"title": ["Enter the title of the item."]}
    with pytest.raises(ValidationError) as caught:
        services.add_agenda_item(meeting=meeting, title="x" * 301, by=None)
    assert caught.value.message_dict == {"title": ["The title must be 300 characters or fewer."]}
