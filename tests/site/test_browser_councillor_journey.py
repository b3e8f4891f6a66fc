"""Issue 23, "Done means": one councillor's journey on a phone (390×844), end to end, in a real
Chromium with the service worker:

sign in → ``/my/`` shows exactly what changed (an officer's retitle, late paper and
replacement) → jump from the agenda to page N of the pack → save the meeting offline → go
offline and read the agenda and the members' pack → add a private note → sign out, and the
cached members' pack and the note are gone from the device.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conftest import login
from meetings import changes, services
from meetings.models import Document, MeetingChange
from tests.factories import make_user
from tests.factories.meetings import PublishedMeetingFactory, make_pdf_bytes
from tests.factories.packs import CANARY, make_pack_meeting
from tests.packs.helpers import ok_build
from tests.site.test_browser_offline import FETCH, PHONE, READY, open_ready, save, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Ask why QUOKKAWIRE placements fell on page 2"
# Every body kept in the device's caches, as text (a PDF's bytes as Latin-1).
CACHED_BODIES = """async () => {
    const out = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const response = await cache.match(request);
            const bytes = new Uint8Array(await response.arrayBuffer());
            let text = '';
            for (let i = 0; i < bytes.length; i += 8192) {
                text += String.fromCharCode(...bytes.subarray(i, i + 8192));
            }
            out.push([name, new URL(request.url).pathname, text]);
        }
    }
    return out;
}"""


def _pdf_pages(result: dict) -> list[str]:
    assert result["status"] == 200, result
    reader = pypdf.PdfReader(io.BytesIO(base64.b64decode(result["body"])))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def changed_meeting(transactional_db):
    """An upcoming published meeting with its packs; the member has seen the agenda; then the
    officer retitles an item, publishes a late paper and replaces a paper."""
    start = timezone.now() + dt.timedelta(days=14)
    pm = make_pack_meeting(landscape=False, meeting=PublishedMeetingFactory(start=start))
    ok_build(pm.meeting)
    member = make_user("councillor", username="cllr.journey", person=pm.member.person)
    officer = make_user("officer", username="journey-officer")
    meeting = pm.meeting
    latest = MeetingChange.all_objects.filter(meeting=meeting).order_by("-pk").first()
    if latest is not None:
        changes.acknowledge(user=member, meeting=meeting, up_to=latest.pk)

    appendices = pm.items["appendices"]
    services.update_agenda_item(item=appendices, by=officer, title="Performance appendices 2017")
    late = services.add_document(
        agenda_item=pm.items["report"],
        uploaded_file=ContentFile(make_pdf_bytes(1, "LATE-NOTE text"), name="late.pdf"),
        title="Late briefing note",
        by=officer,
        urgency_reasons="The figures arrived after despatch.",
    )
    if Document.all_objects.get(pk=late.pk).is_draft:
        services.publish_late_paper(paper=late, by=officer)
    appendix_a = Document.objects.get(agenda_item=appendices, title="Appendix A")
    services.replace_document(
        document=appendix_a,
        uploaded_file=ContentFile(make_pdf_bytes(3, "APPENDIX-A corrected"), name="a2.pdf"),
        title="Appendix A (corrected)",
        by=officer,
    )
    return pm, member


def test_a_councillor_prepares_on_a_phone_from_my_page_to_sign_out(
    browser, live_server, changed_meeting, axe
):
    pm, member = changed_meeting
    meeting = pm.meeting
    agenda = meeting.get_absolute_url()
    members_pack = reverse("meeting-members-pack", args=[meeting.pk])
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        # 1. Sign in: /my/ says exactly what changed, with before and after.
        login(page, member.username)
        page.goto(reverse("my-portal"))
        lines = [
            t.strip() for t in page.locator(f"[data-changes='{meeting.pk}'] li").all_inner_texts()
        ]
        assert len(lines) == 3, lines
        assert lines[0].startswith(
            "Item 3 retitled: “Performance appendices” → “Performance appendices 2017”"
        ), lines
        assert lines[1].startswith("Late paper added to item 2: “Late briefing note”"), lines
        assert lines[2].startswith(
            "Paper replaced on item 3: “Appendix A” → new version “Appendix A (corrected)”"
        ), lines
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert axe(page) == []

        # 2. From the agenda, jump to page N of the pack: the link's page is the item's.
        open_ready(page, agenda)
        item = page.locator(f"#item-{pm.items['appendices'].pk}")
        jump = item.get_by_role("link", name=re.compile(r"^Pages? \d+"))
        href = jump.first.get_attribute("href")
        pack_url, fragment = href.split("#")
        page_number = int(fragment.removeprefix("page="))
        pages = _pdf_pages(page.evaluate(FETCH, pack_url))
        assert "APPENDIX-A corrected" in pages[page_number - 1] or (
            "Performance appendices 2017" in pages[page_number - 1]
        ), pages[page_number - 1][:300]

        # 3. Save the meeting offline; 4. offline, read the agenda and the members' pack.
        save(page)
        context.set_offline(True)
        page.goto(agenda)
        assert page.locator("[data-offline-banner]").is_visible()
        assert page.get_by_role("heading", level=1).is_visible()
        assert any(CANARY in text for text in _pdf_pages(page.evaluate(FETCH, members_pack)))
        context.set_offline(False)

        # 5. Add a private note on the item, and keep the saved copy up to date with it.
        open_ready(page, agenda)
        page.get_by_role("link", name=re.compile("Add a private note")).first.click()
        page.wait_for_load_state()
        page.locator("textarea").first.fill(NOTE)
        page.get_by_role("button", name="Save note").click()
        page.wait_for_load_state()
        assert NOTE in page.content()
        open_ready(page, agenda)
        # The saved copy is of the page before the note: save it again.
        page.get_by_role("button", name=re.compile("^(Save again|Refresh the saved copy)$")).click()
        page.wait_for_function(
            f"async () => (await ({CACHED_BODIES})()).some(([, , body]) => body.includes({NOTE!r}))"
        )

        # 6. Sign out: nothing private is left on the device.
        sign_out(page)
        page.wait_for_function(READY)
        cached = page.evaluate(CACHED_BODIES)
        assert not any(name.startswith("offline-private-") for name, _, _ in cached), cached
        assert not any(NOTE in body for _, _, body in cached)
        assert not any(CANARY in body for _, _, body in cached)
        context.set_offline(True)
        assert page.evaluate(FETCH, members_pack)["status"] != 200
        context.set_offline(False)
    finally:
        context.close()
