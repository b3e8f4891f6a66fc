"""The bulk form of the minutes services (``scrutiny.bulk.meeting_records_deferred``, what an
import runs in): the same rows as one save each — minutes, attendance, numbers, history rows
with their user — with the per-record receivers' work done once for the meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings.minutes import services
from meetings.minutes.models import Attendance, AttendanceStatus, Minute, MinutesStatus
from opendata.models import DirtyRoot
from opendata.records import meeting_root
from scrutiny import bulk
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db


def _write(meeting, by):
    minutes = services.start_minutes(meeting=meeting, by=by)
    rows = list(minutes.attendance.order_by("order"))
    statuses = {rows[0].pk: AttendanceStatus.APOLOGIES, rows[1].pk: AttendanceStatus.PRESENT}
    minutes = services.save_attendance(
        minutes=minutes, statuses=statuses, version=minutes.version, by=by
    )
    items = list(minutes.items.order_by("agenda_item__order"))
    # The first by save_minute, the rest together (what the importer does).
    first, rest = items[0], items[1:]
    services.save_minute(minute=first, text="<p>First</p><script>x</script>", version=1, by=by)
    texts = {m.pk: f"<p>Minute of {m.agenda_item.title}</p><script>x</script>" for m in rest}
    services.save_minute_texts(minutes=minutes, texts=texts, by=by)
    return services.publish_minutes(minutes=minutes, by=by)


def _shape(minutes):
    """What the minutes hold, without ids: numbers, texts, attendance, history."""
    minutes.refresh_from_db()
    items = list(minutes.items.order_by("agenda_item__order"))
    return {
        "status": minutes.status,
        "minutes": [
            (
                m.number,
                m.numbering,
                m.municipal_year_id,
                m.text,
                m.outcome,
                m.version,
                m.committee_id,
            )
            for m in items
        ],
        "attendance": [
            (a.kind, a.status, a.role_text, a.order)
            for a in Attendance.objects.filter(minutes=minutes).order_by("order")
        ],
        "minute history": [
            [
                (h.history_type, h.history_user_id, h.number, h.text, h.version)
                for h in Minute.history.filter(id=m.pk).order_by("history_date", "history_id")
            ]
            for m in items
        ],
        "attendance history": sorted(
            (h.history_type, h.history_user_id, h.order, h.status)
            for h in Attendance.history.filter(minutes_id=minutes.pk)
        ),
    }


def test_minutes_written_in_bulk_are_the_rows_one_save_each_would_write():
    by = make_user("officer")
    one_by_one = make_meeting_with_items()
    in_bulk = make_meeting_with_items(committee=CommitteeFactory())
    later = make_meeting_with_items(
        committee=in_bulk.committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    DirtyRoot.objects.all().delete()

    expected = _shape(_write(one_by_one, by))
    with bulk.bulk_import(), bulk.meeting_records_deferred():
        got = _write(in_bulk, by)
        assert not DirtyRoot.objects.filter(root=meeting_root(in_bulk.pk)).exists()
        bulk.meeting_written(in_bulk.pk)  # the writer's promise: once for the meeting
        numbered_later = _write(later, by)
        bulk.meeting_written(later.pk)

    assert got.status == MinutesStatus.PUBLISHED
    shape = _shape(got)
    # The committee differs (the bulk meeting's own); everything else is the same.
    committee = {row[-1] for row in shape["minutes"]}
    assert committee == {in_bulk.committee_id}
    strip = [row[:-1] for row in shape["minutes"]]
    assert strip == [row[:-1] for row in expected["minutes"]]
    assert {k: v for k, v in shape.items() if k != "minutes"} == {
        k: v for k, v in expected.items() if k != "minutes"
    }
    assert all(h[1] == by.pk for rows in shape["minute history"] for h in rows)
    assert all("script" not in row[3] for row in shape["minutes"])  # sanitised
    # Attendance: the changed status has its history row ("~"), the unchanged none.
    assert [row[1] for row in shape["attendance"]][:2] == ["apologies", "present"]
    assert sum(1 for h in shape["attendance history"] if h[0] == "~") == 1
    assert shape["minute history"][1][1][3].startswith("<p>Minute of")
    # Numbers run on through the committee's year in bulk too.
    first = [row[0] for row in shape["minutes"]]
    after = [m.number for m in numbered_later.items.order_by("agenda_item__order")]
    assert after[0] == first[-1] + 1
    # The open data mark is made once for each meeting written.
    assert DirtyRoot.objects.filter(root=meeting_root(in_bulk.pk)).count() == 1
    assert DirtyRoot.objects.filter(root=meeting_root(later.pk)).count() == 1
    assert DirtyRoot.objects.filter(root=meeting_root(one_by_one.pk)).count() > 1


def test_bulk_start_minutes_is_idempotent():
    meeting = make_meeting_with_items()
    with bulk.bulk_import(), bulk.meeting_records_deferred():
        first = services.start_minutes(meeting=meeting)
        items, people = first.items.count(), first.attendance.count()
        again = services.start_minutes(meeting=meeting)
    assert again.pk == first.pk
    assert (again.items.count(), again.attendance.count()) == (items, people)
    assert Minute.history.filter(minutes_id=first.pk).count() == items
