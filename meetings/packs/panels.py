"""What the packs app adds to the meetings app's pages (through meetings.extensions)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from scrutiny import visibility
from scrutiny.permissions import can_view_exempt, is_officer

from . import services
from .models import (
    MAX_ATTEMPTS,
    BuildStatus,
    Pack,
    PackBuild,
    PackKind,
    PackPages,
    in_progress_q,
)


def _packs(meeting) -> dict[str, Pack]:
    """The meeting's packs that may be offered: the members' pack, and the public ones only
    while everything they show is public now (``services.is_public_now``)."""
    cache = getattr(meeting, "_packs_by_kind", None)
    if cache is None:
        cache, withdrawn = {}, []
        now = None
        for pack in Pack.objects.filter(meeting=meeting):
            if pack.kind in services.PUBLIC_KINDS:
                now = now or services.public_now(meeting)
                if not services.is_public_now(pack, now):
                    withdrawn.append(pack.kind)
                    continue
            cache[pack.kind] = pack
        meeting._packs_by_kind = cache
        meeting._packs_withdrawn = withdrawn
    return cache


def untagged_papers(*packs) -> list[dict]:
    """The uploaded papers the offered packs hold that are not tagged (``Pack.contents``,
    written by the builder), each once: title and document id, for links to their HTML
    versions. Only packs the reader is offered are passed, so only papers they may read."""
    seen: dict[int, dict] = {}
    for pack in packs:
        if pack is None:
            continue
        for paper in (pack.contents or {}).get("untagged", []):
            seen.setdefault(paper["document"], paper)
    return list(seen.values())


def meeting_pack_panel(request, meeting):
    """Download links on the public meeting page; the members' pack only for those allowed.
    Without a public pack it says why: being prepared, being updated (a pack was withdrawn),
    or plainly that there is no pack yet."""
    if not meeting.is_published:
        return None
    packs = _packs(meeting)
    members = packs.get(PackKind.MEMBERS)
    if members is not None and not can_view_exempt(
        request.user, meeting.committee, on=meeting.date
    ):
        members = None
    public = packs.get(PackKind.PUBLIC)
    # One query for both: is a build in progress, has one ever succeeded.
    counts = PackBuild.objects.filter(meeting=meeting).aggregate(
        building=Count("pk", filter=in_progress_q()),
        built=Count("pk", filter=Q(status=BuildStatus.OK)),
        ever=Count("pk"),
    )
    building = counts["building"] > 0
    withdrawn = bool(meeting._packs_withdrawn)
    # "Updated" once a pack has existed (one was built, or one was just withdrawn).
    updating = withdrawn or counts["built"] > 0
    return (
        "packs/panels/meeting_packs.html",
        {
            "untagged": untagged_papers(public, packs.get(PackKind.SUPPLEMENTARY), members),
            "meeting": meeting,
            "public": public,
            "supplementary": packs.get(PackKind.SUPPLEMENTARY),
            "members": members,
            "building": building,
            "updating": updating,
            "withdrawn": withdrawn,
            # A held meeting brought in by an import: its pack is built when first asked
            # for (services.deferred_to_demand), so the page offers it.
            "on_demand": (not packs and counts["ever"] == 0 and meeting.start < timezone.now()),
        },
    )


def meeting_pack_links(request, meetings):
    """ "Download the agenda pack" for each meeting summarised elsewhere (the committee and
    home pages), one query for all: the public pack of a published meeting. A pack that shows
    something no longer public is deleted when that change commits
    (``services.withdraw_unpublishable``), and the download re-checks it."""
    published = [m.pk for m in meetings if m.is_published]
    packs = Pack.objects.filter(meeting_id__in=published, kind=PackKind.PUBLIC)
    return {
        pack.meeting_id: [
            ("Download the agenda pack (PDF)", reverse("meeting-pack", args=[pack.meeting_id]))
        ]
        for pack in packs.only("pk", "meeting_id")
    }


def officer_pack_panel(request, meeting):
    """Build status, last error and a rebuild button on the officer's meeting page."""
    if not is_officer(request.user):
        return None
    builds = list(PackBuild.objects.filter(meeting=meeting).order_by("-created_at", "-pk")[:1])
    packs = _packs(meeting)
    return (
        "packs/panels/officer_meeting_packs.html",
        {
            "meeting": meeting,
            "packs": sorted(packs.values(), key=lambda p: p.kind),
            "published": [p for p in packs.values() if p.kind in services.PUBLIC_KINDS],
            "withdrawn": [PackKind(k).label for k in meeting._packs_withdrawn],
            "latest": builds[0] if builds else None,
            "last_failure": PackBuild.objects.filter(meeting=meeting, status="failed").first(),
            "max_attempts": MAX_ATTEMPTS,
        },
    )


def _page_link(pages: PackPages, label: str, described: str):
    """ "Pages 5–7" linking into the pack at its page 5 (``PackPages``: the same range and
    ``#page=N`` as /my/ gives a late paper)."""
    text = f"{label}{pages.text}" if label else pages.text[0].upper() + pages.text[1:]
    return format_html(
        '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> of {}</span></a>',
        pages.url,
        text,
        described,
    )


def item_page_notes(request, meeting) -> dict[int, list[str]]:
    """ "Pages 9–18" under each agenda item, from the last good public (and supplementary) pack,
    each a link into the pack at that page (issue 23 finding 2). Members of the committee (and
    officers) also get the exempt items' pages in the members' pack."""
    if not meeting.is_published:
        return {}
    notes: dict[int, list[str]] = {}
    packs = _packs(meeting)
    for kind, label, described in (
        (PackKind.PUBLIC, "", "the agenda pack"),
        (PackKind.SUPPLEMENTARY, "Supplementary pack: ", "the supplementary agenda pack"),
    ):
        pack = packs.get(kind)
        if pack is None:
            continue
        for item_id in (pack.contents or {}).get("items", {}):
            pages = pack.pages_of(item_id=int(item_id))
            notes.setdefault(int(item_id), []).append(_page_link(pages, label, described))
    members = packs.get(PackKind.MEMBERS)
    user = getattr(request, "user", None)
    if members is not None and user and can_view_exempt(user, meeting.committee, on=meeting.date):
        from meetings.models import AgendaItem

        private = set(
            AgendaItem.all_objects.filter(visibility.item_private(), meeting=meeting).values_list(
                "pk", flat=True
            )
        )
        for item_id in (members.contents or {}).get("items", {}):
            if int(item_id) in private:
                pages = members.pages_of(item_id=int(item_id))
                notes.setdefault(int(item_id), []).append(
                    _page_link(pages, "Members' pack: ", "the members' pack")
                )
    return notes


def supplementary_pages(meeting, paper, *, members: bool = False) -> PackPages | None:
    """Where a late paper sits in the meeting's supplementary pack as offered to the public
    now (``_packs``), for /my/'s "what changed" (``meetings.extensions.paper_pages``): the
    same pages and ``#page`` as the meeting page's link under its item.

    ``members``: a late paper of an exempt or confidential item is in no public pack, only
    in the members' pack; the caller asks for it only for a reader who may see the change
    (/my/ lists a private change only to them)."""
    pack = _packs(meeting).get(PackKind.MEMBERS if members else PackKind.SUPPLEMENTARY)
    return pack.pages_of(paper=paper) if pack is not None else None


STATEMENT_LIMIT = 200


def untagged_papers_panel(request):
    """For the accessibility statement: the public uploaded papers that are not tagged PDFs
    (``Document.is_tagged``), newest meeting first, each with its HTML version; read only
    through the public manager (``Document.objects``, ``scrutiny.visibility``)."""
    from meetings.models import Document

    papers = (
        Document.objects.filter(is_tagged=False)
        .select_related("agenda_item__meeting__committee")
        .only(
            "pk",
            "title",
            "agenda_item__number",
            "agenda_item__meeting__start",
            "agenda_item__meeting__committee__name",
        )
        .order_by("-agenda_item__meeting__start", "agenda_item__order", "order", "pk")
    )
    total = papers.count()
    if not total:
        # Nothing to list: the statement must be able to say "fully compliant".
        return None
    return (
        "packs/panels/statement_untagged.html",
        {"papers": list(papers[:STATEMENT_LIMIT]), "total": total, "limit": STATEMENT_LIMIT},
    )
