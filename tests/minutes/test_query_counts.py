"""Query counts of the public pages the minutes app serves or adds to, pinned on a small and
a larger council so that a query per row (or a lookup that only runs for some meetings)
fails here rather than in the ten-year benchmark."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.minutes import services
from meetings.models import AgendaItem, ItemKind
from tests.factories import CommitteeFactory, PersonFactory
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items
from tests.query_counts import TARGET, page_queries

pytestmark = pytest.mark.django_db


def _minuted(meeting, *, resolutions=1, declare=False):
    minutes = services.start_minutes(meeting=meeting)
    for minute in minutes.items.filter(agenda_item__kind=ItemKind.BUSINESS):
        services.save_minute(
            minute=minute,
            text="Narrative of the discussion.",
            resolutions=[f"Resolution {n}." for n in range(resolutions)],
            version=minute.version,
        )
        if declare:
            services.add_declaration(
                minute=minute,
                person=minutes.attendance.first().person,
                interest_type="other",
                withdrew=False,
                description="School governor",
            )
    return services.publish_minutes(minutes=minutes)


def _approve(minutes, later):
    at_item = AgendaItem.all_objects.get(meeting=later, kind=ItemKind.MINUTES)
    minute = minutes.items.filter(agenda_item__kind=ItemKind.BUSINESS).first()
    return services.approve_minutes(
        minutes=minutes,
        at_item=at_item,
        amendments=[
            services.AmendmentInput(
                minute_number=minute.number, before="Narrative", after="An account"
            )
        ],
    )


def small_council():
    """One meeting with one business item and no minutes."""
    return make_meeting_with_items(business=1)


def larger_council():
    """Three meetings of one committee, twelve business items each: the middle one has
    approved minutes (with declarations, resolutions, an amendment) and approved the first
    meeting's minutes."""
    committee = CommitteeFactory()
    for _ in range(6):
        PersonFactory()
    days = [dt.datetime(2017, m, 9, 10, tzinfo=LONDON) for m in (6, 8, 10)]
    first = make_meeting_with_items(committee=committee, start=days[0], business=12)
    middle = make_meeting_with_items(
        committee=committee, start=days[1], business=12, exempt=True, previous=first
    )
    last = make_meeting_with_items(committee=committee, start=days[2], business=12, previous=middle)
    _approve(_minuted(first, resolutions=2), middle)
    _approve(_minuted(middle, resolutions=3, declare=True), last)
    return first, middle, last


def test_meeting_page_shows_own_and_approved_minutes_from_one_query(client):
    first, middle, last = larger_council()
    body = client.get(middle.get_absolute_url()).content.decode()
    assert "Approved as a correct record at the meeting of 9 October 2017" in body
    assert f'href="{reverse("meeting-minutes", args=[first.pk])}">the minutes of 9 June 2017' in (
        body
    )
    body = client.get(first.get_absolute_url()).content.decode()
    assert "Approved as a correct record at the meeting of 9 August 2017" in body
    assert "At this meeting the committee approved" not in body
    body = client.get(last.get_absolute_url()).content.decode()
    assert "have not been published yet" in body and "the minutes of 9 August 2017" in body


def test_meeting_page_query_count_is_the_same_for_any_meeting(client):
    small = small_council()
    few = page_queries(client, small.get_absolute_url())
    assert few <= TARGET
    _first, middle, _last = larger_council()
    # Twelve more items, its own approved minutes and the minutes it approved: same count.
    assert page_queries(client, middle.get_absolute_url()) == few


def test_minutes_page_and_pdf_query_counts_do_not_grow(client):
    small = make_meeting_with_items(business=1)
    _minuted(small)
    page = page_queries(client, reverse("meeting-minutes", args=[small.pk]))
    pdf = page_queries(client, reverse("meeting-minutes-pdf", args=[small.pk]))
    assert page <= TARGET and pdf <= TARGET, (page, pdf)
    _first, middle, _last = larger_council()
    # Approved (the status line names the approving meeting), twelve items, declarations,
    # resolutions and an amendment: no more queries.
    assert page_queries(client, reverse("meeting-minutes", args=[middle.pk])) == page
    assert page_queries(client, reverse("meeting-minutes-pdf", args=[middle.pk])) == pdf


# --- Action tracker CSV (streamed) --------------------------------------------------------


def _add_actions(n: int, *, start: int = 0) -> None:
    """``n`` actions of every shape on a fresh committee: from a numbered resolution, owned by
    a person and a service, dated, due at a meeting, undated, done, with and without progress
    notes, dealt with at a later item; and a private one."""
    committee = CommitteeFactory()
    day = dt.datetime(2017, 6, 1, 10, tzinfo=LONDON) + dt.timedelta(days=30 * start)
    meeting = make_meeting_with_items(committee=committee, start=day)
    minutes = _minuted(meeting)
    resolution = minutes.items.filter(agenda_item__kind=ItemKind.BUSINESS).first()
    resolution = resolution.resolutions.first()
    later_item = AgendaItem.all_objects.filter(meeting=meeting, kind=ItemKind.BUSINESS).last()
    for i in range(n):
        person = PersonFactory()
        shapes = [
            {"owner_person": person, "owner_text": "Fostering", "due_date": dt.date(2017, 9, 1)},
            {"owner_text": "Children's services", "target_meeting": meeting},
            {"owner_person": person},
            {"owner_person": person, "due_date": dt.date(2099, 1, 1)},
        ]
        action = services.create_action(
            committee=committee,
            description=f"Action {start + i}, with a comma",
            resolution=resolution if i % 2 == 0 else None,
            **shapes[i % len(shapes)],
        )
        if i % 3 == 0:
            services.add_action_note(action=action, text="First note", on=dt.date(2017, 7, 1))
            services.add_action_note(action=action, text="Latest note", on=dt.date(2017, 8, 1))
        if i % 4 == 1:
            action.status = "done"
            action.dealt_with_item = later_item
            action.save()
    services.create_action(
        committee=committee, description="Private", owner_text="X", is_public=False
    )


def _expected_rows(committee=None) -> list[list[str]]:
    """The CSV as the model's own properties write it (what the view wrote before it
    streamed plain values)."""
    from django.db.models import Prefetch

    from meetings.minutes.models import Action, ActionNote

    qs = Action.all_objects.filter(is_public=True).for_list()
    if committee is not None:
        qs = qs.filter(committee=committee)
    qs = qs.prefetch_related(Prefetch("notes", queryset=ActionNote.objects.order_by("-on", "-pk")))
    rows = []
    for a in qs.order_by("committee__name", "-raised_on", "pk"):
        note = next(iter(a.notes.all()), None)
        source = ""
        if a.resolution_id:
            minute = a.resolution.minute
            number = minute.number or minute.agenda_item.number
            source = f"Minute {number}, resolution {a.resolution.number}"
        dealt = ""
        if a.dealt_with_item_id:
            dealt = f"{a.dealt_with_item.meeting.date:%Y-%m-%d}: {a.dealt_with_item}"
        rows.append(
            [
                a.committee.name,
                a.raised_on.isoformat(),
                source,
                a.description,
                a.owner_display,
                a.due_label("%Y-%m-%d"),  # ISO dates, as every CSV writes them
                a.get_status_display(),
                "Yes" if a.is_overdue() else "No",
                f"{note.on:%Y-%m-%d}: {note.text}" if note else "",
                dealt,
            ]
        )
    return rows


def _csv(client, url) -> list[list[str]]:
    import csv
    import io

    response = client.get(url)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="actions')
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")  # UTF-8 with a byte-order mark, like every CSV
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_action_csv_streams_the_same_rows_the_model_gives(client):
    from meetings.minutes.views.exports import CSV_HEADER

    _add_actions(8)
    _add_actions(5, start=1)
    rows = _csv(client, reverse("action-tracker-csv"))
    assert rows[0] == CSV_HEADER
    expected = _expected_rows()
    assert len(expected) == 13 and rows[1:] == expected
    # Every shape is there: a resolution, a meeting date, no date, done, a latest note.
    flat = [cell for row in rows for cell in row]
    assert any(c.startswith("Minute ") for c in flat) and "No date set" in flat
    assert any(c.startswith("Meeting of ") for c in flat) and "Done" in flat
    assert any(c.endswith(": Latest note") for c in flat) and "First note" not in str(flat)
    assert "Yes" in flat and "Private" not in flat
    committee = rows[1][0]
    from scrutiny.models import Committee

    mine = Committee.objects.get(name=committee)
    rows = _csv(client, reverse("committee-actions-csv", args=[mine.slug]))
    assert rows[1:] == _expected_rows(mine)


def test_action_csv_query_count_does_not_grow(client, monkeypatch):
    from meetings.minutes.views import exports

    monkeypatch.setattr(exports, "CSV_CHUNK", 5)  # several chunks on the larger council
    _add_actions(2)
    url = reverse("action-tracker-csv")
    few = page_queries(client, url)
    assert few <= TARGET
    filtered = page_queries(client, url + "?overdue=yes&status=open&owner=foster")
    assert filtered <= TARGET
    for start in range(1, 5):
        _add_actions(12, start=start)
    assert len(_csv(client, url)) == 1 + 2 + 4 * 12
    assert page_queries(client, url) == few
    assert page_queries(client, url + "?overdue=yes&status=open&owner=foster") == filtered
