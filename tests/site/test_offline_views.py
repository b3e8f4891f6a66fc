"""The installable web app's views (issue 23, "Offline papers"): the manifest, the service
worker's headers, sign-out's Clear-Site-Data, what "Save for offline" may save for whom
(``meetings.packs.offline.offline_plan``) and the worker's "may I still read these" check,
which refuses the public and filters out what a member may no longer read."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from meetings.packs.models import Pack
from scrutiny.offline import user_cache_key
from tests.factories import make_user
from tests.factories.meetings import MeetingFactory, PublishedMeetingFactory
from tests.factories.packs import CANARY, make_pack_meeting
from tests.packs.helpers import ok_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming():
    """An upcoming published meeting with an exempt item, its packs built, a member of the
    committee with a login and a councillor who is not on it."""
    start = timezone.now() + dt.timedelta(days=14)
    pm = make_pack_meeting(landscape=False, meeting=PublishedMeetingFactory(start=start))
    ok_build(pm.meeting)
    pm.member_user = make_user("councillor", person=pm.member.person)
    pm.outsider = make_user("councillor")
    return pm


def urls_of(plan: dict) -> dict[str, bool]:
    return {entry["url"]: entry["members"] for entry in plan["urls"]}


def test_manifest_names_the_council_and_its_icons_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"].endswith("committee papers")
    assert data["scope"] == "/" and data["start_url"] == "/"
    assert data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_every_page_links_the_manifest_and_the_registration_script(client):
    response = client.get("/")
    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script type="module" src="/static/js/offline.mjs"></script>' in html
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_service_worker_is_javascript_from_the_root_and_never_kept(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    control = response["Cache-Control"]
    assert "no-cache" in control and "max-age=0" in control
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body and "offline-private-" in body
    assert client.post("/sw.js").status_code == 405


def test_sign_out_tells_the_browser_to_clear_saved_copies(client):
    client.force_login(make_user("councillor"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("logout")).status_code == 405


def test_the_public_plan_lists_public_addresses_only(client, upcoming):
    meeting = upcoming.meeting
    response = client.get(reverse("offline-meeting", args=[meeting.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    plan = json.loads(response.content)
    assert plan["user"] is None and plan["members"] is False
    assert urls_of(plan) == {
        meeting.get_absolute_url(): False,
        reverse("meeting-pack", args=[meeting.pk]): False,
    }
    assert "members-pack" not in response.content.decode()
    assert CANARY not in response.content.decode()


def test_a_member_plan_adds_the_members_pack_under_their_own_key(client, upcoming):
    meeting = upcoming.meeting
    client.force_login(upcoming.member_user)
    plan = json.loads(client.get(reverse("offline-meeting", args=[meeting.pk])).content)
    assert plan["user"] == user_cache_key(upcoming.member_user)
    assert plan["user"] != str(upcoming.member_user.pk)
    assert plan["members"] is True
    assert urls_of(plan) == {
        meeting.get_absolute_url(): True,
        reverse("meeting-pack", args=[meeting.pk]): False,
        reverse("meeting-members-pack", args=[meeting.pk]): True,
    }
    # A councillor who is not on the committee: their own key, no members' pack.
    client.force_login(upcoming.outsider)
    other = json.loads(client.get(reverse("offline-meeting", args=[meeting.pk])).content)
    assert other["user"] not in (None, plan["user"])
    assert reverse("meeting-members-pack", args=[meeting.pk]) not in urls_of(other)
    assert other["members"] is False


def test_no_plan_for_a_meeting_the_public_cannot_see(client, upcoming):
    draft = MeetingFactory()
    client.force_login(upcoming.member_user)
    assert client.get(reverse("offline-meeting", args=[draft.pk])).status_code == 404


def test_the_version_follows_the_packs_etags(client, upcoming):
    url = reverse("offline-meeting", args=[upcoming.meeting.pk])
    client.force_login(upcoming.member_user)
    before = json.loads(client.get(url).content)["version"]
    assert json.loads(client.get(url).content)["version"] == before
    Pack.objects.filter(meeting=upcoming.meeting, kind="members").update(sha256="0" * 64)
    after = json.loads(client.get(url).content)["version"]
    assert after != before


def check(client, *, plain=(), members=()):
    query = [("u", u) for u in plain] + [("m", m) for m in members]
    response = client.get(reverse("offline-check"), query)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_check_refuses_the_public_everything(client, upcoming):
    meeting = upcoming.meeting
    page = meeting.get_absolute_url()
    answer = check(
        client,
        plain=[page, reverse("meeting-pack", args=[meeting.pk])],
        members=[reverse("meeting-members-pack", args=[meeting.pk])],
    )
    assert answer == {"user": None, "readable": []}


def test_the_check_keeps_what_a_member_may_read(client, upcoming):
    meeting = upcoming.meeting
    page, public = meeting.get_absolute_url(), reverse("meeting-pack", args=[meeting.pk])
    members = reverse("meeting-members-pack", args=[meeting.pk])
    client.force_login(upcoming.member_user)
    answer = check(client, plain=[public, "/officer/", "/no-such-page/"], members=[page, members])
    assert answer["user"] == user_cache_key(upcoming.member_user)
    assert sorted(answer["readable"]) == sorted([public, page, members])


def test_the_check_drops_members_copies_once_membership_ends(client, upcoming):
    meeting = upcoming.meeting
    page, public = meeting.get_absolute_url(), reverse("meeting-pack", args=[meeting.pk])
    members = reverse("meeting-members-pack", args=[meeting.pk])
    client.force_login(upcoming.member_user)
    membership = upcoming.member
    membership.end_date = timezone.localdate() - dt.timedelta(days=1)
    membership.save()
    answer = check(client, plain=[public], members=[page, members])
    # The public pack stays; the members' pack and the page saved with exempt papers go.
    assert answer["readable"] == [public]
    # A page saved without members' content is still theirs to read.
    assert check(client, plain=[page])["readable"] == [page]


def test_the_check_drops_a_meeting_no_longer_published(client, upcoming):
    meeting = upcoming.meeting
    client.force_login(upcoming.member_user)
    page = meeting.get_absolute_url()
    type(meeting).all_objects.filter(pk=meeting.pk).update(status="draft", published_at=None)
    assert check(client, members=[page])["readable"] == []


def test_the_check_takes_a_bounded_list(client, upcoming):
    client.force_login(upcoming.member_user)
    query = [("u", f"/meetings/{n}/") for n in range(201)]
    assert client.get(reverse("offline-check"), query).status_code == 400


def test_the_save_panel_is_hidden_until_the_script_shows_it(client, upcoming):
    meeting = upcoming.meeting
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "data-offline-panel hidden" in html
    assert f'data-offline-plan="{reverse("offline-meeting", args=[meeting.pk])}"' in html
    version = json.loads(client.get(reverse("offline-meeting", args=[meeting.pk])).content)
    assert f'data-offline-version="{version["version"]}"' in html
    assert "Saved copies are kept only for you" not in html
    assert "members' pack included" not in html
    client.force_login(upcoming.member_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Saved copies are kept only for you" in html
    assert "members' pack included" in html


def test_my_page_offers_each_upcoming_meeting(client, upcoming):
    client.force_login(upcoming.member_user)
    html = client.get(reverse("my-portal")).content.decode()
    assert "Read your papers offline" in html
    assert f'data-offline-meeting="{upcoming.meeting.pk}"' in html
    client.force_login(upcoming.outsider)  # no committee, no upcoming meetings
    assert "Read your papers offline" not in client.get(reverse("my-portal")).content.decode()
