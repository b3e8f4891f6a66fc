"""The attendance register (issue 15 item 2): one form per meeting for every expected member
(present, apologies, absent, substitute) and the others in attendance, typed as rows or pasted
as "Name – Role" lines. Through the real view and service: saving twice updates, a bad pasted
line saves nothing and names the line, edit conflicts, and nothing exempt reaches the public
minutes or PDF."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from meetings.minutes import selectors, services
from meetings.minutes.models import (
    Attendance,
    AttendanceKind,
    AttendanceStatus,
    MinutesSet,
)
from meetings.models import AgendaItem, ItemKind, MeetingStatus
from scrutiny.conflicts import CONFLICT_MESSAGE
from scrutiny.models import Membership
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db

CANARY = "CANARY-REGISTER-51c2e8"


@pytest.fixture
def officer_client(client):
    client.force_login(make_user("officer"))
    return client


def _meeting(members=4, **kw):
    committee = CommitteeFactory()
    # Memberships in force on 9 August 2017 and two that are not: ended before, begun after.
    for n in range(members):
        MembershipFactory(
            committee=committee,
            role=Membership.Role.CHAIR if n == 0 else Membership.Role.MEMBER,
            start_date=dt.date(2017, 5, 17),
        )
    MembershipFactory(
        committee=committee, start_date=dt.date(2016, 5, 1), end_date=dt.date(2017, 5, 16)
    )
    MembershipFactory(committee=committee, start_date=dt.date(2017, 9, 1))
    named_sub = MembershipFactory(
        committee=committee, role=Membership.Role.SUBSTITUTE, start_date=dt.date(2017, 5, 17)
    )
    meeting = make_meeting_with_items(committee=committee, **kw)
    return meeting, named_sub.person


def _members(meeting):
    """The members expected at ``meeting``, chair first."""
    return [m.person for m in meeting.committee.members_on(meeting.date) if m.role != "substitute"]


def _form_data(response) -> dict:
    """The form as the page rendered it (initial values), ready to change and post back."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    return data


def test_register_lists_the_members_in_force_that_day_before_the_minutes_start(officer_client):
    meeting, named_sub = _meeting()
    in_force = {
        m.person for m in meeting.committee.members_on(meeting.date) if m.role != "substitute"
    }
    response = officer_client.get(reverse("officer-attendance-register", args=[meeting.pk]))
    assert response.status_code == 200
    members = {m.person for m in response.context["form"].register.members}
    assert members == in_force and len(members) == 4
    # The committee's named substitute is offered first as a substitute, never as a member.
    choices = response.context["form"].register.substitute_choices
    assert choices[0] == (named_sub.pk, f"{named_sub.display_name} (named substitute)")
    assert not MinutesSet.all_objects.filter(meeting=meeting).exists()  # a GET writes nothing


def test_one_submission_saves_marks_substitute_rows_and_pasted_lines(officer_client):
    meeting, named_sub = _meeting()
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    chair, second, third, fourth = _members(meeting)
    data[f"member-{second.pk}"] = "apologies"
    data[f"member-{third.pk}"] = "absent"
    data[f"member-{fourth.pk}"] = "substitute"
    data[f"sub-{fourth.pk}"] = str(named_sub.pk)
    data["other-0-name"] = "Sarah Jones"
    data["other-0-role"] = "Scrutiny Officer"
    data["other-1-name"] = "Councillor Pat Black"
    data["other-1-role"] = "Cabinet Member – Children"
    data["other-1-kind"] = AttendanceKind.OBSERVER
    data["others_text"] = (
        "Mark Hooper – Strategic Director, Children and Families\n"
        "\n"
        "Jane Smith-Jones - Head of Education\n"
        "Olu Adeyemi — Witness, Parent Carer Forum\n"
        "  • Eleanor Brazil–Independent Improvement Partner  \n"
    )
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    minutes = MinutesSet.all_objects.get(meeting=meeting)
    rows = {a.display_name: a for a in minutes.attendance.select_related("person")}
    assert rows[chair.display_name].status == AttendanceStatus.PRESENT
    assert rows[second.display_name].status == AttendanceStatus.APOLOGIES
    assert rows[third.display_name].status == AttendanceStatus.ABSENT
    assert rows[fourth.display_name].status == AttendanceStatus.APOLOGIES
    sub = rows[named_sub.display_name]
    assert sub.kind == AttendanceKind.SUBSTITUTE and sub.substitute_for == fourth
    assert rows["Jane Smith-Jones"].role_text == "Head of Education"  # hyphenated name kept
    assert rows["Olu Adeyemi"].role_text == "Witness, Parent Carer Forum"
    assert rows["Eleanor Brazil"].role_text == "Independent Improvement Partner"
    assert rows["Councillor Pat Black"].kind == AttendanceKind.OBSERVER
    assert rows["Mark Hooper"].kind == AttendanceKind.IN_ATTENDANCE
    assert minutes.attendance.count() == 4 + 1 + 2 + 4

    # Saving again (the same lines pasted again, a role changed) updates: nobody twice.
    again = _form_data(officer_client.get(url))
    assert again[f"member-{fourth.pk}"] == "substitute"
    assert again[f"sub-{fourth.pk}"] == str(named_sub.pk)
    again["others_text"] = "Mark Hooper – Director of Children's Services\nSARAH  JONES – Officer"
    response = officer_client.post(url, again)
    assert response.status_code == 302
    assert minutes.attendance.count() == 11
    assert minutes.attendance.get(name="Mark Hooper").role_text == "Director of Children's Services"
    assert minutes.attendance.get(name="Sarah Jones").role_text == "Officer"

    # The public minutes print the register.
    services.publish_minutes(minutes=minutes)
    page = officer_client.get(reverse("meeting-minutes", args=[meeting.pk])).content.decode()
    assert escape(f"{named_sub.display_name} (substitute for {fourth.display_name})") in page
    assert "Mark Hooper, Director of Children&#x27;s Services" in page


def test_marks_change_back_and_a_removed_row_goes(officer_client):
    meeting, named_sub = _meeting()
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    member = next(
        m.person for m in meeting.committee.members_on(meeting.date) if m.role == "member"
    )
    data[f"member-{member.pk}"] = "substitute"
    data[f"sub-{member.pk}"] = str(named_sub.pk)
    data["others_text"] = "Ann Officer – Clerk"
    assert officer_client.post(url, data).status_code == 302
    data = _form_data(officer_client.get(url))
    data[f"member-{member.pk}"] = "present"
    row_key = next(k for k, v in data.items() if k.endswith("-name") and v == "Ann Officer")
    data[row_key.replace("-name", "-remove")] = "on"
    assert officer_client.post(url, data).status_code == 302
    minutes = MinutesSet.all_objects.get(meeting=meeting)
    assert minutes.attendance.get(person=member).status == AttendanceStatus.PRESENT
    assert not minutes.attendance.filter(kind=AttendanceKind.SUBSTITUTE).exists()
    assert not minutes.attendance.filter(name="Ann Officer").exists()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Just a name", "has no role: write it as Name – Role, Name, Role or Name (Role)"),
        ("– Head of Education", "no name before the dash"),
        ("Jane Smith –", "no role after the dash"),
        ("Smith-Jones", "has no role: write it as"),
        (", Director", "no name before the comma"),
        ("Bob Jones,", "no role after the comma"),
        ("(Director)", "no name before the brackets"),
        ("Jane Smith ()", "no role in the brackets"),
        ("\tPublic Health", "no name in its first column"),
    ],
)
def test_a_bad_pasted_line_is_named_and_nothing_is_saved(officer_client, line, words):
    meeting, _ = _meeting()
    services.start_minutes(meeting=meeting)
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    member = next(
        m.person for m in meeting.committee.members_on(meeting.date) if m.role == "member"
    )
    data[f"member-{member.pk}"] = "absent"
    data["other-0-name"] = "Typed Row"
    data["others_text"] = f"Good Person – Officer\n\n{line}\nAnother Good – Witness"
    response = officer_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["others_text"]
    assert errors == [errors[0]] and errors[0].startswith("Line 3 (") and words in errors[0]
    page = response.content.decode()
    assert "There is a problem" in page and "Line 3" in page
    assert "Another Good – Witness" in page  # what was typed is still there
    minutes = MinutesSet.all_objects.get(meeting=meeting)
    assert minutes.attendance.get(person=member).status == AttendanceStatus.PRESENT
    assert not minutes.attendance.exclude(kind=AttendanceKind.MEMBER).exists()


def test_commas_brackets_and_table_rows_are_read_as_name_and_role():
    """Finding 10 (notes-attack.md): lists arrive with commas, brackets or as table rows."""
    rows = services.parse_others(
        "Bob Jones, Head of Commissioning\n"
        "Dr A. Khan\tPublic Health\n"
        "Jane Smith (Director)\n"
        "• Lee Wong\tPolicy Officer\tAdults' Services\t\t\n"
        "Mark Hooper – Strategic Director, Children and Families\n"
        "Ann Lee, Head of Finance, Resources\n"
        "Sam Roe\t\tWitness\n"
        "\t\t\n"
    )
    assert [(r.name, r.role_text) for r in rows] == [
        ("Bob Jones", "Head of Commissioning"),
        ("Dr A. Khan", "Public Health"),
        ("Jane Smith", "Director"),
        ("Lee Wong", "Policy Officer, Adults' Services"),
        ("Mark Hooper", "Strategic Director, Children and Families"),
        ("Ann Lee", "Head of Finance, Resources"),
        ("Sam Roe", "Witness"),
    ]


def test_saved_message_tells_the_time_as_the_portal_does(officer_client):
    """Finding 8 (notes-attack.md): "saved at 11.02 p.m.", not "23:02"; and the way back
    is named as on the meeting page."""
    import re

    meeting, _ = _meeting()
    services.start_minutes(meeting=meeting)
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    data["others_text"] = "Dr A. Khan\tPublic Health"
    response = officer_client.post(url, data, follow=True)
    page = response.content.decode()
    assert re.search(r"Attendance register saved at \d{1,2}\.\d\d [ap]\.m\.", page), page
    assert not re.search(r"saved at \d\d:\d\d", page)
    from scrutiny.dates import clock

    assert clock(dt.datetime(2026, 12, 5, 23, 2, tzinfo=dt.UTC)) == "11.02 p.m."
    assert clock(dt.datetime(2026, 7, 1, 8, 5, tzinfo=dt.UTC)) == "9.05 a.m."  # BST
    assert "Take or edit the minutes" in page and "Back to the minutes" not in page
    minutes = MinutesSet.all_objects.get(meeting=meeting)
    assert minutes.attendance.get(name="Dr A. Khan").role_text == "Public Health"


def test_every_bad_line_is_named():
    with pytest.raises(ValidationError) as exc:
        services.parse_others("A – B\nno dash here\n\nC –\n— D")
    assert [m.split(" (")[0] for m in exc.value.message_dict["others_text"]] == [
        "Line 2",
        "Line 4",
        "Line 5",
    ]


def test_substitute_needs_a_person_who_is_not_a_member(officer_client):
    meeting, _ = _meeting()
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    members = [
        m.person for m in meeting.committee.members_on(meeting.date) if m.role != "substitute"
    ]
    data[f"member-{members[1].pk}"] = "substitute"  # and nobody chosen
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"sub-{members[1].pk}": [f"Choose who substituted for {members[1].display_name}."]
    }
    data[f"sub-{members[1].pk}"] = str(members[3].pk)  # a member cannot substitute
    response = officer_client.post(url, data)
    assert response.status_code == 200
    [error] = response.context["form"].errors[f"sub-{members[1].pk}"]
    assert "a member at this meeting cannot also substitute" in error
    assert not MinutesSet.all_objects.filter(meeting=meeting).exists()  # nothing written


def test_a_stale_register_is_an_edit_conflict_and_keeps_what_was_typed(officer_client):
    meeting, _ = _meeting()
    minutes = services.start_minutes(meeting=meeting)
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    services.add_attendee(minutes=minutes, kind=AttendanceKind.IN_ATTENDANCE, name="Someone Else")
    data["others_text"] = "Typed Late – Officer"
    response = officer_client.post(url, data)
    assert response.status_code == 409
    assert CONFLICT_MESSAGE in response.context["form"].non_field_errors()
    assert "Typed Late – Officer" in response.content.decode()
    assert not minutes.attendance.filter(name="Typed Late").exists()
    # The form now carries the current version: saving again is the officer's choice.
    assert response.context["form"].data["version"] == str(
        MinutesSet.all_objects.get(pk=minutes.pk).version
    )


def test_locked_minutes_show_the_register_read_only(officer_client):
    meeting, _ = _meeting()
    minutes = services.start_minutes(meeting=meeting)
    services.publish_minutes(minutes=minutes)
    later = make_meeting_with_items(
        committee=meeting.committee,
        start=dt.datetime(2017, 10, 9, 10, 0, tzinfo=LONDON),
        previous=meeting,
    )
    item = AgendaItem.all_objects.get(meeting=later, kind=ItemKind.MINUTES)
    services.approve_minutes(minutes=minutes, at_item=item)
    url = reverse("officer-attendance-register", args=[meeting.pk])
    response = officer_client.get(url)
    assert "approved and locked" in response.content.decode()
    assert b"Save the register" not in response.content
    with pytest.raises(ValidationError):
        services.save_register(meeting=meeting, members=[], version=None)


def test_cancelled_meeting_has_no_register(officer_client):
    meeting, _ = _meeting()
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    response = officer_client.get(reverse("officer-attendance-register", args=[meeting.pk]))
    assert response.status_code == 302


def test_register_is_linked_from_the_minutes_and_the_officer_meeting_page(officer_client):
    meeting, _ = _meeting()
    url = reverse("officer-attendance-register", args=[meeting.pk])
    meeting_page = officer_client.get(reverse("officer-meeting", args=[meeting.pk]))
    assert url in meeting_page.content.decode()
    services.start_minutes(meeting=meeting)
    take = officer_client.get(reverse("officer-minutes-take", args=[meeting.pk]))
    assert url in take.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "councillor"])
def test_register_is_for_officers_only(client, who):
    meeting, _ = _meeting()
    if who == "councillor":
        client.force_login(make_user("councillor"))
    url = reverse("officer-attendance-register", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code in (302, 403)
    response = client.post(url, {"version": "0", "others_count": "0"})
    assert response.status_code in (302, 403)
    assert not MinutesSet.all_objects.filter(meeting=meeting).exists()


def test_register_entries_on_public_minutes_never_carry_exempt_text(officer_client, client):
    """Attendance is public; an exempt item's minute, resolution and declaration on the same
    minutes stay off the public page and PDF for the public and a councillor not on the
    committee, while the register's names appear."""
    meeting, named_sub = _meeting(exempt=True)
    url = reverse("officer-attendance-register", args=[meeting.pk])
    data = _form_data(officer_client.get(url))
    member = next(
        m.person for m in meeting.committee.members_on(meeting.date) if m.role == "member"
    )
    data[f"member-{member.pk}"] = "substitute"
    data[f"sub-{member.pk}"] = str(named_sub.pk)
    data["others_text"] = "Visible Witness – Headteacher"
    assert officer_client.post(url, data).status_code == 302
    minutes = MinutesSet.all_objects.get(meeting=meeting)
    exempt = minutes.items.get(agenda_item__is_exempt=True)
    services.save_minute(
        minute=exempt,
        text=f"Full exempt minute {CANARY}.",
        resolutions=[f"Exempt resolution {CANARY}"],
        version=exempt.version,
    )
    services.add_declaration(
        minute=exempt,
        person=member,
        interest_type="other",
        withdrew=False,
        description="Knows the family",
    )
    services.publish_minutes(minutes=minutes)
    outsider = make_user("councillor", person=PersonFactory())
    for viewer in (None, outsider):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        page = client.get(reverse("meeting-minutes", args=[meeting.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Visible Witness, Headteacher" in text
        assert escape(f"{named_sub.display_name} (substitute for {member.display_name})") in text
        assert CANARY not in text
        assert CANARY not in str(selectors.minutes_view(minutes, may_read_exempt=False).items)
    client.logout()
    pdf = client.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
    assert pdf.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Visible Witness, Headteacher" in text
    assert CANARY not in text and "Knows the family" in text  # a declaration is public
    assert Attendance.objects.filter(minutes=minutes, name="Visible Witness").exists()
