"""Test data for search, feeds and the open data API: a published meeting with public papers
and, beside them, exempt, confidential and unpublished papers that carry a canary word which
must never appear on any public surface."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pikepdf
from django.core.files.base import ContentFile

from meetings import services as meeting_services
from meetings.models import AgendaItem, Document, Meeting, Report
from tests.factories import CommitteeFactory, MembershipFactory, MunicipalYearFactory, make_user
from tests.factories.meetings import (
    LONDON,
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    ReportFactory,
)

CANARY = "zebracanary"


def scanned_pdf_bytes(pages: int = 1) -> bytes:
    """A PDF with pages but no text layer (what a scanner produces, minus the image)."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@dataclass
class World:
    committee: object
    meeting: Meeting
    item: AgendaItem
    report: Report
    document: Document
    exempt_item: AgendaItem
    exempt_report: Report
    exempt_document: Document
    confidential_item: AgendaItem
    unpublished: Meeting


def publish(meeting: Meeting, officer) -> Meeting:
    return meeting_services.publish_meeting(
        meeting=meeting,
        by=officer,
        confirm_late=True,
        confirm_unsigned=True,
        late_reason="Test publication.",
    )


def build_world(django_capture_on_commit_callbacks) -> World:
    """Create the meeting through the factories, then publish it through the meetings
    service so the real signal → task path builds the search index and calendar entry."""
    MunicipalYearFactory()
    officer = make_user("officer")
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="childrens-panel")
    MembershipFactory(committee=committee)
    meeting = MeetingFactory(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, 0, tzinfo=LONDON)
    )
    item = AgendaItemFactory(
        meeting=meeting,
        title="Children's social care workforce",
        description="To consider the use of agency staff in children's social care.",
    )
    report = ReportFactory(
        agenda_item=item,
        title="Workforce report",
        purpose="To update the panel on recruitment and retention.",
        sections=[
            (
                "Summary",
                "<p>Reliance on agency staff fell from 30% to 22% over the year.</p>",
            )
        ],
    )
    document = DocumentFactory(
        agenda_item=item,
        title="Appendix A – workforce figures",
        text="Agency social workers by team and quarter",
    )
    exempt_item = ExemptAgendaItemFactory(
        meeting=meeting,
        title=f"Proposed notice {CANARY}",
        description=f"Exempt description {CANARY}",
    )
    exempt_report = ReportFactory(
        agenda_item=exempt_item,
        title=f"Exempt report {CANARY}",
        purpose=f"Exempt purpose {CANARY}",
        sections=[("Summary", f"<p>Agency staff {CANARY} details.</p>")],
    )
    exempt_document = DocumentFactory(
        agenda_item=exempt_item, title=f"Exempt appendix {CANARY}", text=f"Agency staff {CANARY}"
    )
    confidential_item = AgendaItemFactory(
        meeting=meeting,
        title=f"Confidential {CANARY}",
        description=f"Confidential description {CANARY}",
        is_confidential=True,
    )
    ReportFactory(agenda_item=confidential_item, title=f"Confidential report {CANARY}")
    unpublished = MeetingFactory(
        committee=committee,
        start=dt.datetime(2017, 12, 4, 10, 0, tzinfo=LONDON),
        venue=f"Room {CANARY}",
    )
    unpublished_item = AgendaItemFactory(
        meeting=unpublished, title=f"Draft item {CANARY}", description="Agency staff draft."
    )
    ReportFactory(agenda_item=unpublished_item, title=f"Draft report {CANARY}")
    DocumentFactory(agenda_item=unpublished_item, text=f"Agency staff {CANARY} draft")
    with django_capture_on_commit_callbacks(execute=True):
        publish(meeting, officer)
    meeting = Meeting.all_objects.get(pk=meeting.pk)
    return World(
        committee=committee,
        meeting=meeting,
        item=item,
        report=report,
        document=Document.all_objects.get(pk=document.pk),
        exempt_item=exempt_item,
        exempt_report=exempt_report,
        exempt_document=exempt_document,
        confidential_item=confidential_item,
        unpublished=unpublished,
    )


def scanned_document(agenda_item: AgendaItem) -> Document:
    data = scanned_pdf_bytes()
    import hashlib

    return Document.all_objects.create(
        agenda_item=agenda_item,
        title="Scanned letter",
        file=ContentFile(data, name="scan.pdf"),
        original_filename="scan.pdf",
        page_count=1,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sha512=hashlib.sha512(data).hexdigest(),
    )
