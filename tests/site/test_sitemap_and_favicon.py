"""The human sitemap page is listed in the XML sitemap, and /favicon.ico answers with a
permanent redirect to the SVG icon every page links (issue 16, finding 8)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sitemap_page_is_in_the_xml_sitemap(client):
    index = client.get(reverse("sitemap")).content.decode()
    section = reverse("sitemap-section", kwargs={"section": "pages"})
    assert section in index
    xml = client.get(section).content.decode()
    assert f"{reverse('sitemap-page')}</loc>" in xml


def test_favicon_ico_redirects_permanently_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")
    assert client.head("/favicon.ico").status_code == 301
    assert client.post("/favicon.ico").status_code == 405
