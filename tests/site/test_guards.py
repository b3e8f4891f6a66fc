"""Site-wide guard tests: every public page renders with exactly one <h1>, nothing is
left un-migrated, and the service endpoints answer."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from scrutiny import demo

H1 = re.compile(r"<h1[\s>]", re.IGNORECASE)


def walk_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from walk_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
INDEX_TAG = "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
URLSET_TAG = "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"


def _path_of(url: str) -> str:
    """``http://testserver/a/b?c`` -> ``a/b?c``"""
    return url.split("://", 1)[1].split("/", 1)[1]


def sitemap_section_paths(client) -> list[str]:
    """The section pages the sitemap index at /sitemap.xml lists (``?p=N`` pages included)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag == INDEX_TAG
    return [_path_of(loc.text) for loc in root.findall("s:sitemap/s:loc", SITEMAP_NS)]


def sitemap_paths(client) -> list[str]:
    """Every URL listed by every section page of the sitemap index."""
    paths = []
    for section in sitemap_section_paths(client):
        response = client.get("/" + section)
        assert response.status_code == 200, section
        root = ElementTree.fromstring(response.content)
        assert root.tag == URLSET_TAG, section
        paths += [_path_of(loc.text) for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    return paths


@pytest.fixture
def demo_data(demo_module, db):
    """The demo council, loaded once for this module (conftest.demo_module)."""


def test_no_pending_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_every_sitemap_page_renders_with_one_h1(client, demo_data):
    paths = sitemap_paths(client)
    assert len(paths) > 10, paths
    for path in paths:
        response = client.get("/" + path)
        assert response.status_code == 200, path
        if response["Content-Type"].startswith("text/html"):
            assert len(H1.findall(response.content.decode())) == 1, path


def test_every_parameterless_public_url_answers(client, demo_data):
    """Each URL without parameters: a public page renders 200 with one <h1>; others redirect
    to sign in or refuse; nothing errors."""
    for route, _pattern in walk_patterns():
        if any(ch in route for ch in "<(^$") or route.startswith("django-admin"):
            continue
        response = client.get("/" + route)
        if route == "favicon.ico":  # a permanent redirect to the static favicon.svg
            assert response.status_code == 301 and response["Location"].endswith(".svg")
            continue
        assert response.status_code in {200, 302, 403, 405}, (route, response.status_code)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert len(H1.findall(response.content.decode())) == 1, route


def test_demo_data_is_idempotent(demo_data):
    from scrutiny.models import Committee, Membership, Person

    counts = (Person.objects.count(), Committee.objects.count(), Membership.objects.count())
    demo.load()
    assert (Person.objects.count(), Committee.objects.count(), Membership.objects.count()) == counts


def test_robots_points_at_sitemap(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
