""" "Page N" sits at the bottom centre of the page as the reader sees it, on any page size and
rotation, without disturbing the page's own content."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest

from meetings.stamping import _text_width, stamp_pages
from tests.factories.meetings import make_pdf_bytes


def _stamped(mediabox=None, rotate=0, landscape=False, first_page=7):
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(1, "Body text", landscape=landscape)))
    page = pdf.pages[0]
    if mediabox:
        page.obj.MediaBox = pikepdf.Array(mediabox)
    if rotate:
        page.obj.Rotate = rotate
    # Leave a transformation in force, as careless producers do: the stamp must not inherit it.
    page.contents_add(pdf.make_stream(b"2 0 0 2 0 0 cm"))
    stamp_pages(pdf, first_page=first_page)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _stamp_matrix(data: bytes):
    """The text matrix of the "Page N" stamp, and the page's visible box and rotation."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        ops = pikepdf.parse_content_stream(page)
        depth = 0
        matrix = None
        for operands, operator in ops:
            op = str(operator)
            if op == "q":
                depth += 1
            elif op == "Q":
                depth -= 1
            elif op == "Tm":
                matrix = [float(v) for v in operands]
                stamp_depth = depth
            elif op == "Tj" and matrix is not None and str(operands[0]).startswith("Page "):
                text = str(operands[0])
                break
        box = [float(v) for v in page.cropbox]
        return matrix, stamp_depth, text, box, page.rotation


def _seen_position(matrix, box, rotation):
    """Where the text origin is on the page as displayed (origin bottom-left), and its
    direction there."""
    a, b, c, d, e, f = matrix
    llx, lly, urx, ury = box
    if rotation == 0:
        return (e - llx, f - lly), (a, b), (urx - llx, ury - lly)
    if rotation == 90:
        return (f - lly, urx - e), (b, -a), (ury - lly, urx - llx)
    if rotation == 180:
        return (urx - e, ury - f), (-a, -b), (urx - llx, ury - lly)
    return (ury - f, e - llx), (-b, a), (ury - lly, urx - llx)


@pytest.mark.parametrize(
    ("mediabox", "rotate", "landscape"),
    [
        (None, 0, False),  # A4 portrait
        (None, 0, True),  # A4 landscape
        ([0, 0, 612, 792], 0, False),  # US Letter
        ([100, 50, 942, 1241], 0, False),  # A3 with an offset origin
        (None, 90, False),  # portrait page shown landscape
        (None, 180, False),
        (None, 270, False),
        ([0, 0, 300, 420], 0, False),  # A6-ish: smaller type
    ],
)
def test_page_number_is_bottom_centre_as_seen(mediabox, rotate, landscape):
    data = _stamped(mediabox, rotate, landscape)
    matrix, depth, text, box, rotation = _stamp_matrix(data)
    assert text == "Page 7"
    assert depth == 1, "the stamp is drawn outside the page's own (isolated) graphics state"
    (x, y), direction, (seen_w, seen_h) = _seen_position(matrix, box, rotation)
    assert direction == (1, 0), "text reads left to right for the reader"
    size = max(6.0, min(10.0, min(seen_w, seen_h) / 62))
    centre = x + _text_width("Page 7", size, bold=False) / 2
    assert abs(centre - seen_w / 2) < 1
    assert 8 <= y <= 40
    # And a text extractor finds it.
    assert "Page 7" in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_stamp_is_an_artifact():
    data = _stamped()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    assert "BDC" in ops and "EMC" in ops
    assert ops.index("BDC") < ops.index("Tm") < ops.index("EMC")
