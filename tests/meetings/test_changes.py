"""The change log (issue 23 finding 1): every service that changes a published meeting records
the change with before and after, in its own transaction (docs/meetings.md, "The change log")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import changes, services
from meetings.models import ChangeKind, Meeting, MeetingChange
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    ReportFactory,
    make_pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("officer", username="clerk")


@pytest.fixture
def meeting(officer):
    meeting = MeetingFactory(
        committee=CommitteeFactory(name="Children's Scrutiny Panel"),
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=20),
        venue="Council Chamber",
    )
    item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Apologies")
    AgendaItemFactory(meeting=meeting, order=2, number="2", title="Social care update")
    ReportFactory(agenda_item=item, title="Attendance note")
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    return Meeting.all_objects.get(pk=meeting.pk)


def _only(meeting, kind) -> MeetingChange:
    found = list(MeetingChange.all_objects.filter(meeting=meeting, kind=kind))
    assert len(found) == 1, [c.kind for c in MeetingChange.all_objects.filter(meeting=meeting)]
    return found[0]


def _upload(text="New version"):
    return SimpleUploadedFile("paper.pdf", make_pdf_bytes(text=text), "application/pdf")


def test_nothing_is_recorded_before_the_agenda_is_published(officer):
    meeting = MeetingFactory(start=timezone.now() + dt.timedelta(days=9))
    item = services.add_agenda_item(meeting=meeting, title="Draft item", by=officer)
    services.update_agenda_item(item=item, title="Draft item renamed", by=officer)
    assert not MeetingChange.all_objects.exists()


def test_publishing_records_the_agenda(meeting):
    change = _only(meeting, ChangeKind.AGENDA_PUBLISHED)
    assert changes.sentence(change) == "Agenda published" and change.is_public


def test_items_added_retitled_and_moved(meeting, officer):
    item = services.add_agenda_item(
        meeting=meeting, title="Urgent: school places", urgency_reasons="Deadline", by=officer
    )
    added = _only(meeting, ChangeKind.ITEM_ADDED)
    assert (added.item, added.item_number, added.after) == (item, "3", "Urgent: school places")
    assert changes.sentence(added) == "Item 3 added: “Urgent: school places” (late item)"

    services.update_agenda_item(item=item, title="Urgent: school places 2018", by=officer)
    retitled = _only(meeting, ChangeKind.ITEM_RETITLED)
    assert (retitled.before, retitled.after) == (
        "Urgent: school places",
        "Urgent: school places 2018",
    )
    assert changes.sentence(retitled) == (
        "Item 3 retitled: “Urgent: school places” → “Urgent: school places 2018”"
    )
    # Saving without a new title records no retitle.
    services.update_agenda_item(item=item, description="To consider the figures.", by=officer)
    assert MeetingChange.all_objects.filter(kind=ChangeKind.ITEM_RETITLED).count() == 1

    services.move_agenda_item(item=item, position=1, by=officer)
    moved = _only(meeting, ChangeKind.ITEM_MOVED)
    assert (moved.before, moved.after, moved.subject) == ("3", "1", "Urgent: school places 2018")
    assert changes.sentence(moved) == "Item moved: “Urgent: school places 2018”, item 3 → item 1"

    services.add_agenda_items(
        meeting=meeting, items=[{"title": "Petition"}], urgency_reasons="Received", by=officer
    )
    assert MeetingChange.all_objects.filter(kind=ChangeKind.ITEM_ADDED).count() == 2


def test_late_paper_replaced_retitled_withdrawn_and_moved(meeting, officer):
    item = meeting.items.get(number="2")
    draft = services.add_document(
        agenda_item=item, uploaded_file=_upload("Late"), title="Late figures", by=officer
    )
    assert not MeetingChange.all_objects.filter(kind=ChangeKind.LATE_PAPER).exists()  # a draft
    services.publish_late_paper(paper=draft, urgency_reasons="Figures came late.", by=officer)
    late = _only(meeting, ChangeKind.LATE_PAPER)
    assert (late.document, late.after, late.item_number) == (draft, "Late figures", "2")
    assert changes.sentence(late) == "Late paper added to item 2: “Late figures”"

    new = services.replace_document(
        document=draft, uploaded_file=_upload("v2"), title="Late figures (corrected)", by=officer
    )
    replaced = _only(meeting, ChangeKind.PAPER_REPLACED)
    assert (replaced.document, replaced.before, replaced.after) == (
        new,
        "Late figures",
        "Late figures (corrected)",
    )
    assert changes.sentence(replaced) == (
        "Paper replaced on item 2: “Late figures” → new version “Late figures (corrected)”"
    )

    services.update_document(document=new, title="Late figures, Q2", by=officer)
    retitled = _only(meeting, ChangeKind.PAPER_RETITLED)
    assert (retitled.before, retitled.after) == ("Late figures (corrected)", "Late figures, Q2")

    services.move_paper(paper=new, to_item=meeting.items.get(number="1"), by=officer)
    moved = _only(meeting, ChangeKind.PAPER_MOVED)
    assert (moved.subject, moved.before, moved.after) == ("Late figures, Q2", "item 2", "item 1")

    report = meeting.items.get(number="1").reports.get()
    services.withdraw_paper(paper=report, reason="Superseded by the update", by=officer)
    withdrawn = _only(meeting, ChangeKind.PAPER_WITHDRAWN)
    assert (withdrawn.report, withdrawn.before, withdrawn.after) == (
        report,
        "Attendance note",
        "Superseded by the update",
    )
    assert changes.sentence(withdrawn) == (
        "Paper withdrawn from item 1: “Attendance note” (Superseded by the update)"
    )


def test_a_report_replaced_and_retitled(meeting, officer):
    report = meeting.items.get(number="1").reports.get()
    services.update_report(report=report, title="Attendance note, revised", by=officer)
    assert _only(meeting, ChangeKind.PAPER_RETITLED).after == "Attendance note, revised"
    report.refresh_from_db()
    new = services.replace_report(report=report, title="Attendance note v2", by=officer)
    replaced = _only(meeting, ChangeKind.PAPER_REPLACED)
    assert (replaced.report, replaced.before, replaced.after) == (
        new,
        "Attendance note, revised",
        "Attendance note v2",
    )


def test_date_venue_postponement_and_cancellation(meeting, officer):
    was = meeting.start
    services.update_meeting(
        meeting=meeting, start=was + dt.timedelta(days=7), venue="Room 3", by=officer
    )
    date = _only(meeting, ChangeKind.DATE_CHANGED)
    assert (date.before, date.after) == (
        changes.when(was),
        changes.when(was + dt.timedelta(days=7)),
    )
    assert changes.sentence(date).startswith(f"Date changed: {changes.when(was)} → ")
    venue = _only(meeting, ChangeKind.VENUE_CHANGED)
    assert changes.sentence(venue) == "Venue changed: Council Chamber → Room 3"
    # Saving the same details again records nothing.
    services.update_meeting(
        meeting=Meeting.all_objects.get(pk=meeting.pk), venue="Room 3", by=officer
    )
    assert MeetingChange.all_objects.filter(meeting=meeting).count() == 3

    meeting = Meeting.all_objects.get(pk=meeting.pk)
    services.postpone_meeting(meeting=meeting, notice="Moved to March.", by=officer)
    postponed = _only(meeting, ChangeKind.POSTPONED)
    assert (postponed.before, postponed.after) == ("Agenda published", "Moved to March.")
    assert changes.sentence(postponed) == "Meeting postponed: Moved to March."


def test_cancellation(meeting, officer):
    services.cancel_meeting(meeting=meeting, notice="No business.", by=officer)
    assert changes.sentence(_only(meeting, ChangeKind.CANCELLED)) == (
        "Meeting cancelled: No business."
    )


def test_a_refused_change_leaves_no_event(meeting, officer):
    item = meeting.items.get(number="2")
    with pytest.raises(ValidationError):
        services.update_agenda_item(item=item, title="", by=officer)
    with pytest.raises(ValidationError):
        services.withdraw_paper(
            paper=meeting.items.get(number="1").reports.get(), reason="", by=officer
        )
    assert list(MeetingChange.all_objects.values_list("kind", flat=True)) == [
        ChangeKind.AGENDA_PUBLISHED
    ]


def test_changes_about_an_exempt_item_or_its_papers_are_not_public(meeting, officer):
    exempt = ExemptAgendaItemFactory(meeting=meeting, number="3", title="Depot disposal")
    doc = DocumentFactory(agenda_item=exempt, title="Valuation", is_draft=False)
    services.update_agenda_item(item=exempt, title="Depot disposal (revised)", by=officer)
    services.withdraw_paper(paper=doc, reason="Wrong file", by=officer)
    open_item = meeting.items.get(number="2")
    services.update_agenda_item(item=open_item, title="Social care", by=officer)
    private = MeetingChange.all_objects.filter(
        kind__in=[ChangeKind.ITEM_RETITLED, ChangeKind.PAPER_WITHDRAWN], item=exempt
    )
    assert private.count() == 2 and not any(c.is_public for c in private)
    public = set(MeetingChange.all_objects.public().values_list("kind", "item_id"))
    assert (ChangeKind.ITEM_RETITLED, open_item.pk) in public
    assert all(item_id != exempt.pk for _, item_id in public)


def test_an_item_made_exempt_later_takes_its_earlier_changes_from_the_public(meeting, officer):
    item = meeting.items.get(number="2")
    services.update_agenda_item(item=item, title="Named child case", by=officer)
    assert MeetingChange.all_objects.public().filter(item=item).exists()
    services.update_agenda_item(
        item=item, is_exempt=True, exempt_paragraph=1, exempt_reasons="About a child", by=officer
    )
    assert not MeetingChange.all_objects.public().filter(item=item).exists()


def test_the_supplementary_pack_is_recorded_with_its_pages(
    meeting, officer, django_capture_on_commit_callbacks
):
    from meetings.packs.models import Pack, PackKind

    item = meeting.items.get(number="2")
    late = ReportFactory(agenda_item=item, title="Late briefing", is_late=True, is_draft=True)
    with django_capture_on_commit_callbacks(execute=True):  # the pack build follows the commit
        services.publish_late_paper(paper=late, urgency_reasons="Came late.", by=officer)
    pack = Pack.objects.get(meeting=meeting, kind=PackKind.SUPPLEMENTARY)
    change = _only(meeting, ChangeKind.SUPPLEMENTARY_PACK)
    last = pack.first_page + pack.page_count - 1
    assert change.before == "" and change.after == f"pages {pack.first_page}–{last}"
    assert changes.sentence(change) == f"Supplementary pack published: {change.after}"
    # On a member's list the late paper links to the pack rather than a line of its own.
    events = list(MeetingChange.all_objects.filter(meeting=meeting).order_by("pk"))
    lines = changes.lines(events)
    assert [line.change.kind for line in lines] == [
        ChangeKind.AGENDA_PUBLISHED,
        ChangeKind.LATE_PAPER,
    ]
    # ...at the late paper's own pages (``Pack.pages_of``), not the whole pack's.
    pages = pack.pages_of(paper=late)
    assert lines[1].pack == pages.text and pages.first > pack.first_page
    assert lines[1].pack_url.endswith(f"supplementary-pack.pdf#page={pages.file_page}")
