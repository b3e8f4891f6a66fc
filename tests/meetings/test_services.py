"""Services: create, items, reorder, reports, publish (five days, sign-off), late items,
cancel, postpone, held — through the real database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus, Report
from meetings.signals import meeting_changed, meeting_published
from tests.factories import CommitteeFactory, OfficerFactory, make_user

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


@pytest.fixture
def officer():
    return make_user("officer")


@pytest.fixture
def committee():
    return CommitteeFactory(name="Children's Scrutiny Panel", slug="csp")


@pytest.fixture
def signals_seen():
    seen = []

    def published(sender, meeting, **kw):
        seen.append(("published", meeting.pk))

    def changed(sender, meeting, **kw):
        seen.append(("changed", meeting.pk))

    meeting_published.connect(published)
    meeting_changed.connect(changed)
    yield seen
    meeting_published.disconnect(published)
    meeting_changed.disconnect(changed)


def test_create_meeting_adds_standard_items_and_links_previous_minutes(committee, officer):
    august = services.create_meeting(committee=committee, start=at(2017, 8, 9), by=officer)
    october = services.create_meeting(
        committee=committee,
        start=at(2017, 10, 9),
        venue="Meeting Room 4 - Town Hall, Huddersfield",
        by=officer,
    )
    items = list(AgendaItem.all_objects.filter(meeting=october))
    assert [i.kind for i in items] == [
        ItemKind.MEMBERSHIP,
        ItemKind.MINUTES,
        ItemKind.INTERESTS,
        ItemKind.ADMISSION,
        ItemKind.DEPUTATIONS,
        ItemKind.QUESTIONS,
    ]
    assert [i.number for i in items] == ["1", "2", "3", "4", "5", "6"]
    minutes = items[1]
    assert minutes.previous_meeting == august
    assert "9 August 2017" in minutes.description
    assert october.status == MeetingStatus.SCHEDULED and not october.is_published
    assert not Meeting.objects.filter(pk=october.pk).exists()  # unpublished: not public


def test_standard_items_are_editable_per_committee(committee, officer):
    services.set_standard_items(
        committee=committee,
        items=[
            {"kind": ItemKind.MEMBERSHIP, "title": "Membership of the Board/Apologies"},
            {"kind": ItemKind.MINUTES, "title": "Minutes of previous meeting"},
        ],
        by=officer,
    )
    meeting = services.create_meeting(committee=committee, start=at(2017, 2, 20), by=officer)
    assert [i.title for i in meeting.items.all()] == [
        "Membership of the Board/Apologies",
        "Minutes of previous meeting",
    ]
    other = services.create_meeting(committee=CommitteeFactory(), start=at(2017, 2, 20), by=officer)
    assert other.items.count() == 6


def test_create_meeting_validates(committee, officer):
    with pytest.raises(ValidationError) as exc:
        services.create_meeting(
            committee=committee, start=at(2017, 10, 9), end=at(2017, 10, 8), by=officer
        )
    assert "end" in exc.value.message_dict
    assert not Meeting.all_objects.exists()


def test_add_and_reorder_items(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    pshe = services.add_agenda_item(
        meeting=meeting,
        title="PSHE / Prevent in Schools and Further Educational Settings",
        description="To receive a report relating to the teaching of PSHE and Prevent in Schools.",
        contact_officers=[OfficerFactory(name="Val Flintoff")],
        by=officer,
    )
    work = services.add_agenda_item(meeting=meeting, title="Work Programme", by=officer)
    assert (pshe.number, work.number) == ("7", "8")
    assert [p.name for p in pshe.contact_officers.all()] == ["Val Flintoff"]

    services.move_agenda_item(item=work, direction="up", by=officer)
    titles = list(AgendaItem.all_objects.filter(meeting=meeting).values_list("number", "title"))
    assert titles[6:] == [("7", "Work Programme"), ("8", pshe.title)]

    services.move_agenda_item(item=work, position=1, by=officer)
    first = AgendaItem.all_objects.filter(meeting=meeting).first()
    assert (first.number, first.title) == ("1", "Work Programme")
    numbers = list(AgendaItem.all_objects.filter(meeting=meeting).values_list("number", flat=True))
    assert numbers == [str(n) for n in range(1, 9)]

    # Moving the first item up stays put.
    services.move_agenda_item(item=first, direction="up", by=officer)
    assert AgendaItem.all_objects.get(pk=first.pk).number == "1"

    services.remove_agenda_item(item=AgendaItem.all_objects.get(pk=pshe.pk), by=officer)
    numbers = list(AgendaItem.all_objects.filter(meeting=meeting).values_list("number", flat=True))
    assert numbers == [str(n) for n in range(1, 8)]


def test_exempt_item_needs_paragraph_and_reasons(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 2, 20), by=officer)
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(
            meeting=meeting, title="Missing Children Report", is_exempt=True, by=officer
        )
    assert set(exc.value.message_dict) == {"exempt_paragraph", "exempt_reasons"}
    item = services.add_agenda_item(
        meeting=meeting,
        title="Missing Children Report",
        is_exempt=True,
        exempt_paragraph=6,
        exempt_reasons="Reveals a proposed notice under an enactment.",
        by=officer,
    )
    assert item.is_private
    updated = services.update_agenda_item(
        item=item, version=item.version, is_exempt=False, by=officer
    )
    assert updated.exempt_paragraph is None and updated.exempt_reasons == ""


def test_stale_item_edit_is_refused(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    item = meeting.items.first()
    services.update_agenda_item(item=item, version=item.version, title="First", by=officer)
    with pytest.raises(ValidationError) as exc:
        services.update_agenda_item(item=item, version=item.version, title="Second", by=officer)
    assert "Someone else saved" in exc.value.messages[0]
    assert AgendaItem.all_objects.get(pk=item.pk).title == "First"


def test_report_sections_are_numbered_and_sanitised(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    item = services.add_agenda_item(meeting=meeting, title="Improvement", by=officer)
    report = services.add_report(
        agenda_item=item,
        title="Ten Point Improvement Plan",
        sections=[
            ("Summary", "<p>Good <script>alert(1)</script><b>progress</b></p>"),
            ("", "dropped: no heading"),
            ("Next steps", "First paragraph.\n\nSecond <paragraph> & more."),
        ],
        by=officer,
    )
    sections = list(report.sections.all())
    assert [(s.order, s.heading) for s in sections] == [(1, "Summary"), (2, "Next steps")]
    assert "<script>" not in sections[0].body and "<b>progress</b>" in sections[0].body
    assert sections[1].body == "<p>First paragraph.</p><p>Second &lt;paragraph&gt; &amp; more.</p>"

    default = services.add_report(agenda_item=item, title="Another", by=officer)
    assert default.sections.count() == 10

    with pytest.raises(ValidationError) as exc:
        services.update_report(
            report=report, version=report.version, signed_off_by="Steve Walker", by=officer
        )
    assert "signed_off_on" in exc.value.message_dict


def test_publish_in_time_records_who_and_when(
    committee, officer, signals_seen, django_capture_on_commit_callbacks
):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    with time_machine.travel(at(2017, 9, 29, 16), tick=False):
        assert services.publication_warnings(meeting) == {}
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_meeting(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED
    assert meeting.published_by == officer
    assert meeting.published_at == at(2017, 9, 29, 16)
    assert not meeting.published_late
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert ("published", meeting.pk) in signals_seen

    with pytest.raises(ValidationError):
        services.publish_meeting(meeting=meeting, by=officer)


def test_late_publication_and_unsigned_reports_must_be_confirmed(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    item = services.add_agenda_item(meeting=meeting, title="Work Programme", by=officer)
    services.add_report(agenda_item=item, title="Work Programme 2017/18", by=officer)
    with time_machine.travel(at(2017, 10, 3, 9), tick=False):
        with pytest.raises(ValidationError) as exc:
            services.publish_meeting(meeting=meeting, by=officer)
        assert set(exc.value.message_dict) == {"confirm_late", "confirm_unsigned"}
        assert "3 clear working days" in exc.value.message_dict["confirm_late"][0]
        assert "Sunday 1 October 2017" in exc.value.message_dict["confirm_late"][0]
        assert "Work Programme 2017/18" in exc.value.message_dict["confirm_unsigned"][0]
        assert not Meeting.all_objects.get(pk=meeting.pk).is_published

        with pytest.raises(ValidationError) as exc:
            services.publish_meeting(meeting=meeting, by=officer, confirm_late=True)
        assert set(exc.value.message_dict) == {"confirm_unsigned"}

        services.publish_meeting(
            meeting=meeting,
            by=officer,
            confirm_late=True,
            confirm_unsigned=True,
            late_reason="Reports were delayed.",
        )
    meeting.refresh_from_db()
    assert meeting.published_late and meeting.late_publication_reason == "Reports were delayed."


def test_items_and_papers_after_publication_are_late_and_need_reasons(
    committee, officer, signals_seen, django_capture_on_commit_callbacks
):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    with time_machine.travel(at(2017, 9, 29, 16), tick=False):
        services.publish_meeting(meeting=meeting, by=officer)
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(meeting=meeting, title="Urgent business", by=officer)
    assert "urgency_reasons" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        item = services.add_agenda_item(
            meeting=meeting,
            title="Urgent business",
            urgency_reasons="The Ofsted letter arrived after the agenda was published.",
            by=officer,
        )
    assert item.is_late and item.number == "7"
    assert ("changed", meeting.pk) in signals_seen
    # A report added to the published agenda is a draft (officers only) until the officer
    # publishes it as a late paper with the chair's reasons (issue 13, finding 12).
    report = services.add_report(agenda_item=item, title="Late report", by=officer)
    assert report.is_late and report.is_draft
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Report.all_objects.issued().filter(pk=report.pk).exists()
    with pytest.raises(ValidationError) as exc:
        services.publish_late_paper(paper=report, by=officer)
    assert "urgency_reasons" in exc.value.message_dict
    signals_seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_late_paper(paper=report, urgency_reasons="As above.", by=officer)
    report.refresh_from_db()
    assert not report.is_draft and report.urgency_reasons == "As above."
    assert Report.objects.filter(pk=report.pk).exists()
    assert ("changed", meeting.pk) in signals_seen
    with pytest.raises(ValidationError):
        services.publish_late_paper(paper=report, urgency_reasons="Again.", by=officer)
    meeting.refresh_from_db()
    assert meeting.papers_changed_at is not None


def test_cancel_postpone_and_held(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    with pytest.raises(ValidationError) as exc:
        services.cancel_meeting(meeting=meeting, notice="", by=officer)
    assert "notice" in exc.value.message_dict
    services.postpone_meeting(meeting=meeting, notice="Moved to 16 October 2017.", by=officer)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.POSTPONED
    with pytest.raises(ValidationError):
        services.publish_meeting(meeting=meeting, by=officer, confirm_late=True)
    services.cancel_meeting(meeting=meeting, notice="Cancelled: no business.", by=officer)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_notice) == (
        MeetingStatus.CANCELLED,
        "Cancelled: no business.",
    )
    with pytest.raises(ValidationError):
        services.add_agenda_item(meeting=meeting, title="Too late", by=officer)

    other = services.create_meeting(committee=committee, start=at(2017, 11, 6), by=officer)
    with pytest.raises(ValidationError):
        services.mark_held(meeting=other, by=officer)  # not published
    services.publish_meeting(meeting=other, by=officer, confirm_late=True)
    services.mark_held(meeting=other, by=officer)
    other.refresh_from_db()
    assert other.status == MeetingStatus.HELD
    assert Report.all_objects.count() == 0


def test_held_meeting_agenda_order_is_fixed(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=officer)
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True)
    services.mark_held(meeting=meeting, by=officer)
    with pytest.raises(ValidationError):
        services.move_agenda_item(item=meeting.items.last(), direction="up", by=officer)
