"""Uploads: real crafted PDFs are refused with a clear message, or sanitised, and what is
stored is read back with pikepdf."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import Document, Report
from tests.factories import make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory, make_pdf_bytes

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def crafted(mutate) -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(2, "Crafted")))
    mutate(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def with_javascript(pdf):
    js = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    )
    pdf.Root.OpenAction = js
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), js]))
    )


def with_launch(pdf):
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 0, 100, 100],
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def with_embedded_file(pdf):
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ evil payload")


def officer_item(published=False):
    meeting = MeetingFactory()
    if published:
        from django.utils import timezone

        meeting.published_at = timezone.now()
        meeting.save()
    return make_user("officer"), AgendaItemFactory(meeting=meeting)


def stored_pdf(document: Document) -> pikepdf.Pdf:
    with document.file.open("rb") as fh:
        return pikepdf.open(io.BytesIO(fh.read()))


def test_clean_pdf_is_stored_with_hashes_pages_and_a_hidden_name():
    officer, item = officer_item()
    data = make_pdf_bytes(3, "Ten Point Plan")
    doc = services.add_document(
        agenda_item=item, uploaded_file=upload(data, "Ten point plan.pdf"), title="Plan", by=officer
    )
    assert (doc.page_count, doc.size, doc.sanitised) == (3, len(data), "")
    assert doc.original_filename == "Ten point plan.pdf"
    assert "Ten" not in doc.file.name and doc.file.name.startswith("documents/")
    import hashlib

    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert len(stored_pdf(doc).pages) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 this is a word document", "not a PDF"),
        (b"", "empty"),
        (b"%PDF-1.7\n1 0 obj garbage garbage", "could not be read"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data, message):
    officer, item = officer_item()
    with pytest.raises(ValidationError) as exc:
        services.add_document(agenda_item=item, uploaded_file=upload(data), title="X", by=officer)
    assert message in exc.value.message_dict["uploaded_file"][0]
    assert not Document.all_objects.exists()


def test_password_protected_pdf_is_refused():
    officer, item = officer_item()
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(ValidationError) as exc:
        services.add_document(
            agenda_item=item, uploaded_file=upload(out.getvalue()), title="X", by=officer
        )
    assert "password" in exc.value.message_dict["uploaded_file"][0]


def test_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    officer, item = officer_item()
    with pytest.raises(ValidationError) as exc:
        services.add_document(
            agenda_item=item, uploaded_file=upload(make_pdf_bytes(5)), title="X", by=officer
        )
    assert "largest file you can upload" in exc.value.message_dict["uploaded_file"][0]


@pytest.mark.parametrize(
    ("mutate", "removed"),
    [
        (with_javascript, "JavaScript"),
        (with_launch, "launch actions"),
        (with_embedded_file, "embedded files"),
    ],
)
def test_active_content_is_removed_and_the_officer_told(mutate, removed):
    officer, item = officer_item()
    doc = services.add_document(
        agenda_item=item, uploaded_file=upload(crafted(mutate)), title="X", by=officer
    )
    assert removed in doc.sanitised
    pdf = stored_pdf(doc)
    assert len(pdf.pages) == 2
    assert "/OpenAction" not in pdf.Root
    assert "/JavaScript" not in pdf.Root.get("/Names", {})
    assert len(pdf.attachments) == 0
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary):
            assert obj.get("/S") not in (pikepdf.Name.JavaScript, pikepdf.Name.Launch)
            assert "/JS" not in obj
    with doc.file.open("rb") as fh:
        raw = fh.read()
    assert b"calc.exe" not in raw and b"app.alert" not in raw and b"evil payload" not in raw


def test_upload_form_keeps_what_was_typed_on_rejection(client):
    officer, item = officer_item(published=True)
    client.force_login(officer)
    url = reverse("officer-document-add", args=[item.pk])
    response = client.post(
        url,
        {
            "title": "Appendix A – my careful title",
            "urgency_reasons": "The chair agreed it is urgent because…",
            "uploaded_file": upload(b"not a pdf at all", "appendix.pdf"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "is not a PDF" in html
    assert "Appendix A – my careful title" in html
    assert "The chair agreed it is urgent because…" in html
    assert not Document.all_objects.exists()


def test_upload_form_tells_the_officer_what_was_removed(client):
    officer, item = officer_item()
    client.force_login(officer)
    response = client.post(
        reverse("officer-document-add", args=[item.pk]),
        {"title": "Report", "is_report": "on", "uploaded_file": upload(crafted(with_javascript))},
        follow=True,
    )
    assert "removed from the PDF: " in response.content.decode()
    report = Report.all_objects.get()
    assert report.source == Report.Source.UPLOADED and report.document == Document.all_objects.get()
