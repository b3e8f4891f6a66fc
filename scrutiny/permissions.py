"""Who may do what. Views and selectors ask these functions; templates never decide access.

Roles are Django groups (set up by ``scrutiny.roles``):
- the public: anonymous, sees published public material only;
- councillors: a user linked to a ``Person``; sees members-only (exempt) papers of the
  committees they sit on;
- democracy officers: ``scrutiny.manage_business`` (the officer pages) and
  ``scrutiny.view_exempt_all`` (exempt papers of every committee);
- administrators: officers who also set the constitution's rules and manage officers' and
  administrators' logins (``is_administrator``, ``AdministratorRequiredMixin``).
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
    spans = _remembered_spans(user)
    if spans is not None:  # the reader's profile (scrutiny.readers): no query
        return _in_force(spans.get(getattr(committee, "pk", committee), ()), on)
    from django.db.models import Q

    from scrutiny.models import Membership, in_force_q

    days = {timezone.localdate()}
    if on is not None:
        days.add(on)
    # One query, the person reached through the user (a user with no person has none).
    in_force = Q()
    for day in days:
        in_force |= in_force_q(day)
    return Membership.objects.filter(in_force, person__user=user, committee=committee).exists()


def _remembered_spans(user) -> dict[int, list[tuple[dt.date, dt.date | None]]] | None:
    """``{committee id: [(start, end)]}`` of the user's memberships from their reader profile
    (``scrutiny.readers``), or None when there is none this request."""
    from scrutiny.readers import profile_of

    profile = profile_of(user)
    return None if profile is None else profile["spans"]


def _in_force(spans, on: dt.date | None, today: dt.date | None = None) -> bool:
    """A membership of ``spans`` in force today or on ``on``: ``can_view_exempt``'s rule."""
    today = today or timezone.localdate()
    days = {today} if on is None else {today, on}
    return any(start <= day and (end is None or end >= day) for start, end in spans for day in days)


def exempt_reader(user):
    """``can_view_exempt`` for many papers at once (issue 23, members' search): returns
    ``may_read(committee_id, on) -> bool`` answering exactly as ``can_view_exempt(user,
    committee, on)`` would, after one query for the user's memberships (none for an officer
    or the public). ``tests/members/test_members_search.py`` holds the two to the same answers."""
    if not user or not user.is_authenticated:
        return lambda committee_id, on=None: False
    if user.has_perm(VIEW_ALL_EXEMPT):
        return lambda committee_id, on=None: True
    spans = _remembered_spans(user)
    if spans is None:
        person = person_for(user)
        if person is None:
            return lambda committee_id, on=None: False
        from scrutiny.models import Membership

        spans = {}
        for committee_id, start, end in Membership.objects.filter(person=person).values_list(
            "committee_id", "start_date", "end_date"
        ):
            spans.setdefault(committee_id, []).append((start, end))
    today = timezone.localdate()

    def may_read(committee_id: int, on: dt.date | None = None) -> bool:
        return _in_force(spans.get(committee_id, ()), on, today)

    may_read.committee_ids = frozenset(spans)
    return may_read


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
    """An active user in the administrators' group (or a superuser): the constitution and
    people-and-roles pages (issue 21). Group membership, not a permission, because the group
    is the role the people page gives and takes away."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from scrutiny.readers import profile_of
    from scrutiny.roles import ADMINISTRATORS

    profile = profile_of(user)
    if profile is not None:
        return ADMINISTRATORS in profile["groups"]
    return user.groups.filter(name=ADMINISTRATORS).exists()


def administrator_denial(request):
    """The administrators' pages: ``None`` for an administrator; the login redirect for an
    anonymous user; the portal's 403 page for anyone else signed in (officers included), as
    ``officer_denial`` does for the officer pages."""
    if is_administrator(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


class AdministratorRequiredMixin:
    """Administrator-only class view: see ``administrator_denial``."""

    def dispatch(self, request, *args, **kwargs):
        return administrator_denial(request) or super().dispatch(request, *args, **kwargs)


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
