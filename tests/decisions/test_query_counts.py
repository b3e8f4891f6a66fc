"""The public forward plan and decisions pages make the same number of queries (at most
``TARGET``) with one row as with many: no query per entry, decision, ward or call-in."""

from __future__ import annotations

import datetime as dt

import pytest

from decisions import services
from tests.factories import PersonFactory
from tests.factories.decisions import (
    CabinetFactory,
    CallInRequestFactory,
    PortfolioHolderFactory,
    PublishedDecisionFactory,
    PublishedEntryFactory,
    WardFactory,
)
from tests.query_counts import TARGET, page_queries

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "/forward-plan/",
    "/forward-plan/editions/",
    "/decisions/",
    "/feeds/forward-plan.atom",
    "/feeds/forward-plan.ics",
    "/feeds/decisions.atom",
]


def add_rows(n: int, cabinet, start: int) -> None:
    holder = PortfolioHolderFactory()
    for i in range(start, start + n):
        entry = PublishedEntryFactory(
            matter=f"Matter {i}",
            cabinet=cabinet if i % 2 else None,
            maker_kind="cabinet" if i % 2 else "portfolio_holder",
            portfolio_holder=None if i % 2 else holder,
            planned_decision_date=dt.date(2027, 1, 1) + dt.timedelta(days=i),
        )
        entry.wards.set([WardFactory(name=f"Ward {i}"), WardFactory(name=f"Ward {i + 1}")])
        decision = PublishedDecisionFactory(
            title=f"Decision {i}", cabinet=cabinet, forward_plan_entry=entry
        )
        decision.wards.set(entry.wards.all())
        CallInRequestFactory(decision=decision, requested_by=PersonFactory())


def counts(client, edition) -> dict[str, int]:
    # The latest edition's page lists its snapshot of every entry.
    urls = [*LIST_URLS, "/decisions/?q=Decision", edition.get_absolute_url()]
    return {
        url.replace(edition.get_absolute_url(), "edition"): page_queries(client, url)
        for url in urls
    }


def test_public_decisions_pages_do_not_grow_with_rows(client):
    cabinet = CabinetFactory(name="Cabinet")
    add_rows(1, cabinet, 0)
    few = counts(client, services.publish_edition(notes="First"))
    add_rows(8, cabinet, 1)
    many = counts(client, services.publish_edition(notes="Second"))
    assert many == few
    assert max(many.values()) <= TARGET, many


def test_the_editions_list_makes_the_same_queries_with_none_as_with_many(client):
    """Issue 20: an empty council's list of editions makes as many queries as a ten-year one
    (the page and its count in one query), so bench/queries.py compares like with like."""
    url = "/forward-plan/editions/"
    none = page_queries(client, url)
    cabinet = CabinetFactory(name="Cabinet")
    add_rows(1, cabinet, 0)
    services.publish_edition(notes="First")
    services.publish_edition(notes="Second")
    assert page_queries(client, url) == none
    page = client.get(url).content.decode()
    assert "/forward-plan/editions/2/" in page and "/forward-plan/editions/1/" in page


def add_validated_call_ins(n: int, start: int) -> None:
    from django.utils import timezone

    from decisions.models import CallInSignature, CallInStatus
    from tests.decisions.test_delegated_reports import officer_decision, upload

    now = timezone.now()
    for i in range(start, start + n):
        decision = PublishedDecisionFactory(title=f"Called-in decision {i}")
        request = CallInRequestFactory(
            decision=decision,
            status=CallInStatus.VALIDATED,
            submitted_at=now,
            validated_at=now,
        )
        for person in (request.requested_by, PersonFactory(), PersonFactory()):
            CallInSignature.objects.create(request=request, person=person, signed_at=now)
        upload(officer_decision(title=f"Delegated decision {i}"), title=f"Report {i}")


def test_call_ins_and_delegated_reports_do_not_grow_with_rows(client):
    from scrutiny.models import Council

    council = Council.objects.create(name="Kirklees Council")
    urls = [
        "/feeds/call-ins.atom",
        "/search/?q=decision",
        f"/api/oparl/v1/body/{council.pk}/callin",
        f"/api/oparl/v1/body/{council.pk}/decision",
    ]
    add_validated_call_ins(1, 0)
    few = {url: page_queries(client, url) for url in urls}
    add_validated_call_ins(6, 1)
    many = {url: page_queries(client, url) for url in urls}
    assert many == few
    assert max(many.values()) <= TARGET, many
