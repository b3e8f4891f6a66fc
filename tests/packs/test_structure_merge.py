"""``meetings.packs.structure.merge_structure`` on crafted trees: role maps, class maps and
ID trees that clash with the pack's are merged without changing what either side means."""

from __future__ import annotations

import io

import pikepdf

from meetings.packs.structure import merge_structure, next_key
from scrutiny.pdfcheck import check_pdf, role_of

from .test_pdfua import tagged_pdf


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def _elements(root) -> list:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                out.append(kid)
                stack.append(kid)
    return out


def _customise(pdf: pikepdf.Pdf, *, heading_role: str, class_attrs: int, ident: str) -> None:
    """Give the file's H1 a custom type (role-mapped to ``heading_role``), a class and an
    ID, as Word and InDesign exports do."""
    root = pdf.Root.StructTreeRoot
    h1 = next(e for e in _elements(root) if str(e.S) == "/H1")
    h1.S = pikepdf.Name("/Heading1")
    root.RoleMap = pikepdf.Dictionary({"/Heading1": pikepdf.Name("/" + heading_role)})
    h1.C = pikepdf.Name("/Emphasis")
    root.ClassMap = pikepdf.Dictionary(
        {"/Emphasis": pikepdf.Dictionary(O=pikepdf.Name.Layout, SpaceBefore=class_attrs)}
    )
    h1.ID = pikepdf.String(ident)
    root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array([ident, h1])))


def test_clashing_role_class_and_id_maps_are_merged_keeping_each_meaning():
    pack = _open(tagged_pdf("Pack", "Front sheet"))
    _customise(pack, heading_role="P", class_attrs=1, ident="id-1")  # the pack's own meaning
    upload = _open(tagged_pdf("Upload", "Upload heading"))
    _customise(upload, heading_role="H1", class_attrs=9, ident="id-1")
    first = len(pack.pages)
    pages = len(upload.pages)
    keys_before = next_key(pack)
    pack.pages.extend(upload.pages)
    merge_structure(pack, upload, title="The upload", first=first, count=pages, prefix="doc-7-")

    root = pack.Root.StructTreeRoot
    role_map = root.RoleMap
    assert str(role_map["/Heading1"]) == "/P"  # the pack's mapping is untouched
    merged = next(e for e in _elements(root) if str(e.get("/T", "")) == "The upload")
    assert str(merged.S) == "/Sect"
    upload_h1 = next(e for e in _elements(merged) if str(e.get("/ID", "")) == "doc-7-id-1")
    # The upload's heading keeps its meaning: resolved to H1 rather than the pack's /P.
    assert role_of(str(upload_h1.S), role_map) == "H1"
    # Its class is renamed, with its own attributes.
    assert str(upload_h1.C) == "/doc-7-Emphasis"
    assert int(root.ClassMap["/doc-7-Emphasis"].SpaceBefore) == 9
    assert int(root.ClassMap["/Emphasis"].SpaceBefore) == 1
    ids = pikepdf.NameTree(root.IDTree)
    assert ids["doc-7-id-1"].objgen == upload_h1.objgen and "id-1" in ids
    # Pages renumbered after the pack's keys, the tree placed after the pack's content.
    assert [int(pack.pages[i].obj.StructParents) for i in range(first, first + pages)] == [
        keys_before + n for n in range(pages)
    ]
    assert merged.P.is_indirect and merged.P.objgen == root.K[0].objgen
    assert list(root.K[0].K)[-1].objgen == merged.objgen
    out = io.BytesIO()
    pack.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pack.save(out)
    report = check_pdf(out.getvalue())
    assert report.untagged_pages == [], report.text()


def test_an_upload_tree_of_several_top_elements_gets_one_sect():
    pack = _open(tagged_pdf("Pack", "Front sheet"))
    upload = _open(tagged_pdf("Upload", "Upload heading"))
    root = upload.Root.StructTreeRoot
    document = root.K[0]
    tops = list(document.K)
    for top in tops:
        top.P = root
    root.K = pikepdf.Array(tops)  # no Document element: the body's elements at the top
    first = len(pack.pages)
    pack.pages.extend(upload.pages)
    merge_structure(pack, upload, title="Loose", first=first, count=len(upload.pages), prefix="x")
    sect = list(pack.Root.StructTreeRoot.K[0].K)[-1]
    assert str(sect.S) == "/Sect" and str(sect.T) == "Loose"
    assert len(list(sect.K)) == len(tops)
    assert all(kid.P.objgen == sect.objgen for kid in sect.K)
