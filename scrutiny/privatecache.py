"""No browser or proxy keeps a page made for a signed-in user (issue 13 finding 10).

``PrivateResponseMiddleware`` gives ``Cache-Control: private, no-store`` to every response that
may depend on who asked:

- the request carries a session cookie (a signed-in user always does; so does anyone whose
  session holds data), or
- the view used a session that holds data (sign-in itself, which creates the session), or
- the user was looked up and is signed in (whatever authenticated them).

So the members' views of exempt reports, meetings and minutes, exempt document downloads, the
members' actions CSV and every officer page are never stored by a browser's disk cache or a
shared proxy, whatever the view itself said. A header that already says ``private`` and
``no-store`` is kept as it is (``never_cache``); otherwise ``public``, ``max-age`` and the like
are dropped and ``private, no-store`` added.

Anonymous visitors send no session cookie and their (empty) session is not "used" even when a
template asks whether they are signed in, so their public pages keep their own headers and stay
in the anonymous page cache (``scrutiny.cache``), which never stores such requests anyway.

It sits after ``SessionMiddleware`` and ``AuthenticationMiddleware``: on the way out it sees the
response before the session middleware saves the session.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

REQUIRED = ("private", "no-store")
# Directives that would let a cache keep (or share) the response: replaced.
LOOSER = {"public", "max-age", "s-maxage", "immutable", "stale-while-revalidate", "stale-if-error"}


def is_personal(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    if session is not None and session.accessed and not session.is_empty():
        return True
    # Only if the user was already looked up (looking it up here would cost a query).
    user = getattr(request, "_cached_user", None)
    return bool(user is not None and user.is_authenticated)


def make_private(response: HttpResponseBase) -> None:
    directives = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
    names = {d.split("=", 1)[0].strip().lower() for d in directives}
    if all(word in names for word in REQUIRED):
        return  # already as strict (no-store overrides any max-age)
    kept = [d for d in directives if d.split("=", 1)[0].strip().lower() not in LOOSER]
    for word in REQUIRED:
        if word not in names:
            kept.append(word)
    response["Cache-Control"] = ", ".join(kept)
    if "Expires" in response:
        del response["Expires"]


class PrivateResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_personal(request):
            make_private(response)
        return response
