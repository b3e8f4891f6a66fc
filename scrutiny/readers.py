"""What a signed-in reader is and may read, remembered between requests (issue 20).

Every signed-in page needs the same facts about its reader: the user row (Django loads it on
each request to check the session), their permissions (is this an officer?), their roles
(an administrator?) and the committees they sit on, with dates (may they read this
meeting's exempt papers?). Read from the database that is three or four queries a page,
half the cost of a councillor's meeting page once its body is a shared fragment.

They are kept in the shared cache as one **reader profile** per user, under the current
**access generation**: a number in the shared cache bumped by every save or delete of a
user, group, permission, person, membership or private note, and by every change to a
user's groups or permissions or a group's permissions (``connect_signals``). It is read
fresh on every request (one round trip, never remembered by the process), so a role taken
away, a membership ended, a password changed or an account switched off counts on the very
next request, in every process. Like the content generation, a change inside a transaction
bumps it again when the transaction commits (a profile built by another process between the
save and the commit would hold the old rows under the new number).

A profile holds:

- the user (a ``User`` instance, pickled): ``PortalModelBackend.get_user`` returns it, so
  Django checks the session's password hash against the current password as usual;
- ``permissions``: the set ``ModelBackend.get_all_permissions`` would return;
- ``groups``: the names of the user's groups (``is_administrator``);
- ``spans``: ``{committee id: [(start, end), ...]}`` of the user's person's memberships;
  dates are compared on each request (``scrutiny.permissions.can_view_exempt``), so a
  membership that ends tonight counts tomorrow without any write;
- ``facts``: values other apps register with ``register_fact`` (the meetings on which the
  user keeps private notes, so a page with none of them makes no notes query).

It is on with the fragment cache (``scrutiny.fragments.enabled()``: ``FRAGMENT_CACHE_SECONDS``
> 0, which needs a cache every worker shares); otherwise every request reads the database as
Django does. ``QuerySet.update()`` on these tables sends no signal: code that uses it calls
``bump_access_generation()`` itself, and entries expire after ``FRAGMENT_CACHE_SECONDS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

ACCESS_KEY = "portal:access-generation"
# Saving or deleting one of these changes what some reader may see or do.
ACCESS_MODELS = {
    "auth.user",
    "auth.group",
    "auth.permission",
    "scrutiny.person",
    "scrutiny.membership",
    "meetings.privatenote",
}
_facts: dict[str, Callable] = {}


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def enabled() -> bool:
    from scrutiny import fragments

    return fragments.enabled()


def register_fact(name: str, compute: Callable) -> None:
    """Keep ``compute(user)`` (a small, picklable value) in every reader's profile, recomputed
    whenever the access generation changes. ``compute`` must depend only on the models in
    ``ACCESS_MODELS``."""
    _facts[name] = compute


def access_generation() -> int:
    cache = _cache()
    value = cache.get(ACCESS_KEY)
    if value is None:
        cache.add(ACCESS_KEY, time.time_ns(), timeout=None)
        value = cache.get(ACCESS_KEY) or 0
    return int(value)


def bump_access_generation() -> None:
    cache = _cache()
    try:
        value = cache.incr(ACCESS_KEY)
    except ValueError:  # not there (first write, or the cache was flushed)
        value = None
    if value is None:
        cache.set(ACCESS_KEY, time.time_ns(), timeout=None)


def _bump_now_and_after_commit(using: str | None) -> None:
    bump_access_generation()
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    # One callback per transaction (a bulk import saves many people and memberships).
    transaction_id = id(connection.atomic_blocks[0])
    remembered = getattr(connection, "_portal_access_callback", None)
    if remembered is not None and remembered[0] == transaction_id:
        index = remembered[1]
        queued = connection.run_on_commit
        if index < len(queued) and queued[index][1] is bump_access_generation:
            return
    transaction.on_commit(bump_access_generation, using=using)
    connection._portal_access_callback = (transaction_id, len(connection.run_on_commit) - 1)


def _label(model) -> str | None:
    meta = getattr(model, "_meta", None)
    return meta.label_lower if meta is not None else None


def _on_change(sender, **kwargs) -> None:
    if _label(sender) in ACCESS_MODELS:
        _bump_now_and_after_commit(kwargs.get("using"))


def _on_m2m_change(sender, action, **kwargs) -> None:
    if not action.startswith("post"):
        return
    if _label(kwargs["model"]) in ACCESS_MODELS or _label(type(kwargs["instance"])) in (
        ACCESS_MODELS
    ):
        _bump_now_and_after_commit(kwargs.get("using"))


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="scrutiny.readers.save")
    post_delete.connect(_on_change, dispatch_uid="scrutiny.readers.delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="scrutiny.readers.m2m")


def _profile(user, permissions: set[str]) -> dict:
    from scrutiny.models import Membership

    spans: dict[int, list] = {}
    for committee_id, start, end in Membership.objects.filter(person__user=user).values_list(
        "committee_id", "start_date", "end_date"
    ):
        spans.setdefault(committee_id, []).append((start, end))
    return {
        "user": user,
        "permissions": frozenset(permissions),
        "groups": frozenset(user.groups.values_list("name", flat=True)),
        "spans": spans,
        "facts": {name: compute(user) for name, compute in _facts.items()},
    }


def attach(user, profile: dict) -> None:
    """Give ``user`` the profile's answers for this request (``_perm_cache`` is Django's own
    per-request permission cache)."""
    user._perm_cache = set(profile["permissions"])
    user._portal_reader = profile


def load_user(user_id, load: Callable, permissions: Callable):
    """The user ``user_id`` with their profile attached: from the shared cache under the
    current access generation, or built with ``load(user_id)`` (``None``: no such active
    user; nothing kept) and ``permissions(user)``."""
    key = f"portal:reader:{access_generation()}:{user_id}"
    cache = _cache()
    profile = cache.get(key)
    if profile is None:
        user = load(user_id)
        if user is None:
            return None
        profile = _profile(user, permissions(user))
        cache.set(key, profile, timeout=getattr(settings, "FRAGMENT_CACHE_SECONDS", 0))
    user = profile["user"]
    attach(user, profile)
    return user


def profile_of(user) -> dict | None:
    """The profile attached to ``user`` this request, or None (the reader cache is off, or the
    user was not loaded through the session)."""
    return getattr(user, "_portal_reader", None)


def fact(user, name: str, compute: Callable):
    """The registered fact ``name`` of ``user``: from the profile, else ``compute()``."""
    profile = profile_of(user)
    if profile is not None and name in profile["facts"]:
        return profile["facts"][name]
    return compute()
