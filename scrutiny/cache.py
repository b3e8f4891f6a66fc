"""A shared cache of anonymous public pages, invalidated by every change to portal data.

How it works:

- ``PublicPageCacheMiddleware`` sits just after WhiteNoise, before sessions. A GET of a page
  that is not an officer/account/personal page, from a visitor who sends no session or
  messages cookie, is answered from the cache when an entry exists. Otherwise the page is
  rendered as usual and stored only if it is a 200 HTML response, the user is anonymous,
  the response sets no cookie and is not marked private/no-store, and no CSRF token was
  used to render it (a token in a cached page would be someone else's).
- Every cache key carries a global **content generation** number. Any save or delete of a
  record of a portal app (and the ``meeting_published`` / ``meeting_changed`` signals of
  ``scrutiny.signals``) bumps the number, so after a publish or any change every cached page
  is stale at once and is simply never read again (entries expire on their own after
  ``PAGE_CACHE_SECONDS``). A save inside a transaction bumps it again when the transaction
  commits: a page rendered by another process between the save and the commit (the old
  rows, under the new number) is never read afterwards. Each process re-reads the number at
  most once a second, so a change made by another process shows within a second.
  ``QuerySet.update()`` sends no signal; the time limit bounds how long a page can lag
  behind such a write.
- It is on only when ``PAGE_CACHE_SECONDS`` > 0, which is the default only when
  ``REDIS_URL`` is set: a per-process cache could not be invalidated across several
  workers or machines.
- In front of the shared cache each process keeps a small **local tier** (Django's LocMemCache,
  ``PAGE_CACHE_LOCAL_ENTRIES`` pages of at most ``LOCAL_TIER_MAX_BYTES`` each, least recently
  used dropped first): the hottest pages are answered without a round trip to Redis. Its keys
  carry the generation like the shared cache's, so it goes stale exactly when the shared
  cache does: at once for this process's changes, within a second for another's.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

from scrutiny.apps_list import PORTAL_APP_LABELS
from scrutiny.signals import meeting_changed, meeting_published

GENERATION_KEY = "portal:content-generation"
# When portal data last changed (Unix time): the read replica router (scrutiny.db_router)
# keeps anonymous reads on the primary for a few seconds after it.
LAST_CHANGE_KEY = "portal:last-change"
CACHE_HEADER = "X-Portal-Cache"
# Records written on reads (visits, access logs) or derived bookkeeping: no page shows them
# to the public, so saving them must not throw the whole cache away. Stored PDFs are derived
# files (an anonymous request may record a pending build): no page shows them either.
IGNORED_MODELS = {
    "meetings.changeacknowledgement",
    "meetings.exemptaccess",
    "scrutiny.storedpdf",
    "meetings.privatenote",  # private notes: on no public page (issue 23)
}
NEVER_CACHED_PREFIXES = ("/officer/", "/accounts/", "/my/", "/django-admin/", "/static/")
NOT_STORED_HEADERS = {"set-cookie", CACHE_HEADER.lower()}


def _cache():
    return caches[_alias()]


# Pages larger than this are kept in the shared cache only, so the local tier of a process
# stays within PAGE_CACHE_LOCAL_ENTRIES × LOCAL_TIER_MAX_BYTES (64 × 256 KB = 16 MB at most).
LOCAL_TIER_MAX_BYTES = 256 * 1024
_local_tiers: dict[tuple[int, int], LocMemCache] = {}


def _local_tier() -> LocMemCache | None:
    """This process's local tier, or None when it is off (``PAGE_CACHE_LOCAL_ENTRIES`` 0)."""
    entries = int(getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 0) or 0)
    if entries <= 0:
        return None
    config = (entries, page_cache_seconds())
    tier = _local_tiers.get(config)
    if tier is None:
        _local_tiers.clear()  # settings changed (tests): start afresh
        tier = _local_tiers[config] = LocMemCache(
            "portal-pages-local",
            {"TIMEOUT": config[1], "OPTIONS": {"MAX_ENTRIES": entries, "CULL_FREQUENCY": 4}},
        )
        tier.clear()
    return tier


# The generation as this process last read it, and until when it may be trusted: a change
# made by another process is seen within GENERATION_MEMO_SECONDS; one made by this process at
# once. It saves one cache round trip per cached page.
GENERATION_MEMO_SECONDS = 1.0
_memo: dict[str, tuple[int, float]] = {}


def _alias() -> str:
    return getattr(settings, "PAGE_CACHE_ALIAS", "default")


def content_generation() -> int:
    """The current generation; starts at the clock so it never repeats after a flush."""
    now = time.monotonic()
    remembered = _memo.get(_alias())
    if remembered and remembered[1] > now:
        return remembered[0]
    if _failed_bumps and not retry_failed_bumps():
        # A change this process made has not reached the shared cache: a number never used
        # before or again, so nothing stored under an older one is read.
        return time.time_ns()
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY) or 0
    _memo[_alias()] = (int(value), now + GENERATION_MEMO_SECONDS)
    return int(value)


def forget_process_state() -> None:
    """Drop what this process remembers between requests (the generation it last read, its
    local tiers, the council): for tests, whose database rolls back without a signal."""
    from scrutiny import fragments
    from scrutiny.council import forget_council

    _memo.clear()
    _failed_bumps.clear()
    for tier in _local_tiers.values():
        tier.clear()
    fragments.clear_local()
    forget_council()


def last_change_at() -> float | None:
    """When portal data last changed, as recorded in the shared cache (None: not known)."""
    value = _cache().get(LAST_CHANGE_KEY)
    return float(value) if value is not None else None


def bump_generation() -> None:
    _memo.clear()
    for tier in _local_tiers.values():
        tier.clear()  # its keys are stale now: free the memory at once
    cache = _cache()
    cache.set(LAST_CHANGE_KEY, time.time(), timeout=None)
    bump_counter(GENERATION_KEY)


# Counters whose bump did not reach the shared cache (a Redis error, which the cache turns
# into None: IGNORE_EXCEPTIONS): bumped again before this process next reads a counter
# (``retry_failed_bumps``), and until one succeeds this process trusts nothing stored
# under them. A change is then never forgotten because Redis blinked at the moment it
# was made (attack 21).
_failed_bumps: set[str] = set()


def bump_counter(key: str) -> bool:
    """Move the shared counter ``key`` on (to the clock if it is not there); True when the
    cache confirms it, else the bump is kept to be tried again."""
    cache = _cache()
    try:
        value = cache.incr(key)
    except ValueError:  # not there (first write, or the cache was flushed)
        value = None
    if value is None:
        value = time.time_ns()
        cache.set(key, value, timeout=None)
    stored = cache.get(key)
    if stored is not None and int(stored) >= int(value):
        _failed_bumps.discard(key)
        return True
    _failed_bumps.add(key)
    return False


def failed_bumps() -> bool:
    return bool(_failed_bumps)


def retry_failed_bumps() -> bool:
    """Bump again every counter whose bump failed; True when none is left."""
    for key in list(_failed_bumps):
        bump_counter(key)
    return not _failed_bumps


def _is_portal_model(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in PORTAL_APP_LABELS:
        return False
    return meta.label_lower not in IGNORED_MODELS


def once_after_commit(name: str, key: str, run: Callable[[set[str]], None], using=None) -> bool:
    """Queue ``run(keys)`` once for the current transaction's commit, ``keys`` being every
    ``key`` given under ``name`` within the transaction; False outside a transaction (nothing
    is queued). A bulk import saves thousands of rows in one transaction with many other
    callbacks, so the queued callback is found again in O(1): where it was put is remembered,
    and a savepoint rolled back drops its callbacks, after which the entry there is another
    one, or none, and the callback is queued again. The callback has ``portal_once = name``."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return False
    transaction_id = id(connection.atomic_blocks[0])
    remembered = connection.__dict__.setdefault("_portal_once_after_commit", {}).get(name)
    if remembered is not None and remembered[0] == transaction_id:
        index, keys, callback = remembered[1:]
        queued = connection.run_on_commit
        if index < len(queued) and queued[index][1] is callback:
            keys.add(key)
            return True
    keys = {key}

    def callback():
        run(keys)

    callback.portal_once = name
    transaction.on_commit(callback, using=using)
    connection._portal_once_after_commit[name] = (
        transaction_id,
        len(connection.run_on_commit) - 1,
        keys,
        callback,
    )
    return True


def _bump_now_and_after_commit(using: str | None = None) -> None:
    """Bump now (this process's next read sees the change at once) and, inside a transaction,
    once more when it commits: another process that read the new generation before the commit
    rendered the old rows under it (a fragment, a page, the remembered council), and without a
    second bump it would keep serving them until the next change or the time limit
    (attack 20). One callback per transaction, however many rows it saves."""
    bump_generation()
    once_after_commit("generation", "", lambda _keys: bump_generation(), using)


def _on_model_change(sender, **kwargs) -> None:
    if _is_portal_model(sender):
        _bump_now_and_after_commit(kwargs.get("using"))


def _on_m2m_change(sender, action, **kwargs) -> None:
    if not action.startswith("post"):
        return
    if _is_portal_model(kwargs["model"]) or _is_portal_model(type(kwargs["instance"])):
        _bump_now_and_after_commit(kwargs.get("using"))


def _on_meeting_signal(sender, **kwargs) -> None:
    bump_generation()


def connect_signals() -> None:
    """Bump the generation on every change; safe to call more than once."""
    post_save.connect(_on_model_change, dispatch_uid="scrutiny.cache.save")
    post_delete.connect(_on_model_change, dispatch_uid="scrutiny.cache.delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="scrutiny.cache.m2m")
    meeting_published.connect(_on_meeting_signal, dispatch_uid="scrutiny.cache.published")
    meeting_changed.connect(_on_meeting_signal, dispatch_uid="scrutiny.cache.changed")


def generation_is_shared() -> bool:
    """May a result be stored under the content generation for other processes to serve?
    Only when every process reads one generation, from the shared cache (Redis): the
    setting that says so is ``FRAGMENT_CACHE_SECONDS`` > 0, by default only with
    ``REDIS_URL``. Without it (the embedded default: ``runserver`` beside a task worker),
    each process would keep its own number and serve what it stored after another process
    changed the data: the stored CSVs, calendars and sitemap sections are then written on
    each request."""
    return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) or 0) > 0


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def _may_be_cached_request(request) -> bool:
    if request.method != "GET" or page_cache_seconds() <= 0:
        return False
    if request.path.startswith(NEVER_CACHED_PREFIXES):
        return False
    # A session cookie may mean a signed-in user; a messages cookie a one-off message.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and (
        "messages" not in request.COOKIES
    )


def _key(request, generation: int) -> str:
    # The host is part of the key (pages build absolute links from it); get_host() also
    # refuses a host that is not in ALLOWED_HOSTS before anything is read from the cache.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"portal:page:{generation}:{digest}"


def _may_be_stored(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        connect_signals()

    def __call__(self, request):
        if not _may_be_cached_request(request):
            return self.get_response(request)
        cache = _cache()
        key = _key(request, content_generation())
        local = _local_tier()
        stored = local.get(key) if local is not None else None
        if stored is None:
            stored = cache.get(key)
            if stored is not None:
                _keep_locally(local, key, stored)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _may_be_stored(request, response):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in NOT_STORED_HEADERS
            ]
            stored = (response.content, headers)
            cache.set(key, stored, timeout=page_cache_seconds())
            _keep_locally(local, key, stored)
            response[CACHE_HEADER] = "miss"
        return response


def _keep_locally(local: LocMemCache | None, key: str, stored: tuple) -> None:
    if local is not None and len(stored[0]) <= LOCAL_TIER_MAX_BYTES:
        local.set(key, stored)
