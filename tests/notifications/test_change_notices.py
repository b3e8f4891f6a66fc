"""The change notice lists the meeting's recorded changes since the last notice, with before
and after (issue 23 finding 1), public text only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import AgendaItemFactory, ExemptAgendaItemFactory, MeetingFactory

from .conftest import parts

pytestmark = pytest.mark.django_db(transaction=True)

ITEM_CANARY = "ZEBRAITEMCANARY"


@pytest.fixture
def published():
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    person = PersonFactory(name="Ann Member", email="ann@example.org", email_consent=True)
    MembershipFactory(person=person, committee=committee)
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=20),
        venue="Council Chamber",
    )
    item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Social care update")
    exempt = ExemptAgendaItemFactory(meeting=meeting, order=2, number="2", title="Depot")
    officer = make_user("officer")
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    return Meeting.all_objects.get(pk=meeting.pk), item, exempt, officer


def test_each_notice_lists_the_changes_since_the_last_one(smtp, published):
    meeting, item, _, officer = published
    assert smtp.one("ann@example.org")["Subject"].startswith("Summons")
    smtp.clear()
    services.update_agenda_item(item=item, title="Children's social care", by=officer)
    text, html = parts(smtp.one("ann@example.org"))
    assert "Item 1 retitled: “Social care update” → “Children's social care”" in text
    assert f"Go to item 1: http://testserver/meetings/{meeting.pk}/#item-{item.pk}" in text
    assert "Agenda published" not in text  # the summons told them that
    assert f'href="http://testserver/meetings/{meeting.pk}/#item-{item.pk}"' in html
    smtp.clear()
    services.update_meeting(meeting=meeting, venue="Room 3", by=officer)
    text, _ = parts(smtp.one("ann@example.org"))
    assert "Venue changed: Council Chamber → Room 3" in text
    assert "retitled" not in text  # already told


def test_a_change_to_an_exempt_item_names_no_title(smtp, published):
    _, _, exempt, officer = published
    smtp.clear()
    services.update_agenda_item(item=exempt, title=f"Depot {ITEM_CANARY}", by=officer)
    text, html = parts(smtp.one("ann@example.org"))
    assert "Item retitled on item 2 (members only: sign in" in text
    for body in (text, html):
        assert ITEM_CANARY not in body and "Depot" not in body.split("Since you")[1]


def test_a_change_that_records_nothing_sends_nothing(smtp, published):
    meeting, item, _, officer = published
    smtp.clear()
    services.update_agenda_item(item=item, description="To receive the update.", by=officer)
    assert smtp.messages == []
