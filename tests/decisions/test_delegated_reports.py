"""Reports a portfolio holder's or officer's decision was taken on that were on no agenda
(issue 17): uploaded on the decision's officer page through the papers' checks (PDFs
sanitised with pikepdf, Word converted then checked), exempt with a Schedule 12A paragraph,
public only when the decision is public and the report not exempt. Leak tests: an exempt
report, and any report of a private decision, appear on no public page, download or OParl
answer — for the public, a councillor off the committee and a member of it."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions import services
from decisions.models import DelegatedReport, MakerKind
from tests.decisions.conftest import as_each
from tests.factories import make_user
from tests.factories.decisions import (
    DelegatedOfficerFactory,
    PortfolioHolderFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
)
from tests.factories.meetings import make_pdf_bytes

pytestmark = pytest.mark.django_db
CANARY = "CANARY-EXEMPT-REPORT"


def pdf_with_javascript() -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(pages=1, text="Delegated report")))
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def officer_decision(**extra):
    return PublishedDecisionFactory(
        maker_kind=MakerKind.OFFICER, cabinet=None, officer=DelegatedOfficerFactory(), **extra
    )


def upload(decision, *, title, data=None, name="report.pdf", exempt_paragraph=None):
    return services.add_delegated_report(
        decision=decision,
        uploaded_file=SimpleUploadedFile(name, data or make_pdf_bytes(pages=2)),
        title=title,
        is_exempt=exempt_paragraph is not None,
        exempt_paragraph=exempt_paragraph,
    )


def test_the_officer_uploads_a_pdf_and_active_content_is_removed(client):
    decision = officer_decision()
    client.force_login(make_user("officer"))
    url = f"/officer/decisions/{decision.pk}/reports/add/"
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = client.post(
        url,
        {
            "title": "Report of the Strategic Director",
            "file": SimpleUploadedFile("director.pdf", pdf_with_javascript()),
        },
        follow=True,
    )
    assert "was added (1 pages)" in response.content.decode()
    assert "Removed from the PDF" in response.content.decode()
    report = DelegatedReport.objects.get()
    with report.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        assert "/OpenAction" not in pdf.Root
    # Public: on the decision page, the download and the decision's OParl object.
    client.logout()
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Report of the Strategic Director" in page
    download = client.get(report.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    oparl = client.get(f"/api/oparl/v1/decision/{decision.pk}").json()
    files = [f for f in oparl["auxiliaryFile"] if "/decisionfile/" in f["id"]]
    assert [f["name"] for f in files] == ["Report of the Strategic Director"]
    assert client.get(files[0]["id"].split("testserver")[1]).json()["type"].endswith("File")


def test_refusals_are_on_the_field_and_nothing_is_kept(client):
    decision = officer_decision()
    client.force_login(make_user("officer"))
    url = f"/officer/decisions/{decision.pk}/reports/add/"
    response = client.post(
        url, {"title": "Notes", "file": SimpleUploadedFile("notes.pdf", b"not a pdf at all")}
    )
    assert response.status_code == 200
    assert 'id="id_file-error"' in response.content.decode()
    assert "is not a PDF" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Notes",
            "is_exempt": "on",
            "file": SimpleUploadedFile("notes.pdf", make_pdf_bytes(1)),
        },
    )
    assert 'id="id_exempt_paragraph-error"' in response.content.decode()
    assert not DelegatedReport.objects.exists()


def test_a_cabinet_decision_takes_its_reports_from_the_agenda():
    decision = PublishedDecisionFactory()
    with pytest.raises(Exception, match="Cabinet decision"):
        upload(decision, title="Anything")


def test_a_word_document_is_converted_then_checked():
    docx = pytest.importorskip("docx")  # a dev dependency (pyproject), always installed
    document = docx.Document()
    document.add_paragraph("Delegated decision report converted from Word.")
    out = io.BytesIO()
    document.save(out)
    decision = officer_decision()
    report = upload(decision, title="Word report", data=out.getvalue(), name="report.docx")
    with report.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    assert report.page_count >= 1


def test_exempt_reports_and_reports_of_private_decisions_never_leak(client, viewers):
    holder = PortfolioHolderFactory()
    open_decision = officer_decision()
    exempt = upload(open_decision, title=f"{CANARY} bidder prices", exempt_paragraph=3)
    private = PrivateDecisionFactory(
        maker_kind=MakerKind.PORTFOLIO_HOLDER, cabinet=None, portfolio_holder=holder
    )
    of_private = upload(private, title=f"{CANARY} of a private decision")
    surfaces = [
        open_decision.get_absolute_url(),
        private.get_absolute_url(),
        "/decisions/",
        "/feeds/decisions.atom",
        "/search/?q=bidder+prices",
        f"/api/oparl/v1/decision/{open_decision.pk}",
        f"/api/oparl/v1/decision/{private.pk}",
        "/api/oparl/v1/body/1/decision",
    ]
    for who in as_each(client, viewers):
        for url in surfaces:
            response = client.get(url)
            body = response.content.decode()
            assert CANARY not in body, (who, url)
        for report in (exempt, of_private):
            assert client.get(report.get_absolute_url()).status_code == 404, who
            assert client.get(f"/api/oparl/v1/decisionfile/{report.pk}").status_code == 404, who
    # Officers read them, stamped NOT FOR PUBLICATION, never cached.
    client.force_login(make_user("officer"))
    response = client.get(exempt.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    with exempt.file.open("rb") as handle:
        stored = handle.read()
    assert response.content.startswith(b"%PDF") and response.content != stored  # stamped
