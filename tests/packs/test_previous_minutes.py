"""The previous meeting's minutes in the agenda pack (issue 15 item 4), read back from the
real PDFs: in the public pack only while public and only their public version (an exempt
minute's canary never), the members' pack adds the exempt minutes stamped NOT FOR
PUBLICATION, page ranges and bookmarks include them, and the pack is rebuilt when they change
(draft → approved)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pikepdf
import pypdf
import pytest
from django.urls import reverse

from meetings.minutes import services as minutes_services
from meetings.models import AgendaItem, ItemKind
from meetings.packs import previous_minutes, services
from meetings.packs.models import Pack
from scrutiny.models import Council, Membership
from tests.factories import PersonFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items

from .helpers import all_decoded_bytes, ok_build, pack, stamped_number, texts

pytestmark = pytest.mark.django_db

CANARY = "CANARY-PREVMIN-91c4"
OPEN_TEXT = "The panel noted the open item update OPEN-MINUTE-5d2e."
SUMMARY = "The panel considered a report about missing children SUMMARY-77aa."


def _minute_of(minutes, title_start):
    return next(m for m in minutes.items.all() if m.agenda_item.title.startswith(title_start))


@pytest.fixture
def world():
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    first = make_meeting_with_items(business=2, exempt=True)
    minutes = minutes_services.start_minutes(meeting=first)
    open_minute = _minute_of(minutes, "Business item 0")
    minutes_services.save_minute(
        minute=open_minute, text=OPEN_TEXT, resolutions=["That the update be noted."], version=None
    )
    exempt_minute = _minute_of(minutes, "Missing children")
    minutes_services.save_minute(
        minute=exempt_minute,
        text=f"<p>Child X was found in Leeds {CANARY}.</p>",
        public_summary=f"<p>{SUMMARY}</p>",
        resolutions=[f"That the placement of child X continue {CANARY}."],
        version=None,
    )
    second = make_meeting_with_items(
        committee=first.committee,
        start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON),
        business=2,
        exempt=True,
        previous=first,
    )
    item = AgendaItem.all_objects.get(meeting=second, kind=ItemKind.MINUTES)
    return {"first": first, "second": second, "minutes": minutes, "item": item}


def _outline(path) -> list[tuple[str, list[str]]]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        return [(top.title, [c.title for c in top.children]) for top in outline.root]


def _flat(path) -> str:
    return "\n".join(texts(path))


def test_draft_minutes_are_in_no_pack(world):
    ok_build(world["second"])
    for kind in ("public", "members"):
        assert "Minutes of the meeting held on" not in _flat(pack(world["second"], kind).path)
    assert previous_minutes.public_keys(world["second"]) == set()


def test_public_pack_carries_the_public_version_only(world):
    minutes_services.publish_minutes(minutes=world["minutes"])
    ok_build(world["second"])
    public = pack(world["second"])
    pages = texts(public.path)
    flat = "\n".join(pages)
    title = "Minutes of the meeting held on 9 August 2017 – draft, to be approved"
    assert "Draft – to be approved" in flat
    assert "OPEN-MINUTE-5d2e" in flat
    assert "SUMMARY-77aa" in flat
    assert CANARY not in flat
    assert CANARY.encode() not in all_decoded_bytes(public.path)
    # Page range, bookmark and stamps include the minutes.
    item = world["item"]
    paper = next(p for p in public.contents["papers"] if p["item"] == item.pk)
    assert paper["key"] == previous_minutes.public_key(item.pk, world["minutes"])
    assert paper["title"] == title
    assert public.contents["items"][str(item.pk)] == [paper["first"], paper["last"]]
    for number in range(paper["first"], paper["last"] + 1):
        assert stamped_number(pages[number - 1]) == number
        assert "NOT FOR PUBLICATION" not in pages[number - 1]
    assert "9 August 2017" in pages[paper["first"] - 1]
    outline = dict(_outline(public.path))
    assert outline[f"{item.number}. {item.title}"] == [title]
    assert [stamped_number(t) for t in pages] == list(range(1, len(pages) + 1))
    # The front sheet gives the minutes item its pages.
    front = "\n".join(pages[: public.front_pages])
    assert f"Page {paper['first']}" in front or f"Pages {paper['first']}–" in front
    # The pack is public now: it is served, not withdrawn.
    assert services.is_public_now(public, services.public_now(world["second"]))


def test_members_pack_adds_the_exempt_minutes_stamped_not_for_publication(world):
    minutes_services.publish_minutes(minutes=world["minutes"])
    ok_build(world["second"])
    members = pack(world["second"], "members")
    pages = texts(members.path)
    item = world["item"]
    papers = [p for p in members.contents["papers"] if p["item"] == item.pk]
    assert [p["key"] for p in papers] == [
        previous_minutes.public_key(item.pk, world["minutes"]),
        previous_minutes.exempt_key(item.pk, world["minutes"]),
    ]
    public_part, exempt_part = papers
    for number in range(public_part["first"], public_part["last"] + 1):
        assert "NOT FOR PUBLICATION" not in pages[number - 1]
        assert CANARY not in pages[number - 1]
    exempt_text = "\n".join(pages[exempt_part["first"] - 1 : exempt_part["last"]])
    assert CANARY in exempt_text
    for number in range(exempt_part["first"], exempt_part["last"] + 1):
        # The stamp is drawn last: NOT FOR PUBLICATION (head), then "Page N" (foot).
        assert re.search(rf"NOT FOR PUBLICATION\s*Page {number}\s*$", pages[number - 1])
    outline = dict(_outline(members.path))
    assert outline[f"{item.number}. {item.title}"] == [public_part["title"], exempt_part["title"]]
    assert members.contents["items"][str(item.pk)] == [public_part["first"], exempt_part["last"]]


def test_canary_absent_for_the_public_and_a_councillor_not_on_the_committee(world, client):
    minutes_services.publish_minutes(minutes=world["minutes"])
    ok_build(world["second"])
    second = world["second"]
    public_url = reverse("meeting-pack", args=[second.pk])
    members_url = reverse("meeting-members-pack", args=[second.pk])
    outsider = make_user("councillor", person=PersonFactory())
    for user in (None, outsider):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(public_url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
        assert "OPEN-MINUTE-5d2e" in text
        assert CANARY not in text
        assert client.get(members_url).status_code == 404
    # A member of the committee reads the exempt minutes in the members' pack.
    member = Membership.objects.filter(committee=second.committee).first()
    client.force_login(make_user("councillor", person=member.person))
    response = client.get(members_url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert CANARY in text


def test_approval_rebuilds_the_pack_and_it_prints_as_approved(
    world, django_capture_on_commit_callbacks
):
    minutes_services.publish_minutes(minutes=world["minutes"])
    ok_build(world["second"])
    before = pack(world["second"]).input_hash
    with django_capture_on_commit_callbacks(execute=True):
        minutes_services.approve_minutes(minutes=world["minutes"], at_item=world["item"])
    public = pack(world["second"])
    assert public.input_hash != before, "approving the minutes rebuilt the pack"
    flat = " ".join(_flat(public.path).split())
    assert "Approved as a correct record at the meeting of 9 October 2017" in flat
    assert "Draft – to be approved" not in flat
    assert "Minutes of the meeting held on 9 August 2017 – approved" in flat
    assert CANARY not in flat


def test_a_correction_rebuilds_the_pack(world, django_capture_on_commit_callbacks):
    minutes_services.publish_minutes(minutes=world["minutes"])
    ok_build(world["second"])
    minute = _minute_of(world["minutes"], "Business item 0")
    with django_capture_on_commit_callbacks(execute=True):
        minutes_services.save_minute(
            minute=minute,
            text="The panel noted a corrected update CORRECTED-1b9f.",
            version=minute.version,
        )
    flat = _flat(pack(world["second"]).path)
    assert "CORRECTED-1b9f" in flat and "OPEN-MINUTE-5d2e" not in flat


def test_minutes_made_private_by_their_item_withdraw_nothing_else(world):
    """Minutes no longer public (their meeting unpublished) are not shown by the public pack:
    it is withdrawn until rebuilt without them."""
    minutes_services.publish_minutes(minutes=world["minutes"])
    ok_build(world["second"])
    public = pack(world["second"])
    type(world["first"]).all_objects.filter(pk=world["first"].pk).update(published_at=None)
    assert not services.is_public_now(public, services.public_now(world["second"]))
    services.withdraw_unpublishable(world["second"])
    assert not Pack.objects.filter(meeting=world["second"], kind="public").exists()
    ok_build(world["second"])
    assert "OPEN-MINUTE-5d2e" not in _flat(pack(world["second"]).path)


def test_a_hand_added_minutes_report_is_not_printed_twice(world):
    """Before this, officers added a generated ``minutes.previous`` report by hand: a pack
    that carries the minutes itself leaves that report out (it would print them twice)."""
    from meetings.models import Report

    minutes_services.publish_minutes(minutes=world["minutes"])
    Report.all_objects.create(
        agenda_item=world["item"],
        title="Minutes (generated by hand)",
        source=Report.Source.GENERATED,
        generator="minutes.previous",
    )
    ok_build(world["second"])
    public = pack(world["second"])
    keys = [p["key"] for p in public.contents["papers"] if p["item"] == world["item"].pk]
    assert keys == [previous_minutes.public_key(world["item"].pk, world["minutes"])]
    assert _flat(public.path).count("OPEN-MINUTE-5d2e") == 1
