"""Reading built packs back for assertions."""

from __future__ import annotations

import re

import pikepdf
import pypdf

from meetings.packs import services
from meetings.packs.models import BuildStatus, Pack, PackBuild


def build(meeting, *, force: bool = False) -> PackBuild | None:
    """Queue a build (runs immediately in tests) and return it refreshed."""
    result = services.request_build(meeting=meeting, reason="test", force=force)
    if result is not None:
        result.refresh_from_db()
    return result


def ok_build(meeting, **kwargs) -> PackBuild:
    result = build(meeting, **kwargs)
    assert result is not None
    assert result.status == BuildStatus.OK, result.error
    return result


def pack(meeting, kind: str = "public") -> Pack:
    return Pack.objects.get(meeting=meeting, kind=kind)


def texts(path) -> list[str]:
    reader = pypdf.PdfReader(path)
    return [page.extract_text() for page in reader.pages]


def stamped_number(text: str) -> int | None:
    found = re.findall(r"Page (\d+)\s*$", text.strip())
    return int(found[-1]) if found else None


def all_decoded_bytes(path) -> bytes:
    """Every stream (decoded where possible) and every dictionary of the file, as bytes."""
    out = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    out.append(obj.read_bytes())
                except pikepdf.PdfError:
                    out.append(obj.read_raw_bytes())
                out.append(repr(obj.stream_dict).encode("utf-8", "replace"))
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.String):
                out.append(repr(obj).encode("utf-8", "replace"))
        out.append(repr(pdf.docinfo).encode("utf-8", "replace"))
    return b"\n".join(out)
