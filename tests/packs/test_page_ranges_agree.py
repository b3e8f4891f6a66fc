"""Issue 23: a late paper's pages in the supplementary pack are worked out in one place
(``Pack.pages_of``), so /my/ and the meeting page say the same pages and open the pack at the
same ``#page``. Before, /my/ gave the whole supplementary pack with its front sheet ("pages
9–11") and the meeting page the paper ("pages 10–11", ``#page=2``)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from meetings.packs.models import Pack, PackKind
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import AgendaItemFactory, DocumentFactory, MeetingFactory

from .helpers import stamped_number

pytestmark = pytest.mark.django_db


def _pack_links(html: str, url: str) -> list[tuple[str, str]]:
    """(page, text) of each link into the pack at ``url``."""
    return [
        (n, re.sub(r"\s+", " ", text).strip())
        for n, text in re.findall(re.escape(url) + r'#page=(\d+)">([^<]+)<', html)
    ]


def test_my_page_and_the_meeting_page_give_a_late_paper_the_same_pages(
    client, django_capture_on_commit_callbacks
):
    officer = make_user("officer", username="clerk")
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    member = make_user("councillor", person=PersonFactory(name="Cahal Burke"))
    MembershipFactory(person=member.person, committee=committee, start_date=dt.date(2017, 1, 1))
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=20),
    )
    first = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Social care update")
    DocumentFactory(agenda_item=first, title="Social care figures", pages=3, is_draft=False)
    second = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Placements")
    with django_capture_on_commit_callbacks(execute=True):  # the packs build on commit
        services.publish_meeting(
            meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True
        )
    late = DocumentFactory(
        agenda_item=second, title="Placement sufficiency", pages=2, is_draft=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_late_paper(paper=late, urgency_reasons="Figures came late.", by=officer)
    meeting = Meeting.all_objects.get(pk=meeting.pk)

    supplementary = Pack.objects.get(meeting=meeting, kind=PackKind.SUPPLEMENTARY)
    pages = supplementary.pages_of(paper=late)
    assert pages is not None and pages.last - pages.first + 1 == 2
    # The supplementary pack has a front sheet: the paper is not its first page.
    assert pages.first > supplementary.first_page and pages.file_page > 1
    expected = (str(pages.file_page), f"pages {pages.first}–{pages.last}")
    url = reverse("meeting-supplementary-pack", args=[meeting.pk])

    client.force_login(member)
    mine = client.get(reverse("my-portal")).content.decode()
    on_my_page = [
        (n, text.removeprefix("Supplementary pack: ")) for n, text in _pack_links(mine, url)
    ]
    assert on_my_page == [expected]

    page = client.get(meeting.get_absolute_url()).content.decode()
    on_meeting_page = [
        (n, text.removeprefix("Supplementary pack: ")) for n, text in _pack_links(page, url)
    ]
    assert on_meeting_page == [expected]

    # And #page=N opens the page stamped with the first number both pages give.
    data = client.get(url)
    reader = pypdf.PdfReader(io.BytesIO(b"".join(data.streaming_content)))
    assert stamped_number(reader.pages[pages.file_page - 1].extract_text()) == pages.first
