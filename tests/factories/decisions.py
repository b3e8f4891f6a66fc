"""Factories for the decisions app (issue 17): decision makers, forward plan entries,
decisions and call-in requests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from decisions.models import (
    CallInRequest,
    Decision,
    DecisionStatus,
    DelegatedOfficer,
    ForwardPlanEntry,
    MakerKind,
    PortfolioHolder,
    Ward,
)
from scrutiny.models import Committee
from tests.factories import CommitteeFactory, PersonFactory


class CabinetFactory(CommitteeFactory):
    name = factory.Sequence(lambda n: f"Cabinet {n}")
    slug = factory.Sequence(lambda n: f"cabinet-{n}")
    kind = Committee.Kind.CABINET


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Ward {n}")


class PortfolioHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioHolder

    person = factory.SubFactory(PersonFactory)
    portfolio = "Children's Services"
    title = "Cabinet Member – Children"
    start_date = dt.date(2017, 5, 17)


class DelegatedOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegatedOfficer

    name = factory.Faker("name", locale="en_GB")
    post = "Strategic Director, Children and Families"


class ForwardPlanEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForwardPlanEntry

    matter = factory.Sequence(lambda n: f"Matter for decision {n}")
    maker_kind = MakerKind.CABINET
    cabinet = factory.SubFactory(CabinetFactory)
    planned_decision_date = dt.date(2018, 1, 16)
    documents = "Report of the Strategic Director."
    representations = "Write to the contact officer by 5 January 2018."
    contact_name = "Jo Bloggs"


class PublishedEntryFactory(ForwardPlanEntryFactory):
    status = "published"
    first_published_on = dt.date(2017, 12, 1)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    title = factory.Sequence(lambda n: f"Decision {n}")
    maker_kind = MakerKind.CABINET
    cabinet = factory.SubFactory(CabinetFactory)
    decision_date = dt.date(2018, 1, 16)
    decision = "To approve the proposals in the report."
    reasons = "The proposals meet the council's duties."
    alternatives = "To do nothing: rejected."


class PublishedDecisionFactory(DecisionFactory):
    status = DecisionStatus.CALL_IN_OPEN
    published_at = factory.LazyFunction(timezone.now)
    call_in_closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class PrivateDecisionFactory(PublishedDecisionFactory):
    is_private = True
    exempt_paragraph = 3
    private_reasons = "The report names a bidder."
    decision = "CANARY-PRIVATE-DECISION-TEXT to award the contract to the bidder."
    reasons = "CANARY-PRIVATE-REASONS"
    alternatives = "CANARY-PRIVATE-ALTERNATIVES"
    interests = "CANARY-PRIVATE-INTERESTS"


class CallInRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallInRequest

    decision = factory.SubFactory(PublishedDecisionFactory)
    requested_by = factory.SubFactory(PersonFactory)
    reasons = "The consultation was inadequate."
