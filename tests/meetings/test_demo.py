"""The demo meetings: built from seed 000 through the services, idempotent, with real PDFs."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from meetings import demo
from meetings.models import AgendaItem, Document, Meeting, MeetingStatus, Report
from scrutiny import demo as core_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    core_demo.load()
    demo.load()


def test_demo_meetings_match_the_seed(loaded):
    october = Meeting.objects.get(committee__slug=demo.CSP, start__date="2017-10-09")
    titles = list(AgendaItem.objects.filter(meeting=october).values_list("number", "title"))
    assert titles[:5] == [
        ("1", "Minutes of the Previous Meeting"),
        ("2", "Membership of the Committee"),
        ("3", "Interests"),
        ("4", "Admission of the Public"),
        ("5", "PSHE / Prevent in Schools and Further Educational Settings"),
    ]
    assert titles[-1] == ("10", "Future Meeting")
    minutes = AgendaItem.objects.get(meeting=october, number="1")
    assert minutes.previous_meeting.start.date().isoformat() == "2017-08-09"
    assert october.status == MeetingStatus.HELD
    assert october.published_at.date().isoformat() == "2017-09-29"
    assert not october.published_late

    february = Meeting.objects.get(committee__slug=demo.CPB, start__date="2017-02-20")
    exempt = AgendaItem.objects.get(meeting=february, number="13")
    assert (exempt.title, exempt.is_exempt, exempt.exempt_paragraph) == (
        "Missing Children Report",
        True,
        6,
    )
    assert Report.all_objects.filter(agenda_item=exempt).exists()
    assert not Report.objects.filter(agenda_item=exempt).exists()
    april = Meeting.objects.get(committee__slug=demo.CPB, start__date="2017-04-24")
    assert AgendaItem.objects.get(meeting=april, number="2").previous_meeting == february
    assert Report.all_objects.filter(agenda_item__meeting=april, is_late=True).count() == 1


def test_demo_pdfs_have_real_text_and_pages(loaded):
    docs = list(Document.all_objects.all())
    assert len(docs) >= 8
    for doc in docs:
        with doc.file.open("rb") as fh:
            reader = pypdf.PdfReader(io.BytesIO(fh.read()))
        assert len(reader.pages) == doc.page_count >= 1
        assert doc.title.split(":")[0][:20] in reader.pages[0].extract_text()


def test_demo_is_idempotent(loaded):
    counts = (
        Meeting.all_objects.count(),
        AgendaItem.all_objects.count(),
        Report.all_objects.count(),
        Document.all_objects.count(),
    )
    demo.load()
    assert counts == (
        Meeting.all_objects.count(),
        AgendaItem.all_objects.count(),
        Report.all_objects.count(),
        Document.all_objects.count(),
    )


def test_demo_october_meeting_page(client, loaded):
    october = Meeting.objects.get(committee__slug=demo.CSP, start__date="2017-10-09")
    html = client.get(october.get_absolute_url()).content.decode()
    assert "PSHE / Prevent in Schools" in html and "Ten Point Plan" in html
    report = Report.objects.get(title__startswith="The inclusion of Prevent")
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "1. Summary" in page and "Steve Walker, Director of Children&#x27;s Services" in page
