"""Pack downloads: served as files with validators; members' pack only for members and
officers (404 for everyone else, every read logged); officer pages and meeting page panels."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from meetings.models import ExemptAccess
from meetings.packs import panels
from meetings.packs.models import BuildStatus, Pack, PackBuild
from tests.factories import PersonFactory, make_user
from tests.factories.meetings import MeetingFactory, PublishedMeetingFactory
from tests.factories.packs import CANARY, make_pack_meeting

from .helpers import ok_build, pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    pm = make_pack_meeting(landscape=False)
    ok_build(pm.meeting)
    return pm


def test_public_pack_is_served_with_validators_and_answers_304(client, built):
    public = pack(built.meeting)
    url = reverse("meeting-pack", args=[built.meeting.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body == public.path.read_bytes()
    assert int(response["Content-Length"]) == public.size == len(body)
    assert response["ETag"] == f'"{public.sha256[:32]}"'
    assert response["Last-Modified"] == http_date(int(public.built_at.timestamp()))
    assert 'filename="' in response["Content-Disposition"]
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    since = client.get(url, headers={"if-modified-since": response["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(url, headers={"if-none-match": '"something-else"'})
    assert stale.status_code == 200


def test_unpublished_or_unbuilt_meetings_have_no_pack(client, db):
    draft = MeetingFactory()
    assert client.get(reverse("meeting-pack", args=[draft.pk])).status_code == 404
    unbuilt = PublishedMeetingFactory(start=timezone.now() + dt.timedelta(days=7))
    assert client.get(reverse("meeting-pack", args=[unbuilt.pk])).status_code == 404
    url = reverse("meeting-supplementary-pack", args=[unbuilt.pk])
    assert client.get(url).status_code == 404
    # A held meeting that never had a pack (one a bulk import brought in) gets it built when
    # first asked for: "being prepared" (tests/imports/test_batches.py follows it through).
    held = PublishedMeetingFactory(start=timezone.now() - dt.timedelta(days=7))
    assert client.get(reverse("meeting-pack", args=[held.pk])).status_code == 503


def test_members_pack_is_404_for_the_public_and_non_members(client, built):
    url = reverse("meeting-members-pack", args=[built.meeting.pk])
    assert client.get(url).status_code == 404
    outsider = make_user("councillor", person=PersonFactory())
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert not ExemptAccess.objects.filter(refused=False).exists()  # refusals are logged as such


def test_members_pack_for_a_member_and_an_officer_is_logged(client, built):
    url = reverse("meeting-members-pack", args=[built.meeting.pk])
    member = make_user("councillor", person=built.member.person)
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert CANARY in "".join(page.extract_text() for page in reader.pages)
    assert "private" in response["Cache-Control"]
    assert ExemptAccess.objects.get().user == member
    client.force_login(make_user("officer"))
    assert client.get(url).status_code == 200
    assert ExemptAccess.objects.count() == 2


def test_meeting_panel_shows_members_pack_only_to_those_allowed(built):
    rf = RequestFactory()
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    template, ctx = panels.meeting_pack_panel(request, built.meeting)
    html = render_to_string(template, {"panel": ctx, "request": request})
    assert reverse("meeting-pack", args=[built.meeting.pk]) in html
    assert reverse("meeting-members-pack", args=[built.meeting.pk]) not in html
    assert CANARY not in html
    request.user = make_user("councillor", person=built.member.person)
    built.meeting._packs_by_kind = None
    template, ctx = panels.meeting_pack_panel(request, built.meeting)
    html = render_to_string(template, {"panel": ctx, "request": request})
    assert reverse("meeting-members-pack", args=[built.meeting.pk]) in html


def test_item_notes_give_page_ranges_from_the_built_pack(built):
    request = RequestFactory().get("/")
    notes = panels.item_page_notes(request, built.meeting)
    public = pack(built.meeting)
    first, last = public.contents["items"][str(built.items["appendices"].pk)]
    url = reverse("meeting-pack", args=[built.meeting.pk])
    assert notes[built.items["appendices"].pk] == [
        f'<a class="govuk-link" href="{url}#page={first}">Pages {first}–{last}'
        '<span class="govuk-visually-hidden"> of the agenda pack</span></a>'
    ]
    assert built.items["membership"].pk not in notes


def test_officer_panel_shows_status_error_and_rebuild(client, built):
    officer = make_user("officer")
    request = RequestFactory().get("/officer/meetings/1/")
    request.user = officer
    PackBuild.objects.create(
        meeting=built.meeting, status=BuildStatus.FAILED, error='"Appendix Z" is not a PDF'
    )
    template, ctx = panels.officer_pack_panel(request, built.meeting)
    html = render_to_string(template, {"panel": ctx, "request": request})
    assert "Failed" in html
    assert "&quot;Appendix Z&quot; is not a PDF" in html
    assert reverse("officer-pack-rebuild", args=[built.meeting.pk]) in html


def test_rebuild_button_forces_a_build(client, built):
    client.force_login(make_user("officer"))
    before = pack(built.meeting)
    response = client.post(
        reverse("officer-pack-rebuild", args=[built.meeting.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("officer-packs")
    latest = PackBuild.objects.filter(meeting=built.meeting).first()
    assert latest.force and latest.status == BuildStatus.OK
    assert pack(built.meeting).build_id == latest.pk != before.build_id


def test_officer_pages_refuse_others(client, built):
    url = reverse("officer-packs")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user("councillor"))
    assert client.get(url).status_code == 403
    rebuild = reverse("officer-pack-rebuild", args=[built.meeting.pk])
    assert client.post(rebuild).status_code == 403


def test_officer_build_list_query_count_stays_flat(client, django_assert_max_num_queries):
    client.force_login(make_user("officer"))
    for _ in range(2):
        PackBuild.objects.create(meeting=PublishedMeetingFactory(), status=BuildStatus.OK)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("officer-packs"))
    assert response.status_code == 200
    for _ in range(20):
        PackBuild.objects.create(
            meeting=PublishedMeetingFactory(), status=BuildStatus.FAILED, error="Broken"
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("officer-packs"))
    assert response.content.decode().count("<h1") == 1
    assert response.content.decode().count("✗ Failed") == 20


def test_pack_rows_point_inside_media_root(built, settings):
    for p in Pack.objects.all():
        assert str(p.path).startswith(str(settings.MEDIA_ROOT))


def test_officer_panel_keeps_showing_the_last_failure_after_a_good_build(built):
    request = RequestFactory().get("/")
    request.user = make_user("officer")
    failed = PackBuild.objects.create(
        meeting=built.meeting, status=BuildStatus.FAILED, error="Appendix Q is damaged"
    )
    PackBuild.objects.filter(pk=failed.pk).update(created_at=failed.created_at.replace(year=2000))
    template, ctx = panels.officer_pack_panel(request, built.meeting)
    html = render_to_string(template, {"panel": ctx, "request": request})
    assert "✓ Built" in html
    assert "Last failed build" in html and "Appendix Q is damaged" in html


def test_head_on_packs_answers_the_headers_without_a_body(client, built):
    """HEAD is allowed on every pack URL (it used to be 405 under ``require_GET``) and answers
    the GET's headers, with no body, straight from the view (not only after the test client
    strips it)."""
    from meetings.packs.views import public_pack

    public = pack(built.meeting)
    url = reverse("meeting-pack", args=[built.meeting.pk])
    response = client.head(url)
    assert response.status_code == 200
    assert response["ETag"] == f'"{public.sha256[:32]}"'
    assert int(response["Content-Length"]) == public.size
    assert response["Cache-Control"] == "public, no-cache"
    direct = public_pack(RequestFactory().head(url), built.meeting.pk)
    assert direct.status_code == 200 and not direct.streaming
    assert direct.content == b"" and int(direct["Content-Length"]) == public.size
    assert client.head(url, headers={"if-none-match": response["ETag"]}).status_code == 304
    supplementary = reverse("meeting-supplementary-pack", args=[built.meeting.pk])
    assert client.head(supplementary).status_code != 405
    members = reverse("meeting-members-pack", args=[built.meeting.pk])
    assert client.head(members).status_code == 404  # the public: as for GET
    officer = make_user("officer")
    client.force_login(officer)
    answer = client.head(members)
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"


def test_last_updated_never_ends_in_a_doubled_full_stop(client, built):
    """Second outside review: "Last updated 5 December 2026, 2.12 a.m.." The time (which
    ends in "a.m."/"p.m.") no longer ends the sentence, on the public meeting page and in
    every template that shows a time."""
    import datetime as dt
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    public = pack(built.meeting)
    built_at = timezone.make_aware(dt.datetime(2026, 12, 5, 2, 12))
    type(public).objects.filter(pk=public.pk).update(built_at=built_at)
    html = client.get(built.meeting.get_absolute_url()).content.decode()
    assert "Last updated at 2.12 a.m. on 5 December 2026." in html
    assert "a.m.." not in html and "p.m.." not in html
    # No template puts a full stop straight after a time formatted with "a" (a.m./p.m.).
    roots = [Path(settings.BASE_DIR)]
    offenders = [
        str(path)
        for root in roots
        for path in root.rglob("*.html")
        if ".venv" not in path.parts
        and re.search(r"""\|(?:date|time):"[^"]*\ba"\s*\}\}\.""", path.read_text())
    ]
    assert offenders == []
