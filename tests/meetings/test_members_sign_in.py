"""A signed-out councillor is offered sign-in, never shown that anything exists: an exempt
item says how to sign in (with next= back to the meeting), and a members-only link (an
exempt paper, the members' pack, minutes not public) gets the normal 404 page with a sign-in
line, byte for byte the same for a record that exists and one that does not (issue 16,
finding 8)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.factories.meetings import (
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db
LINE = "If you are a councillor or officer,"


def _sign_in(path: str) -> str:
    return f"{reverse('login')}?next={quote(path, safe='')}"


def test_exempt_item_offers_sign_in_back_to_the_meeting(client):
    meeting = PublishedMeetingFactory()
    ExemptAgendaItemFactory(meeting=meeting, title="Proposed notice")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "available to committee members only." in html
    assert f'href="{_sign_in(meeting.get_absolute_url())}">Sign in' in html
    client.force_login(make_user("councillor"))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "available to committee members only." in html
    assert "next=" not in html.split("available to committee members only.")[1][:200]


def _exempt_paths():
    meeting = PublishedMeetingFactory()
    item = ExemptAgendaItemFactory(meeting=meeting)
    document = DocumentFactory(agenda_item=item)
    report = ReportFactory(agenda_item=item)
    missing = 10**6
    return [
        (reverse("document-download", args=[document.pk]), f"/documents/{missing}/"),
        (reverse("report-detail", args=[report.pk]), f"/reports/{missing}/"),
        (
            reverse("meeting-members-pack", args=[meeting.pk]),
            reverse("meeting-members-pack", args=[missing]),
        ),
        (
            reverse("meeting-minutes", args=[meeting.pk]),
            reverse("meeting-minutes", args=[missing]),
        ),
    ]


def test_members_only_links_404_with_sign_in_identically(client):
    for real, missing in _exempt_paths():
        a, b = client.get(real), client.get(missing)
        assert a.status_code == b.status_code == 404, real
        body_a, body_b = a.content.decode(), b.content.decode()
        assert LINE in body_a
        assert f'href="{_sign_in(real)}">sign in to see papers for members' in body_a
        assert body_a.replace(quote(real, safe=""), "PATH") == body_b.replace(
            quote(missing, safe=""), "PATH"
        ), real
        headers = lambda r: {k: v for k, v in r.items() if k.lower() != "content-length"}  # noqa: E731
        assert headers(a) == headers(b), real


def test_other_404s_and_signed_in_users_get_no_sign_in_line(client):
    assert LINE not in client.get("/no-such-page/").content.decode()
    real, _missing = _exempt_paths()[0]
    client.force_login(make_user("councillor"))
    response = client.get(real)
    assert response.status_code == 404 and LINE not in response.content.decode()
