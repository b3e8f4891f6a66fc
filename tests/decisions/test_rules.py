"""The checks a form and a service share (``decisions.rules``): the officer form shows the
message on the field it is about, and the service refuses the same thing for any caller."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from decisions import rules, services
from decisions.forms import DecisionForm
from scrutiny.models import Committee
from tests.factories import CommitteeFactory
from tests.factories.decisions import CabinetFactory, PortfolioHolderFactory

pytestmark = pytest.mark.django_db


def _decision_data(**extra):
    data = {
        "title": "Family support",
        "decision_date": "2018-03-01",
        "decision": "To recommission.",
        "reasons": "Needs.",
        "alternatives": "None.",
    }
    data.update(extra)
    return data


def test_a_portfolio_holder_out_of_office_is_refused_on_the_field_and_by_the_service():
    holder = PortfolioHolderFactory(start_date=dt.date(2017, 5, 17), end_date=dt.date(2018, 1, 31))
    form = DecisionForm(
        data=_decision_data(maker_kind="portfolio_holder", portfolio_holder=holder.pk)
    )
    assert not form.is_valid()
    expected = f"{holder.person} was not in office on 1 March 2018."
    assert form.errors["portfolio_holder"] == [expected]
    assert "__all__" not in form.errors
    with pytest.raises(ValidationError) as caught:
        services.save_decision(
            maker_kind="portfolio_holder",
            portfolio_holder=holder,
            title="Family support",
            decision_date=dt.date(2018, 3, 1),
            decision="To recommission.",
        )
    assert caught.value.message_dict == {"portfolio_holder": [expected]}


def test_the_maker_of_the_kind_chosen_is_asked_for_on_its_field():
    form = DecisionForm(data=_decision_data(maker_kind="officer"))
    assert not form.is_valid()
    assert form.errors["officer"] == [
        "Choose the officer under delegated powers who takes the decision."
    ]
    assert "__all__" not in form.errors


def test_a_committee_that_is_not_a_cabinet_is_refused():
    scrutiny = CommitteeFactory(kind=Committee.Kind.SCRUTINY_PANEL)
    assert rules.maker_problems(kind="cabinet", cabinet=scrutiny, on=None) == {
        "cabinet": "Choose a committee of the kind Cabinet."
    }


def test_fields_of_other_kinds_are_dropped_as_the_service_drops_them():
    cabinet = CabinetFactory()
    holder = PortfolioHolderFactory()
    form = DecisionForm(
        data=_decision_data(maker_kind="cabinet", cabinet=cabinet.pk, portfolio_holder=holder.pk)
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["portfolio_holder"] is None
    assert form.cleaned_data["cabinet"] == cabinet
