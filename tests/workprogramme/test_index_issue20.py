"""Issue 20: the work programme index picks each committee's latest programmes before
counting their items (counting every year's items made PostgreSQL compile the query, 60 ms
of the page's 70 on ten years): the same programmes and counts as the one index query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommitteeFactory, MunicipalYearFactory
from tests.factories.workprogramme import WorkProgrammeFactory, WorkProgrammeItemFactory
from workprogramme import selectors
from workprogramme.models import ItemStatus

pytestmark = pytest.mark.django_db


def _years(committee, first: int, last: int):
    return [
        WorkProgrammeFactory(
            committee=committee,
            year=MunicipalYearFactory(
                start_date=dt.date(year, 5, 20), end_date=dt.date(year + 1, 5, 18)
            ),
        )
        for year in range(first, last)
    ]


def test_recent_programmes_count_as_the_index_query_does():
    committee = CommitteeFactory(name="Ten Year Panel")
    programmes = _years(committee, 2010, 2016)
    for programme, statuses in zip(
        programmes[-3:],
        [
            [ItemStatus.PROPOSED],
            [ItemStatus.COMPLETED, ItemStatus.DROPPED],
            [ItemStatus.PROPOSED, ItemStatus.COMPLETED, ItemStatus.PROPOSED],
        ],
        strict=True,
    ):
        for status in statuses:
            WorkProgrammeItemFactory(programme=programme, status=status)
    empty = WorkProgrammeFactory(committee=CommitteeFactory(name="Empty Panel"))
    recent = selectors.recent_programmes()
    expected = {p.pk: (p.item_count, p.open_count) for p in selectors.programmes_index()}
    assert [p.pk for p in recent] == [empty.pk, programmes[-1].pk, programmes[-2].pk]
    assert {p.pk: (p.item_count, p.open_count) for p in recent} == {
        p.pk: expected[p.pk] for p in recent
    }
    assert (recent[1].item_count, recent[1].open_count) == (3, 2)
    assert (recent[2].item_count, recent[2].open_count) == (2, 0)
    assert [p.programme_total for p in recent] == [1, 6, 6]


def test_index_query_count_is_flat_with_years(client):
    committee = CommitteeFactory()
    _years(committee, 2014, 2016)
    url = reverse("workprogramme-index")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for programme in _years(committee, 2006, 2014):
        WorkProgrammeItemFactory(programme=programme)
    _years(CommitteeFactory(), 2010, 2016)
    assert count() == small <= 10
