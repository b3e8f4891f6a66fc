"""The minute-taking journey in a real browser, and axe on the public minutes pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from conftest import fill_date, login
from meetings.minutes.models import MinutesSet, MinutesStatus
from meetings.models import AgendaItem, ItemKind
from scrutiny.models import Membership
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_takes_and_approves_minutes_and_the_public_sees_them(page, axe):
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="childrens-panel")
    first = make_meeting_with_items(committee=committee, members=3, business=1)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON), previous=first
    )
    members = list(
        Membership.objects.filter(committee=committee).select_related("person").order_by("pk")
    )
    absent, declarer = members[1].person, members[2].person
    make_user("officer", username="clerk")

    login(page, "clerk")
    # Start the minutes of the first meeting and record attendance.
    page.goto(reverse("officer-minutes-take", args=[first.pk]))
    page.get_by_role("button", name="Start the minutes").click()
    group = page.get_by_role("group", name=absent.display_name)
    group.get_by_label("Apologies").check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved").wait_for()
    assert axe(page) == []  # the minute-taking page

    # The business item: the minute, a resolution, a declaration and an action.
    page.get_by_role("link", name=re.compile("Business item 0")).click()
    page.get_by_label("Minute (optional)", exact=True).fill("The Panel considered the report.")
    page.get_by_label("Resolutions (optional)").fill(
        "That the report be noted.\n\nThat a further update be considered in 3 months' time."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Minute saved").wait_for()
    page.get_by_text("Record a declaration of interest").click()
    page.get_by_label("Member").select_option(label=declarer.display_name)
    page.get_by_label("Other interest").check()
    page.get_by_label("Brief description of the interest").fill("Governor of a local school")
    page.get_by_role("button", name="Record the declaration").click()
    page.get_by_text(f"Declaration by {declarer.display_name} recorded").wait_for()
    assert axe(page) == []  # an item's page
    page.get_by_role("link", name="Add an action from resolution 2").click()
    page.get_by_label("Owner (a service or team) (optional)").fill("Children's Services")
    fill_date(page, "due_date", "2018-01-09")
    page.get_by_role("button", name="Save the action").click()
    page.get_by_text("Action added").wait_for()

    # Publish the draft, then approve it at the next meeting with an amendment.
    page.goto(reverse("officer-minutes-take", args=[first.pk]))
    page.get_by_role("button", name="Publish the draft minutes").click()
    page.get_by_text("The draft minutes are published").wait_for()
    number = (
        MinutesSet.all_objects.get(meeting=first).items.get(agenda_item__kind="business").number
    )
    page.goto(reverse("officer-minutes-take", args=[second.pk]))
    page.get_by_role("button", name="Start the minutes").click()
    page.get_by_role("link", name=re.compile("Minutes of the previous meeting")).click()
    page.get_by_label("Amendment: minute number (optional)", exact=True).fill(str(number))
    page.get_by_label("From (the words as they stand) (optional)").fill("considered the report")
    page.get_by_label("To (the words that replace them) (optional)").fill(
        "considered the report in detail"
    )
    page.get_by_role("button", name="Approve the minutes").click()
    page.get_by_text("subject to the amendment of Minute").first.wait_for()
    minutes = MinutesSet.all_objects.get(meeting=first)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.approved_at_item == AgendaItem.all_objects.get(
        meeting=second, kind=ItemKind.MINUTES
    )

    # The public sees the approved minutes and the action in the tracker.
    page.get_by_role("button", name="Sign out").click()
    page.goto(reverse("meeting-minutes", args=[first.pk]))
    body = page.locator("main").inner_text()
    assert "Approved as a correct record" in body
    assert "The Panel considered the report in detail." in body
    assert "Apologies" in body and absent.display_name in body
    assert "Governor of a local school" in body
    assert "RESOLVED" in body and "That the report be noted." in body
    assert axe(page) == []
    page.goto(reverse("action-tracker"))
    row = page.get_by_role("row", name=re.compile("further update be considered"))
    assert "Children's Services" in row.inner_text()
    assert "Overdue" in row.inner_text()  # due January 2018, still open
    assert axe(page) == []
    page.goto(reverse("action-tracker") + "?overdue=yes")
    assert "further update be considered" in page.locator("main").inner_text()
    assert axe(page) == []
    page.goto(reverse("committee-actions", args=[committee.slug]))
    assert axe(page) == []
    page.goto(reverse("person-detail", args=[declarer.slug]))
    assert "Attendance at meetings" in page.locator("main").inner_text()
    assert axe(page) == []
    action = committee.actions.get()
    page.goto(reverse("action-detail", args=[action.pk]))
    assert axe(page) == []
    page.goto(reverse("meeting-detail", args=[first.pk]))
    assert "Approved as a correct record" in page.locator("main").inner_text()
    assert axe(page) == []


def test_two_officers_in_two_browsers_the_second_sees_a_conflict_and_keeps_his_text(
    browser, live_server, page
):
    from meetings.minutes import services

    minutes = services.start_minutes(meeting=make_meeting_with_items(business=1))
    minute = minutes.items.get(agenda_item__kind="business")
    make_user("officer", username="alice")
    make_user("officer", username="bob")
    other = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    url = reverse("officer-minute-edit", args=[minute.pk])
    for tab, who in ((page, "alice"), (other, "bob")):
        login(tab, who)
        tab.goto(url)
    page.get_by_label("Minute (optional)", exact=True).fill("Alice's account of the debate.")
    other.get_by_label("Minute (optional)", exact=True).fill("Bob's account of the debate.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Minute saved").wait_for()
    other.get_by_role("button", name="Save", exact=True).click()
    other.get_by_text("Saved by someone else").wait_for()
    assert other.get_by_label("Minute (optional)", exact=True).input_value() == (
        "Bob's account of the debate."
    )
    assert "Alice's account" in other.locator(".govuk-notification-banner").inner_text()
    minute.refresh_from_db()
    assert "Alice" in minute.text and "Bob" not in minute.text
    other.get_by_role("button", name="Save", exact=True).click()  # a deliberate second save
    other.get_by_text("Minute saved").wait_for()
    minute.refresh_from_db()
    assert "Bob" in minute.text
    other.context.close()
