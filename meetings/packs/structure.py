"""Merging an uploaded paper's structure tree into the agenda pack's (issue 16, finding 1).

The pack's own tree comes from WeasyPrint (front sheet, authored and generated papers, exempt
placeholders). ``builder._insert_uploads`` puts each upload's pages into the pack; then
``merge_structure`` brings that upload's structure tree along:

- the upload's top-level elements go under one ``/Sect`` per paper (an upload whose tree is
  one ``/Document`` element has that element turned into the ``/Sect``), titled with the
  paper's title, placed in the pack's ``/Document`` element in page order;
- the upload's parent tree entries are added to the pack's under new keys (the pack's next
  free key plus the upload's own), and every ``/StructParents`` of its pages and
  ``/StructParent`` of its annotations is renumbered to match;
- its ``/RoleMap`` and ``/ClassMap`` are merged into the pack's: a name the pack already maps
  differently is resolved to its standard type (roles) or renamed (classes) in the upload's
  elements; its ``/IDTree`` entries are added, an ID the pack already uses being renamed.

Objects are copied with ``Pdf.copy_foreign``, which qpdf maps per source file: the pages the
builder copied are the pages the copied elements' ``/Pg`` and the parent tree point at, and
stream data is only read when the pack is written (nothing is copied twice).

``is_tagged`` says whether an upload is tagged all through (``scrutiny.pdfcheck``): a pack
declares PDF/UA only when every upload in it is.
"""

from __future__ import annotations

import pikepdf

from scrutiny.pdfcheck import is_tagged, role_of

__all__ = ["PackTree", "is_tagged", "merge_structure"]

STRUCT_ELEM = pikepdf.Name("/StructElem")


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(node) -> list:
    return [k for k in _kids(node) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _walk(top):
    """Every structure element under (and including) ``top``, each once."""
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        stack.extend(_elements(node))


def _number_tree_items(tree) -> list[tuple[int, object]]:
    if tree is None:
        return []
    return [(int(k), v) for k, v in pikepdf.NumberTree(tree).items()]


def pack_document_element(pdf: pikepdf.Pdf):
    """The pack's ``/Document`` element (WeasyPrint writes one under the tree root)."""
    root = pdf.Root.StructTreeRoot
    tops = _elements(root)
    role_map = root.get("/RoleMap")
    if len(tops) == 1 and role_of(str(tops[0].S), role_map) == "Document":
        return tops[0]
    return root


def next_key(pdf: pikepdf.Pdf) -> int:
    root = pdf.Root.StructTreeRoot
    used = [k for k, _ in _number_tree_items(root.get("/ParentTree"))]
    declared = int(root.get("/ParentTreeNextKey", 0))
    return max([declared, *(k + 1 for k in used)])


def _container(upload: pikepdf.Pdf, title: str):
    """The upload's tree as one indirect ``/Sect`` element (in the upload's file), with no
    link up to the upload's tree root."""
    root = upload.Root.StructTreeRoot
    role_map = root.get("/RoleMap")
    tops = _elements(root)
    if len(tops) == 1 and tops[0].is_indirect and role_of(str(tops[0].S), role_map) == "Document":
        container = tops[0]
    else:
        container = upload.make_indirect(
            pikepdf.Dictionary(Type=STRUCT_ELEM, K=pikepdf.Array(_kids(root)))
        )
        for top in tops:
            top.P = container
    container.S = pikepdf.Name.Sect
    container.T = pikepdf.String(title)
    if "/P" in container:  # set to the pack's element once copied
        del container["/P"]
    return container


def _merge_role_map(pack_root, upload_root, elements) -> None:
    theirs = upload_root.get("/RoleMap")
    if not isinstance(theirs, pikepdf.Dictionary):
        return
    ours = pack_root.get("/RoleMap")
    if not isinstance(ours, pikepdf.Dictionary):
        ours = pack_root.RoleMap = pikepdf.Dictionary()
    clashes = set()
    for name, target in theirs.items():
        if name in ours and ours[name] != target:
            clashes.add(name)
        elif name not in ours:
            ours[name] = pikepdf.Name(str(target))
    if clashes:
        for element in elements:
            if str(element.S) in clashes:
                element.S = pikepdf.Name("/" + role_of(str(element.S), theirs))


def _copy(pack: pikepdf.Pdf, upload: pikepdf.Pdf, obj):
    """``obj`` of the upload as an object of the pack (a direct dictionary or array is made
    indirect in the upload first: ``copy_foreign`` copies only indirect objects)."""
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream):
        if not obj.is_indirect:
            obj = upload.make_indirect(obj)
        return pack.copy_foreign(obj)
    return obj


def _merge_class_map(pack, upload, pack_root, upload_root, elements, prefix: str) -> None:
    theirs = upload_root.get("/ClassMap")
    if not isinstance(theirs, pikepdf.Dictionary):
        return
    ours = pack_root.get("/ClassMap")
    if not isinstance(ours, pikepdf.Dictionary):
        ours = pack_root.ClassMap = pikepdf.Dictionary()
    renamed: dict[str, pikepdf.Name] = {}
    for name, attributes in list(theirs.items()):
        if name in ours:
            renamed[name] = pikepdf.Name(f"/{prefix}{name.lstrip('/')}")
            ours[renamed[name]] = _copy(pack, upload, attributes)
        else:
            ours[name] = _copy(pack, upload, attributes)
    if not renamed:
        return
    for element in elements:
        classes = element.get("/C")
        if isinstance(classes, pikepdf.Name) and str(classes) in renamed:
            element.C = renamed[str(classes)]
        elif isinstance(classes, pikepdf.Array):
            element.C = pikepdf.Array(
                [renamed.get(str(c), c) if isinstance(c, pikepdf.Name) else c for c in classes]
            )


def _merge_ids(pack: pikepdf.Pdf, upload_root, elements, prefix: str) -> None:
    if upload_root.get("/IDTree") is None:
        return
    root = pack.Root.StructTreeRoot
    if root.get("/IDTree") is None:
        root.IDTree = pack.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
    ours = pikepdf.NameTree(root.IDTree)
    for element in elements:
        ident = element.get("/ID")
        if ident is None or not element.is_indirect:
            continue
        element = pack.copy_foreign(element)  # the copy made with the tree (one map per file)
        key = str(ident)
        if key in ours:
            key = f"{prefix}{key}"
            element.ID = pikepdf.String(key)
        ours[key] = element


class PackTree:
    """The pack's structure tree while uploads are merged into it: the next free parent-tree
    key, the page index and the ``/Document`` element's children with their first pages are
    worked out once per pack, not once per upload. Call ``merge`` for each upload in page
    order once every upload's pages are in place, then ``finish``."""

    def __init__(self, pack: pikepdf.Pdf):
        self.pack = pack
        self.root = pack.Root.StructTreeRoot
        if self.root.get("/ParentTree") is None:
            self.root.ParentTree = pack.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))
        self.parent_tree = pikepdf.NumberTree(self.root.ParentTree)
        self.next_key = next_key(pack)
        self.parent = pack_document_element(pack)
        if not self.parent.is_indirect:  # a /P must point at it: it has to be an object
            self.parent = pack.make_indirect(self.parent)
            self.root.K = pikepdf.Array([self.parent])
        self.kids = _kids(self.parent)
        self.page_index = {page.obj.objgen: index for index, page in enumerate(pack.pages)}
        self.starts: list[int | None] = [
            _first_page(kid, self.page_index)
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
            else None
            for kid in self.kids
        ]
        self.position = 0

    def merge(
        self, upload: pikepdf.Pdf, *, title: str, first: int, count: int, prefix: str
    ) -> None:
        """Bring ``upload``'s tree in; its pages are the pack's ``first`` ..
        ``first + count - 1``."""
        pack = self.pack
        upload_root = upload.Root.StructTreeRoot
        container = _container(upload, title)
        maps = any(k in upload_root for k in ("/RoleMap", "/ClassMap", "/IDTree"))
        elements = list(_walk(container)) if maps else []
        _merge_role_map(self.root, upload_root, elements)
        _merge_class_map(pack, upload, self.root, upload_root, elements, prefix)
        offset = self.next_key
        copied = pack.copy_foreign(container)
        _merge_ids(pack, upload_root, elements, prefix)
        top = 0
        for key, value in _number_tree_items(upload_root.get("/ParentTree")):
            self.parent_tree[offset + key] = _copy(pack, upload, value)
            top = max(top, key + 1)
        for index in range(first, first + count):
            page = pack.pages[index].obj
            if "/StructParents" in page:
                page.StructParents = offset + int(page.StructParents)
                top = max(top, int(page.StructParents) - offset + 1)
            annots = page.get("/Annots")
            for annot in annots if isinstance(annots, pikepdf.Array) else []:
                if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                    annot.StructParent = offset + int(annot.StructParent)
                    top = max(top, int(annot.StructParent) - offset + 1)
            if annots:
                page.Tabs = pikepdf.Name.S  # tab order follows the structure (PDF/UA 7.18.3)
        self.next_key = offset + top
        self.root.ParentTreeNextKey = self.next_key
        self._place(copied, first)

    def _place(self, element, first: int) -> None:
        """Put the paper's ``/Sect`` before the first child of the pack's ``/Document`` that
        starts on a later page, so the tree reads in page order."""
        element.P = self.parent
        position = len(self.kids)
        for index in range(self.position, len(self.kids)):
            start = self.starts[index]
            if start is not None and start > first:
                position = index
                break
        self.kids.insert(position, element)
        self.starts.insert(position, first)
        self.position = position + 1

    def finish(self) -> None:
        self.parent.K = pikepdf.Array(self.kids)


def merge_structure(
    pack: pikepdf.Pdf, upload: pikepdf.Pdf, *, title: str, first: int, count: int, prefix: str
) -> None:
    """Bring one upload's tree into ``pack`` (``PackTree`` for several)."""
    tree = PackTree(pack)
    tree.merge(upload, title=title, first=first, count=count, prefix=prefix)
    tree.finish()


def _first_page(element, page_index: dict) -> int | None:
    for node in _walk(element):
        page = node.get("/Pg")
        if page is not None and page.objgen in page_index:
            return page_index[page.objgen]
        for kid in _kids(node):
            page = kid.get("/Pg") if isinstance(kid, pikepdf.Dictionary) else None
            if page is not None and page.objgen in page_index:
                return page_index[page.objgen]
    return None
