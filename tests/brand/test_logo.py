"""The logo: a PNG must be a PNG; an SVG is rebuilt from an allow-list that drops scripts,
event handlers, foreign objects and every external reference."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from scrutiny import brand
from tests.brand.helpers import SVG_LOGO, png_logo

ATTACKS = {
    "script": b'<script>alert("SVGCANARY")</script>',
    "handler": b'<rect width="5" height="5" onload="alert(\'SVGCANARY\')" onclick="x()"/>',
    "foreign": b"<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>SVGCANARY</div>"
    b"</foreignObject>",
    "image": b'<image href="https://evil.example/SVGCANARY.png" width="10" height="10"/>',
    "xlink image": b'<image xlink:href="https://evil.example/SVGCANARY.png"/>',
    "external use": b'<use href="https://evil.example/sprite.svg#SVGCANARY"/>',
    "external xlink use": b'<use xlink:href="other.svg#SVGCANARY"/>',
    "link": b'<a href="javascript:alert(1)"><text>SVGCANARY</text></a>',
    "url in style": b'<rect style="fill:url(https://evil.example/SVGCANARY)"/>',
    "url in fill": b'<rect fill="url(https://evil.example/SVGCANARY#g)"/>',
    "import in style element": b'<style>@import url("https://evil.example/SVGCANARY.css");</style>',
    "url in style element": b"<style>rect{fill:url(//evil.example/SVGCANARY)}</style>",
    "animate": b'<animate attributeName="href" to="javascript:SVGCANARY"/>',
    "set": b'<set attributeName="onmouseover" to="SVGCANARY"/>',
    "other namespace": b'<x:thing xmlns:x="urn:x">SVGCANARY</x:thing>',
    "javascript href": b'<use href="javascript:SVGCANARY"/>',
    "escaped css": b'<rect style="fill:u\\72l(https://evil.example/SVGCANARY)"/>',
}


def svg(body: bytes) -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'viewBox="0 0 10 10">' + body + b'<circle cx="5" cy="5" r="4" fill="#123456"/></svg>'
    )


@pytest.mark.parametrize("name", list(ATTACKS))
def test_every_attack_is_removed_and_the_drawing_kept(name):
    extension, cleaned = brand.clean_logo("logo.svg", svg(ATTACKS[name]))
    assert extension == "svg"
    assert b"SVGCANARY" not in cleaned
    for word in (
        b"script",
        b"onload",
        b"onclick",
        b"foreignObject",
        b"evil.example",
        b"javascript",
    ):
        assert word not in cleaned, (name, cleaned)
    assert b'fill="#123456"' in cleaned  # the harmless circle stays


def test_local_references_and_gradients_stay():
    source = svg(
        b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        b'<path id="p" d="M0 0h5v5z"/></defs><use href="#p"/><use xlink:href="#p"/>'
        b'<rect fill="url(#g)" width="5" height="5"/><text x="1" y="8">Kirklees</text>'
    )
    _, cleaned = brand.clean_logo("logo.svg", source)
    assert b'href="#p"' in cleaned
    assert b'fill="url(#g)"' in cleaned
    assert b"Kirklees" in cleaned
    assert b"linearGradient" in cleaned


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e "x">]><svg xmlns="http://www.w3.org/2000/svg">&e;</svg>',
        b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
        b"<html xmlns='http://www.w3.org/1999/xhtml'></html>",
        b"<svg><rect/></svg>",  # no SVG namespace: not an SVG document
    ],
)
def test_entities_broken_xml_and_other_documents_are_refused(data):
    with pytest.raises(ValidationError):
        brand.clean_logo("logo.svg", data)


def test_a_plain_svg_logo_survives():
    _, cleaned = brand.clean_logo("logo.svg", SVG_LOGO)
    assert cleaned.startswith(b"<?xml") and b"<title>Logo</title>" in cleaned


def test_a_png_is_checked_and_written_again():
    extension, cleaned = brand.clean_logo("logo.png", png_logo())
    assert extension == "png" and cleaned.startswith(brand.PNG_SIGNATURE)


def test_a_png_carrying_text_chunks_loses_them():
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "PNGCANARY")
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG", pnginfo=info)
    assert b"PNGCANARY" in out.getvalue()
    _, cleaned = brand.clean_logo("logo.png", out.getvalue())
    assert b"PNGCANARY" not in cleaned


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.png", b"GIF89a" + b"\0" * 20, "PNG signature"),
        ("logo.png", brand.PNG_SIGNATURE + b"garbage" * 10, "damaged"),
        ("logo.gif", b"GIF89a" + b"\0" * 20, "SVG or PNG"),
        ("logo.svg", b"<svg>" + b" " * (brand.MAX_LOGO_BYTES + 1), "KB or smaller"),
    ],
)
def test_wrong_damaged_and_oversized_files_are_refused_with_a_reason(name, data, message):
    with pytest.raises(ValidationError, match=message):
        brand.clean_logo(name, data)
