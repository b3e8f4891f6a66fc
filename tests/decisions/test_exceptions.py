"""General exception (reg. 10) and special urgency (reg. 11) as recorded on a forward plan
entry: the person is the chair of the overview and scrutiny committee on the day (from the
committee's memberships), the chair is informed before the notice is published, the notice is
5 clear working days before the decision, and special urgency is agreed before the decision.
The officer form shows each refusal on its field; the service refuses the same for any
caller."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from decisions import rules, services
from decisions.forms import EntryForm
from decisions.models import DecisionSettings, ExceptionKind, ForwardPlanEntry
from tests.decisions.chairs import scrutiny_chair
from tests.factories import PersonFactory, make_user
from tests.factories.decisions import CabinetFactory

pytestmark = pytest.mark.django_db

DECISION = dt.date(2018, 1, 30)  # a Tuesday


def _form_data(cabinet, **extra):
    data = {
        "matter": "Emergency repairs",
        "maker_kind": "cabinet",
        "cabinet": cabinet.pk,
        "planned_decision_date": DECISION.isoformat(),
        "documents": "Report.",
        "representations": "Write to us.",
        "contact_name": "Jo Bloggs",
        "exception_reasons": "The roof failed.",
    }
    data.update(extra)
    return data


def _fields(cabinet, **extra):
    fields = {
        "matter": "Emergency repairs",
        "maker_kind": "cabinet",
        "cabinet": cabinet,
        "planned_decision_date": DECISION,
        "exception_reasons": "The roof failed.",
    }
    fields.update(extra)
    return fields


def test_a_general_exception_from_someone_who_was_not_the_chair_is_refused_on_the_field():
    chair = scrutiny_chair()
    other = PersonFactory(name="Not The Chair")
    cabinet = CabinetFactory()
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="general",
            scrutiny_chair=other.pk,
            chair_informed_on="2018-01-15",
            exception_notice_published_on="2018-01-15",
        )
    )
    assert not form.is_valid()
    assert form.errors["scrutiny_chair"] == [
        f"{other} was not the chair of Overview and Scrutiny Management Committee on "
        f"15 January 2018: {chair} was."
    ]
    with pytest.raises(ValidationError) as caught:
        services.save_entry(
            exception=ExceptionKind.GENERAL,
            scrutiny_chair=other,
            chair_informed_on=dt.date(2018, 1, 15),
            exception_notice_published_on=dt.date(2018, 1, 15),
            **_fields(cabinet),
        )
    assert "was not the chair" in caught.value.message_dict["scrutiny_chair"][0]
    assert not ForwardPlanEntry.all_objects.exists()


def test_the_chair_is_checked_on_the_day_informed_not_today():
    # Chair until 14 January; informed on the 15th, when nobody was chair.
    chair = scrutiny_chair(end=dt.date(2018, 1, 14))
    cabinet = CabinetFactory()
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="general",
            scrutiny_chair=chair.pk,
            chair_informed_on="2018-01-15",
            exception_notice_published_on="2018-01-15",
        )
    )
    assert not form.is_valid()
    message = form.errors["chair_informed_on"][0]
    assert "No chair of Overview and Scrutiny Management Committee is recorded on 15 January" in (
        message
    )
    assert "fallbacks" in message
    # Informed on the 12th, while chair: accepted (notice the same day, 11 working days ahead).
    entry = services.save_entry(
        exception=ExceptionKind.GENERAL,
        scrutiny_chair=chair,
        chair_informed_on=dt.date(2018, 1, 12),
        exception_notice_published_on=dt.date(2018, 1, 12),
        **_fields(cabinet),
    )
    assert services.publish_entry(entry=entry, on=dt.date(2018, 1, 12)).is_public


def test_no_scrutiny_committee_in_the_settings_is_said_plainly():
    cabinet = CabinetFactory()
    chair = PersonFactory()
    assert DecisionSettings.current().scrutiny_committee is None
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="special_urgency",
            scrutiny_chair=chair.pk,
            chair_agreed_on="2018-01-29",
        )
    )
    assert not form.is_valid()
    assert "in the decisions settings first" in form.errors["scrutiny_chair"][0]


def test_the_chair_is_informed_before_the_notice_is_published():
    chair = scrutiny_chair()
    cabinet = CabinetFactory()
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="general",
            scrutiny_chair=chair.pk,
            chair_informed_on="2018-01-16",
            exception_notice_published_on="2018-01-15",
        )
    )
    assert not form.is_valid()
    assert form.errors["chair_informed_on"] == [
        "The chair must be informed before the general exception notice is published "
        "(15 January 2018), not after."
    ]


def test_the_notice_needs_five_clear_working_days_on_its_field():
    chair = scrutiny_chair()
    cabinet = CabinetFactory()
    # Tuesday 23rd to Tuesday 30th: 24, 25, 26 and 29 are 4 clear working days.
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="general",
            scrutiny_chair=chair.pk,
            chair_informed_on="2018-01-22",
            exception_notice_published_on="2018-01-23",
        )
    )
    assert not form.is_valid()
    assert form.errors["exception_notice_published_on"] == [
        "The notice must be published 5 clear working days before the decision "
        "(by 22 January 2018). Use special urgency instead."
    ]


def test_special_urgency_is_agreed_before_the_decision():
    chair = scrutiny_chair()
    cabinet = CabinetFactory()
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="special_urgency",
            scrutiny_chair=chair.pk,
            chair_agreed_on="2018-01-31",
        )
    )
    assert not form.is_valid()
    assert form.errors["chair_agreed_on"] == [
        "The chair's agreement must be given before the decision is taken "
        "(30 January 2018), not after."
    ]
    # Agreed the day before: saved and published by the officer page.
    form = EntryForm(
        data=_form_data(
            cabinet,
            exception="special_urgency",
            scrutiny_chair=chair.pk,
            chair_agreed_on="2018-01-29",
        )
    )
    assert form.is_valid(), form.errors


def test_moving_the_decision_date_rechecks_a_recorded_exception():
    chair = scrutiny_chair()
    cabinet = CabinetFactory()
    entry = services.save_entry(
        exception=ExceptionKind.SPECIAL_URGENCY,
        scrutiny_chair=chair,
        chair_agreed_on=dt.date(2018, 1, 29),
        by=make_user("officer"),
        **_fields(cabinet),
    )
    with pytest.raises(ValidationError) as caught:
        services.save_entry(
            entry=entry,
            expected_version=entry.version,
            exception=ExceptionKind.SPECIAL_URGENCY,
            scrutiny_chair=chair,
            chair_agreed_on=dt.date(2018, 1, 29),
            **_fields(cabinet, planned_decision_date=dt.date(2018, 1, 26)),
        )
    assert "chair_agreed_on" in caught.value.message_dict


def test_chair_on_picks_the_chair_in_force_that_day():
    first = scrutiny_chair(end=dt.date(2018, 5, 16))
    committee = DecisionSettings.current().scrutiny_committee
    assert rules.chair_on(committee, dt.date(2018, 1, 1)) == first
    assert rules.chair_on(committee, dt.date(2018, 6, 1)) is None
