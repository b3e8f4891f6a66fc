"""Issue 16 finding 1: packs that are what they claim. Real packs are built and read back
with pikepdf, ``scrutiny.pdfcheck`` and poppler's ``pdfinfo -struct-text``."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pytest
from django.core.files.base import ContentFile

from meetings.models import Document
from meetings.packs.builder import BUILDER_VERSION
from scrutiny.models import Council
from scrutiny.pdfcheck import check_pdf, is_tagged, role_of
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

from .helpers import ok_build, pack, texts

pytestmark = pytest.mark.django_db


def tagged_pdf(title: str, heading: str, body: str = "Body text of the paper.") -> bytes:
    """A tagged PDF (PDF/UA-1) with a heading, a subheading, a list and a link, as an
    officer's Word export would be."""
    import weasyprint

    html = (
        f'<html lang="en-GB"><head><title>{title}</title></head><body>'
        f"<h1>{heading}</h1><p>{body}</p><h2>{heading} background</h2>"
        '<ul><li>First point</li><li>Second point</li></ul><p><a href="https://example.org/">'
        "A link</a></p>"
        f'<h2 style="break-before: page">{heading} next steps</h2><p>More text.</p></body></html>'
    )
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def upload(item, title: str, data: bytes) -> Document:
    return DocumentFactory(
        agenda_item=item,
        title=title,
        file=ContentFile(data, name="upload.pdf"),
        page_count=len(pikepdf.open(io.BytesIO(data)).pages),
    )


@pytest.fixture
def meeting():
    Council.objects.create(name="Kirklees Council", address="Town Hall")
    meeting = PublishedMeetingFactory()
    first = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Budget")
    ReportFactory(agenda_item=first, title="Budget report", sections=[("Summary", "<p>S.</p>")])
    upload(first, "Budget appendix", tagged_pdf("Budget appendix", "Appendix heading"))
    second = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Housing")
    upload(second, "Housing paper", tagged_pdf("Housing paper", "Housing heading"))
    ReportFactory(agenda_item=second, title="Housing report", sections=[("Summary", "<p>H.</p>")])
    return meeting


def _elements(pdf) -> list:
    """Every structure element of the pack's tree."""
    root = pdf.Root.StructTreeRoot
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                out.append(kid)
                stack.append(kid)
    return out


def _pdfinfo_struct_text(path) -> str:
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "poppler-utils (pdfinfo) is needed: apt-get install poppler-utils"
    return subprocess.run(
        [pdfinfo, "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout


def test_the_uploads_are_tagged_pdfs():
    data = tagged_pdf("T", "Heading")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert is_tagged(pdf)


def test_a_pack_of_tagged_uploads_is_tagged_on_every_page_and_declared(meeting):
    ok_build(meeting)
    public = pack(meeting)
    data = public.path.read_bytes()
    report = check_pdf(data)
    assert report.ok, report.text()
    assert report.untagged_pages == []
    assert public.contents["pdfua"] is True and public.contents["untagged"] == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        # Every page, the uploads' included, points into the one structure tree.
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert len(set(keys)) == len(keys)
        parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        assert all(key in parent_tree for key in keys)
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(keys)
        # One Sect per uploaded paper, titled, in page order under the pack's Document.
        document = pdf.Root.StructTreeRoot.K[0]
        assert str(document.S) == "/Document"
        sects = [k for k in document.K if isinstance(k, pikepdf.Dictionary) and k.get("/T")]
        titles = [str(k.T) for k in sects if str(k.S) == "/Sect"]
        assert titles == ["Budget appendix", "Housing paper"]
        role_map = pdf.Root.StructTreeRoot.get("/RoleMap")
        kinds = [role_of(str(e.S), role_map) for e in _elements(pdf)]
        # The uploads' own headings are in the pack's tree: 2 x (H1 + 2 H2) beyond the pack's.
        assert kinds.count("H1") >= 3 and kinds.count("H2") >= 4
        # The uploads' link annotations are in the tree too (OBJR, /StructParent renumbered).
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    assert int(annot.StructParent) in parent_tree
    # Independently: poppler reads the upload's headings inside the pack's structure.
    struct = _pdfinfo_struct_text(public.path)
    assert "Appendix heading" in struct and "Housing heading next steps" in struct
    assert "Budget report" in struct  # the pack's own (WeasyPrint) part is still there
    # ... and the upload text sits in order: budget appendix before the housing paper.
    assert struct.index("Appendix heading") < struct.index("Housing heading")


def test_an_untagged_upload_is_not_declared_and_the_front_sheet_names_it(meeting):
    item = AgendaItemFactory(meeting=meeting, order=3, number="3", title="Scanned")
    scan = DocumentFactory(agenda_item=item, title="Old scanned letter", pages=2)
    ok_build(meeting)
    public = pack(meeting)
    data = public.path.read_bytes()
    report = check_pdf(data)
    first = next(p["first"] for p in public.contents["papers"] if p["title"] == scan.title)
    assert report.untagged_pages == [first, first + 1], report.text()
    assert public.contents["pdfua"] is False
    assert [u["title"] for u in public.contents["untagged"]] == ["Old scanned letter"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "pdfuaid:part" not in pdf.open_metadata()
    front = " ".join(texts(public.path)[: public.front_pages]).replace("\n", " ")
    assert "not accessible" in front and "Old scanned letter" in front
    assert f"/documents/{scan.pk}/text/" in front.replace(" ", "")
    # The tagged uploads are still merged: only the scan's pages lack structure.
    struct = _pdfinfo_struct_text(public.path)
    assert "Appendix heading" in struct


def test_builder_version_is_bumped_for_the_merge():
    assert int(BUILDER_VERSION) >= 4


def test_a_word_paper_converted_by_libreoffice_is_merged_and_the_pack_declared(meeting):
    """The conversion route the officer is offered: LibreOffice's tagged PDF goes into the
    pack with its own structure (its H1 and its table) and the pack stays PDF/UA."""
    from meetings.conversion import convert_to_pdf
    from meetings.uploads import tagging_of
    from tests.meetings.test_conversion import make_docx

    data = convert_to_pdf(make_docx("Libraries budget", "Libraries"), extension=".docx")
    assert tagging_of(data) == (True, [[1, "Libraries budget"]])
    item = AgendaItemFactory(meeting=meeting, order=3, number="3", title="Libraries")
    upload(item, "Libraries paper", data)
    ok_build(meeting)
    public = pack(meeting)
    report = check_pdf(public.path.read_bytes())
    assert report.ok, report.text()
    assert public.contents["pdfua"] is True
    struct = _pdfinfo_struct_text(public.path)
    sect = struct[struct.index('Sect "Libraries paper"') :]
    assert "Libraries budget" in sect and "Table" in sect
