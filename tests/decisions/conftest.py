"""Fixtures shared by the decisions tests."""

from __future__ import annotations

import pytest

from scrutiny.models import Membership
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user


@pytest.fixture
def viewers():
    """Who a leak test asks as: the public (None), a councillor off the committee, and a
    member of a committee. None of them may read what is private."""
    committee = CommitteeFactory()
    member = PersonFactory()
    MembershipFactory(person=member, committee=committee, role=Membership.Role.MEMBER)
    return {
        "public": None,
        "councillor": make_user("councillor", person=PersonFactory()),
        "member": make_user("councillor", person=member),
    }


def as_each(client, viewers):
    """Log ``client`` in as each viewer in turn, yielding the viewer's label."""
    for label, user in viewers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        yield label
