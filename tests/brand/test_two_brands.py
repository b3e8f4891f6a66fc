"""Issue 21 item 3: the same portal under two councils' brands. Each brand's name, logo and
colour reach the pages (through /brand.css, no inline style), the agenda pack's front sheet and
the minutes PDF (read back with pypdf and pikepdf), and white on each colour meets 4.5:1."""

from __future__ import annotations

import io
import re

import pikepdf
import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from meetings.minutes import services as minutes_services
from scrutiny import brand
from scrutiny.council import LogoUpload, save_council
from scrutiny.models import Council
from tests.brand.helpers import png_logo
from tests.factories import make_user
from tests.factories.minutes import make_meeting_with_items
from tests.factories.packs import make_pack_meeting
from tests.packs.helpers import ok_build, pack

pytestmark = pytest.mark.django_db


def svg_logo(word: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 40" width="200" height="40">'
        f'<rect width="200" height="40" fill="#ffffff"/><text x="4" y="28" font-size="20" '
        f'fill="#0b0c0c">{word}</text></svg>'
    ).encode()


BRANDS = {
    "svg": {
        "name": "Borsetshire County Council",
        "short_name": "Borsetshire",
        "brand_colour": "#5c2d91",
        "logo": LogoUpload("logo.svg", svg_logo("BORSETLOGOWORD")),
        "logo_alt": "Borsetshire County Council logo",
    },
    "png": {
        "name": "Ambridge Borough Council",
        "short_name": "Ambridge",
        "brand_colour": "#8b1a1a",
        "logo": LogoUpload("logo.png", png_logo((10, 120, 200), (96, 32))),
        "logo_alt": "Ambridge Borough Council",
    },
}


@pytest.fixture(params=list(BRANDS))
def branded(request):
    spec = dict(BRANDS[request.param])
    council = save_council(
        by=make_user("admin"),
        address="The Council Offices\nBO1 1AA",
        **spec,
    )
    return request.param, council


def colour_triples(data: bytes) -> set[tuple[int, int, int]]:
    """Every RGB colour set in a content stream (``r g b rg`` / ``RG``), as 0–255 values."""
    found = set()
    number = rb"(\d*\.?\d+)"
    for match in re.finditer(
        number + rb"\s+" + number + rb"\s+" + number + rb"\s+(?:rg|RG)\b", data
    ):
        found.add(tuple(round(float(v) * 255) for v in match.groups()))
    return found


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def page_shows(pdf_bytes: bytes, page_index: int, council: Council, kind: str) -> None:
    text = pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[page_index].extract_text()
    assert council.name in text
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[page_index]
        streams = b"".join(
            c.read_bytes()
            for c in (
                [page.Contents] if isinstance(page.Contents, pikepdf.Stream) else page.Contents
            )
        )
        xobjects = page.Resources.get("/XObject", {})
        inner = b""
        images = []
        for _, obj in xobjects.items():
            if obj.get("/Subtype") == "/Image":
                images.append((int(obj.Width), int(obj.Height)))
            else:
                inner += obj.read_bytes()
                for _, sub in obj.get("/Resources", {}).get("/XObject", {}).items():
                    if sub.get("/Subtype") == "/Image":
                        images.append((int(sub.Width), int(sub.Height)))
        everything = streams + inner
        colours = colour_triples(everything)
        assert any(
            all(abs(a - b) <= 1 for a, b in zip(c, rgb(council.brand_colour), strict=True))
            for c in colours
        ), (council.brand_colour, sorted(colours)[:20])
        if kind == "png":
            assert (96, 32) in images, images
        else:
            assert "BORSETLOGOWORD" in text  # the SVG's drawing, text included, is on the page


def test_pages_carry_the_brand_through_the_stylesheet(branded):
    kind, council = branded
    client = Client()
    page = client.get(reverse("home")).content.decode()
    assert council.name in page
    assert f'<img src="{council.logo_path}" alt="{council.logo_alt}"' in page
    head = page.split("<body", 1)[0]
    assert 'style="' not in page and "<style" not in head  # no inline style: CSP unchanged
    css_url = re.search(r'href="(/brand\.css\?v=[0-9a-f]+)"', page).group(1)
    css = client.get(css_url).content.decode()
    assert f"--brand-colour:{council.brand_colour}" in css
    assert client.get(council.logo_path).status_code == 200
    assert brand.white_contrast(council.brand_colour) >= 4.5
    dark = re.search(r"--brand-colour-dark:(#[0-9a-f]{6})", css).group(1)
    assert brand.white_contrast(dark) > brand.white_contrast(council.brand_colour)


def test_the_pack_front_sheet_carries_name_logo_colour_and_address(branded):
    kind, council = branded
    built = make_pack_meeting()
    ok_build(built.meeting)
    public = pack(built.meeting)
    data = public.path.read_bytes()
    page_shows(data, 0, council, kind)
    front = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "BO1 1AA" in front


def test_the_minutes_pdf_carries_name_logo_and_colour(branded):
    kind, council = branded
    minutes = minutes_services.start_minutes(meeting=make_meeting_with_items(business=1))
    minutes_services.publish_minutes(minutes=minutes)
    response = Client().get(reverse("meeting-minutes-pdf", args=[minutes.meeting.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    page_shows(data, 0, council, kind)


def test_changing_the_brand_changes_what_the_pages_link(branded):
    _, council = branded
    client = Client()
    before = client.get(reverse("home")).content.decode()
    save_council(by=None, brand_colour="#003366")
    after = client.get(reverse("home")).content.decode()
    version = re.compile(r"/brand\.css\?v=([0-9a-f]+)")
    assert version.search(before).group(1) != version.search(after).group(1)
    assert b"--brand-colour:#003366" in client.get(reverse("brand-css")).content
