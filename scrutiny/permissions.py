"""Who may do what. Views and selectors ask these functions; templates never decide access.

Roles are Django groups (set up by ``scrutiny.roles``):
- the public: anonymous, sees published public material only;
- councillors: a user linked to a ``Person``; sees members-only (exempt) papers of the
  committees they sit on;
- democracy officers: ``scrutiny.manage_business`` (the officer pages) and
  ``scrutiny.view_exempt_all`` (exempt papers of every committee);
- administrators: officers who may also use Django admin and manage logins.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils import timezone

MANAGE = "scrutiny.manage_business"
VIEW_ALL_EXEMPT = "scrutiny.view_exempt_all"


def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MANAGE))


def person_for(user):
    if not user or not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def member_committee_ids(user, on: dt.date | None = None) -> set[int]:
    """Committees the user's person sits on, on ``on`` (default: today) or at any time if None
    is given as ``on`` through ``any_time``."""
    person = person_for(user)
    if person is None:
        return set()
    from scrutiny.models import Membership

    qs = Membership.objects.filter(person=person)
    if on is not None:
        qs = qs.in_force_on(on)
    return set(qs.values_list("committee_id", flat=True))


def can_view_exempt(user, committee, on: dt.date | None = None) -> bool:
    """May ``user`` read exempt papers of ``committee``?

    Officers always may. A councillor or co-optee may when they are a member of the
    committee on the meeting's date (``on``) or today: a member who joined after a
    meeting may read its papers, one who left may still read those of meetings they sat in.
    """
    if not user or not user.is_authenticated:
        return False
    if user.has_perm(VIEW_ALL_EXEMPT):
        return True
    person = person_for(user)
    if person is None:
        return False
    from scrutiny.models import Membership

    days = {timezone.localdate()}
    if on is not None:
        days.add(on)
    memberships = Membership.objects.filter(person=person, committee=committee)
    return any(memberships.in_force_on(day).exists() for day in days)


def officer_denial(request):
    """The one officer check. ``None`` for an officer; the login redirect (back to this page)
    for an anonymous user; ``PermissionDenied`` (the portal's 403 page) for anyone else
    signed in. Every officer page goes through it, as ``officer_required`` (function views)
    or ``OfficerRequiredMixin`` (class views)."""
    if is_officer(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def officer_required(view):
    """Officer-only function view: see ``officer_denial``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return officer_denial(request) or view(request, *args, **kwargs)

    return wrapper


class OfficerRequiredMixin:
    """Officer-only class view: see ``officer_denial``. Load records in the handlers (``get``,
    ``post``), not in an overridden ``dispatch``, which would run before the check."""

    def dispatch(self, request, *args, **kwargs):
        return officer_denial(request) or super().dispatch(request, *args, **kwargs)


def is_administrator(user) -> bool:
    """An administrator: in the administrators' group (``scrutiny.roles``), or a superuser."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    from scrutiny.roles import ADMINISTRATORS

    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


def administrator_denial(request):
    """The administrators' pages (council settings): like ``officer_denial``, for
    administrators only. ``None`` for an administrator; sign in for the anonymous; 403 for
    anyone else signed in (a democracy officer included)."""
    if is_administrator(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


# The status of a refusal shown on the page itself (a rule's message where the user is).
FORBIDDEN = 403


class RuleRefusal(PermissionDenied):
    """A council rule (not the officer role) refuses this user: who may call in a decision,
    for example. Services raise it with the reason; views show the reason where the user is,
    with the status ``FORBIDDEN``."""


def signed_in_denial(request):
    """For pages any signed-in user may use (a councillor's call-in): ``None`` when signed
    in, else the login redirect back to this page."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(request.get_full_path())
