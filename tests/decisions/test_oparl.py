"""Executive decisions in the OParl API (issue 17): OParl Papers in an id space of their own
(``/api/oparl/v1/decision/<pk>``, listed at ``/body/<pk>/decision``). A private decision
gives its public record only; a deleted one answers as deleted; a draft never appears."""

from __future__ import annotations

import pytest

from decisions.models import Decision
from scrutiny.models import Council
from tests.factories.decisions import (
    DecisionFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return Council.objects.create(name="Kirklees Council")


def test_decisions_are_papers_and_private_ones_show_their_public_record(client, council):
    open_decision = PublishedDecisionFactory(title="Youth service review")
    private = PrivateDecisionFactory(title="Residential care contract")
    draft = DecisionFactory(title="Draft decision")
    listing = client.get(f"/api/oparl/v1/body/{council.pk}/decision").json()
    names = {d["name"] for d in listing["data"]}
    assert names == {"Youth service review", "Residential care contract"}
    assert "CANARY" not in str(listing)

    data = client.get(f"/api/oparl/v1/decision/{open_decision.pk}").json()
    assert data["type"] == "https://schema.oparl.org/1.1/Paper"
    assert data["paperType"] == "Executive decision"
    assert data["description"] == open_decision.decision
    assert data["date"] == "2018-01-16" and data["created"] and data["modified"]

    data = client.get(f"/api/oparl/v1/decision/{private.pk}").json()
    assert data["paperType"] == "Executive decision (taken in private)"
    assert "Schedule 12A paragraph 3" in " ".join(data["keyword"])
    assert "description" not in data and "auxiliaryFile" not in data
    assert "CANARY" not in str(data)

    assert client.get(f"/api/oparl/v1/decision/{draft.pk}").status_code == 404


def test_a_deleted_decision_answers_as_deleted(client, council):
    decision = PublishedDecisionFactory()
    assert client.get(f"/api/oparl/v1/decision/{decision.pk}").status_code == 200
    pk = decision.pk
    Decision.all_objects.filter(pk=pk).delete()
    data = client.get(f"/api/oparl/v1/decision/{pk}").json()
    assert data["deleted"] is True and data["type"] == "https://schema.oparl.org/1.1/Paper"
