"""The HTML version of an uploaded paper (issue 16): its extracted text (``Document.text``)
as a web page, with the headings of its structure tree where it is tagged.

``pdf_headings(data)`` reads a tagged PDF's ``/H`` and ``/H1``–``/H6`` structure elements and
the text of the marked content they hold (read with pypdf, page by page); the upload path
stores them in ``Document.headings``. ``blocks(document)`` turns the text into headings and
paragraphs: a line that is one of those headings becomes a heading of its level, the rest
are paragraphs (an untagged PDF is paragraphs only). The view is in ``views.document_html``.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pikepdf

from scrutiny.pdfcheck import role_of

logger = logging.getLogger(__name__)

HEADING_LEVELS = {"H": 2, "H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
MAX_HEADINGS = 500
MAX_HEADING_CHARS = 300


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _mcids(element, page_index: dict) -> list[tuple[int, int]]:
    """(page index, MCID) of the marked content under ``element``, in order."""
    out: list[tuple[int, int]] = []
    stack = [(element, element.get("/Pg"))]
    seen: set = set()
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kids = node.get("/K")
        if kids is None:
            continue
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        pending = []
        for kid in kids:
            if isinstance(kid, int):
                if page is not None and page.objgen in page_index:
                    out.append((page_index[page.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary):
                kid_page = kid.get("/Pg", page)
                if kid.get("/Type") == pikepdf.Name.MCR:
                    if kid_page is not None and kid_page.objgen in page_index:
                        out.append((page_index[kid_page.objgen], int(kid.MCID)))
                elif "/S" in kid:
                    pending.append((kid, kid_page))
        stack.extend(reversed(pending))
    return out


def _page_texts(data: bytes, pages: set[int]) -> dict[tuple[int, int], str]:
    """The text of each (page index, MCID) on ``pages``, read with pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts: dict[tuple[int, int], str] = {}
    for index in sorted(pages):
        stack: list = []

        def before(operator, args, cm, tm, stack=stack):
            if operator == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def visit(text, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and text:
                key = (index, int(mcid))
                texts[key] = texts.get(key, "") + text

        reader.pages[index].extract_text(visitor_operand_before=before, visitor_text=visit)
    return texts


def pdf_headings(data: bytes) -> list[list]:
    """[[level, text], …] of the headings in a tagged PDF's structure tree, in tree order
    (empty when it has none or they cannot be read: an upload never fails for this)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            root = pdf.Root.get("/StructTreeRoot")
            if root is None:
                return []
            role_map = root.get("/RoleMap")
            page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
            found: list[tuple[int, list[tuple[int, int]], str]] = []
            stack = [root]
            seen: set = set()
            while stack and len(found) < MAX_HEADINGS:
                node = stack.pop()
                if node.is_indirect:
                    if node.objgen in seen:
                        continue
                    seen.add(node.objgen)
                kind = role_of(str(node.get("/S", "")), role_map) if "/S" in node else ""
                if kind in HEADING_LEVELS:
                    actual = node.get("/ActualText")
                    found.append(
                        (
                            HEADING_LEVELS[kind],
                            [] if actual is not None else _mcids(node, page_index),
                            str(actual) if actual is not None else "",
                        )
                    )
                    continue
                kids = node.get("/K")
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                stack.extend(
                    reversed([k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k])
                )
            pages = {page for _, refs, _ in found for page, _ in refs}
        texts = _page_texts(data, pages) if pages else {}
    except Exception:  # noqa: BLE001 - headings are a nicety; the text is still published
        logger.warning("Could not read the headings of an uploaded PDF", exc_info=True)
        return []
    headings = []
    for level, refs, actual in found:
        text = _space(actual or " ".join(texts.get(ref, "") for ref in refs))
        if text:
            headings.append([level, text[:MAX_HEADING_CHARS]])
    return headings


@dataclass
class Block:
    kind: str  # "heading" | "paragraph"
    text: str
    level: int = 0

    @property
    def tag(self) -> str:
        # h1 is the page's own title: a paper's headings start at h2.
        return f"h{min(6, self.level + 1)}"


def blocks(text: str, headings: list) -> list[Block]:
    """The paper's text as headings and paragraphs (see the module docstring). The extracted
    text breaks at every printed line, and where a paragraph ends is not recorded: each line
    is kept as its own paragraph rather than guessing which lines belong together."""
    wanted: dict[str, int] = {}
    for level, heading in headings or []:
        wanted.setdefault(_space(str(heading)).casefold(), int(level))
    out: list[Block] = []
    for raw in text.replace("\f", "\n").split("\n"):
        line = _space(raw)
        if not line:
            continue
        level = wanted.get(line.casefold())
        out.append(Block("heading", line, level) if level else Block("paragraph", line))
    return out
