"""The demo reads like the seed's minutes: 9 August 2017 with its resolutions as data, the
Corporate Parenting Board's 20 February minutes approved on 24 April subject to the Minute 9
amendment, and follow-ups in a tracker that shows what is overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.minutes import demo
from meetings.minutes.models import (
    Action,
    Attendance,
    Minute,
    MinutesAmendment,
    MinutesSet,
    MinutesStatus,
    Resolution,
)
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(demo_module, db):
    """The demo council, loaded once for this module (conftest.demo_module)."""


def _meeting(slug, day):
    return Meeting.all_objects.get(committee__slug=slug, start__date=day)


def test_nine_august_minutes_read_like_the_seed(client, demo_data):
    meeting = _meeting("childrens-scrutiny-panel", dt.date(2017, 8, 9))
    minutes = MinutesSet.all_objects.get(meeting=meeting)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.no_interests_declared
    titles = list(minutes.items.order_by("number").values_list("number", "agenda_item__title"))
    assert titles[0] == (1, "Membership of the Committee")
    assert titles[6] == (7, "Schedule of Meetings 2017/18")
    ofsted = minutes.items.get(agenda_item__title__startswith="Ofsted")
    assert [r.number for r in ofsted.resolutions.all()] == [1, 2]
    assert ofsted.resolutions.get(number=2).text.startswith(
        "That the issues raised by the report, including recruitment and retention"
    )
    body = client.get(reverse("meeting-minutes", args=[meeting.pk])).content.decode()
    for text in (
        "Councillor Cahal Burke (Chair)",
        "Councillor Robert Light",
        "Councillor Masood Ahmed, Cabinet Member - Children",
        "No interests were declared.",
        "Agreed that all items be considered in the public session.",
        "2) That the priority areas of focus for the Leadership Team",
        "The improvement journey – quarterly",
    ):
        assert text in body, text
    apologies = Attendance.objects.filter(minutes=minutes, status="apologies")
    assert {a.person.name for a in apologies} == {"Robert Light", "Fatima Khan-Shah"}


def test_corporate_parenting_board_amendment_and_exempt_item(client, demo_data):
    feb = _meeting("corporate-parenting-board", dt.date(2017, 2, 20))
    apr = _meeting("corporate-parenting-board", dt.date(2017, 4, 24))
    feb_minutes = MinutesSet.all_objects.get(meeting=feb)
    assert feb_minutes.status == MinutesStatus.APPROVED
    assert feb_minutes.approved_at_item.meeting == apr
    assert "subject to the amendment of Minute 9" in feb_minutes.approval_text
    nine = Minute.objects.get(minutes=feb_minutes, number=9)
    assert "and a single social worker." in nine.text
    assert "only one High School" not in nine.text
    assert MinutesAmendment.objects.filter(minute=nine).count() == 1
    exempt = Minute.objects.get(minutes=feb_minutes, agenda_item__title="Missing Children Report")
    assert exempt.agenda_item.is_exempt and exempt.agenda_item.exempt_paragraph == 6
    body = client.get(reverse("meeting-minutes", args=[feb.pk])).content.decode()
    assert "multi-agency assessments of missing children" in body  # the s100C summary
    assert exempt.text[:40] not in body  # the full minute is members-only
    assert MinutesSet.all_objects.get(meeting=apr).status == MinutesStatus.PUBLISHED
    deferred = Minute.objects.get(
        minutes__meeting=apr, agenda_item__title__startswith="Commissioner"
    )
    assert deferred.outcome == "deferred"


def test_demo_actions_come_from_resolutions_and_show_overdue(client, demo_data):
    three_months = Action.all_objects.get(description__startswith="A further update be considered")
    assert three_months.resolution == Resolution.objects.get(
        minute__agenda_item__title="Adoption Regionalisation Update", number=2
    )
    assert three_months.is_overdue()
    body = client.get(reverse("action-tracker"), {"overdue": "yes"}).content.decode()
    assert "A further update be considered by the Board in 3 months" in body


def test_demo_is_idempotent(demo_data):
    counts = (
        MinutesSet.all_objects.count(),
        Minute.objects.count(),
        Resolution.objects.count(),
        Attendance.objects.count(),
        Action.all_objects.count(),
        MinutesAmendment.objects.count(),
    )
    demo.load()
    assert counts == (
        MinutesSet.all_objects.count(),
        Minute.objects.count(),
        Resolution.objects.count(),
        Attendance.objects.count(),
        Action.all_objects.count(),
        MinutesAmendment.objects.count(),
    )


def test_meeting_pages_carry_the_minutes_panels(client, demo_data):
    from tests.factories import make_user

    apr = _meeting("corporate-parenting-board", dt.date(2017, 4, 24))
    body = client.get(reverse("meeting-detail", args=[apr.pk])).content.decode()
    assert "Draft – to be approved" in body
    assert "approved" in body and "the minutes of 20 February 2017" in body
    client.force_login(make_user("officer"))
    body = client.get(reverse("officer-meeting", args=[apr.pk])).content.decode()
    assert reverse("officer-minutes-take", args=[apr.pk]) in body
