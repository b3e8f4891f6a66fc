"""The decisions data model (issue 17): the constraints the law needs, and managers that
hold what they say (the public rule is scrutiny.visibility's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions.models import (
    CallInOutcome,
    CallInRequest,
    CallInResult,
    CallInSignature,
    CallInStatus,
    Decision,
    DecisionSettings,
    ExceptionKind,
    ForwardPlanEntry,
    MakerKind,
)
from scrutiny import visibility
from tests.factories import PersonFactory
from tests.factories.decisions import (
    CallInRequestFactory,
    DecisionFactory,
    DelegatedOfficerFactory,
    ForwardPlanEntryFactory,
    PortfolioHolderFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
    PublishedEntryFactory,
)

pytestmark = pytest.mark.django_db


def _fails(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_settings_default_to_the_law_and_kirklees_thresholds():
    current = DecisionSettings.current()
    assert current.pk is None
    assert current.key_decision_amount == Decimal("250000")
    assert current.key_decision_wards == 2
    assert current.forward_plan_notice_days == 28
    assert current.general_exception_days == 5
    assert current.call_in_working_days == 5
    DecisionSettings.objects.create(call_in_signatures=3)
    assert DecisionSettings.current().call_in_signatures == 3
    _fails(lambda: DecisionSettings.objects.create(singleton=2))
    _fails(lambda: DecisionSettings.objects.create())  # a second row


def test_exactly_the_decision_maker_of_the_kind_chosen():
    holder = PortfolioHolderFactory()
    _fails(lambda: DecisionFactory(maker_kind=MakerKind.PORTFOLIO_HOLDER))  # cabinet set
    decision = DecisionFactory(
        maker_kind=MakerKind.PORTFOLIO_HOLDER, cabinet=None, portfolio_holder=holder
    )
    assert decision.portfolio == "Children's Services"
    assert "Cabinet Member – Children" in decision.decision_maker_name
    officer = DelegatedOfficerFactory(name="Sal Smith")
    entry = ForwardPlanEntryFactory(maker_kind=MakerKind.OFFICER, cabinet=None, officer=officer)
    assert entry.decision_maker_name.startswith("Sal Smith, Strategic Director")
    _fails(lambda: ForwardPlanEntryFactory(maker_kind=MakerKind.OFFICER, cabinet=None))


def test_private_needs_a_paragraph_and_exceptions_need_their_dates():
    _fails(lambda: DecisionFactory(is_private=True))
    _fails(lambda: ForwardPlanEntryFactory(is_private=True, exempt_paragraph=9))
    _fails(
        lambda: ForwardPlanEntryFactory(
            exception=ExceptionKind.GENERAL, chair_informed_on=dt.date(2018, 1, 2)
        )
    )
    _fails(lambda: ForwardPlanEntryFactory(exception=ExceptionKind.SPECIAL_URGENCY))
    _fails(lambda: PublishedEntryFactory(first_published_on=None))
    _fails(lambda: DecisionFactory(status="call_in_open"))  # no publication date
    _fails(lambda: DecisionFactory(is_urgent=True))  # no reason
    ForwardPlanEntryFactory(
        exception=ExceptionKind.GENERAL,
        chair_informed_on=dt.date(2018, 1, 2),
        exception_notice_published_on=dt.date(2018, 1, 3),
    )


def test_public_managers_follow_the_one_rule():
    draft = DecisionFactory()
    published = PublishedDecisionFactory()
    private = PrivateDecisionFactory()
    assert set(Decision.objects.all()) == {published, private}
    assert set(Decision.objects.public()) == {published}
    assert set(Decision.all_objects.all()) == {draft, published, private}
    for decision in (draft, published, private):
        assert decision.is_listed == Decision.objects.filter(pk=decision.pk).exists()
        assert decision.is_public == Decision.all_objects.public().filter(pk=decision.pk).exists()

    unpublished = ForwardPlanEntryFactory()
    entry = PublishedEntryFactory(is_private=True, exempt_paragraph=3)
    assert list(ForwardPlanEntry.objects.all()) == [entry]
    assert not unpublished.is_public and entry.is_public


def test_call_ins_are_public_once_validated():
    request = CallInRequestFactory()
    assert not CallInRequest.objects.exists()
    CallInSignature.objects.create(
        request=request, person=request.requested_by, signed_at=timezone.now()
    )
    _fails(
        lambda: CallInSignature.objects.create(
            request=request, person=request.requested_by, signed_at=timezone.now()
        )
    )
    _fails(lambda: CallInRequest.all_objects.filter(pk=request.pk).update(status="validated"))
    _fails(lambda: CallInRequest.all_objects.filter(pk=request.pk).update(status="rejected"))
    request.status = CallInStatus.VALIDATED
    request.validated_at = timezone.now()
    request.save()
    assert list(CallInRequest.objects.all()) == [request]
    assert request.is_public
    _fails(
        lambda: CallInOutcome.objects.create(
            request=request, result=CallInResult.REFERRED_BACK, decided_on=dt.date(2018, 1, 30)
        )
    )
    CallInOutcome.objects.create(
        request=request, result=CallInResult.NO_FURTHER_ACTION, decided_on=dt.date(2018, 1, 30)
    )


def test_the_rule_matches_the_models():
    assert set(visibility.PUBLIC_CALL_IN_STATUSES) <= set(CallInStatus.values)
    assert CallInStatus.OPEN not in visibility.PUBLIC_CALL_IN_STATUSES
    assert CallInStatus.REJECTED not in visibility.PUBLIC_CALL_IN_STATUSES


def test_history_is_kept():
    decision = DecisionFactory(title="First")
    decision.title = "Second"
    decision.save()
    assert [h.title for h in decision.history.all()] == ["Second", "First"]
    assert PersonFactory()  # people are the core app's
