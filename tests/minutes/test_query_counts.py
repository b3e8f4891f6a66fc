"""Query counts of the public pages the minutes app serves or adds to, pinned on a small and
a larger council so that a query per row (or a lookup that only runs for some meetings)
fails here rather than in the ten-year benchmark."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.minutes import services
from meetings.models import AgendaItem, ItemKind
from tests.factories import CommitteeFactory, PersonFactory
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db

TARGET = 10  # the target: at most ten queries per public page


def _queries(client, url) -> int:
    client.get(url)  # warm-up: per-process caches (the council's name) are not the page's cost
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


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
    few = _queries(client, small.get_absolute_url())
    assert few <= TARGET
    _first, middle, _last = larger_council()
    # Twelve more items, its own approved minutes and the minutes it approved: same count.
    assert _queries(client, middle.get_absolute_url()) == few


def test_minutes_page_and_pdf_query_counts_do_not_grow(client):
    small = make_meeting_with_items(business=1)
    _minuted(small)
    page = _queries(client, reverse("meeting-minutes", args=[small.pk]))
    pdf = _queries(client, reverse("meeting-minutes-pdf", args=[small.pk]))
    assert page <= TARGET and pdf <= TARGET, (page, pdf)
    _first, middle, _last = larger_council()
    # Approved (the status line names the approving meeting), twelve items, declarations,
    # resolutions and an amendment: no more queries.
    assert _queries(client, reverse("meeting-minutes", args=[middle.pk])) == page
    assert _queries(client, reverse("meeting-minutes-pdf", args=[middle.pk])) == pdf
