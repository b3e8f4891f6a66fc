"""Logos for the brand tests: a real PNG made by Pillow, a plain SVG."""

from __future__ import annotations

import io

from PIL import Image


def png_logo(colour=(200, 30, 40), size=(120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
    b'<title>Logo</title><rect width="120" height="40" fill="#ffffff"/>'
    b'<circle cx="20" cy="20" r="12" fill="#0b0c0c"/></svg>'
)
