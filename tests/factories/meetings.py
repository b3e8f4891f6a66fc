"""Factories for meetings, agenda items, reports and documents (with real PDF files)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from zoneinfo import ZoneInfo

import factory
import pikepdf
from django.core.files.base import ContentFile

from meetings.models import (
    AgendaItem,
    Document,
    ItemKind,
    Meeting,
    MeetingStatus,
    Report,
    ReportSection,
)
from tests.factories import CommitteeFactory

LONDON = ZoneInfo("Europe/London")


def make_pdf_bytes(pages: int = 2, text: str = "Demo document", landscape: bool = False) -> bytes:
    """A real PDF with a text layer on every page (Helvetica, so text extraction works)."""
    pdf = pikepdf.new()
    width, height = (842, 595) if landscape else (595, 842)
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for n in range(1, pages + 1):
        line = f"{text} - page {n} of {pages}".replace("(", "[").replace(")", "]")
        stream = f"BT /F1 14 Tf 72 {height - 100} Td ({line}) Tj ET".encode("latin-1", "replace")
        page = pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, width, height],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=pdf.make_stream(stream),
            )
        )
        pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    start = factory.Sequence(
        lambda n: dt.datetime(2017, 10, 9, 10, 0, tzinfo=LONDON) + dt.timedelta(days=n)
    )
    venue = "Meeting Room 4 - Town Hall, Huddersfield"
    status = MeetingStatus.SCHEDULED


class PublishedMeetingFactory(MeetingFactory):
    status = MeetingStatus.AGENDA_PUBLISHED
    published_at = factory.LazyAttribute(lambda o: o.start - dt.timedelta(days=10))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(PublishedMeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: str(o.order))
    kind = ItemKind.BUSINESS
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    description = "To receive a report."


class ExemptAgendaItemFactory(AgendaItemFactory):
    is_exempt = True
    exempt_paragraph = 6
    exempt_reasons = "The report contains information about a proposed notice under an enactment."


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True  # sections are rows of their own

    agenda_item = factory.SubFactory(AgendaItemFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    purpose = "To inform the panel."
    signed_off_by = "Steve Walker, Strategic Director"
    signed_off_on = dt.date(2017, 9, 25)

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if not create:
            return
        for n, (heading, body) in enumerate(
            extracted or [("Summary", "<p>The summary of the report.</p>")], start=1
        ):
            ReportSection.objects.create(report=self, order=n, heading=heading, body=body)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    class Params:
        pages = 2
        text = "Demo document"

    agenda_item = factory.SubFactory(AgendaItemFactory)
    title = factory.Sequence(lambda n: f"Appendix {n}")
    original_filename = factory.Sequence(lambda n: f"appendix-{n}.pdf")

    @factory.lazy_attribute
    def file(self):
        return ContentFile(make_pdf_bytes(self.pages, self.text), name="upload.pdf")

    @factory.lazy_attribute
    def page_count(self):
        return self.pages

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        content = kwargs["file"]
        data = content.read()
        content.seek(0)
        kwargs.setdefault("size", len(data))
        kwargs.setdefault("sha256", hashlib.sha256(data).hexdigest())
        kwargs.setdefault("sha512", hashlib.sha512(data).hexdigest())
        return super()._create(model_class, *args, **kwargs)
