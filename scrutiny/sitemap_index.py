"""The sitemap: ``/sitemap.xml`` is a sitemap index, each section a paginated sitemap of its
own (``/sitemap-<section>.xml?p=N``, ``PortalSitemap.limit`` URLs a page).

Why not one sitemap: Django's framework makes one or two queries per section and renders
every URL, which for a ten-year council is ≈100,000 URLs and several seconds. Here:

- the index makes **one** query whatever the number of sections: the row counts of every
  section that lists database rows, in one statement (``section_counts``). Django's own index
  would count each section separately, and would load every row of a section to find its
  newest ``lastmod``; ``PortalSitemap`` gives no index ``lastmod`` (each URL still has one);
- a section page makes **two**: its count and its page of rows (``ModelSitemap`` reads only
  the columns its URLs need, ordered by primary key);
- sections that list nothing are left out of the index.

Every section uses the public managers and selectors, so nothing exempt, confidential or
unpublished can be listed.
"""

from __future__ import annotations

import hashlib

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse

SECTION_URL_NAME = "sitemap-section"


class PortalSitemap(Sitemap):
    """Base for every section of the portal's sitemap."""

    limit = 5000  # URLs a page; the protocol allows 50,000
    known_count: int | None = None  # set by the index from ``section_counts``

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        if self.known_count is not None:
            paginator.count = self.known_count  # a cached_property: no COUNT query
        return paginator

    def get_latest_lastmod(self):
        # Django would compute this by loading every row of the section.
        return None


class StaticSitemap(PortalSitemap):
    """Pages without parameters, by URL name: no query."""

    names: list[str] = []

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)


def static_sitemap(*names: str) -> type[StaticSitemap]:
    return type("StaticSitemap", (StaticSitemap,), {"names": list(names)})


class ModelSitemap(PortalSitemap):
    """Rows of a public queryset; ``fields`` are the only columns read (what ``location`` and
    ``lastmod`` need)."""

    fields: tuple[str, ...] = ("pk", "modified_at")

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def items(self):
        return self.queryset().only(*self.fields).order_by("pk")

    def lastmod(self, obj):
        return obj.modified_at


def section_counts(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """``{name: queryset.count()}`` in one SQL statement (a scalar subquery per queryset)."""
    if not querysets:
        return {}
    alias = next(iter(querysets.values())).db  # the router's choice (primary or replica)
    parts, params = [], []
    for n, qs in enumerate(querysets.values()):
        inner = qs.order_by()
        if not inner.query.distinct:
            inner = inner.values("pk")
        sql, inner_params = inner.query.get_compiler(using=alias).as_sql()
        # SQL compiled by the ORM from our own querysets; values stay in ``params``.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section_{n})")  # noqa: S608
        params.extend(inner_params)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def sitemap_index(request, sitemaps: dict):
    # The index's one query counts every section's rows: 60 ms on a ten-year council (issue
    # 20). Stored once per content generation and host, like the sections below.
    return _stored(request, "index", lambda: _render_index(request, sitemaps))


def _render_index(request, sitemaps: dict):
    sections = {name: cls() for name, cls in sitemaps.items()}
    listed = {name: s.items() for name, s in sections.items()}
    counts = section_counts({n: qs for n, qs in listed.items() if isinstance(qs, QuerySet)})
    for name, site in sections.items():
        site.known_count = counts[name] if name in counts else len(listed[name])
    shown = {name: site for name, site in sections.items() if site.known_count}
    return index(request, shown, sitemap_url_name=SECTION_URL_NAME)


# A section page is thousands of URLs (hundreds of milliseconds on a ten-year council): it is
# rendered once per content generation (``scrutiny.cache``) and host, and kept in the cache,
# so signed-in visitors and the first crawler after the page cache's entry expired get the
# stored bytes too (issue 20). A change anywhere bumps the generation: never a stale sitemap.
SECTION_CACHE_SECONDS = 24 * 3600


def sitemap_section(request, sitemaps: dict, section: str):
    page = request.GET.get("p", "1")
    return _stored(
        request,
        f"{section}:{hashlib.sha256(page.encode()).hexdigest()[:16]}",
        lambda: sitemap(request, sitemaps, section=section),
    )


def _stored(request, what: str, render) -> HttpResponse:
    """``render()``'s 200 answer, kept in the cache for this content generation and host."""
    from scrutiny.cache import content_generation, generation_is_shared

    if not generation_is_shared():  # no shared cache: rendered on each request
        return render()
    key = "portal:sitemap:{}:{}:{}".format(
        content_generation(),
        what,
        hashlib.sha256(
            request.get_host().encode() + bool(request.is_secure()).to_bytes()
        ).hexdigest()[:16],
    )
    stored = cache.get(key)
    if stored is not None:
        content, headers = stored
        response = HttpResponse(content, content_type="application/xml")
        for name, value in headers.items():
            response[name] = value
        return response
    response = render()
    if response.status_code == 200:
        response.render()
        kept = {h: response[h] for h in ("X-Robots-Tag", "Last-Modified") if h in response}
        cache.set(key, (response.content, kept), SECTION_CACHE_SECONDS)
    return response
