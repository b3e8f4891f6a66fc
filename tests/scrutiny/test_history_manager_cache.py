"""django-simple-history's ``history`` manager class is made once per model, not on every
access (``scrutiny.audit.cache_history_manager_classes``), and still reads the right rows."""

from __future__ import annotations

import pytest

from meetings.models import Meeting
from scrutiny import bulk
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_history_manager_class_is_made_once_and_reads_one_records_history():
    first, second = MeetingFactory(), MeetingFactory()
    assert type(Meeting.history) is type(Meeting.history)
    assert type(first.history) is type(second.history)
    assert {h.id for h in first.history.all()} == {first.pk}
    assert {h.id for h in Meeting.history.all()} >= {first.pk, second.pk}
    first.venue = "Room 2"
    first.save()
    assert first.history.count() == 2 and second.history.count() == 1


def test_a_meeting_created_by_a_bulk_import_is_known_as_such_only_during_it():
    assert not bulk.created_here(1)
    bulk.meeting_created(1)  # outside a bulk import: not noted
    with bulk.bulk_import():
        assert not bulk.created_here(1)
        bulk.meeting_created(1)
        assert bulk.created_here(1) and not bulk.created_here(2)
    assert not bulk.created_here(1)
