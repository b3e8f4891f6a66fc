"""The rules of issue 17 as the services enforce them: 28 clear days' notice (or a general
exception / special urgency), editions as snapshots, the call-in window in clear working
days, no implementation before it closes, and a Cabinet meeting's minutes producing its
decisions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from decisions import services
from decisions.models import (
    Decision,
    DecisionSettings,
    DecisionStatus,
    EntryStatus,
    ExceptionKind,
    ForwardPlanEdition,
    ForwardPlanEntry,
)
from meetings.minutes import services as minutes_services
from meetings.minutes.models import Minute
from scrutiny.models import Committee
from tests.decisions.chairs import scrutiny_chair
from tests.factories import make_user
from tests.factories.decisions import (
    CabinetFactory,
    CallInRequestFactory,
    DecisionFactory,
    ForwardPlanEntryFactory,
    PortfolioHolderFactory,
    WardFactory,
)
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_clear_days_exclude_both_ends():
    assert services.clear_days(dt.date(2018, 1, 1), dt.date(2018, 1, 30)) == 28
    assert services.clear_days(dt.date(2018, 1, 2), dt.date(2018, 1, 30)) == 27
    assert services.notice_deadline(dt.date(2018, 1, 30), 28) == dt.date(2018, 1, 1)


def test_an_entry_published_28_clear_days_ahead_is_in_time():
    officer = make_user("officer")
    entry = ForwardPlanEntryFactory(planned_decision_date=dt.date(2018, 1, 30))
    published = services.publish_entry(entry=entry, on=dt.date(2018, 1, 1), by=officer)
    assert published.status == EntryStatus.PUBLISHED
    assert published.first_published_on == dt.date(2018, 1, 1)
    assert published.history.latest().history_user == officer
    with pytest.raises(ValidationError, match="already published"):
        services.publish_entry(entry=entry, on=dt.date(2018, 1, 2))


def test_a_late_entry_is_refused_without_an_exception():
    entry = ForwardPlanEntryFactory(planned_decision_date=dt.date(2018, 1, 30))
    with pytest.raises(ValidationError) as caught:
        services.publish_entry(entry=entry, on=dt.date(2018, 1, 2))
    assert "had to be published by 1 January 2018" in str(caught.value)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.first_published_on is None


def test_general_exception_needs_the_chair_and_five_clear_working_days():
    chair = scrutiny_chair()
    entry = ForwardPlanEntryFactory(planned_decision_date=dt.date(2018, 1, 30))
    fields = {
        "matter": entry.matter,
        "maker_kind": entry.maker_kind,
        "cabinet": entry.cabinet,
        "planned_decision_date": entry.planned_decision_date,
        "exception": ExceptionKind.GENERAL,
        "exception_reasons": "The grant offer arrived on 2 January.",
        "scrutiny_chair": chair,
        "chair_informed_on": dt.date(2018, 1, 22),
        # Tuesday 23rd to Tuesday 30th: 24, 25, 26, 29 are only 4 clear working days.
        "exception_notice_published_on": dt.date(2018, 1, 23),
    }
    with pytest.raises(ValidationError) as caught:  # refused as soon as it is recorded
        services.save_entry(entry=entry, expected_version=1, **fields)
    assert "5 clear working days" in str(caught.value)
    assert "exception_notice_published_on" in caught.value.message_dict
    fields["exception_notice_published_on"] = dt.date(2018, 1, 22)
    entry = services.save_entry(entry=entry, expected_version=1, **fields)
    entry = services.publish_entry(entry=entry, on=dt.date(2018, 1, 22))
    assert entry.status == EntryStatus.PUBLISHED


def test_special_urgency_needs_the_chairs_agreement():
    chair = scrutiny_chair()
    entry = ForwardPlanEntryFactory(planned_decision_date=dt.date(2018, 1, 30))
    base = {
        "matter": entry.matter,
        "maker_kind": entry.maker_kind,
        "cabinet": entry.cabinet,
        "planned_decision_date": entry.planned_decision_date,
        "exception": ExceptionKind.SPECIAL_URGENCY,
        "exception_reasons": "Urgent repairs.",
        "scrutiny_chair": chair,
    }
    with pytest.raises(ValidationError) as caught:
        services.save_entry(entry=entry, expected_version=1, **base)
    assert "chair agreed" in str(caught.value)
    with pytest.raises(ValidationError) as caught:  # too late for any notice at all
        services.publish_entry(entry=entry, on=dt.date(2018, 1, 29))
    assert "exception" in str(caught.value)
    entry = services.save_entry(
        entry=entry, expected_version=entry.version, chair_agreed_on=dt.date(2018, 1, 29), **base
    )
    assert services.publish_entry(entry=entry, on=dt.date(2018, 1, 29)).is_public


def test_a_published_entry_cannot_be_moved_inside_its_notice():
    entry = ForwardPlanEntryFactory(planned_decision_date=dt.date(2018, 1, 30))
    entry = services.publish_entry(entry=entry, on=dt.date(2018, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.save_entry(
            entry=entry,
            expected_version=entry.version,
            matter=entry.matter,
            maker_kind=entry.maker_kind,
            cabinet=entry.cabinet,
            planned_decision_date=dt.date(2018, 1, 20),
        )
    assert "exception" in caught.value.message_dict
    with pytest.raises(ValidationError):  # a stale version is a conflict
        services.save_entry(entry=entry, expected_version=entry.version - 1, matter="x")


def test_the_decision_maker_must_match_its_kind():
    holder = PortfolioHolderFactory(end_date=dt.date(2017, 12, 31))
    not_cabinet = Committee.objects.create(name="Panel", slug="panel")
    with pytest.raises(ValidationError) as caught:
        services.save_decision(
            title="T",
            maker_kind="cabinet",
            cabinet=not_cabinet,
            decision_date=dt.date(2018, 1, 5),
            decision="To agree.",
        )
    assert "cabinet" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.save_decision(
            title="T",
            maker_kind="portfolio_holder",
            portfolio_holder=holder,
            decision_date=dt.date(2018, 1, 5),
            decision="To agree.",
        )
    assert "not in office" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.save_decision(
            title="T", maker_kind="officer", decision_date=dt.date(2018, 1, 5), decision="x"
        )
    assert "officer" in caught.value.message_dict


def test_an_edition_keeps_the_plan_as_it_was():
    ward = WardFactory(name="Almondbury")
    entry = ForwardPlanEntryFactory(
        matter="Close the day centre", planned_decision_date=dt.date(2018, 3, 1)
    )
    entry.wards.set([ward])
    ForwardPlanEntryFactory(matter="Still a draft")
    services.publish_entry(entry=entry, on=dt.date(2018, 1, 2))
    edition = services.publish_edition(notes="January", on=dt.date(2018, 1, 2))
    services.save_entry(
        entry=entry,
        expected_version=None,
        matter="Keep the day centre open",
        maker_kind=entry.maker_kind,
        cabinet=entry.cabinet,
        planned_decision_date=dt.date(2018, 3, 1),
    )
    (row,) = edition.entries.all()
    assert row.matter == "Close the day centre"
    assert row.data["wards"] == "Almondbury" and row.ward_slugs == " almondbury "
    assert row.data["first_published_on"] == "2018-01-02"
    second = services.publish_edition(on=dt.date(2018, 2, 1))
    assert second.number == edition.number + 1
    assert second.entries.get().matter == "Keep the day centre open"
    assert ForwardPlanEdition.objects.count() == 2


def test_an_empty_plan_has_no_edition():
    with pytest.raises(ValidationError):
        services.publish_edition()


def test_call_in_closes_at_5pm_on_the_fifth_clear_working_day():
    # Published Thursday 21 December 2017: 22 Dec, 27, 28, 29 Dec (25/26 are bank
    # holidays, 23/24 a weekend), 2 January (1 January a bank holiday).
    published = dt.datetime(2017, 12, 21, 15, 0, tzinfo=LONDON)
    assert services.call_in_closes(published, 5) == dt.datetime(2018, 1, 2, 17, 0, tzinfo=LONDON)


def test_publishing_opens_call_in_and_implementation_waits_for_it():
    officer = make_user("officer")
    decision = DecisionFactory()
    now = dt.datetime(2018, 1, 16, 12, 0, tzinfo=LONDON)
    decision = services.publish_decision(decision=decision, now=now, by=officer)
    assert decision.status == DecisionStatus.CALL_IN_OPEN
    assert decision.call_in_closes_at == dt.datetime(2018, 1, 23, 17, 0, tzinfo=LONDON)
    assert decision.published_by == officer
    with pytest.raises(ValidationError, match="Call-in is open until 5pm on 23 January 2018"):
        services.mark_implemented(decision=decision, now=now + dt.timedelta(days=2))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN and decision.implemented_at is None
    later = dt.datetime(2018, 1, 23, 17, 1, tzinfo=LONDON)
    decision = services.mark_implemented(decision=decision, now=later, by=officer)
    assert decision.status == DecisionStatus.IMPLEMENTED
    assert decision.effective_at == dt.datetime(2018, 1, 23, 17, 0, tzinfo=LONDON)


def test_a_pending_call_in_keeps_the_decision_from_taking_effect():
    now = dt.datetime(2018, 1, 16, 12, 0, tzinfo=LONDON)
    decision = services.publish_decision(decision=DecisionFactory(), now=now)
    CallInRequestFactory(decision=decision, status="submitted")
    later = now + dt.timedelta(days=30)
    assert services.close_call_in_periods(now=later) == 0
    with pytest.raises(ValidationError):
        services.mark_implemented(decision=decision, now=later)
    other = services.publish_decision(decision=DecisionFactory(), now=now)
    assert services.close_call_in_periods(now=later) == 1
    other.refresh_from_db()
    assert other.status == DecisionStatus.EFFECTIVE


def test_an_urgent_decision_is_exempt_from_call_in():
    decision = DecisionFactory(is_urgent=True, urgency_reason="The school roof failed.")
    decision = services.publish_decision(decision=decision)
    assert decision.status == DecisionStatus.EFFECTIVE and decision.call_in_closes_at is None
    assert services.mark_implemented(decision=decision).status == DecisionStatus.IMPLEMENTED


def test_the_call_in_period_is_a_council_setting():
    DecisionSettings.objects.create(call_in_working_days=3)
    now = dt.datetime(2018, 1, 16, 12, 0, tzinfo=LONDON)
    decision = services.publish_decision(decision=DecisionFactory(), now=now)
    assert decision.call_in_closes_at == dt.datetime(2018, 1, 19, 17, 0, tzinfo=LONDON)


def test_a_published_decision_keeps_what_was_decided():
    decision = services.publish_decision(decision=DecisionFactory())
    with pytest.raises(ValidationError) as caught:
        services.save_decision(
            record=decision, expected_version=decision.version, decision="Something else"
        )
    assert "decision" in caught.value.message_dict
    fixed = services.save_decision(
        record=decision, expected_version=decision.version, reasons="Corrected reasons."
    )
    assert fixed.reasons == "Corrected reasons."


def test_publishing_marks_the_forward_plan_entry_decided():
    entry = ForwardPlanEntryFactory(planned_decision_date=dt.date(2018, 3, 1))
    services.publish_entry(entry=entry, on=dt.date(2018, 1, 1))
    decision = DecisionFactory(forward_plan_entry=entry, cabinet=entry.cabinet)
    services.publish_decision(decision=decision)
    assert ForwardPlanEntry.objects.get(pk=entry.pk).status == EntryStatus.DECIDED


def test_a_cabinet_meetings_minutes_produce_its_decisions(django_capture_on_commit_callbacks):
    officer = make_user("officer")
    cabinet = CabinetFactory()
    meeting = make_meeting_with_items(committee=cabinet, business=2, exempt=True)
    minutes = minutes_services.start_minutes(meeting=meeting)
    for minute in Minute.objects.filter(minutes=minutes, agenda_item__title__startswith="Busi"):
        minutes_services.save_minute(
            minute=minute,
            text="<p>The Cabinet considered the report.</p>",
            resolutions=["That the proposals be approved.", "That officers report back."],
            version=None,
        )
    exempt = Minute.objects.get(minutes=minutes, agenda_item__is_exempt=True)
    minutes_services.save_minute(
        minute=exempt,
        text="<p>Secret</p>",
        resolutions=["That the bid be accepted."],
        public_summary="The Cabinet considered an exempt report.",
        version=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        minutes_services.publish_minutes(minutes=minutes, by=officer)
    made = Decision.all_objects.filter(agenda_item__meeting=meeting).order_by("pk")
    assert made.count() == 2
    first = made[0]
    assert first.status == DecisionStatus.DRAFT and first.cabinet == cabinet
    assert first.decision == "1) That the proposals be approved.\n2) That officers report back."
    assert first.decision_date == dt.date(2017, 8, 9)
    private = made.get(agenda_item__is_exempt=True)
    assert private.is_private and private.exempt_paragraph == 6
    # Running it again (the officer's button) changes nothing twice.
    again = services.decisions_from_minutes(minutes=minutes, by=officer)
    assert len(again) == 2 and made.count() == 2


def test_only_cabinet_minutes_make_decisions():
    meeting = make_meeting_with_items()
    minutes = minutes_services.start_minutes(meeting=meeting)
    with pytest.raises(ValidationError):
        services.decisions_from_minutes(minutes=minutes)


def test_a_decision_is_published_only_with_its_reasons_and_alternatives():
    decision = DecisionFactory(reasons="", alternatives=" ")
    with pytest.raises(ValidationError) as raised:
        services.publish_decision(decision=decision)
    assert set(raised.value.message_dict) == {"reasons", "alternatives"}
    assert Decision.all_objects.get(pk=decision.pk).status == DecisionStatus.DRAFT
