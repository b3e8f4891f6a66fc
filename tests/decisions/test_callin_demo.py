"""The decisions demo (fixtures/demo/decisions, loaded by decisions/fixture_loader.py): the
Cabinet and its 2017/18 portfolio holders, a call-in heard by the Children's Scrutiny Panel, a
private decision; loading twice adds nothing."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from decisions.models import (
    CallInRequest,
    CallInSignature,
    CallInStatus,
    Decision,
    DecisionStatus,
    ForwardPlanEntry,
    PortfolioHolder,
)
from meetings.models import AgendaItem, Report

pytestmark = pytest.mark.django_db


def counts():
    return (
        Decision.all_objects.count(),
        ForwardPlanEntry.all_objects.count(),
        PortfolioHolder.objects.count(),
        CallInRequest.all_objects.count(),
        CallInSignature.objects.count(),
        AgendaItem.all_objects.filter(call_ins_heard__isnull=False).count(),
        Report.all_objects.filter(generator="call-in-request").count(),
    )


def test_demo_decisions_and_call_in_idempotent():
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    first = counts()
    holder = PortfolioHolder.objects.get(person__slug="masood-ahmed")
    assert holder.cabinet.name == "Cabinet" and holder.start_date.year == 2017
    request = CallInRequest.objects.get()
    assert request.status == CallInStatus.DECIDED
    assert request.signatures.count() == 5
    assert request.hearing_item.meeting.committee.slug == "childrens-scrutiny-panel"
    assert request.outcome.response
    assert request.decision.status == DecisionStatus.EFFECTIVE
    private = Decision.objects.get(is_private=True)
    assert private.exempt_paragraph == 3 and "(demo)" in private.title
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert counts() == first
