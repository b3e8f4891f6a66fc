"""Factories for minutes and actions, and a helper that builds a meeting ready for minutes."""

from __future__ import annotations

import datetime as dt

import factory

from meetings.minutes import services
from meetings.minutes.models import Action, ActionStatus
from meetings.models import ItemKind, MeetingStatus
from scrutiny.models import Membership
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    MunicipalYearFactory,
    PersonFactory,
)
from tests.factories.meetings import LONDON, AgendaItemFactory, PublishedMeetingFactory


def make_meeting_with_items(
    *,
    committee=None,
    start=None,
    members: int = 3,
    business: int = 2,
    exempt: bool = False,
    previous=None,
):
    """A published meeting with standard opening items, ``business`` business items (the last
    one exempt if asked) and ``members`` members in force that day."""
    MunicipalYearFactory(start_date=dt.date(2017, 5, 17), end_date=dt.date(2018, 5, 15))
    committee = committee or CommitteeFactory()
    start = start or dt.datetime(2017, 8, 9, 10, 0, tzinfo=LONDON)
    meeting = PublishedMeetingFactory(committee=committee, start=start, status=MeetingStatus.HELD)
    if not Membership.objects.filter(committee=committee).exists():
        for n in range(members):
            MembershipFactory(
                committee=committee,
                role=Membership.Role.CHAIR if n == 0 else Membership.Role.MEMBER,
                start_date=dt.date(2017, 5, 17),
            )
    order = 0

    def item(**kw):
        nonlocal order
        order += 1
        return AgendaItemFactory(meeting=meeting, order=order, number=str(order), **kw)

    item(kind=ItemKind.MEMBERSHIP, title="Membership of the Committee")
    if previous is not None:
        item(
            kind=ItemKind.MINUTES,
            title="Minutes of the previous meeting",
            previous_meeting=previous,
        )
    item(kind=ItemKind.INTERESTS, title="Interests")
    for n in range(business):
        if exempt and n == business - 1:
            item(
                title=f"Missing children report {n}",
                is_exempt=True,
                exempt_paragraph=6,
                exempt_reasons="The report contains information about particular children.",
            )
        else:
            item(title=f"Business item {n}")
    return meeting


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    committee = factory.SubFactory(CommitteeFactory)
    description = factory.Sequence(lambda n: f"A further update be considered ({n})")
    owner_person = factory.SubFactory(PersonFactory)
    raised_on = dt.date(2017, 8, 9)
    due_date = dt.date(2017, 11, 9)
    status = ActionStatus.OPEN


def start(meeting):
    return services.start_minutes(meeting=meeting)
