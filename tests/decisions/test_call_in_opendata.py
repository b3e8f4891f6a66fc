"""Validated call-ins as objects of their own in search, the Atom feed and the OParl API
(issue 17): ``/search/``, ``/feeds/call-ins.atom``, ``/api/oparl/v1/callin/<pk>`` (an OParl
Paper) listed at ``/body/<pk>/callin``. Only validated call-ins: a request collecting
signatures, submitted, not valid or withdrawn never appears. Of a private decision's call-in
only the facts. Leak tests with canaries, as the public, a councillor off the committee and
a member of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from decisions.models import CallInSignature, CallInStatus
from scrutiny.models import Council
from tests.decisions.conftest import as_each
from tests.factories import PersonFactory
from tests.factories.decisions import (
    CallInRequestFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
)

pytestmark = pytest.mark.django_db
CANARY = "CANARY-CALLIN"


def call_in(decision, *, status, reasons, signers=2):
    now = timezone.now()
    validated = status in (CallInStatus.VALIDATED, CallInStatus.DECIDED)
    request = CallInRequestFactory(
        decision=decision,
        status=status,
        reasons=reasons,
        submitted_at=now if status != CallInStatus.OPEN else None,
        validated_at=now - dt.timedelta(hours=1) if validated else None,
        rejected_at=now if status == CallInStatus.REJECTED else None,
        rejection_reason=f"{CANARY} rejection reason" if status == CallInStatus.REJECTED else "",
    )
    for person in [request.requested_by, *PersonFactory.create_batch(signers - 1)]:
        CallInSignature.objects.create(request=request, person=person, signed_at=now)
    return request


@pytest.fixture
def world():
    council = Council.objects.create(name="Kirklees Council")
    open_decision = PublishedDecisionFactory(title="Family support recommissioning")
    private = PrivateDecisionFactory(title="Residential placements contract")
    valid = call_in(
        open_decision, status=CallInStatus.VALIDATED, reasons="The consultation was inadequate."
    )
    valid_private = call_in(
        private, status=CallInStatus.VALIDATED, reasons=f"{CANARY} private decision reasons"
    )
    other = PublishedDecisionFactory(title="Library opening hours")
    hidden = [
        call_in(other, status=CallInStatus.OPEN, reasons=f"{CANARY} still collecting"),
        call_in(other, status=CallInStatus.SUBMITTED, reasons=f"{CANARY} submitted"),
        call_in(other, status=CallInStatus.REJECTED, reasons=f"{CANARY} not valid"),
        call_in(other, status=CallInStatus.WITHDRAWN, reasons=f"{CANARY} withdrawn"),
    ]
    return {
        "council": council,
        "valid": valid,
        "valid_private": valid_private,
        "hidden": hidden,
    }


def test_a_validated_call_in_is_in_search_the_feed_and_the_api(client, world):
    valid = world["valid"]
    page = client.get("/search/?q=consultation+inadequate").content.decode()
    assert f'href="/call-ins/{valid.pk}/"' in page
    page = client.get("/search/?q=Family+support").content.decode()
    assert "Call-in: Family support recommissioning" in page

    feed = client.get("/feeds/call-ins.atom").content.decode()
    assert "Call-in: Family support recommissioning" in feed
    assert "The consultation was inadequate." in feed

    listing = client.get(f"/api/oparl/v1/body/{world['council'].pk}/callin").json()
    names = sorted(d["name"] for d in listing["data"])
    assert names == [
        "Call-in: Family support recommissioning",
        "Call-in: Residential placements contract",
    ]
    data = client.get(f"/api/oparl/v1/callin/{valid.pk}").json()
    assert data["type"] == "https://schema.oparl.org/1.1/Paper"
    assert data["paperType"] == "Call-in request"
    assert data["relatedPaper"] == [f"http://testserver/api/oparl/v1/decision/{valid.decision_id}"]
    assert len(data["originatorPerson"]) == 2
    assert "The consultation was inadequate." in data["description"]
    assert data["created"] and data["modified"]


def test_a_private_decisions_call_in_gives_only_the_facts(client, world):
    data = client.get(f"/api/oparl/v1/callin/{world['valid_private'].pk}").json()
    assert data["name"] == "Call-in: Residential placements contract"
    assert "Signed by" in data["description"] and "Reasons" not in data["description"]
    assert CANARY not in str(data)


def test_requests_not_validated_never_appear_and_private_reasons_never_leak(client, world, viewers):
    surfaces = [
        "/feeds/call-ins.atom",
        "/search/?q=collecting",
        "/search/?q=private+decision+reasons",
        "/search/?q=Library+opening",
        f"/api/oparl/v1/body/{world['council'].pk}/callin",
        f"/api/oparl/v1/callin/{world['valid_private'].pk}",
        f"/call-ins/{world['valid_private'].pk}/",
    ]
    for label in as_each(client, viewers):
        for url in surfaces:
            body = client.get(url).content.decode()
            assert CANARY not in body, (label, url)
        assert "Library opening" not in client.get("/feeds/call-ins.atom").content.decode()
        for request in world["hidden"]:
            assert client.get(f"/api/oparl/v1/callin/{request.pk}").status_code == 404, label
