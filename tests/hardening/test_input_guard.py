"""Issue 14, findings 1 and 3 (part): the request input guard (scrutiny.middleware) and the
answers it gives, through the real middleware stack and the real database."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_user


@pytest.fixture
def demo(demo_module, db):
    """The demo council, loaded once for this module (conftest.demo_module)."""


@pytest.mark.parametrize(
    "url",
    [
        "/committees/childrens-scrutiny-panel/work-programme/?year=%00",
        "/trackers/improvement-plan/%00/print.pdf",
        "/committees/%00/",
        "/search/?q=a%00b",
        "/meetings/?committee=%01",
    ],
)
def test_nul_and_control_characters_are_a_400_page(client, demo, url):
    response = client.get(url)
    assert response.status_code == 400, url
    body = response.content.decode()
    assert "Sorry, there is a problem with the request" in body
    assert "control character" in body
    assert response["Content-Type"].startswith("text/html")


def test_api_paths_get_json_400(client, db):
    response = client.get("/api/oparl/v1/meeting?modified_since=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "control character" in response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_over_long_query_values_and_paths_are_a_400(client, db):
    assert client.get("/search/", {"q": "x" * 1001}).status_code == 400
    assert client.get("/search/", {"q": "x" * 1000}).status_code == 200
    assert client.get("/committees/" + "a" * 1100 + "/").status_code == 400


def test_nul_in_a_form_field_is_a_400_and_saves_nothing(client, db):
    from scrutiny.models import Person

    officer = make_user("officer")
    client.force_login(officer)
    before = Person.objects.count()
    response = client.post(
        "/officer/people/add/", {"name": "Cllr A\x00B", "kind": "councillor"}, follow=False
    )
    assert response.status_code == 400
    assert "“name” contains a control character" in response.content.decode()
    assert Person.objects.count() == before


def test_tabs_and_newlines_in_form_fields_pass(client, db):
    officer = make_user("officer")
    client.force_login(officer)
    response = client.post("/officer/people/add/", {"name": "A\tB\r\nC", "kind": "councillor"})
    assert response.status_code != 400


def test_a_cookie_with_a_nul_byte_is_ignored_not_an_error(db):
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/committees/").status_code == 200


@pytest.mark.parametrize("length", [151, 300, 10_000])
def test_a_very_long_username_on_login_is_a_form_error(db, settings, length):
    settings.AXES_ENABLED = True
    client = Client()
    response = client.post("/accounts/login/", {"username": "u" * length, "password": "x"})
    assert response.status_code == 200
    assert "Enter a username of at most 150 characters" in response.content.decode()


def test_axes_still_counts_failed_logins_of_normal_usernames(db, settings):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    client = Client()
    client.post("/accounts/login/", {"username": "someone", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="someone").exists()


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_wrong_method_on_a_public_page_is_405_not_the_csrf_403(db, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/committees/")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "does not accept a" in response.content.decode()


def test_declared_methods_come_from_the_view():
    from django.contrib.auth.views import LoginView, LogoutView
    from django.views.decorators.http import require_POST, require_safe

    from scrutiny.middleware import allow_methods, allowed_methods

    assert set(allowed_methods(LogoutView.as_view())) == {"POST", "OPTIONS"}
    # ProcessFormView.put() calls post().
    assert set(allowed_methods(LoginView.as_view())) == {"GET", "HEAD", "POST", "PUT", "OPTIONS"}

    def view(request):
        return None

    assert allowed_methods(require_POST(view)) == ("POST",)
    assert set(allowed_methods(require_safe(view))) == {"GET", "HEAD"}
    assert allowed_methods(view) == ("GET", "HEAD", "OPTIONS")

    def marked(request):
        return None

    assert allowed_methods(allow_methods("get", "post")(marked)) == ("GET", "POST")


def test_every_public_view_answers_a_wrong_method_with_405(db):
    """Walk the URL conf: for every public pattern without parameters, a POST without a CSRF
    token is a 405 if the view does not take POST (never the CSRF 403)."""
    from scrutiny.middleware import PRIVATE_PREFIXES, allowed_methods
    from tests.site.test_guards import walk_patterns

    client = Client(enforce_csrf_checks=True)
    checked = 0
    for route, pattern in walk_patterns():
        path = "/" + route
        if any(ch in route for ch in "<(^$") or path.startswith(PRIVATE_PREFIXES):
            continue
        if path.startswith("/api/") or "POST" in allowed_methods(pattern.callback):
            continue
        response = client.post(path)
        assert response.status_code == 405, (path, response.status_code)
        checked += 1
    assert checked > 10


def test_a_real_cross_site_post_to_a_view_that_takes_post_is_still_refused(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403


def test_options_on_public_pages_and_pdfs_is_200_with_allow_and_no_body(db):
    """Second outside review: OPTIONS on a public page or PDF answered 200 with the whole body.
    Now the guard answers it: 200, the view's methods in Allow, an empty body; the API keeps
    its own preflight (204 with CORS headers)."""
    from meetings.packs.views import public_pack
    from scrutiny.middleware import RequestInputGuard
    from tests.factories.meetings import DocumentFactory, PublishedMeetingFactory

    meeting = PublishedMeetingFactory()
    document = DocumentFactory(agenda_item__meeting=meeting)
    client = Client()
    assert client.get(document.get_absolute_url()).status_code == 200  # public, served
    for url in ("/committees/", meeting.get_absolute_url(), document.get_absolute_url()):
        response = client.options(url)
        assert response.status_code == 200, url
        assert response.content == b"", url
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}, url
    pack = client.options(f"/meetings/{meeting.pk}/agenda-pack.pdf")  # require_safe
    assert pack.status_code == 200 and set(pack["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert pack.content == b""
    # Straight from the middleware, not after any client-side stripping.
    from django.test import RequestFactory

    guard = RequestInputGuard(lambda request: None)
    direct = guard.process_view(RequestFactory().options("/x/"), public_pack, (), {})
    assert direct.status_code == 200 and direct.content == b""
    api = client.options("/api/oparl/v1/system")
    assert api.status_code == 204 and "Access-Control-Allow-Methods" in api


def test_options_over_the_url_conf_never_returns_a_body(db):
    """Every parameterless pattern outside /api/: OPTIONS is 200, an Allow header that
    includes OPTIONS, and no body."""
    from tests.site.test_guards import walk_patterns

    client = Client()
    checked = 0
    for route, _pattern in walk_patterns():
        path = "/" + route
        if any(ch in route for ch in "<(^$") or path.startswith("/api/"):
            continue
        response = client.options(path)
        assert response.status_code == 200, path
        assert response.content == b"", path
        assert "OPTIONS" in response["Allow"].split(", "), path
        checked += 1
    assert checked > 10


def test_a_bare_405_from_a_post_only_view_is_the_portal_405_page(client, db):
    """Second outside review: an officer GETting a POST-only address got 405 with an empty
    body. The guard renders the portal's 405 page, keeping Allow; the API is untouched."""
    from tests.factories.meetings import MeetingFactory

    meeting = MeetingFactory()
    client.force_login(make_user("officer"))
    response = client.get(f"/officer/meetings/{meeting.pk}/held/")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert "This page cannot do that" in body
    assert "only takes a form sent from a page of the portal" in body
    assert "can only be read" not in body
    # A public page keeps its own wording.
    anonymous = Client(enforce_csrf_checks=True).post("/committees/")
    assert "can only be read" in anonymous.content.decode()
