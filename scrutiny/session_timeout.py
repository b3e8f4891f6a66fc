"""Warn before a sign-in ends and let the user stay signed in (issue 16, finding 7; WCAG 2.2.1).

A session ends ``SESSION_COOKIE_AGE`` (``SESSION_AGE_MINUTES``) after it was last saved, not
after inactivity: the portal saves it at sign-in and (almost) never again. The deadline is
kept in the session itself (``DEADLINE_KEY``, written whenever the session is saved here, so
it always matches the expiry Django gives the session row and the cookie). Every page a
signed-in user sees carries the seconds left (``includes/session_timeout.html``);
``static/js/session-timeout.mjs`` opens a dialog ``SESSION_WARNING_SECONDS`` (10 minutes)
before the end, and "Stay signed in" POSTs to :class:`SessionExtend`, which saves the session
again: a new deadline ``SESSION_COOKIE_AGE`` from now, as often as the user asks. A form
submitted after the end is not lost: the same script keeps its fields in the tab's
``sessionStorage`` on submit and puts them back after the user signs in again
(docs/hardening.md, "Issue 16").

An officer's or administrator's sign-in lasts as long as the constitution settings say
(issue 21): ``session_seconds(user)``; a changed length applies from the next sign-in or
"Stay signed in".
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views import View

from scrutiny import constitution
from scrutiny.permissions import is_officer

DEADLINE_KEY = "portal_session_deadline"
WARNING_SECONDS = 10 * 60


def warning_seconds() -> int:
    return int(getattr(settings, "SESSION_WARNING_SECONDS", WARNING_SECONDS))


def session_seconds(user=None) -> int:
    """How long a sign-in lasts: for a democracy officer or administrator the constitution's
    setting (issue 21, ``scrutiny.constitution.officer_session_seconds``), for anyone else
    ``SESSION_COOKIE_AGE``."""
    if is_officer(user):
        return constitution.officer_session_seconds()
    return settings.SESSION_COOKIE_AGE


def renew(session, user=None) -> int:
    """Start the session's time again from now; the session is saved at the end of the
    request with the same expiry. Returns the seconds left."""
    seconds = session_seconds(user)
    if seconds != settings.SESSION_COOKIE_AGE or session.get("_session_expiry") is not None:
        # The session row and the cookie end with the deadline (Django's default age is
        # SESSION_COOKIE_AGE, so only an officer's own length needs saying).
        session.set_expiry(seconds)
    session[DEADLINE_KEY] = int(time.time()) + seconds
    return seconds


def on_sign_in(sender, request, user, **kwargs):
    """``user_logged_in``: the deadline starts with the sign-in (the login saves the
    session, so no page has to write it later)."""
    if request is not None and hasattr(request, "session"):
        renew(request.session, user)


def seconds_left(session, user=None) -> int:
    """Seconds until the signed-in session ends. A session with no deadline yet (signed in
    before this was deployed, or just now) is given one: saving it sets the same expiry."""
    deadline = session.get(DEADLINE_KEY)
    if deadline is None:
        return renew(session, user)
    return max(0, int(deadline) - int(time.time()))


class SessionExtend(LoginRequiredMixin, View):
    """GET: the seconds left (another tab may have extended the session). POST (CSRF
    checked): stay signed in, the session's time starts again."""

    raise_exception = False

    def get(self, request):
        return JsonResponse(
            {
                "expires_in": seconds_left(request.session, request.user),
                "warn_before": warning_seconds(),
            }
        )

    def post(self, request):
        return JsonResponse(
            {"expires_in": renew(request.session, request.user), "warn_before": warning_seconds()}
        )
