"""The installable web app: its manifest, its service worker and signing out (issue 23,
"Offline papers"; docs/meetings.md, "Saved meetings offline").

- ``manifest`` (``/manifest.webmanifest``): name from the council record, the portal's paper
  icon (``static/icons/``, drawn from ``static/favicon.svg``), the site as scope.
- ``service_worker`` (``/sw.js``): ``static/js/sw.js`` served from the site root, so its scope
  is the whole site, as JavaScript and ``no-cache`` (the browser checks for a new worker on
  every visit instead of keeping an old one for up to a day).
- ``SignOut``: Django's ``LogoutView`` plus ``Clear-Site-Data: "cache", "storage"``, so the
  browser deletes every saved copy (members' packs included), the worker and its caches when
  a member signs out. The worker also deletes its private caches when told
  (``static/js/offline.mjs`` on the sign-out button) and whenever the server says they belong
  to someone else (``meetings.packs.offline``).

What is saved, for whom, and the check that removes what a member may no longer read live in
``meetings.packs.offline``: this base app knows no meetings.
"""

from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_safe

from scrutiny.context_processors import current_council

SW_SOURCE = "js/sw.js"


def user_cache_key(user) -> str | None:
    """The opaque name of a signed-in user's private offline cache (``offline-private-<key>``):
    not their id, the same on every device, different for every user. ``None`` for the
    public, who get no private cache."""
    if not user or not user.is_authenticated:
        return None
    return salted_hmac("scrutiny.offline.user-cache", str(user.pk)).hexdigest()[:24]


@require_safe
def manifest(request):
    council = current_council()
    short = council.short_name or council.name
    data = {
        "name": f"{council.name} committee papers",
        "short_name": f"{short} papers"[:30],
        "description": f"Agendas, papers and minutes of {council.name}'s committees, "
        "with meetings saved to read offline.",
        "id": "/",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "lang": "en-GB",
        "theme_color": council.brand_colour_css,  # as base.html's theme-color
        "background_color": "#ffffff",
        "icons": [
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _worker_source() -> bytes:
    path = finders.find(SW_SOURCE)
    if path is None:  # collected only (no source tree): read the collected copy
        from django.contrib.staticfiles.storage import staticfiles_storage

        with staticfiles_storage.open(SW_SOURCE) as handle:
            return handle.read()
    with open(path, "rb") as handle:
        return handle.read()


@require_safe
def service_worker(request):
    try:
        body = _worker_source()
    except (FileNotFoundError, OSError) as exc:  # a broken deployment: say so, not a 500
        raise Http404("The service worker is missing.") from exc
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Its own scope ("/"): allowed without the header, sent so a move of the URL fails loudly.
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


class SignOut(LogoutView):
    """Sign out, and have the browser delete what this site stored on the device."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
