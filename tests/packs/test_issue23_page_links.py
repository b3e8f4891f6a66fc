"""Issue 23 finding 2: "Pages 5–7" under each item links into the pack at that page; the
members' pack link shows its size and page count; members see the exempt items' pages in the
members' pack, and nobody else does."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from tests.factories import PersonFactory, make_user
from tests.factories.packs import CANARY, make_pack_meeting

from .helpers import ok_build, pack, stamped_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    pm = make_pack_meeting(landscape=False)
    ok_build(pm.meeting)
    return pm


def _links(html: str, url: str) -> list[tuple[int, str]]:
    return [
        (int(n), text) for n, text in re.findall(re.escape(url) + r"#page=(\d+)\">([^<]+)<", html)
    ]


def test_page_ranges_link_into_the_pack_at_that_page(client, built):
    public = pack(built.meeting)
    url = reverse("meeting-pack", args=[built.meeting.pk])
    html = client.get(built.meeting.get_absolute_url()).content.decode()
    links = _links(html, url)
    first, last = public.contents["items"][str(built.items["appendices"].pk)]
    assert (first - public.first_page + 1, f"Pages {first}–{last}") in links
    # The page the link opens is the one stamped with that number.
    reader = pypdf.PdfReader(io.BytesIO(public.path.read_bytes()))
    for n, _text in links:
        assert stamped_number(reader.pages[n - 1].extract_text()) == int(
            re.search(r"\d+", _text).group()
        )
    # The public get no members' pack pages and nothing exempt.
    assert "members-pack.pdf#page=" not in html and "pack: page" not in html.replace(
        "agenda pack", ""
    )
    assert CANARY not in html


def test_members_see_exempt_pages_in_the_members_pack_and_its_size(client, built):
    members = pack(built.meeting, "members")
    members_url = reverse("meeting-members-pack", args=[built.meeting.pk])
    client.force_login(make_user("councillor", person=built.member.person))
    html = client.get(built.meeting.get_absolute_url()).content.decode()
    first, last = members.contents["items"][str(built.items["exempt"].pk)]
    pages = f"page {first}" if first == last else f"pages {first}–{last}"
    label = f"Members&#x27; pack: {pages}"
    assert (first - members.first_page + 1, label) in _links(html, members_url)
    # Only exempt items get a members' pack link (the public pack serves the rest).
    assert len(_links(html, members_url)) == 1
    assert f"{members.page_count} pages, {filesizeformat(members.size)})" in html.replace(
        "&nbsp;", "\xa0"
    )
    reader = pypdf.PdfReader(io.BytesIO(members.path.read_bytes()))
    page = reader.pages[first - members.first_page]
    assert stamped_number(page.extract_text()) == first and "NOT FOR PUBLICATION" in (
        page.extract_text()
    )


def test_a_councillor_off_the_committee_gets_no_members_pack_pages(client, built):
    client.force_login(make_user("councillor", person=PersonFactory()))
    html = client.get(built.meeting.get_absolute_url()).content.decode()
    assert "members-pack.pdf" not in html and CANARY not in html
