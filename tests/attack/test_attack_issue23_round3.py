"""Issue 23 attacked, round 3 (attack23): papers inline with a Download link, one page range
per paper in a pack (``Pack.pages_of``), "My briefing". Found by hand on an empty portal
(setup_council, own committee, two councillors, a meeting with open, exempt and confidential
items, a late paper, a late exempt paper, a replacement and a retitle through the officer
pages) and closed here; each test fails on the code before its fix, except the guards marked
as such, which pin what the attack could not break."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from meetings import changes, services
from meetings.models import ChangeKind, Meeting, MeetingChange
from meetings.packs.models import Pack, PackKind
from notifications.events import _notice_lines
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db
CANARY = "ZORBLEWOMP"


@pytest.fixture
def late_exempt(django_capture_on_commit_callbacks):
    """A published meeting with an open and an exempt item, then a late open paper and a late
    exempt paper, as the officer adds them."""
    officer = make_user("officer", username="clerk")
    committee = CommitteeFactory(name="Wellbeing Scrutiny Panel")
    member = make_user("councillor", person=PersonFactory(name="Ada Member"))
    MembershipFactory(person=member.person, committee=committee, start_date=dt.date(2020, 1, 1))
    outsider = make_user("councillor", person=PersonFactory(name="Bob Outsider"))
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=12),
    )
    open_item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Care budget")
    DocumentFactory(agenda_item=open_item, title="Budget report", pages=3, is_draft=False)
    exempt_item = ExemptAgendaItemFactory(
        meeting=meeting, order=2, number="2", title="Sale of the depot", exempt_paragraph=3
    )
    DocumentFactory(agenda_item=exempt_item, title=f"Valuation {CANARY}", pages=2, is_draft=False)
    with django_capture_on_commit_callbacks(execute=True):  # the packs build on commit
        services.publish_meeting(
            meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True
        )
    late_open = DocumentFactory(
        agenda_item=open_item, title="Revised forecast", pages=2, is_draft=True
    )
    late_private = DocumentFactory(
        agenda_item=exempt_item, title=f"Late bid {CANARY}", pages=1, is_draft=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_late_paper(paper=late_open, urgency_reasons="Late figures.", by=officer)
        services.publish_late_paper(paper=late_private, urgency_reasons="Late bid.", by=officer)
    meeting = Meeting.all_objects.get(pk=meeting.pk)
    return meeting, member, outsider, late_open, late_private


def test_my_page_links_a_late_exempt_paper_to_its_page_in_the_members_pack(client, late_exempt):
    """/my/ linked a late open paper into the supplementary pack at its page, but a late
    exempt paper (in no public pack) had only "Open the paper": the member had to find it in
    the members' pack by hand. It now links the members' pack at the paper's first page, the
    page the paper really is on."""
    meeting, member, _outsider, _late_open, late_private = late_exempt
    members_pack = Pack.objects.get(meeting=meeting, kind=PackKind.MEMBERS)
    pages = members_pack.pages_of(paper=late_private)
    assert pages is not None
    url = reverse("meeting-members-pack", args=[meeting.pk])

    client.force_login(member)
    html = client.get(reverse("my-portal")).content.decode()
    line = re.search(r'<li class="portal-change" data-kind="late_paper">[^\n]*Late bid[^\n]*', html)
    assert line is not None
    assert f'href="{url}#page={pages.file_page}">Members&#x27; pack: {pages.text}<' in line[0]

    # #page=N opens the paper's own first page in the members' pack.
    response = client.get(url)
    data = response.content if not response.streaming else b"".join(response.streaming_content)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[pages.file_page - 1].extract_text()
    assert f"Page {pages.first}" in page


def test_the_members_pack_link_never_reaches_a_notice_or_the_public(client, late_exempt):
    """The members' pack link is for the /my/ line of a member only: the change notice still
    names no title and links nothing for a private change, and the public and a councillor
    off the committee see neither the change nor the link."""
    meeting, _member, outsider, _late_open, _late_private = late_exempt
    events = list(
        MeetingChange.all_objects.filter(meeting=meeting, kind=ChangeKind.LATE_PAPER)
        .select_related("meeting", "report", "document")
        .order_by("pk")
    )
    notice = _notice_lines(events)
    private = [line for line, event in zip(notice, events, strict=True) if not event.is_public]
    assert private and all(
        line["url"] == ""
        and "#page" not in line["text"]
        and "pages" not in line["text"]
        and CANARY not in line["text"]
        for line in private
    )
    members_url = reverse("meeting-members-pack", args=[meeting.pk])
    for user in (None, outsider):
        if user is not None:
            client.force_login(user)
        for path in (reverse("my-portal"), meeting.get_absolute_url()):
            response = client.get(path, follow=True)
            body = response.content.decode()
            assert CANARY not in body and members_url not in body


def test_a_replacement_with_the_same_title_says_it_once():
    """/my/ read "Paper replaced on item 7: “Appendix A: spending” → new version “Appendix A:
    spending”" when the officer kept the title."""
    same = MeetingChange(
        kind=ChangeKind.PAPER_REPLACED, item_number="7", before="Appendix A", after="Appendix A"
    )
    assert changes.sentence(same) == "Paper replaced on item 7: new version of “Appendix A”"
    renamed = MeetingChange(
        kind=ChangeKind.PAPER_REPLACED, item_number="7", before="Appendix A", after="Appendix B"
    )
    assert (
        changes.sentence(renamed)
        == "Paper replaced on item 7: “Appendix A” → new version “Appendix B”"
    )


def test_members_search_opens_an_exempt_paper_and_offers_the_download_apart(client):
    """Members' search said "Download the PDF" for a link that now opens the paper in the
    browser, with no way to save it; the public results said "This result downloads a PDF
    file" of papers that open inline; and a member was told exempt papers are "never
    included" in the search that does include theirs."""
    meeting = MeetingFactory(start=timezone.now() + dt.timedelta(days=5))
    item = ExemptAgendaItemFactory(meeting=meeting, exempt_paragraph=3)
    document = DocumentFactory(
        agenda_item=item, title="Depot valuation", text="valuation of the depot", is_draft=False
    )
    officer = make_user("officer", username="clerk")
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    person = PersonFactory()
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2020, 1, 1))
    client.force_login(make_user("councillor", person=person))
    html = client.get(reverse("search"), {"q": "valuation"}).content.decode()
    url = reverse("document-download", args=[document.pk])
    assert "Download the PDF" not in html
    assert f'href="{url}">Open the PDF<' in html
    assert f'href="{url}?download=1">Download<' in html
    empty = client.get(reverse("search")).content.decode()
    assert "except the exempt papers of the committees you sit on" in empty
    client.logout()
    public = client.get(reverse("search")).content.decode()
    assert "are never included.</p>" in public and "committees you sit on" not in public


@pytest.mark.parametrize(
    "title",
    [
        'a"b\r\nSet-Cookie: x=1',
        "\u202eevil\u202dfdp.exe",
        "../../etc/passwd",
        "Ünïcödé – 日本語",
        "x" * 300,
        'a;filename="evil.exe"',
    ],
)
def test_guard_a_crafted_title_cannot_shape_the_download_header(client, title):
    """Guard (held): the Download name comes from the slugified title, so no quote, CR, LF,
    semicolon, path or bidi control reaches Content-Disposition, inline or attachment."""
    meeting = MeetingFactory(start=timezone.now() + dt.timedelta(days=5))
    item = AgendaItemFactory(meeting=meeting)
    document = DocumentFactory(agenda_item=item, title=title, is_draft=False)
    officer = make_user("officer", username="clerk")
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    url = reverse("document-download", args=[document.pk])
    for query, kind in (("", "inline"), ("?download=1", "attachment")):
        response = client.get(url + query)
        assert response.status_code == 200
        header = response["Content-Disposition"]
        name = re.fullmatch(kind + r'; filename="([a-z0-9-]+\.pdf)"', header)
        assert name is not None, header
        assert len(name[1]) <= 104
        assert header == content_disposition_header(kind == "attachment", name[1])
        assert "Set-Cookie" not in response
