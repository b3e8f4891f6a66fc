"""The meeting page answers "what did it decide": each open agenda item shows the resolutions
of its public minutes, and a short "What the panel decided" comes before the agenda. The
committee page's next-meeting panel lists what is on the agenda (issue 16, finding 8).

Only published or approved minutes, only open items: never draft minutes, never an exempt or
confidential item's resolutions, not even to a member signed in (canary tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.minutes import services
from meetings.models import ItemKind
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import AgendaItemFactory, PublishedMeetingFactory
from tests.factories.minutes import make_meeting_with_items
from tests.query_counts import TARGET, page_queries

pytestmark = pytest.mark.django_db
CANARY = "Quokkazyx"


def _minute(meeting, *, publish=True, exempt_canary=True):
    minutes = services.start_minutes(meeting=meeting)
    for minute in minutes.items.filter(agenda_item__kind=ItemKind.BUSINESS):
        private = minute.agenda_item.is_exempt
        services.save_minute(
            minute=minute,
            text="Discussion.",
            resolutions=(
                [f"That the {CANARY} placement be approved."]
                if private and exempt_canary
                else [
                    f"That the report on {minute.agenda_item.title} be noted.",
                    "That the Director reports back in March.",
                ]
            ),
            version=minute.version,
        )
    if publish:
        minutes = services.publish_minutes(minutes=minutes)
    return minutes


def _section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_each_open_item_shows_its_resolutions_under_it(client):
    meeting = make_meeting_with_items(business=2, exempt=True)
    _minute(meeting)
    html = client.get(meeting.get_absolute_url()).content.decode()
    item = meeting.items.get(title="Business item 0")
    under = _section(html, f'id="item-{item.pk}"', "</li>\n<li")
    assert "Resolved" in under
    assert "That the report on Business item 0 be noted." in under
    assert "That the Director reports back in March." in under
    assert reverse("meeting-minutes", args=[meeting.pk]) + "#minute-" in under


@pytest.mark.parametrize("viewer", ["anonymous", "member", "officer"])
def test_exempt_items_resolutions_never_show_on_the_meeting_page(client, viewer):
    meeting = make_meeting_with_items(business=2, exempt=True)
    _minute(meeting)
    if viewer == "member":
        member = meeting.committee.memberships.first().person
        client.force_login(make_user("councillor", person=member))
    elif viewer == "officer":
        client.force_login(make_user("officer"))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "That the report on Business item 0 be noted." in html  # the page has outcomes
    assert CANARY not in html


def test_draft_minutes_show_no_outcome_and_no_summary(client):
    meeting = make_meeting_with_items(business=1)
    _minute(meeting, publish=False)
    client.force_login(make_user("officer"))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "be noted." not in html
    assert "What the panel decided" not in html


def test_what_the_panel_decided_comes_before_the_agenda(client):
    meeting = make_meeting_with_items(business=3, exempt=True)
    _minute(meeting)
    html = client.get(meeting.get_absolute_url()).content.decode()
    summary = _section(html, 'id="decisions-heading"', "</section>")
    assert html.index('id="decisions-heading"') < html.index(">Agenda</h2>")
    item = meeting.items.get(title="Business item 1")
    assert f'href="#item-{item.pk}">Business item 1</a>' in summary
    assert "That the report on Business item 1 be noted. (and 1 more resolution)" in summary
    assert "published (not yet approved)" in summary
    assert CANARY not in summary and "Missing children" not in summary


def test_no_summary_without_public_minutes(client):
    meeting = make_meeting_with_items(business=1)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "What the panel decided" not in html and "Resolved" not in html


def test_committee_panel_lists_what_is_on_the_next_agenda(client):
    committee = CommitteeFactory()
    nxt = PublishedMeetingFactory(committee=committee, start=timezone.now() + dt.timedelta(9))
    first = AgendaItemFactory(meeting=nxt, order=1, number="1", title="Apologies")
    AgendaItemFactory(
        meeting=nxt,
        order=2,
        number="2",
        title="Adoption placements",
        is_exempt=True,
        exempt_paragraph=1,
        exempt_reasons=f"{CANARY} reasons",
    )
    html = client.get(committee.get_absolute_url()).content.decode()
    section = _section(html, 'id="next-meeting-heading"', "</section>")
    assert "On the agenda" in section
    assert f'{nxt.get_absolute_url()}#item-{first.pk}">1: Apologies</a>' in section
    assert '2: Adoption placements</a> <span class="portal-meta">(members only)' in section
    assert CANARY not in html


@pytest.mark.parametrize("business", [1, 12])
def test_meeting_and_committee_pages_stay_within_the_query_target(client, business):
    meeting = make_meeting_with_items(business=business, exempt=True)
    _minute(meeting)
    assert page_queries(client, meeting.get_absolute_url()) <= TARGET
    assert page_queries(client, meeting.committee.get_absolute_url()) <= TARGET
