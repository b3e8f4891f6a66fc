"""Meetings saved to read offline (issue 23, "Offline papers"; docs/meetings.md).

The service worker (``static/js/sw.js``, served by ``scrutiny.offline``) saves a meeting only
when someone presses "Save for offline". What it saves is decided here, by the server, for the
person asking:

- ``offline_plan(user, meeting)``: the meeting's page, its public and supplementary packs
  while they are public now (``services.is_public_now``), and the members' pack for those who
  may read it (``can_view_exempt``, the members' pack view's own rule) while it holds only
  issued papers. Each address says whether its saved copy holds members-only content
  (``members``): the members' pack, and the meeting page of someone who sees exempt papers
  on it. ``version`` changes when the meeting or any pack in the plan changes (the packs'
  ETags), so a page can say "A newer version is available".
- ``user``: the opaque name of the signed-in user's private cache
  (``scrutiny.offline.user_cache_key``), or ``None`` for the public. The worker keeps what a
  signed-in user saves in ``offline-private-<user>`` and what the public saves in
  ``offline-public``; for the public it refuses any response marked ``private`` or
  ``no-store``, whatever the plan says.
- ``offline_check``: the worker asks, each time the app starts online, which of the addresses
  in its private caches the signed-in user may still read (``u=`` saved without, ``m=`` saved
  with members-only content). It deletes the rest, and every private cache that is not the
  current user's: so a member whose membership ended, or who signed out on another tab, or
  whose device someone else signs in to, keeps nothing they may no longer read.

Nothing here serves a paper: the worker fetches the ordinary views (the members' pack view
logs every read), so every permission check, stamp and withdrawal still applies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from meetings import selectors
from meetings.models import Meeting
from scrutiny.offline import user_cache_key
from scrutiny.permissions import can_view_exempt

from . import services
from .models import PackKind
from .panels import _packs

# The views whose addresses may be saved, each with the meeting in its ``pk``.
MEETING_URL_NAMES = ("meeting-detail", "meeting-pack", "meeting-supplementary-pack")
MEMBERS_URL_NAMES = ("meeting-members-pack",)
# More addresses than five meetings' worth in one check are not from the worker.
MAX_CHECKED = 200
UPCOMING_ON_MY_PAGE = 5


@dataclass
class OfflinePlan:
    meeting: Meeting
    user: str | None
    members: bool
    urls: list[dict] = field(default_factory=list)
    version: str = ""

    def as_json(self) -> dict:
        return {
            "meeting": self.meeting.pk,
            "title": str(self.meeting),
            "user": self.user,
            "members": self.members,
            "version": self.version,
            "urls": self.urls,
        }


def offline_plan(user, meeting: Meeting) -> OfflinePlan:
    """What ``user`` may save of the published ``meeting`` now."""
    sees_exempt = selectors.viewer_sees_exempt(user, meeting)
    plan = OfflinePlan(meeting=meeting, user=user_cache_key(user), members=sees_exempt)
    stamps = [f"meeting={meeting.modified_at:%Y%m%dT%H%M%S.%f}"]
    if meeting.papers_changed_at:
        stamps.append(f"papers={meeting.papers_changed_at:%Y%m%dT%H%M%S.%f}")

    def add(url: str, *, members: bool, etag: str = "") -> None:
        plan.urls.append({"url": url, "members": members})
        stamps.append(f"{url}={etag}")

    add(meeting.get_absolute_url(), members=sees_exempt)
    packs = _packs(meeting)  # public packs only while all they show is public now
    for kind, name in (
        (PackKind.PUBLIC, "meeting-pack"),
        (PackKind.SUPPLEMENTARY, "meeting-supplementary-pack"),
    ):
        pack = packs.get(kind)
        if pack is not None:
            add(reverse(name, args=[meeting.pk]), members=False, etag=pack.sha256[:32])
    members_pack = packs.get(PackKind.MEMBERS)
    if (
        members_pack is not None
        and can_view_exempt(user, meeting.committee, on=meeting.date)
        and services.holds_only_issued(members_pack, services.issued_now(meeting))
    ):
        add(
            reverse("meeting-members-pack", args=[meeting.pk]),
            members=True,
            etag=members_pack.sha256[:32],
        )
    plan.version = hashlib.sha256("|".join(stamps).encode()).hexdigest()[:20]
    return plan


def _published_meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)


@require_safe
@never_cache
def offline_meeting(request, pk: int):
    """The plan for "Save for offline" (JSON): what this visitor may save of the meeting."""
    return JsonResponse(offline_plan(request.user, _published_meeting(pk)).as_json())


def _meeting_pk(url: str) -> int | None:
    """The meeting a saved address belongs to, if it is one the worker may save. The worker
    saves paths of this site only: an address with a scheme or a host (``//other.example/…``)
    is none of ours and is never answered as readable."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/"):
        return None
    path = parts.path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name not in MEETING_URL_NAMES + MEMBERS_URL_NAMES:
        return None
    return match.kwargs.get("pk")


@require_safe
@never_cache
def offline_check(request):
    """Which saved addresses may the signed-in user still read? ``u`` addresses were saved
    without members-only content, ``m`` ones with it (the plan's ``members``). The answer
    names the user's cache; the worker deletes every other private cache and every address
    not listed. The public's answer lists nothing: they have no private cache to keep."""
    key = user_cache_key(request.user)
    plain, members = request.GET.getlist("u"), request.GET.getlist("m")
    if len(plain) + len(members) > MAX_CHECKED:
        return JsonResponse({"error": f"At most {MAX_CHECKED} addresses."}, status=400)
    readable: list[str] = []
    if key is not None:
        plans: dict[int, OfflinePlan | None] = {}
        for url, needs_members in [(u, False) for u in plain] + [(m, True) for m in members]:
            pk = _meeting_pk(url)
            if pk is None:
                continue
            if pk not in plans:
                try:
                    plans[pk] = offline_plan(request.user, _published_meeting(pk))
                except Http404:
                    plans[pk] = None
            plan = plans[pk]
            if plan is None:
                continue
            entry = next((e for e in plan.urls if e["url"] == urlsplit(url).path), None)
            if entry is not None and (entry["members"] or not needs_members):
                readable.append(url)
    return JsonResponse({"user": key, "readable": readable})


# -- panels -------------------------------------------------------------------------------------


def meeting_offline_panel(request, meeting):
    """The "Save for offline" panel on the public meeting page (hidden until the script finds
    a browser that can keep it)."""
    if not meeting.is_published:
        return None
    plan = offline_plan(request.user, meeting)
    return ("packs/panels/offline_save.html", {"meeting": meeting, "plan": plan})


def my_offline_panel(request, person):
    """On ``/my/``: "Save for offline" for each of the member's upcoming meetings."""
    if not request.user.is_authenticated:
        return None
    upcoming = selectors.councillor_meetings(request.user, upcoming=True, limit=UPCOMING_ON_MY_PAGE)
    if not upcoming:
        return None
    now = timezone.now()
    rows = [(m, offline_plan(request.user, m)) for m in upcoming if m.start >= now]
    return ("packs/panels/my_offline.html", {"rows": rows})
