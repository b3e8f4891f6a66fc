"""Every officer page says what it is (issue 16, finding 8: 17 officer pages were all titled
"Write a report").

One real URL per officer URL pattern (the permission matrix's crawl plus ``extra_urls``) is
read as an officer. Each page must have one ``h1`` and a ``<title>``, and no two URL patterns
may share a title: a screen reader user moving between tabs or through the
history hears the page's name first. Pages of the same pattern (two meetings' edit pages)
differ by the record they name, which the second half of the test checks.
"""

from __future__ import annotations

import lxml.html

from tests.hardening.test_permission_matrix import (  # noqa: F401  (council and matrix_council are fixtures)
    OFFICER,
    RULES,
    council,
    crawl,
    extra_urls,
    matrix_council,
)

SUFFIX = " committee papers"


def title_and_h1(html: str) -> tuple[str, list[str]]:
    doc = lxml.html.document_fromstring(html)
    title = " ".join(doc.findtext(".//title").split())
    title = title.rsplit(" – ", 1)[0] if title.endswith(SUFFIX) else title
    return title, [" ".join(h.text_content().split()) for h in doc.xpath("//h1")]


def officer_pages(client, council) -> dict[str, tuple[str, str, list[str]]]:  # noqa: F811
    users = council["users"]
    client.force_login(users["admin"])
    found = crawl(client, ["/officer/", "/"], per_name=2)
    client.logout()
    found.update({k: v for k, v in extra_urls(council).items() if k not in found})
    client.force_login(users["officer"])
    pages = {}
    for name in sorted(found):
        if RULES.get(name) != OFFICER:
            continue
        response = client.get(found[name])
        if response.status_code != 200 or response.streaming:
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        title, h1s = title_and_h1(response.content.decode())
        pages[name] = (found[name], title, h1s)
    return pages


def test_no_two_officer_page_kinds_share_a_title(client, council):  # noqa: F811
    pages = officer_pages(client, council)
    assert len(pages) > 60, sorted(pages)
    problems = []
    by_title: dict[str, list[str]] = {}
    by_h1: dict[str, list[str]] = {}
    for name, (url, title, h1s) in pages.items():
        by_title.setdefault(title, []).append(f"{name} ({url})")
        for h1 in h1s:
            by_h1.setdefault(h1, []).append(f"{name} ({url})")
        if len(h1s) != 1 or not title:
            problems.append(f"{url}: title {title!r} and {len(h1s)} h1 elements {h1s}")
    for title, names in by_title.items():
        if len(names) > 1:
            problems.append(f"{len(names)} kinds of officer page are all titled {title!r}: {names}")
    for h1, names in by_h1.items():
        if len(names) > 1:
            problems.append(f"{len(names)} kinds of officer page share the h1 {h1!r}: {names}")
    assert problems == [], "\n".join(problems)


def test_pages_of_one_kind_name_their_record(client, council):  # noqa: F811
    """Two reports' "write a report" pages, two meetings' edit pages: different titles."""
    from django.urls import reverse

    from meetings.models import AgendaItem, Meeting

    client.force_login(council["users"]["officer"])
    meetings = list(Meeting.all_objects.order_by("pk")[:2])
    items = list(AgendaItem.all_objects.filter(meeting=meetings[0]).order_by("pk")[:2])
    for name, args in (
        ("officer-meeting-edit", [m.pk for m in meetings]),
        ("officer-report-add", [i.pk for i in items]),
        ("officer-document-add", [i.pk for i in items]),
        ("officer-item-edit", [i.pk for i in items]),
    ):
        titles = {
            title_and_h1(client.get(reverse(name, args=[pk])).content.decode())[0] for pk in args
        }
        assert len(titles) == 2, (name, titles)
