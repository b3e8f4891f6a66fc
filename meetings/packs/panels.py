"""What the packs app adds to the meetings app's pages (through meetings.extensions)."""

from __future__ import annotations

from scrutiny.permissions import can_view_exempt, is_officer

from .models import Pack, PackBuild, PackKind


def _packs(meeting) -> dict[str, Pack]:
    cache = getattr(meeting, "_packs_by_kind", None)
    if cache is None:
        cache = {p.kind: p for p in Pack.objects.filter(meeting=meeting)}
        meeting._packs_by_kind = cache
    return cache


def meeting_pack_panel(request, meeting):
    """Download links on the public meeting page; the members' pack only for those allowed."""
    if not meeting.is_published:
        return None
    packs = _packs(meeting)
    members = packs.get(PackKind.MEMBERS)
    if members is not None and not can_view_exempt(
        request.user, meeting.committee, on=meeting.date
    ):
        members = None
    building = not packs and PackBuild.objects.filter(meeting=meeting).in_progress().exists()
    if not packs and not building:
        return None
    return (
        "packs/panels/meeting_packs.html",
        {
            "meeting": meeting,
            "public": packs.get(PackKind.PUBLIC),
            "supplementary": packs.get(PackKind.SUPPLEMENTARY),
            "members": members,
            "building": building,
        },
    )


def officer_pack_panel(request, meeting):
    """Build status, last error and a rebuild button on the officer's meeting page."""
    if not is_officer(request.user):
        return None
    builds = list(PackBuild.objects.filter(meeting=meeting).order_by("-created_at", "-pk")[:1])
    return (
        "packs/panels/officer_meeting_packs.html",
        {
            "meeting": meeting,
            "packs": sorted(_packs(meeting).values(), key=lambda p: p.kind),
            "latest": builds[0] if builds else None,
            "last_failure": PackBuild.objects.filter(meeting=meeting, status="failed").first(),
        },
    )


def item_page_notes(request, meeting) -> dict[int, list[str]]:
    """ "Pages 9–18" under each agenda item, from the last good public (and supplementary) pack."""
    if not meeting.is_published:
        return {}
    notes: dict[int, list[str]] = {}
    packs = _packs(meeting)
    for kind, prefix in ((PackKind.PUBLIC, ""), (PackKind.SUPPLEMENTARY, "Supplementary pack: ")):
        pack = packs.get(kind)
        if pack is None:
            continue
        for item_id, (first, last) in (pack.contents or {}).get("items", {}).items():
            text = f"page {first}" if first == last else f"pages {first}–{last}"
            text = prefix + text if prefix else text[0].upper() + text[1:]
            notes.setdefault(int(item_id), []).append(text)
    return notes
