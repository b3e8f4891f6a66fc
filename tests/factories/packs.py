"""A published meeting with a realistic mix of papers, for agenda pack tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile

from meetings.models import ItemKind, Meeting, Report
from scrutiny.models import Membership
from tests.factories import MembershipFactory, PersonFactory
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

CANARY = "CANARY-EXEMPT-7f3a"


@dataclass
class PackMeeting:
    meeting: Meeting
    items: dict
    chair: object
    member: object


def make_pack_meeting(*, landscape: bool = True, meeting: Meeting | None = None) -> PackMeeting:
    """A meeting (published unless one is given) with a membership, standard and business
    items, an authored report, appendices (one landscape), an exempt item whose papers carry
    CANARY, and an uploaded report."""
    meeting = meeting or PublishedMeetingFactory()
    committee = meeting.committee
    chair = MembershipFactory(
        committee=committee, role=Membership.Role.CHAIR, person=PersonFactory(name="Alison Chair")
    )
    member = MembershipFactory(committee=committee, person=PersonFactory(name="Bob Member"))
    MembershipFactory(
        committee=committee, role=Membership.Role.COOPTEE, person=PersonFactory(name="Cara Coopt")
    )
    items = {}
    items["membership"] = AgendaItemFactory(
        meeting=meeting,
        order=1,
        number="1",
        kind=ItemKind.MEMBERSHIP,
        title="Membership of the Panel",
        description="To receive apologies.",
    )
    items["report"] = AgendaItemFactory(
        meeting=meeting,
        order=2,
        number="2",
        title="Children's services update",
        description="To receive a report on children's services.",
        contact_text="Jane Officer, Head of Service, 01484 221000",
    )
    ReportFactory(
        agenda_item=items["report"],
        title="Children's services update report",
        sections=[
            ("Summary", "<p>AUTHORED-SUMMARY text of the report.</p>"),
            ("Information required to take a decision", "<p>" + "Long text. " * 400 + "</p>"),
            ("Officer recommendations and reasons", "<p>That the panel notes the report.</p>"),
        ],
    )
    items["appendices"] = AgendaItemFactory(
        meeting=meeting,
        order=3,
        number="3",
        title="Performance appendices",
        description="To consider the appendices.",
    )
    DocumentFactory(
        agenda_item=items["appendices"],
        title="Appendix A",
        pages=3,
        text="APPENDIX-A portrait",
        order=1,
    )
    if landscape:
        DocumentFactory(
            agenda_item=items["appendices"],
            title="Appendix B (landscape)",
            order=2,
            file=ContentFile(_landscape(), name="b.pdf"),
            page_count=2,
        )
    items["exempt"] = ExemptAgendaItemFactory(
        meeting=meeting,
        order=4,
        number="4",
        title="Contract award (exempt)",
    )
    ReportFactory(
        agenda_item=items["exempt"],
        title=f"Exempt report {CANARY}",
        sections=[("Summary", f"<p>Secret {CANARY} figures.</p>")],
    )
    DocumentFactory(
        agenda_item=items["exempt"], title="Exempt appendix", pages=2, text=f"EXEMPT-DOC {CANARY}"
    )
    items["uploaded"] = AgendaItemFactory(
        meeting=meeting,
        order=5,
        number="5",
        title="Uploaded report item",
    )
    doc = DocumentFactory(
        agenda_item=items["uploaded"],
        title="Uploaded report PDF",
        pages=4,
        text="UPLOADED-REPORT body",
    )
    ReportFactory(
        agenda_item=items["uploaded"],
        title="Uploaded report",
        source=Report.Source.UPLOADED,
        document=doc,
    )
    return PackMeeting(meeting=meeting, items=items, chair=chair, member=member)


def _landscape() -> bytes:
    from tests.factories.meetings import make_pdf_bytes

    return make_pdf_bytes(2, "APPENDIX-B landscape", landscape=True)
