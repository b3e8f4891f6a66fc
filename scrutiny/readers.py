"""What a signed-in reader is and may read, remembered between requests (issue 20).

Every signed-in page needs the same facts about its reader: the user row (Django loads it on
each request to check the session), their permissions (is this an officer?), their roles
(an administrator?) and the committees they sit on, with dates (may they read this
meeting's exempt papers?). Read from the database that is three or four queries a page,
half the cost of a councillor's meeting page once its body is a shared fragment.

They are kept in the shared cache as one **reader profile** per user, under the current
**access generation**: two numbers in the shared cache, the council's and the user's own.
A save or delete of a user (a sign-in saves ``last_login``), a change to a user's groups or
permissions made from the user's side, and a save or delete of their private note bump the
user's own number; a save or delete of a group, permission, person or membership, or a
change to a group's users or permissions, bumps the council's (``connect_signals``). Both
are read fresh on every request (one round trip, never remembered by the process), so a
role taken away, a membership ended, a password changed or an account switched off counts
on the very next request, in every process, while one councillor signing in leaves every
other reader's profile alone. Like the content generation, a change inside a transaction
bumps again when the transaction commits (a profile built by another process between the
save and the commit would hold the old rows under the new number). A bump the shared
cache did not confirm (Redis failing at that moment, which the cache turns into None) is
kept by the process and tried again before anything is read (``scrutiny.cache.bump_counter``);
until it succeeds, that process reads every reader from the database (attack 21).

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
from django.db.models.signals import m2m_changed, post_delete, post_save

from scrutiny import cache as page_cache

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


def _user_key(user_id) -> str:
    return f"{ACCESS_KEY}:user:{user_id}"


def access_generation(user_id=None) -> str | None:
    """The access generation (with ``user_id``: the council-wide number and that user's
    own), or None when it cannot be trusted: the shared cache does not answer, or a bump
    made by this process has not reached it yet (``scrutiny.cache.bump_counter``)."""
    if page_cache.failed_bumps() and not page_cache.retry_failed_bumps():
        return None
    cache = _cache()
    keys = [ACCESS_KEY] if user_id is None else [ACCESS_KEY, _user_key(user_id)]
    found = cache.get_many(keys)
    if len(found) < len(keys):
        for key in keys:
            if key not in found:
                cache.add(key, time.time_ns(), timeout=None)
        found = cache.get_many(keys)
    if len(found) < len(keys):
        return None
    return ":".join(str(found[key]) for key in keys)


def bump_access_generation(user_id=None) -> None:
    """Every reader's profile is stale (or, with ``user_id``, that user's)."""
    page_cache.bump_counter(ACCESS_KEY if user_id is None else _user_key(user_id))


def _bump_now_and_after_commit(using: str | None, user_id=None) -> None:
    key = ACCESS_KEY if user_id is None else _user_key(user_id)
    page_cache.bump_counter(key)
    # One callback per transaction, bumping every key the transaction touched (a bulk
    # import saves many people and memberships).
    page_cache.once_after_commit("access", key, _bump_each, using)


def _bump_each(keys: set[str]) -> None:
    for key in sorted(keys):
        page_cache.bump_counter(key)


def _label(model) -> str | None:
    meta = getattr(model, "_meta", None)
    return meta.label_lower if meta is not None else None


def _owner(instance) -> int | None:
    """The one user a change to ``instance`` concerns (their sign-in, their note), or None
    when it may concern anyone (a group, a person, a membership)."""
    label = _label(type(instance))
    if label == "auth.user":
        return instance.pk
    if label == "meetings.privatenote":
        return instance.author_id
    return None


def _on_change(sender, instance=None, **kwargs) -> None:
    if _label(sender) in ACCESS_MODELS:
        _bump_now_and_after_commit(kwargs.get("using"), _owner(instance))


def _on_m2m_change(sender, action, instance=None, **kwargs) -> None:
    if not action.startswith("post"):
        return
    if _label(kwargs["model"]) in ACCESS_MODELS or _label(type(instance)) in ACCESS_MODELS:
        # A user's groups or permissions changed from the user's side concern that user; from
        # a group's side (its users, its permissions), anyone.
        _bump_now_and_after_commit(kwargs.get("using"), _owner(instance))


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
    generation = access_generation(user_id)
    if generation is None:  # not to be trusted now: read the database, keep nothing
        user = load(user_id)
        if user is not None:
            permissions(user)
        return user
    key = f"portal:reader:{generation}:{user_id}"
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
