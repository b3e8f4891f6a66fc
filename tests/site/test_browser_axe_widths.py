"""axe-core at a phone width (320 px) and a desktop width (1280 px) on every kind of page.

Issue 16, finding 4 and "axe passes at both widths". One real URL per URL pattern, built as
the permission matrix builds them (a crawl of the demo council plus ``extra_urls``): public
pages as the public, officer pages as an officer, signed-in and members-only pages as a
councillor on the committee. Each page is loaded once at 1280 px and checked, then narrowed
to 320 px and checked again (the layout reflows; nothing is reloaded). The WCAG 2.0/2.1/2.2
A and AA rules run, which include ``target-size`` (2.5.8) and ``scrollable-region-focusable``
(2.1.1); the test proves both really ran. Any violation fails, naming the page, the width and
the rule.
"""

from __future__ import annotations

import time

import pytest

from conftest import AXE_JS
from tests.hardening.test_permission_matrix import (
    MEMBERS,
    OFFICER,
    PUBLIC,
    RULES,
    SIGNED_IN,
    build_council,
    crawl,
    extra_urls,
    members_only_urls,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council(transactional_db):
    """The permission matrix's council, committed: the live server reads it from its own
    thread (the matrix module holds its council in a transaction instead). Without a
    transaction, the follow-up work a commit starts (packs) runs as each row is saved."""
    return build_council()


WIDTHS = (1280, 320)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MUST_RUN = {"target-size", "scrollable-region-focusable"}
RUN_AXE = """async (tags) => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']});
    const ran = [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map(x => x.id);
    return {ran, violations: r.violations.map(v => ({
        id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}))};
}"""


def is_html_page(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response["Content-Type"].startswith("text/html")
    )


def pages_by_role(client, council) -> dict[str, list[str]]:
    """One HTML URL per URL pattern, grouped by who is to see it."""
    users = council["users"]
    client.force_login(users["admin"])
    found = crawl(client, ["/", "/officer/", "/sitemap.xml", "/my/"], per_name=2)
    client.logout()
    found.update({k: v for k, v in extra_urls(council).items() if k not in found})
    found["members-only-paper"] = members_only_urls(council)[1]
    roles = {"anonymous": [], "member": [], "officer": []}
    for name in sorted(found):
        cls = MEMBERS if name == "members-only-paper" else RULES.get(name)
        role = {PUBLIC: "anonymous", OFFICER: "officer", SIGNED_IN: "member", MEMBERS: "member"}
        if cls in role:
            roles[role[cls]].append(found[name])
    roles["anonymous"] += ["/accounts/login/", "/no-such-page/"]
    checked: dict[str, list[str]] = {}
    for role, urls in roles.items():
        client.logout()
        if users.get(role):
            client.force_login(users[role])
        checked[role] = [url for url in urls if is_html_page(client.get(url))]
    client.logout()
    return checked


def session_cookie(client, user, live_server) -> dict:
    from django.conf import settings

    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


def test_every_kind_of_page_passes_axe_at_320_and_1280(browser, live_server, client, council):
    axe_source = AXE_JS.read_text()
    started = time.monotonic()
    urls = pages_by_role(client, council)
    crawled = time.monotonic()
    failures: list[str] = []
    checked = 0
    ran: set[str] = set()
    for role, paths in urls.items():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        if role != "anonymous":
            context.add_cookies([session_cookie(client, council["users"][role], live_server)])
        page = context.new_page()
        page.set_default_timeout(20000)
        for path in paths:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(path)
            page.evaluate(axe_source)  # through DevTools: the CSP does not apply
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                result = page.evaluate(RUN_AXE, TAGS)
                ran.update(result["ran"])
                checked += 1
                for v in result["violations"]:
                    failures.append(
                        f"{role} {path} at {width}px: {v['id']} ({v['help']}) "
                        f"x{v['count']}: {'; '.join(v['nodes'])}"
                    )
        context.close()
    print(
        f"axe: {checked} page checks ({sum(map(len, urls.values()))} pages x {len(WIDTHS)});"
        f" crawl {crawled - started:.0f} s, browser {time.monotonic() - crawled:.0f} s"
    )
    assert ran >= MUST_RUN, f"axe did not run {MUST_RUN - ran}"
    assert len(urls["officer"]) > 60 and len(urls["anonymous"]) > 20 and urls["member"], urls
    assert failures == [], f"{len(failures)} axe violations:\n" + "\n".join(failures)
