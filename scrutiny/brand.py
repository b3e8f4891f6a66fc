"""The council's brand, checked: colour contrast and the logo.

- **Colour.** White text sits on the brand colour (header, notification banners), so a colour
  is accepted only when white on it meets WCAG 2.2's 4.5:1 for normal text (1.4.3). A refused
  colour comes with the lightest darker shade of it that passes (``suggest_darker``). The
  stylesheet ``/brand.css`` carries the colour and two shades derived from it (``shades``).
- **Logo.** An SVG or a PNG of at most ``MAX_LOGO_BYTES``. A PNG must carry the PNG signature
  and decode with Pillow; it is written again by Pillow, which drops every text and metadata
  chunk. An SVG is parsed with defusedxml (no DTD, no entities) and rebuilt from an allow-list
  of SVG elements and attributes: scripts, event handlers (``on…``), ``foreignObject``,
  ``<image>``, links, every ``href`` not starting with ``#``, every ``url(…)`` that is not a
  local ``url(#id)`` and every ``@import`` are dropped. No package cleans SVG the way nh3
  cleans HTML, so this allow-list is the cleaner; ``tests/brand/test_logo.py`` attacks it.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only to build and write; parsing is defusedxml
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 200 * 1024
MAX_LOGO_PIXELS = 4000 * 4000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# ---------------------------------------------------------------- colour


def parse_colour(value: str) -> str:
    """``#rrggbb`` in lower case (``#abc`` is widened), or a ValidationError."""
    value = (value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if not HEX_COLOUR.match(value):
        raise ValidationError("Enter the colour as a hex code, like #00594f.", code="format")
    return value.lower()


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def white_contrast(colour: str) -> float:
    return contrast_ratio("#ffffff", colour)


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0..1) of ``other`` mixed in."""
    return _hex(a + (b - a) * share for a, b in zip(_rgb(colour), _rgb(other), strict=True))


def suggest_darker(colour: str) -> str:
    """The lightest shade of ``colour`` (mixed with black, in steps of 1%) on which white text
    meets 4.5:1. Black always does, so there is always an answer."""
    for step in range(0, 101):
        shade = _mix(colour, "#000000", step / 100)
        if white_contrast(shade) >= MIN_CONTRAST:
            return shade
    return "#000000"  # pragma: no cover - mixing 100% black is black, which passes


def check_brand_colour(value: str) -> str:
    colour = parse_colour(value)
    ratio = white_contrast(colour)
    if ratio < MIN_CONTRAST:
        suggestion = suggest_darker(colour)
        raise ValidationError(
            f"White text on {colour} has a contrast of {ratio:.2f}:1; it must be at least "
            f"4.5:1 so the header stays readable. Try the darker shade {suggestion} "
            f"(contrast {white_contrast(suggestion):.2f}:1).",
            code="contrast",
            params={"suggestion": suggestion},
        )
    return colour


@dataclass(frozen=True)
class Shades:
    colour: str
    dark: str  # the header's bottom border
    light: str  # a pale tint for backgrounds behind brand-coloured text

    def css(self) -> str:
        return (
            ":root{"
            f"--brand-colour:{self.colour};"
            f"--brand-colour-dark:{self.dark};"
            f"--brand-colour-light:{self.light}"
            "}\n"
        )


def shades(colour: str) -> Shades:
    colour = parse_colour(colour)
    return Shades(
        colour=colour, dark=_mix(colour, "#000000", 0.3), light=_mix(colour, "#ffffff", 0.9)
    )


# ---------------------------------------------------------------- logo

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "style",
    ]
)
SVG_ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "style",
        "transform",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "d",
        "points",
        "pathLength",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "color",
        "display",
        "visibility",
        "clip-path",
        "clip-rule",
        "mask",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "patternUnits",
        "patternTransform",
        "patternContentUnits",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "word-spacing",
        "dx",
        "dy",
        "role",
        "aria-label",
        "aria-hidden",
        "version",
        "focusable",
    ]
)
HREF_ATTRIBUTES = frozenset({"href", f"{{{XLINK_NS}}}href"})
URL_IN_VALUE = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
UNSAFE_CSS = re.compile(r"@import|expression\s*\(|javascript:|\\|behavior\s*:|-moz-binding", re.I)
# A quoted string that looks like an address: CSS loads strings as images without ``url()``
# (``image-set("https://…" 1x)``), so no string in a style may hold a ``/`` or a ``:``.
ADDRESS_STRING = re.compile(r"(['\"])[^'\"]*[/:][^'\"]*\1")
# Deeper nesting than this is no logo: it is refused instead of exhausting Python's stack.
MAX_SVG_DEPTH = 50


def _value_is_safe(value: str) -> bool:
    if UNSAFE_CSS.search(value) or ADDRESS_STRING.search(value):
        return False
    return all(target.startswith("#") for _, target in URL_IN_VALUE.findall(value))


def _clean_element(source, target, depth: int = 0) -> None:
    if depth > MAX_SVG_DEPTH:
        raise ValidationError(
            f"The logo SVG nests its elements more than {MAX_SVG_DEPTH} deep; simplify it "
            "(for example, ungroup its layers) and upload it again.",
            code="svg",
        )
    for name, value in source.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if name in HREF_ATTRIBUTES:
            if value.strip().startswith("#") and _value_is_safe(value):
                target.set(f"{{{XLINK_NS}}}href" if name.startswith("{") else "href", value.strip())
            continue
        if name.startswith("{") and not name.startswith(f"{{{XML_NS}}}"):
            continue  # another vocabulary's attribute (Inkscape, Sodipodi…)
        if local.lower().startswith("on") or local not in SVG_ATTRIBUTES:
            continue
        if _value_is_safe(value):
            target.set(local, value)
    for child in source:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag.startswith(f"{{{SVG_NS}}}"):
            continue  # comments, processing instructions, other namespaces
        local = tag[len(SVG_NS) + 2 :]
        if local not in SVG_ELEMENTS:
            continue  # script, foreignObject, image, a, animate, set, …
        if local == "use" and not any(
            v.strip().startswith("#") for k, v in child.attrib.items() if k in HREF_ATTRIBUTES
        ):
            continue  # a <use> of another document
        if local == "style" and not _value_is_safe(child.text or ""):
            continue
        element = ET.SubElement(target, f"{{{SVG_NS}}}{local}")
        element.text = (
            child.text if local in ("style", "text", "tspan", "textPath", "title", "desc") else None
        )
        element.tail = child.tail
        _clean_element(child, element, depth + 1)


def clean_svg(data: bytes) -> bytes:
    """The SVG rebuilt from the allow-list, or a ValidationError when it is not an SVG."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ValidationError(
            "The logo could not be read as an SVG file (it is not well-formed XML, or it "
            "declares a DTD or entities).",
            code="svg",
        ) from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError("The logo file is not an SVG image (no <svg> root).", code="svg")
    clean = ET.Element(f"{{{SVG_NS}}}svg")
    _clean_element(root, clean)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(clean, encoding="utf-8", xml_declaration=True)


def clean_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise ValidationError(
            "The logo is not a PNG file (its PNG signature is missing).", code="png"
        )
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValidationError("The logo is not a PNG file.", code="png")
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise ValidationError(
                    "The logo is too large: at most 4000 × 4000 pixels.", code="png"
                )
            image.load()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)  # no text or metadata chunks
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise ValidationError(
            "The logo PNG file is damaged and could not be read.", code="png"
        ) from exc
    return out.getvalue()


def clean_logo(filename: str, data: bytes) -> tuple[str, bytes]:
    """``(extension, cleaned bytes)`` for an uploaded logo, or a ValidationError."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo file is {len(data) // 1024} KB; it must be {MAX_LOGO_BYTES // 1024} KB "
            "or smaller.",
            code="size",
        )
    if data.startswith(PNG_SIGNATURE):
        return "png", clean_png(data)
    if filename.lower().endswith(".png"):
        return "png", clean_png(data)  # raises: a .png without the signature
    if filename.lower().endswith(".svg") or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>"):
        return "svg", clean_svg(data)
    raise ValidationError("Upload the logo as an SVG or PNG file.", code="type")
