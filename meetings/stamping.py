"""Page stamps: "Page N" at the foot of every page of an agenda pack, NOT FOR PUBLICATION at
the head of the exempt pages of the members' pack, and NOT FOR PUBLICATION with the Schedule 12A
paragraph on every page of an exempt paper served on its own (``stamp_exempt_paper``, used by
``meetings.views.document_download``; issue 23 finding 3). The one home of page stamping: the
packs app imports it from here.

The stamp is drawn into each page's content, outside the page's own (isolated) graphics state,
centred on the edge of the page as it is seen (whatever its size and /Rotate), marked as a
pagination artifact, in a subset of DejaVu Sans embedded in the file (PDF/UA needs every font
embedded). ``builder.build_pdf`` calls ``stamp_pages`` once the uploads are inserted.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

import pikepdf

STAMP_FONTS = {
    False: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    True: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
# Every printable ASCII character (the paragraph line uses words and punctuation).
STAMP_CHARS = "".join(chr(c) for c in range(32, 127))


@cache
def _stamp_font_program(bold: bool) -> tuple[bytes, dict, list[int]] | None:
    """A subset of DejaVu Sans holding only the characters we stamp, its metrics, and the
    widths of codes 32–126 (WinAnsi), so the stamp's font is embedded as PDF/UA requires."""
    path = STAMP_FONTS[bold]
    if not path.exists():
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports tables it drops ("FFTM NOT subset"); that is expected here.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    font = TTFont(str(path))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=STAMP_CHARS)
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = []
    for code in range(32, 127):
        glyph = cmap.get(code)
        widths.append(round(font["hmtx"][glyph][0] * scale) if glyph else 0)
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    metrics = {
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(hhea.ascent * scale),
        "descent": round(hhea.descent * scale),
        "cap_height": round(getattr(os2, "sCapHeight", hhea.ascent) * scale),
    }
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), metrics, widths


def _stamp_font(pdf: pikepdf.Pdf, bold: bool) -> pikepdf.Object:
    program = _stamp_font_program(bold)
    if program is None:  # no DejaVu on this machine: an unembedded standard font
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name("/Helvetica-Bold" if bold else "/Helvetica"),
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
    data, metrics, widths = program
    name = pikepdf.Name("/PKSTMP+DejaVuSans-Bold" if bold else "/PKSTMP+DejaVuSans")
    font_file = pdf.make_stream(data)
    font_file.Length1 = len(data)
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=name,
            Flags=32,
            FontBBox=metrics["bbox"],
            ItalicAngle=0,
            Ascent=metrics["ascent"],
            Descent=metrics["descent"],
            CapHeight=metrics["cap_height"],
            StemV=120 if bold else 80,
            FontFile2=font_file,
        )
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.TrueType,
            BaseFont=name,
            FirstChar=32,
            LastChar=126,
            Widths=widths,
            Encoding=pikepdf.Name.WinAnsiEncoding,
            FontDescriptor=descriptor,
        )
    )


def _text_width(text: str, size: float, bold: bool) -> float:
    program = _stamp_font_program(bold)
    if program is not None:
        widths = program[2]
        return sum(widths[ord(c) - 32] if 32 <= ord(c) <= 126 else 600 for c in text) * size / 1000
    if bold:
        return sum(278 if c == " " else 722 for c in text) * size / 1000
    helvetica = {" ": 278, "P": 667, "a": 556, "g": 556, "e": 556}
    return sum(helvetica.get(c, 556) for c in text) * size / 1000


def _visible_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    box = page.cropbox
    llx, lly, urx, ury = (float(v) for v in box)
    return min(llx, urx), min(lly, ury), max(llx, urx), max(lly, ury)


def _stamp_ops(
    page: pikepdf.Page, text: str, font: str, *, top: bool, bold: bool, line: int = 0
) -> bytes:
    """Content that draws ``text`` centred at the bottom (or top) edge of the page as seen,
    whatever the page size and /Rotate, marked as a pagination artifact. ``line`` counts lines
    in from the edge (0 is the edge line); a line too wide for the page is set smaller."""
    llx, lly, urx, ury = _visible_box(page)
    rotation = page.rotation % 360
    width, height = urx - llx, ury - lly
    seen_w, seen_h = (height, width) if rotation in (90, 270) else (width, height)
    size = max(6.0, min(10.0, min(seen_w, seen_h) / 62))
    margin = max(10.0, min(seen_w, seen_h) * 0.03)
    text_w = _text_width(text, size, bold)
    if text_w > seen_w - 2 * margin:
        size = max(3.0, size * (seen_w - 2 * margin) / text_w)
        text_w = _text_width(text, size, bold)
    step = max(6.0, min(10.0, min(seen_w, seen_h) / 62)) * 1.3
    # Position in "seen" coordinates (origin bottom-left of the page as displayed).
    sx = (seen_w - text_w) / 2
    sy = seen_h - margin - size - line * step if top else margin + line * step
    # Map seen coordinates to user space for each rotation (the page turns clockwise).
    if rotation == 0:
        a, b, c, d, e, f = 1, 0, 0, 1, llx + sx, lly + sy
    elif rotation == 90:
        a, b, c, d, e, f = 0, 1, -1, 0, urx - sy, lly + sx
    elif rotation == 180:
        a, b, c, d, e, f = -1, 0, 0, -1, urx - sx, ury - sy
    else:  # 270
        a, b, c, d, e, f = 0, -1, 1, 0, llx + sy, ury - sx
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    subtype = "/Header" if top else "/Footer"
    return (
        f"/Artifact <</Type /Pagination /Subtype {subtype}>> BDC q 0 g BT {font} {size:.2f} Tf "
        f"{a} {b} {c} {d} {e:.2f} {f:.2f} Tm ({escaped}) Tj ET Q EMC\n"
    ).encode("latin-1")


def stamp_pages(
    pdf: pikepdf.Pdf, *, first_page: int, not_for_publication: set[int] = frozenset()
) -> None:
    """Stamp "Page N" on every page (and NOT FOR PUBLICATION on the given page indexes)."""
    regular = _stamp_font(pdf, bold=False)
    bold = _stamp_font(pdf, bold=True) if not_for_publication else None
    for index, page in enumerate(pdf.pages):
        ops = b""
        if index in not_for_publication:
            bold_name = page.add_resource(bold, pikepdf.Name.Font, prefix="PackStampB")
            ops += _stamp_ops(page, "NOT FOR PUBLICATION", str(bold_name), top=True, bold=True)
        name = page.add_resource(regular, pikepdf.Name.Font, prefix="PackStamp")
        ops += _stamp_ops(page, f"Page {first_page + index}", str(name), top=False, bold=False)
        # Isolate the page's own graphics state so the stamp lands where we put it.
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"\nQ\n" + ops))


def exempt_paragraph_line(paragraph: int | None) -> str:
    """The Schedule 12A line stamped under NOT FOR PUBLICATION."""
    if not paragraph:
        return "Confidential information: not for publication"
    return (
        f"Exempt information under paragraph {paragraph} of Part 1 of Schedule 12A to the "
        "Local Government Act 1972"
    )


def stamp_exempt_paper(data: bytes, *, paragraph: int | None) -> bytes:
    """``data`` (a PDF) with NOT FOR PUBLICATION and the Schedule 12A paragraph at the head of
    every page, drawn as pagination artifacts so a tagged paper stays tagged."""
    line = exempt_paragraph_line(paragraph)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        bold = _stamp_font(pdf, bold=True)
        regular = _stamp_font(pdf, bold=False)
        for page in pdf.pages:
            bold_name = page.add_resource(bold, pikepdf.Name.Font, prefix="ExemptStampB")
            name = page.add_resource(regular, pikepdf.Name.Font, prefix="ExemptStamp")
            ops = _stamp_ops(page, "NOT FOR PUBLICATION", str(bold_name), top=True, bold=True)
            ops += _stamp_ops(page, line, str(name), top=True, bold=False, line=1)
            page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
            page.contents_add(pdf.make_stream(b"\nQ\n" + ops))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
