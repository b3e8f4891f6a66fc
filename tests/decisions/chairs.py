"""A recorded chair of the overview and scrutiny committee, for tests of general exception
(reg. 10) and special urgency (reg. 11): the committee named in the decisions settings, and a
chair membership from 17 May 2017 (unless told otherwise)."""

from __future__ import annotations

import datetime as dt

from decisions.models import DecisionSettings
from scrutiny.models import Committee, Membership
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory


def scrutiny_chair(
    *, start: dt.date = dt.date(2017, 5, 17), end: dt.date | None = None, person=None
):
    committee = CommitteeFactory(
        name="Overview and Scrutiny Management Committee",
        kind=Committee.Kind.SCRUTINY_COMMITTEE,
    )
    settings = DecisionSettings.current()
    settings.scrutiny_committee = committee
    settings.save()
    person = person or PersonFactory()
    MembershipFactory(
        person=person,
        committee=committee,
        role=Membership.Role.CHAIR,
        start_date=start,
        end_date=end,
    )
    return person
