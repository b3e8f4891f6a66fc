"""The attendance register in a real browser (issue 15 item 2): from the officer's meeting
page, a register of eight members and five pasted others in attendance is entered in ONE
submission, and the public minutes read it back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from conftest import login
from meetings.minutes.models import AttendanceKind, MinutesSet
from scrutiny.models import Membership
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.minutes import make_meeting_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = """Mark Hooper – Strategic Director, Children and Families
Jane Smith-Jones - Head of Education

Olu Adeyemi — Witness, Parent Carer Forum
Eleanor Brazil–Independent Improvement Partner
Sarah Jones – Scrutiny Officer
"""


def test_officer_enters_a_whole_register_in_one_submission(page, axe):
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="childrens-panel")
    for n in range(8):
        MembershipFactory(
            committee=committee,
            role=Membership.Role.CHAIR if n == 0 else Membership.Role.MEMBER,
            start_date=dt.date(2017, 5, 17),
            person=PersonFactory(honorific="Councillor", name=f"Member {chr(65 + n)} Person"),
        )
    # A member whose membership ended before the meeting is not expected.
    MembershipFactory(
        committee=committee,
        start_date=dt.date(2016, 5, 18),
        end_date=dt.date(2017, 5, 16),
        person=PersonFactory(honorific="Councillor", name="Former Member"),
    )
    substitute = PersonFactory(honorific="Councillor", name="Stand In")
    MembershipFactory(
        committee=committee,
        role=Membership.Role.SUBSTITUTE,
        start_date=dt.date(2017, 5, 17),
        person=substitute,
    )
    meeting = make_meeting_with_items(committee=committee, business=1)
    members = [m.person for m in committee.members_on(meeting.date) if m.role != "substitute"]
    assert len(members) == 8
    make_user("officer", username="clerk")

    login(page, "clerk")
    page.goto(reverse("officer-meeting", args=[meeting.pk]))
    page.get_by_role("link", name="Attendance register").click()
    page.get_by_role("heading", name="Attendance register").wait_for()
    listed = page.locator("table").first.locator("tbody th[scope=row]").all_inner_texts()
    assert [text.splitlines()[0] for text in listed] == [p.display_name for p in members]
    assert axe(page) == []

    submissions = []
    page.on(
        "request",
        lambda r: submissions.append(r.url) if r.method == "POST" else None,
    )
    apologies, absent, replaced = members[1], members[2], members[3]
    page.get_by_role("radio", name=f"Apologies – {apologies.display_name}").check()
    page.get_by_role("radio", name=f"Absent – {absent.display_name}").check()
    page.get_by_role("radio", name=f"Substitute – {replaced.display_name}").check()
    page.get_by_label(f"Substitute for {replaced.display_name}").select_option(
        label=f"{substitute.display_name} (named substitute)"
    )
    page.get_by_label("Name, row 1").fill("Councillor Pat Black")
    page.get_by_label("Role, row 1").fill("Cabinet Member – Children")
    page.get_by_label("Attended as, row 1").select_option(label="Observer")
    page.get_by_label("Paste others in attendance").fill(PASTED)
    page.get_by_role("button", name="Save the register").click()
    page.get_by_text("Attendance register saved").wait_for()
    assert len(submissions) == 1  # one form submission for the whole register

    minutes = MinutesSet.all_objects.get(meeting=meeting)
    others = minutes.attendance.exclude(kind__in=[AttendanceKind.MEMBER, AttendanceKind.SUBSTITUTE])
    assert others.count() == 6
    # The saved rows are shown back as rows; a bad line on a second save names the line.
    assert page.get_by_label("Name, row 2").input_value() == "Mark Hooper"
    page.get_by_label("Paste others in attendance").fill("Good Line – Clerk\nno dash at all")
    page.get_by_role("button", name="Save the register").click()
    page.get_by_text("Line 2 (“no dash at all”) has no role").first.wait_for()
    assert others.count() == 6  # nothing saved
    assert axe(page) == []
    # Finding 10 (notes-attack.md): commas, brackets and a row pasted from a table (tabs)
    # are read too; the saved message tells the time as the portal does (finding 8).
    page.get_by_label("Paste others in attendance").fill(
        "Bob Jones, Head of Commissioning\nDr A. Khan\tPublic Health\tAdults\nJane Smith (Director)"
    )
    page.get_by_role("button", name="Save the register").click()
    page.get_by_text(re.compile(r"Attendance register saved at \d{1,2}\.\d\d [ap]\.m\.")).wait_for()
    assert others.count() == 9
    assert others.get(name="Dr A. Khan").role_text == "Public Health, Adults"
    assert others.get(name="Jane Smith").role_text == "Director"
    assert others.get(name="Bob Jones").role_text == "Head of Commissioning"
    # The way back is named as on the meeting page.
    page.get_by_role("link", name="Take or edit the minutes").click()
    page.wait_for_url(f"**{reverse('officer-minutes-take', args=[meeting.pk])}")

    # Publish the draft minutes and read the attendance as the public does.
    page.goto(reverse("officer-minutes-take", args=[meeting.pk]))
    page.get_by_role("button", name="Publish the draft minutes").click()
    page.get_by_text("The draft minutes are published").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.goto(reverse("meeting-minutes", args=[meeting.pk]))
    attendance = page.locator("dl.govuk-summary-list").first

    def row(label):
        return attendance.locator(".govuk-summary-list__row", has_text=label).inner_text()

    present = row("Present")
    assert members[0].display_name in present and members[4].display_name in present
    assert f"{substitute.display_name} (substitute for {replaced.display_name})" in present
    assert apologies.display_name in row("Apologies")
    assert replaced.display_name in row("Apologies")
    assert absent.display_name in row("Absent")
    in_attendance = row("In attendance")
    for line in (
        "Mark Hooper, Strategic Director, Children and Families",
        "Jane Smith-Jones, Head of Education",
        "Olu Adeyemi, Witness, Parent Carer Forum",
        "Eleanor Brazil, Independent Improvement Partner",
        "Sarah Jones, Scrutiny Officer",
        "Dr A. Khan, Public Health, Adults",
        "Jane Smith, Director",
    ):
        assert line in in_attendance
    assert "Councillor Pat Black, Cabinet Member – Children" in row("Observers")
    assert "Good Line" not in page.locator("main").inner_text()
    assert axe(page) == []
