"""Minutes: attendance, numbering, resolutions, declarations, lifecycle and locking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings.minutes import selectors, services
from meetings.minutes.models import (
    Attendance,
    AttendanceKind,
    AttendanceStatus,
    Minute,
    MinutesAmendment,
    MinutesStatus,
)
from meetings.models import AgendaItem, ItemKind, MeetingStatus
from scrutiny.conflicts import EditConflict
from scrutiny.models import Membership
from scrutiny.sanitise import editable_text, sanitise
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    MunicipalYearFactory,
    PersonFactory,
)
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db


def _business(minutes):
    return [
        m for m in minutes.items.order_by("agenda_item__order") if m.agenda_item.kind == "business"
    ]


def test_start_minutes_lists_members_in_force_that_day_and_an_item_each():
    committee = CommitteeFactory()
    left = MembershipFactory(
        committee=committee, start_date=dt.date(2017, 5, 17), end_date=dt.date(2017, 7, 1)
    )
    joined_later = MembershipFactory(committee=committee, start_date=dt.date(2017, 9, 1))
    chair = MembershipFactory(
        committee=committee, role=Membership.Role.CHAIR, start_date=dt.date(2017, 5, 17)
    )
    meeting = make_meeting_with_items(committee=committee)
    minutes = services.start_minutes(meeting=meeting)
    people = {a.person_id: a for a in minutes.attendance.all()}
    assert chair.person_id in people
    assert people[chair.person_id].role_text == "Chair"
    assert left.person_id not in people and joined_later.person_id not in people
    assert minutes.items.count() == AgendaItem.all_objects.filter(meeting=meeting).count()
    # Idempotent, and a late item gets its minute.
    AgendaItem.all_objects.create(
        meeting=meeting,
        order=99,
        number="99",
        title="Late item",
        is_late=True,
        urgency_reasons="Urgent",
    )
    again = services.start_minutes(meeting=meeting)
    assert again.pk == minutes.pk
    assert again.items.count() == AgendaItem.all_objects.filter(meeting=meeting).count()
    assert again.attendance.count() == len(people)


def test_cancelled_meeting_has_no_minutes():
    meeting = make_meeting_with_items()
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    with pytest.raises(ValidationError):
        services.start_minutes(meeting=meeting)


def test_minute_numbers_run_per_committee_per_municipal_year():
    MunicipalYearFactory(start_date=dt.date(2018, 5, 16), end_date=dt.date(2019, 5, 14))
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON), previous=first
    )
    next_year = make_meeting_with_items(
        committee=committee, start=dt.datetime(2018, 6, 11, 10, tzinfo=LONDON)
    )
    other = make_meeting_with_items()
    m1, m2, m3, m4 = (services.start_minutes(meeting=m) for m in (first, second, next_year, other))
    for minutes in (m1, m2, m3, m4):
        services.publish_minutes(minutes=minutes)
    numbers = [
        list(m.items.order_by("agenda_item__order").values_list("number", flat=True))
        for m in (m1, m2, m3, m4)
    ]
    assert numbers[0] == [1, 2, 3, 4]
    assert numbers[1] == [5, 6, 7, 8, 9]  # continues through the year
    assert numbers[2] == [1, 2, 3, 4]  # a new municipal year starts again
    assert numbers[3] == [1, 2, 3, 4]  # another committee has its own sequence


def test_an_earlier_meeting_cannot_take_numbers_after_a_later_one_is_numbered():
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    m1 = services.start_minutes(meeting=first)
    services.publish_minutes(minutes=services.start_minutes(meeting=second))
    with pytest.raises(ValidationError, match="later meeting"):
        services.publish_minutes(minutes=m1)
    m1.refresh_from_db()
    assert m1.status == MinutesStatus.DRAFT
    assert not m1.items.filter(number__isnull=False).exists()


def test_resolutions_numbered_within_the_item_and_text_sanitised():
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    minute = _business(minutes)[0]
    typed = "1) That the report be noted.\n\n2) That a further update be considered in 3 months."
    saved = services.save_minute(
        minute=minute,
        text="Mr Walker explained.\n\n- point one\n- point two<script>alert(1)</script>",
        resolutions=services.split_resolutions(typed),
        version=minute.version,
    )
    assert [(r.number, r.text) for r in saved.resolutions.all()] == [
        (1, "That the report be noted."),
        (2, "That a further update be considered in 3 months."),
    ]
    assert "<script" not in saved.text
    assert saved.text.startswith("<p>Mr Walker explained.</p><ul><li>point one</li>")
    html = sanitise('<p onclick="x()">Hi <a href="javascript:alert(1)">x</a></p>')
    assert "onclick" not in html and "javascript" not in html
    # Fewer resolutions: the extra one goes; numbering stays 1..n.
    saved = services.save_minute(
        minute=saved,
        text=saved.text,
        resolutions=["That the report be noted."],
        version=saved.version,
    )
    assert list(saved.resolutions.values_list("number", flat=True)) == [1]


def test_stale_version_is_a_conflict_and_nothing_is_written():
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    minute = _business(minutes)[0]
    opened = minute.version
    services.save_minute(minute=minute, text="First officer's words", version=opened)
    with pytest.raises(EditConflict):
        services.save_minute(minute=minute, text="Second officer's words", version=opened)
    minute.refresh_from_db()
    assert "First officer" in minute.text


def _approve_setup(**kwargs):
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee, **kwargs)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON), previous=first
    )
    minutes = services.start_minutes(meeting=first)
    minute = _business(minutes)[0]
    services.save_minute(
        minute=minute,
        text="Two things were consistent: primary education and attendance at only one High "
        "School.",
        resolutions=["That the update be received."],
        version=minute.version,
    )
    services.publish_minutes(minutes=minutes)
    at_item = AgendaItem.all_objects.get(meeting=second, kind=ItemKind.MINUTES)
    minute.refresh_from_db()
    return minutes, minute, at_item


def test_approval_subject_to_amendment_records_and_applies_it():
    minutes, minute, at_item = _approve_setup()
    approved = services.approve_minutes(
        minutes=minutes,
        at_item=at_item,
        amendments=[
            services.AmendmentInput(
                minute_number=minute.number,
                before="'...and attendance at only one High School.'",
                after="'...and a single social worker.'",
            )
        ],
    )
    assert approved.status == MinutesStatus.APPROVED
    assert approved.approved_at_item == at_item
    assert f"subject to the amendment of Minute {minute.number} from" in approved.approval_text
    minute.refresh_from_db()
    assert "and a single social worker." in minute.text
    assert "High School" not in minute.text
    amendment = MinutesAmendment.objects.get(minute=minute)
    assert amendment.kind == MinutesAmendment.Kind.ON_APPROVAL
    assert amendment.made_at_item == at_item
    # The change is in the minute's history as well.
    texts = [h.text for h in minute.history.order_by("history_date")]
    assert any("High School" in t for t in texts) and "single social worker" in texts[-1]


def test_approval_must_be_at_a_later_meeting_of_the_same_committee_through_a_minutes_item():
    minutes, minute, at_item = _approve_setup()
    wrong_kind = AgendaItem.all_objects.filter(meeting=at_item.meeting, kind="business").first()
    with pytest.raises(ValidationError):
        services.approve_minutes(minutes=minutes, at_item=wrong_kind)
    other = make_meeting_with_items(
        start=dt.datetime(2017, 11, 9, 10, tzinfo=LONDON), previous=minutes.meeting
    )
    other_item = AgendaItem.all_objects.get(meeting=other, kind=ItemKind.MINUTES)
    with pytest.raises(ValidationError, match="same committee"):
        services.approve_minutes(minutes=minutes, at_item=other_item)
    with pytest.raises(ValidationError, match="does not contain"):
        services.approve_minutes(
            minutes=minutes,
            at_item=at_item,
            amendments=[services.AmendmentInput(minute.number, "words never said", "x")],
        )
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED  # nothing half-done


def test_approved_minutes_are_locked_and_change_only_by_recorded_correction(django_user_model):
    minutes, minute, at_item = _approve_setup()
    services.approve_minutes(minutes=minutes, at_item=at_item)
    minute.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.save_minute(minute=minute, text="Silent rewrite", version=minute.version)
    with pytest.raises(ValidationError, match="locked"):
        services.save_attendance(
            minutes=minutes,
            statuses={a.pk: "absent" for a in minutes.attendance.all()},
            version=minutes.version,
        )
    with pytest.raises(ValidationError, match="locked"):
        services.add_declaration(
            minute=minute,
            person=PersonFactory(),
            interest_type="other",
            withdrew=False,
            description="x",
        )
    officer = django_user_model.objects.create_user("clerk")
    with pytest.raises(ValidationError):
        services.correct_minutes(minute=minute, before="primary education", after="x", reason="")
    amendment = services.correct_minutes(
        minute=minute,
        before="primary education",
        after="consistent primary school education",
        reason="Typing error noticed by the Chair.",
        by=officer,
    )
    minute.refresh_from_db()
    assert "consistent primary school education" in minute.text
    assert (amendment.made_by, amendment.before, amendment.kind) == (
        officer,
        "primary education",
        MinutesAmendment.Kind.CORRECTION,
    )
    assert minute.history.count() >= 3


def test_declarations_and_no_interests_record_exclude_each_other():
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    minute = _business(minutes)[0]
    member = minutes.attendance.first().person
    services.set_no_interests(minutes=minutes, value=True)
    with pytest.raises(ValidationError):
        services.add_declaration(
            minute=minute, person=member, interest_type="dpi", withdrew=True, description="x"
        )
    services.set_no_interests(minutes=minutes, value=False)
    services.add_declaration(
        minute=minute,
        person=member,
        interest_type="dpi",
        withdrew=True,
        description="Employed by the school concerned",
    )
    with pytest.raises(ValidationError):
        services.set_no_interests(minutes=minutes, value=True)
    assert not list(selectors.declarations_for_person(member))  # minutes not public yet
    services.publish_minutes(minutes=minutes)
    [declaration] = selectors.declarations_for_person(member)
    assert declaration.withdrew and declaration.interest_type == "dpi"


def test_substitutes_and_others_in_attendance():
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    absent_member = minutes.attendance.filter(kind=AttendanceKind.MEMBER).last()
    sub = PersonFactory()
    with pytest.raises(ValidationError):
        services.add_attendee(minutes=minutes, kind=AttendanceKind.SUBSTITUTE, person=sub)
    row = services.add_attendee(
        minutes=minutes,
        kind=AttendanceKind.SUBSTITUTE,
        person=sub,
        substitute_for=absent_member.person,
    )
    assert f"substitute for {absent_member.person.display_name}" in row.printed
    cabinet = PersonFactory(job_title="Cabinet Member - Children")
    row = services.add_attendee(minutes=minutes, kind=AttendanceKind.OBSERVER, person=cabinet)
    assert row.printed.endswith(", Cabinet Member - Children")
    partner = services.add_attendee(
        minutes=minutes,
        kind=AttendanceKind.IN_ATTENDANCE,
        name="Eleanor Brazil",
        role_text="Independent Improvement Partner",
    )
    assert partner.printed == "Eleanor Brazil, Independent Improvement Partner"
    with pytest.raises(ValidationError):
        services.add_attendee(minutes=minutes, kind=AttendanceKind.OBSERVER, person=cabinet)
    with pytest.raises(ValidationError):
        services.remove_attendee(attendance=absent_member)


def test_attendance_statistics_exclude_cancelled_meetings_and_unpublished_minutes():
    committee = CommitteeFactory()
    person = PersonFactory()
    MembershipFactory(committee=committee, person=person, start_date=dt.date(2017, 5, 17))
    results = ["present", "apologies", "present", "absent"]
    meetings = []
    for n, result in enumerate(results):
        meeting = make_meeting_with_items(
            committee=committee, start=dt.datetime(2017, 6 + n, 5, 10, tzinfo=LONDON)
        )
        minutes = services.start_minutes(meeting=meeting)
        row = minutes.attendance.get(person=person)
        services.save_attendance(
            minutes=minutes, statuses={row.pk: result}, version=minutes.version
        )
        meetings.append((meeting, minutes))
    for _meeting, minutes in meetings[:3]:
        services.publish_minutes(minutes=minutes)
    [stats] = selectors.attendance_stats(person)
    assert (stats.expected, stats.attended, stats.apologies, stats.absent) == (3, 2, 1, 0)
    assert stats.percent == 67
    services.publish_minutes(minutes=meetings[3][1])
    cancelled = meetings[1][0]
    cancelled.status = MeetingStatus.CANCELLED
    cancelled.save()
    [stats] = selectors.attendance_stats(person)
    assert (stats.expected, stats.attended, stats.apologies, stats.absent) == (3, 2, 0, 1)


def test_attendance_conflict_raises():
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    row = minutes.attendance.first()
    version = minutes.version
    services.save_attendance(minutes=minutes, statuses={row.pk: "apologies"}, version=version)
    with pytest.raises(EditConflict):
        services.save_attendance(minutes=minutes, statuses={row.pk: "absent"}, version=version)
    assert Attendance.objects.get(pk=row.pk).status == AttendanceStatus.APOLOGIES


def test_resolutions_for_items_and_public_querysets_hide_drafts_and_exempt_items():
    minutes = services.start_minutes(meeting=make_meeting_with_items(exempt=True))
    public_minute, exempt_minute = _business(minutes)
    for m in (public_minute, exempt_minute):
        services.save_minute(
            minute=m, text="Narrative", resolutions=["That it be noted."], version=m.version
        )
    items = [public_minute.agenda_item, exempt_minute.agenda_item]
    assert selectors.resolutions_for_items(items) == {}
    services.publish_minutes(minutes=minutes)
    found = selectors.resolutions_for_items(items)
    assert list(found) == [public_minute.agenda_item_id]
    assert len(selectors.resolutions_for_items(items, include_exempt=True)) == 2
    assert exempt_minute.pk not in set(selectors.public_minutes().values_list("pk", flat=True))
    assert not selectors.public_resolutions().filter(minute=exempt_minute).exists()
    assert Minute.objects.filter(pk=exempt_minute.pk).exists()


def test_stored_minutes_edit_as_the_plain_text_officers_type():
    typed = "First & second paragraph.\nSame paragraph, new line.\n\n- one\n- two > three"
    stored = sanitise(typed)
    assert stored == (
        "<p>First &amp; second paragraph.<br>Same paragraph, new line.</p>"
        "<ul><li>one</li><li>two &gt; three</li></ul>"
    )
    assert editable_text(stored) == typed
    rich = '<p>See <a href="https://example.org" rel="noopener noreferrer">this</a>.</p>'
    # Links and bold need no paragraph tags when typed: edited as typed, stored the same.
    assert (
        editable_text(rich)
        == 'See <a href="https://example.org" rel="noopener noreferrer">this</a>.'
    )
    assert sanitise(editable_text(rich)) == rich


def test_attendance_and_declaration_services_record_by_as_the_history_user():
    """Issue 22: the six services that took no ``by`` record it like the others."""
    from tests.factories import make_user

    officer = make_user("officer")
    minutes = services.start_minutes(meeting=make_meeting_with_items(), by=officer)
    member_row = minutes.attendance.filter(kind=AttendanceKind.MEMBER).first()
    assert member_row.history.earliest().history_user == officer
    assert minutes.history.latest().history_user == officer

    guest = services.add_attendee(
        minutes=minutes, kind=AttendanceKind.IN_ATTENDANCE, name="A Witness", by=officer
    )
    assert guest.history.latest().history_user == officer
    guest_pk = guest.pk
    services.remove_attendee(attendance=guest, by=officer)
    removed = Attendance.history.filter(id=guest_pk).latest()
    assert removed.history_type == "-" and removed.history_user == officer

    services.set_no_interests(minutes=minutes, value=True, by=officer)
    services.set_no_interests(minutes=minutes, value=False, by=None)
    minutes.refresh_from_db()
    assert minutes.history.latest().history_user is None
    declaration = services.add_declaration(
        minute=_business(minutes)[0],
        person=member_row.person,
        interest_type="dpi",
        withdrew=False,
        description="Governor of the school",
        by=officer,
    )
    assert declaration.history.latest().history_user == officer
    declaration_pk = declaration.pk
    services.remove_declaration(declaration=declaration, by=officer)
    removed = type(declaration).history.filter(id=declaration_pk).latest()
    assert removed.history_type == "-" and removed.history_user == officer
