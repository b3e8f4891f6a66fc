"""The CSV downloads stream plain values from one query (issue 20): the number of queries of
each CSV is the same whatever the number of rows, and the streamed open data CSVs keep their
ETag, Last-Modified and 304 answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.minutes.models import ActionNote
from tests.factories import make_user
from tests.factories.minutes import ActionFactory
from tests.factories.performance import KPIFactory, figure, financial_year
from tests.factories.workprogramme import ReviewRecommendationFactory
from workprogramme.models import ExecutiveResponse, ResponseDecision

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, int]:
    """(queries, data rows) of a GET of ``url``, its streamed body read to the end."""
    client.get(url)  # warm-up: per-process caches are not the CSV's cost
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.streaming, f"{url} is not streamed"
        body = b"".join(response.streaming_content)
    return len(ctx.captured_queries), len(body.decode("utf-8-sig").splitlines()) - 1


def _actions(count: int) -> None:
    for n in range(count):
        action = ActionFactory(owner_text="Director" if n % 2 else "")
        ActionNote.objects.create(action=action, on=dt.date(2017, 9, n % 28 + 1), text=f"n{n}")


def _figures(count: int, start: int) -> None:
    periods = financial_year(2016)
    for n in range(start, start + count):
        kpi = KPIFactory(reference=f"KI {n}", title=f"Measure {n}")
        figure(kpi, periods["Q1 2016/17"], target=Decimal("70"), actual=Decimal(n % 100))
        figure(kpi, periods["Q2 2016/17"], target=Decimal("70"))


def _recommendations(count: int) -> None:
    for n in range(count):
        rec = ReviewRecommendationFactory()
        if n % 2:
            ExecutiveResponse.objects.create(
                recommendation=rec,
                decision=ResponseDecision.choices[0][0],
                reasons="Because.",
                response_date=dt.date(2017, 1, 5),
            )


@pytest.mark.parametrize("role", ["anonymous", "officer", "councillor"])
def test_action_tracker_csv_queries_do_not_grow_with_rows(client, role):
    if role != "anonymous":
        client.force_login(make_user(role))
    url = reverse("action-tracker-csv")
    _actions(3)
    few, rows_few = _queries(client, url)
    _actions(30)
    many, rows_many = _queries(client, url)
    if role == "officer":  # the factory's actions have no minutes: officers see them all
        assert (rows_few, rows_many) == (3, 33)
    assert many == few
    # Signed in: the session, the user, its two permission reads and its person; then the
    # "From the meeting" filter's bounded meeting list (latest 100) and the rows.
    assert few <= (4 if role == "anonymous" else 7)


def test_committee_actions_csv_queries_do_not_grow_with_rows(client):
    _actions(1)
    from meetings.minutes.models import Action

    committee = Action.all_objects.get().committee
    url = reverse("committee-actions-csv", args=[committee.slug]) + "?status=open"
    few, _ = _queries(client, url)
    for _ in range(20):
        ActionFactory(committee=committee)
    assert _queries(client, url)[0] == few


def test_kpi_csv_queries_do_not_grow_with_rows(client):
    url = reverse("kpis-csv")
    _figures(2, 0)
    few, rows_few = _queries(client, url)
    _figures(20, 100)
    many, rows_many = _queries(client, url)
    assert rows_many > rows_few >= 2
    assert many == few
    assert few <= 4


def test_recommendations_csv_queries_do_not_grow_with_rows(client):
    url = reverse("recommendations-csv")
    _recommendations(2)
    few, rows_few = _queries(client, url)
    _recommendations(20)
    many, rows_many = _queries(client, url)
    assert (rows_few, rows_many) == (2, 22)
    assert many == few
    assert few <= 4


@pytest.mark.parametrize("name", ["kpis-csv", "recommendations-csv"])
def test_streamed_open_data_csv_answers_304_and_changes_etag_with_the_data(client, name):
    _recommendations(1)
    _figures(1, 0)
    url = reverse(name)
    first = client.get(url)
    assert first.streaming
    etag = first["ETag"]
    assert first["Last-Modified"] and first["Access-Control-Allow-Origin"] == "*"
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert len(ctx.captured_queries) <= 2  # the change stamps; the CSV's query never runs
    # A filtered URL is another file; any change to the data is a new version.
    assert client.get(url + "?x=1")["ETag"] != etag
    _recommendations(1)
    _figures(1, 50)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # A deletion leaves the newest change stamp where it was: the generation still moves.
    from performance.models import Figure
    from workprogramme.models import ReviewRecommendation

    etag = changed["ETag"]
    ReviewRecommendation.objects.order_by("pk").first().delete()
    Figure.objects.order_by("pk").first().delete()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
