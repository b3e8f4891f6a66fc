"""Content-versioned fragments: a part of a page rendered once per content generation and
reused by every reader who would see exactly the same thing (issue 20).

The page cache (``scrutiny.cache``) answers anonymous readers only, and only the first of
them after a change pays for the page. Officers and councillors are never served from it.
A fragment is smaller: the meeting page's body (its details, panels and agenda) is rendered
once per **content generation** (the number every change to portal data bumps, the page
cache's own) and per **view** of it (signed in or not, may read exempt papers or not,
officer or not), and each reader's own parts are filled in afterwards:

- a part that belongs to one reader (their private notes, "Save for offline", their notes
  panel) is rendered into the fragment as a **hole**,
  ``<!--portal-hole:NAME-->default<!--/portal-hole:NAME-->`` (the ``{% hole %}`` tag of
  ``scrutiny.templatetags.portal``), and ``fill()`` puts that reader's part in its place on
  every request (or keeps the default, or empties it). Every stored text reaches the
  fragment through autoescaping templates, so ``<`` in a title is ``&lt;`` and no stored
  text can make or move a hole.
- the key carries the view, so a reader who may not read exempt papers can never be given
  a fragment rendered for one who may: the view is decided on each request, before the
  cache is read, by the same rule the uncached page uses.

Like the page cache it needs a cache every worker shares (a change made by one process must
reach every process's fragments): it is on when ``FRAGMENT_CACHE_SECONDS`` > 0, by default
only with ``REDIS_URL``. A small per-process tier (LocMemCache, keys carrying the generation)
saves the round trip to Redis for the hottest fragments. Entries expire after
``FRAGMENT_CACHE_SECONDS``, which bounds how long a page can lag behind a write that sends no
signal (``QuerySet.update()``) or behind the clock (a meeting passing from "to come" to
"held").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.safestring import SafeString, mark_safe

from scrutiny.apps_list import PORTAL_APPS
from scrutiny.cache import content_generation, generation_is_shared

HOLE_NAME = re.compile(r"[a-z0-9-]{1,80}")
HOLE_PATTERN = re.compile(
    r"<!--portal-hole:([a-z0-9-]{1,80})-->(.*?)<!--/portal-hole:\1-->", re.DOTALL
)
LOCAL_ENTRIES = 256
LOCAL_MAX_BYTES = 256 * 1024
_local_tiers: dict[int, LocMemCache] = {}


def seconds() -> int:
    return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) or 0)


def enabled() -> bool:
    return generation_is_shared()


def _local_tier() -> LocMemCache:
    timeout = seconds()
    tier = _local_tiers.get(timeout)
    if tier is None:
        _local_tiers.clear()  # settings changed (tests): start afresh
        tier = _local_tiers[timeout] = LocMemCache(
            "portal-fragments-local",
            {"TIMEOUT": timeout, "OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES, "CULL_FREQUENCY": 4}},
        )
    return tier


def clear_local() -> None:
    """Drop this process's copies (tests; ``scrutiny.cache.bump_generation`` makes them stale
    anyway, since their keys carry the generation)."""
    for tier in _local_tiers.values():
        tier.clear()


def cached(name: str, view: tuple, render: Callable[[], str]) -> SafeString:
    """The fragment ``name`` for ``view`` (a tuple of plain values that says everything the
    fragment depends on besides portal data), rendered by ``render`` when the current
    generation has none. ``render`` must return the output of an autoescaping Django
    template: it is kept and returned as it was rendered."""
    if not enabled():
        return mark_safe(render())
    digest = hashlib.sha256(repr((release(), name, view)).encode()).hexdigest()[:32]
    key = f"portal:fragment:{content_generation()}:{digest}"
    local = _local_tier()
    html = local.get(key)
    if html is None:
        shared = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
        html = shared.get(key)
        if html is None:
            html = str(render())
            shared.set(key, html, timeout=seconds())
        if len(html) <= LOCAL_MAX_BYTES:
            local.set(key, html)
    return mark_safe(html)


_MISSING = object()


def remembered(name: str, key, load: Callable):
    """``load()`` (a model instance, say) read once per content generation by this process
    and kept in its local tier, as a fragment is: the meeting page's meeting, which every
    reader of the page needs before anything else. The object is pickled, so each caller
    gets its own copy. ``load`` may raise (``Http404``): nothing is kept then."""
    if not enabled():
        return load()
    local_key = f"portal:object:{content_generation()}:{release()}:{name}:{key}"
    local = _local_tier()
    found = local.get(local_key, _MISSING)
    if found is _MISSING:
        found = load()
        local.set(local_key, found)
    return found


_release: list[str] = []


def release() -> str:
    """The code this process runs, as a short digest of the portal's source and template
    files (path, size, modification time) and the static files' manifest, read once per
    process. It is in every fragment's key: after a deploy, the new code never serves
    a fragment the old code rendered (old markup, or links to static files the release no
    longer has), even before the content generation changes."""
    if not _release:
        from scrutiny.env import BASE_DIR

        digest = hashlib.sha256()
        roots = [BASE_DIR / "templates", BASE_DIR / "staticfiles" / "staticfiles.json"]
        roots += [BASE_DIR / name.replace(".", "/") for name in PORTAL_APPS]
        for root in roots:
            paths = [root] if root.is_file() else sorted(root.rglob("*"))
            for path in paths:
                if path.suffix in {".py", ".html", ".txt", ".json", ".xml", ".ics"}:
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        _release.append(digest.hexdigest()[:16])
    return _release[0]


def hole(name: str, default: str = "") -> SafeString:
    """Where a reader's own part goes in a shared fragment, with ``default`` (autoescaped
    template output) kept when ``fill`` says so."""
    if not HOLE_NAME.fullmatch(name):
        raise ValueError(f"Not a hole name: {name!r}")
    return mark_safe(f"<!--portal-hole:{name}-->{default}<!--/portal-hole:{name}-->")


def fill(html: str, part: Callable[[str, str], str]) -> SafeString:
    """``html`` with each hole replaced by ``part(name, default)``: this reader's part
    (autoescaped template output), the default, or ``""``."""
    return mark_safe(HOLE_PATTERN.sub(lambda match: str(part(match[1], match[2])), html))
