"""Word, OpenDocument, RTF and Excel uploads (issue 15, item 7): real documents made here
(python-docx, odfpy, openpyxl; a .doc and an .rtf written by hand or by LibreOffice) go
through the real task and the real LibreOffice, and the PDF is read back: its text, its
structure tree (tagged PDF). Failures and time-outs are shown on the item, the original is
kept for officers only, and publishing waits for a paper still converting."""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import pikepdf
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import conversion, services
from meetings.models import Conversion, Document, ExemptAccess, Report
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
)
from tests.packs.helpers import pack, texts

pytestmark = pytest.mark.django_db
SOFFICE = "/usr/bin/soffice"
CANARY = "CANARY-c0nv3rt"


@pytest.fixture(autouse=True)
def _soffice_installed():
    # Never a skip: .ci/run installs LibreOffice, and a machine without it fails here.
    assert Path(SOFFICE).exists(), f"LibreOffice is required at {SOFFICE} (see .ci/run)"


# --- real documents ------------------------------------------------------------------------


def make_docx(
    heading: str, cell: str, body: str = "The panel is asked to note the figures."
) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph(body)
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for (row, col), text in {
        (0, 0): "Service",
        (0, 1): "Spend",
        (1, 0): cell,
        (1, 1): "1,200",
    }.items():
        table.cell(row, col).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(heading: str, body: str, image_url: str | None = None) -> bytes:
    from odf import draw, text
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow

    document = OpenDocumentText()
    document.text.addElement(text.H(outlinelevel=1, text=heading))
    document.text.addElement(text.P(text=body))
    table = Table(name="Figures")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (("Ward", "Cases"), ("Almondbury", "12")):
        row = TableRow()
        for value in cells:
            cell = TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    if image_url:
        frame = draw.Frame(width="4cm", height="3cm", anchortype="paragraph", name="Linked")
        frame.addElement(draw.Image(href=image_url, type="simple", show="embed", actuate="onLoad"))
        paragraph = text.P()
        paragraph.addElement(frame)
        document.text.addElement(paragraph)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_xlsx(title: str, ward: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet.append([title])
    sheet.append(["Ward", "Spend"])
    sheet.append([ward, 1200])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_rtf(text: str) -> bytes:
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs24 " + text + "\\par}").encode()


def make_doc(heading: str, cell: str) -> bytes:
    """A Word 97-2003 file, written by LibreOffice from a .docx made here."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "made.docx"
        source.write_bytes(make_docx(heading, cell))
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "doc:MS Word 97",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(tmp) / "made.doc").read_bytes()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def convert(item, data: bytes, name: str, *, title: str = "Budget report", **kwargs):
    """Upload through the service and run the queued task (after the commit, as in
    production; the test settings run tasks immediately)."""
    return conversion.start_conversion(
        agenda_item=item,
        uploaded_file=upload(data, name),
        title=title,
        by=make_user("officer"),
        **kwargs,
    )


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(handle).pages)
    return " ".join(text.split())  # words, whatever the line breaks of a narrow table cell


def assert_tagged(document: Document) -> None:
    with document.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        assert "/StructTreeRoot" in pdf.Root, "no structure tree: the PDF is not tagged"
        assert bool(pdf.Root.MarkInfo.Marked) is True


@pytest.fixture(autouse=True)
def _own_temporary_folder(tmp_path, monkeypatch):
    """Each test's LibreOffice works under its own temporary folder, so ``soffice_processes``
    sees this test's processes only (not another test run's on the same machine)."""
    folder = tmp_path / "conversion-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def soffice_processes() -> list[str]:
    """LibreOffice processes still running from this test's conversions."""
    own = f"{tempfile.gettempdir()}/portal-convert-"
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if own in cmdline:
                found.append(cmdline)
    return found


# --- converting real documents -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "Budget report.docx",
            lambda: make_docx("Budget monitoring", "Libraries"),
            ["Budget monitoring", "Libraries", "1,200"],
        ),
        (
            "Budget report.odt",
            lambda: make_odt("Youth services", "Twelve cases were open."),
            ["Youth services", "Almondbury", "Twelve cases"],
        ),
        (
            "Budget report.xlsx",
            lambda: make_xlsx("Quarter two spend", "Dewsbury East"),
            ["Quarter two spend", "Dewsbury East", "1200"],
        ),
        (
            "Budget report.doc",
            lambda: make_doc("Legacy format", "Museums"),
            ["Legacy format", "Museums"],
        ),
        (
            "Budget report.rtf",
            lambda: make_rtf("Rich text paper for the panel"),
            ["Rich text paper for the panel"],
        ),
    ],
)
def test_a_real_document_is_converted_to_a_tagged_pdf_through_the_task(
    name, make, expected, django_capture_on_commit_callbacks
):
    item = AgendaItemFactory(meeting=MeetingFactory())
    data = make()
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, data, name)
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.CONVERTED, upload_row.failure
    document = upload_row.document
    assert document is not None and document.agenda_item == item
    assert document.title == "Budget report"
    assert document.original_filename == "Budget report.pdf"
    assert document.page_count >= 1 and not document.is_draft
    text = pdf_text(document)
    for words in expected:
        assert words in text
    assert_tagged(document)
    # The original is kept, byte for byte, and the PDF went through the upload checks.
    with upload_row.original.open("rb") as handle:
        assert handle.read() == data
    assert document.sha256 and document.size == document.file.size
    assert soffice_processes() == []


def test_the_report_itself_becomes_an_uploaded_report(django_capture_on_commit_callbacks):
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(
            item, make_docx("Cover", "Parks"), "cover.docx", title="The report", is_report=True
        )
    upload_row.refresh_from_db()
    report = Report.all_objects.get(agenda_item=item)
    assert report.source == Report.Source.UPLOADED and report.document == upload_row.document


def test_the_converted_pdf_is_sanitised_like_an_uploaded_pdf(django_capture_on_commit_callbacks):
    """A link to a javascript: address in the OpenDocument file comes out of LibreOffice as a
    PDF link; the same pikepdf pass as for an uploaded PDF removes it, and says so."""
    from odf import text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    paragraph = text.P(text="Click ")
    paragraph.addElement(text.A(href="javascript:alert(1)", type="simple", text="here"))
    document.text.addElement(paragraph)
    out = io.BytesIO()
    document.write(out)
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, out.getvalue(), "links.odt")
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.CONVERTED, upload_row.failure
    assert "javascript:" in upload_row.document.sanitised
    with upload_row.document.file.open("rb") as handle:
        assert b"javascript:" not in handle.read()


# --- failures ------------------------------------------------------------------------------


def test_a_corrupt_docx_fails_on_the_item_and_keeps_the_original(
    client, django_capture_on_commit_callbacks
):
    officer = make_user("officer")
    item = AgendaItemFactory(meeting=MeetingFactory())
    corrupt = make_docx("Broken", "Half")[:3000]  # a Word file cut short: a broken zip
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("officer-document-add", args=[item.pk]),
            {"title": "Broken report", "uploaded_file": upload(corrupt, "broken.docx")},
        )
    assert response.status_code == 302
    upload_row = Conversion.objects.get(agenda_item=item)
    assert upload_row.status == Conversion.Status.FAILED
    assert "could not read the file" in upload_row.failure
    assert not Document.all_objects.filter(agenda_item=item).exists()
    assert default_storage.exists(upload_row.original.name)
    page = client.get(reverse("officer-meeting", args=[item.meeting_id])).content.decode()
    assert "failed</strong>: LibreOffice could not read the file" in page
    assert "broken.docx" in page and "Try again" in page

    # Trying again runs again (and fails again); removing it takes the original away.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("officer-conversion-retry", args=[upload_row.pk]))
    upload_row.refresh_from_db()
    assert upload_row.attempt == 2 and upload_row.status == Conversion.Status.FAILED
    name = upload_row.original.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("officer-conversion-remove", args=[upload_row.pk]))
    assert not Conversion.objects.filter(pk=upload_row.pk).exists()
    assert not default_storage.exists(name)


def test_a_conversion_that_takes_too_long_is_stopped_and_reported(
    settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_CONVERSION_TIMEOUT = 0.5
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, make_docx("Slow", "Slow"), "slow.docx")
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.FAILED
    assert "took longer than 0.5 seconds and was stopped" in upload_row.failure
    assert not Document.all_objects.filter(agenda_item=item).exists()
    assert soffice_processes() == [], "the whole LibreOffice process group is killed"


def test_a_file_that_is_not_what_its_name_says_is_refused_on_the_form(client):
    client.force_login(make_user("officer"))
    item = AgendaItemFactory(meeting=MeetingFactory())
    response = client.post(
        reverse("officer-document-add", args=[item.pk]),
        {"title": "Odd", "uploaded_file": upload(b"%PDF-1.4 not a word file", "odd.docx")},
    )
    assert response.status_code == 200
    assert "ends in .docx but it is not a Word document" in response.content.decode()
    assert not Conversion.objects.exists()


def _rezip(data: bytes, extra: dict[str, bytes]) -> bytes:
    """``data`` (a zip) with ``extra`` parts added, deflated."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for name, part in extra.items():
            dst.writestr(name, part)
    return out.getvalue()


def test_a_zip_bomb_is_refused_on_the_form_and_nothing_is_saved(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_MAX_EXPANDED_BYTES = 5 * 1024 * 1024
    client.force_login(make_user("officer"))
    item = AgendaItemFactory(meeting=MeetingFactory())
    # Over the expanded-size limit (6 MB of parts that compress to almost nothing).
    big = _rezip(
        make_docx("Big", "Big"), {f"word/media/pad{i}.bin": b"\0" * 2**20 for i in range(6)}
    )
    # A single part squeezed far beyond any document (2 MB of zeros: over 200 to 1).
    squeezed = _rezip(make_odt("Squeezed", "Body"), {"Pictures/zero.bin": b"\0" * 2 * 2**20})
    # Too many parts.
    many = _rezip(make_xlsx("Figures", "Batley"), {f"xl/p/{i}.xml": b"" for i in range(10_001)})
    for data, name, says in (
        (big, "big.docx", "would expand to more than 5.0"),
        (squeezed, "squeezed.odt", "holds a part squeezed far more than any document"),
        (many, "many.xlsx", "holds more than 10,000 parts"),
    ):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = client.post(
                reverse("officer-document-add", args=[item.pk]),
                {"title": "Report", "uploaded_file": upload(data, name)},
            )
        assert response.status_code == 200, name
        page = response.content.decode()
        assert says in page and "nothing was saved" in page, name
        assert not queued and not Conversion.objects.exists(), name
    assert not Document.all_objects.exists()
    # An ordinary document is not caught by the checks.
    with django_capture_on_commit_callbacks(execute=False):
        convert(item, make_docx("Ordinary", "Batley"), "ordinary.docx")
    assert Conversion.objects.count() == 1


def test_libreoffice_runs_under_a_memory_limit(settings, django_capture_on_commit_callbacks):
    # Far too little memory for LibreOffice: it cannot start, and the item says it failed.
    settings.DOCUMENT_CONVERSION_MEMORY = 64 * 1024 * 1024
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, make_rtf("Limited"), "limited.rtf")
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.FAILED
    assert not Document.all_objects.filter(agenda_item=item).exists()
    # The default (2 GB) is enough for a real document.
    del settings.DOCUMENT_CONVERSION_MEMORY
    assert conversion.conversion_memory() == 2 * 1024**3
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, make_rtf("Enough"), "enough.rtf")
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.CONVERTED


def test_a_run_overtaken_by_a_retry_changes_nothing(django_capture_on_commit_callbacks):
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=False):
        upload_row = convert(item, b"PK\x03\x04 broken", "x.docx")
    Conversion.objects.filter(pk=upload_row.pk).update(status=Conversion.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        conversion.retry_conversion(conversion=upload_row, by=make_user("officer"))
    assert conversion.run_conversion(conversion_id=upload_row.pk, attempt=1) == "superseded"
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.CONVERTING and upload_row.attempt == 2


def test_libreoffice_has_no_network(django_capture_on_commit_callbacks):
    """An OpenDocument file with an image linked from a web server: the server (on this
    machine) is never asked for it."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tracker.png"
        item = AgendaItemFactory(meeting=MeetingFactory())
        with django_capture_on_commit_callbacks(execute=True):
            upload_row = convert(item, make_odt("Linked", "An image from the web", url), "l.odt")
    finally:
        server.shutdown()
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.CONVERTED, upload_row.failure
    assert conversion.sandbox_prefix(), "unshare gives LibreOffice a network namespace here"
    assert asked == []


# --- publishing and packs ------------------------------------------------------------------


def test_publishing_waits_for_a_paper_still_converting_and_the_pack_then_holds_it(
    django_capture_on_commit_callbacks,
):
    officer = make_user("officer")
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        upload_row = convert(item, make_docx("Pack budget heading", "Huddersfield"), "b.docx")
    with pytest.raises(ValidationError) as refused:
        services.publish_meeting(meeting=meeting, by=officer, confirm_late=True)
    assert "Wait until “Budget report” is converted to PDF" in " ".join(refused.value.messages)
    meeting.refresh_from_db()
    assert not meeting.is_published

    for callback in queued:  # the worker gets to it
        callback()
    upload_row.refresh_from_db()
    assert upload_row.status == Conversion.Status.CONVERTED
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_meeting(meeting=meeting, by=officer, confirm_late=True)
    meeting.refresh_from_db()  # publishing built the pack (tasks run at once in tests)
    assert any("Pack budget heading" in t for t in texts(pack(meeting).path))


def test_after_publication_a_converted_upload_is_a_draft_late_paper(
    django_capture_on_commit_callbacks,
):
    item = AgendaItemFactory()  # a published meeting
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, make_rtf("Late words"), "late.rtf", urgency_reasons="Urgent.")
    upload_row.refresh_from_db()
    assert upload_row.document.is_draft and upload_row.document.is_late
    assert upload_row.document.urgency_reasons == "Urgent."


# --- who may read the original -------------------------------------------------------------


def get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_the_original_is_for_officers_only(client, django_capture_on_commit_callbacks):
    """The PDF is the paper; the original may hold hidden text, comments or tracked changes
    the PDF does not show, so nobody but officers gets it, even of a public paper."""
    item = AgendaItemFactory(meeting=MeetingFactory())
    data = make_docx("Open paper", "Batley")
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, data, "open.docx")
    upload_row.refresh_from_db()
    url = reverse("document-original", args=[upload_row.document_id])

    officer = make_user("officer")
    services.publish_meeting(meeting=item.meeting, by=officer, confirm_late=True)
    assert (
        get(client, reverse("document-download", args=[upload_row.document_id]))[0].status_code
        == 200
    )
    member = make_user("councillor", person=PersonFactory())
    MembershipFactory(committee=item.meeting.committee, person=member.person)
    for who in (None, make_user("councillor"), member):
        client.logout()
        if who is not None:
            client.force_login(who)
        response, body = get(client, url)
        assert response.status_code == 404, who
        assert body != data and b"Batley" not in body, who
    client.force_login(officer)
    response, body = get(client, url)
    assert response.status_code == 200 and body == data
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == conversion.FORMATS[".docx"].mime_type
    assert 'attachment; filename="open.docx"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # A document uploaded as a PDF has no original.
    assert (
        client.get(reverse("document-original", args=[upload_row.document_id + 999])).status_code
        == 404
    )


def test_canary_in_an_exempt_original_never_reaches_the_public_or_a_non_member(
    client, django_capture_on_commit_callbacks
):
    item = ExemptAgendaItemFactory(meeting=MeetingFactory(), title="Exempt business")
    data = make_docx(f"Heading {CANARY}", CANARY, body=f"Names {CANARY}")
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, data, f"{CANARY}.docx", title=f"Paper {CANARY}")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_meeting(meeting=item.meeting, by=make_user("officer"), confirm_late=True)
    upload_row.refresh_from_db()
    urls = [
        reverse("document-original", args=[upload_row.document_id]),
        reverse("document-download", args=[upload_row.document_id]),
        reverse("officer-conversion-original", args=[upload_row.pk]),
        item.meeting.get_absolute_url(),
    ]
    outsider = make_user("councillor")
    for who in (None, outsider):
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in urls:
            response, body = get(client, url)
            assert CANARY.encode() not in body, (who, url)
            if "original" in url:
                assert response.status_code in (302, 403, 404), (who, url)
    # A member of the committee reads the exempt PDF, not its original (officers only).
    member = make_user("councillor", person=PersonFactory())
    MembershipFactory(committee=item.meeting.committee, person=member.person)
    client.force_login(member)
    response, body = get(client, urls[0])
    assert response.status_code == 404 and CANARY.encode() not in body
    assert get(client, urls[1])[0].status_code == 200
    # An officer reads it, and the read of an exempt original is logged.
    officer = make_user("officer", username="clerk")
    client.force_login(officer)
    response, body = get(client, urls[0])
    assert response.status_code == 200 and body == data
    assert "no-store" in response["Cache-Control"]
    assert ExemptAccess.objects.filter(user=officer, document=upload_row.document).exists()


def test_only_officers_reach_the_conversion_pages(client, django_capture_on_commit_callbacks):
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=False):
        upload_row = convert(item, make_rtf("x"), "x.rtf")
    client.force_login(make_user("councillor"))
    assert (
        client.get(reverse("officer-conversion-original", args=[upload_row.pk])).status_code == 403
    )
    assert (
        client.post(reverse("officer-conversion-remove", args=[upload_row.pk])).status_code == 403
    )
    assert Conversion.objects.filter(pk=upload_row.pk).exists()
    assert os.path.basename(upload_row.original.name).endswith(".rtf")


def test_removing_the_converted_pdf_removes_its_original(django_capture_on_commit_callbacks):
    item = AgendaItemFactory(meeting=MeetingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        upload_row = convert(item, make_rtf("Short paper"), "short.rtf")
    upload_row.refresh_from_db()
    name = upload_row.original.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(document=upload_row.document, by=make_user("officer"))
    assert not Conversion.objects.filter(pk=upload_row.pk).exists()
    assert not default_storage.exists(name)
