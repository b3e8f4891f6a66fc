"""The top of a public page says each thing once: no link in the caption or in the lines
between the h1 and the first h2 goes where a breadcrumb already goes, and no breadcrumb is
repeated (issue 16, finding 8: "the breadcrumb and the caption repeat the same link"). Every
public URL pattern is visited with a real URL, as the permission matrix builds them."""

from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html

from tests.hardening.test_permission_matrix import (  # noqa: F401  (council and matrix_council are fixtures)
    PUBLIC,
    RULES,
    council,
    crawl,
    extra_urls,
    matrix_council,
)
from tests.site.test_form_accessibility import html_of


def _path(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def repeats_in(html: str, where: str) -> list[str]:
    doc = lxml.html.document_fromstring(html)
    crumbs = [_path(a.get("href")) for a in doc.xpath("//nav[@aria-label='Breadcrumb']//a")]
    found = [f"{where}: breadcrumb {c!r} twice" for c in set(crumbs) if crumbs.count(c) > 1]
    main = doc.xpath("//main")
    if not crumbs or not main:
        return found
    top: list = []
    for el in main[0].iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("h2", "footer"):
            # The top ends at the first section; a footer (a paper's HTML version without
            # headings ends with "Back to the agenda") is the page's end, not its top.
            break
        if el.tag == "a" and el.get("href"):
            top.append(el)
    for a in top:
        href = _path(a.get("href"))
        if href in crumbs:
            text = " ".join(a.text_content().split())
            found.append(f"{where}: {text!r} ({href}) repeats a breadcrumb")
    return found


def test_repeats_in_catches_a_caption_link_that_repeats_a_breadcrumb():
    crumbs = '<nav aria-label="Breadcrumb"><a href="/">Home</a><a href="/c/x/">X panel</a></nav>'
    caption = '<span class="govuk-caption-l"><a href="/c/x/">X panel</a></span>'
    bad = f"{crumbs}<main>{caption}<h1>M</h1></main>"
    assert repeats_in(bad, "bad") == ["bad: 'X panel' (/c/x/) repeats a breadcrumb"]
    good = (
        f'{crumbs}<main><span>X panel</span><h1>M</h1><h2>Agenda</h2><a href="/c/x/">x</a></main>'
    )
    assert repeats_in(good, "good") == []
    end = f'{crumbs}<main><h1>M</h1><p>Text</p><footer><a href="/c/x/">Back</a></footer></main>'
    assert repeats_in(end, "end") == []


def test_no_public_page_repeats_a_breadcrumb_at_its_top(client, council):  # noqa: F811
    client.force_login(council["users"]["admin"])
    found = crawl(client, ["/", "/sitemap.xml"])
    client.logout()
    found.update({k: v for k, v in extra_urls(council).items() if k not in found})
    problems: list[str] = []
    pages = 0
    for name in sorted(RULES):
        if RULES[name] != PUBLIC or name not in found:
            continue
        if (html := html_of(client.get(found[name]))) is None:
            continue
        pages += 1
        problems += repeats_in(html, found[name])
    assert pages > 20
    assert problems == []
