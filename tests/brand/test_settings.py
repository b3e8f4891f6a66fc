"""The council settings page (administrators only, audited), the first-run page, /brand.css
and the logo's address, and ``manage.py setup_council``."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from scrutiny.models import Council
from tests.brand.helpers import SVG_LOGO, png_logo
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Borsetshire Council",
    "short_name": "Borsetshire",
    "website": "https://www.borsetshire.gov.uk",
    "logo_alt": "Borsetshire Council",
    "brand_colour": "#5c2d91",
    "header_links": "Council tax | https://www.borsetshire.gov.uk/council-tax\n"
    "Bins | https://www.borsetshire.gov.uk/bins",
    "privacy_url": "https://www.borsetshire.gov.uk/privacy",
    "cookies_url": "https://www.borsetshire.gov.uk/cookies",
    "contact_url": "https://www.borsetshire.gov.uk/contact",
    "accessibility_contact": "access@borsetshire.gov.uk",
    "address": "County Hall\nFelpersham BO1 1AA",
    "phone": "01632 960000",
    "email": "democracy@borsetshire.gov.uk",
    "open_data_licence_name": "Open Government Licence v3.0",
    "open_data_licence_url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}


def post(client, **changes):
    data = {**FORM, **changes}
    return client.post(reverse("council-settings"), data)


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("admin"))
    return client


def test_only_administrators_reach_the_settings_page(client):
    url = reverse("council-settings")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user("officer"))
    assert client.get(url).status_code == 403
    assert client.post(url, FORM).status_code == 403
    assert not Council.objects.exists()
    client.force_login(make_user("admin"))
    assert client.get(url).status_code == 200


def test_settings_are_saved_shown_and_audited(admin_client):
    logo = SimpleUploadedFile("logo.svg", SVG_LOGO, content_type="image/svg+xml")
    response = admin_client.post(reverse("council-settings"), {**FORM, "logo": logo})
    assert response.status_code == 302
    council = Council.objects.get()
    assert council.name == "Borsetshire Council"
    assert council.header_links[0] == {
        "text": "Council tax",
        "url": "https://www.borsetshire.gov.uk/council-tax",
    }
    assert council.logo.name.startswith("brand/logo-") and council.logo_is_svg
    history = council.history.first()
    assert history.history_user.username.startswith("admin")
    page = admin_client.get(reverse("home")).content.decode()
    assert "Borsetshire Council" in page
    assert f'src="{council.logo_path}" alt="Borsetshire Council"' in page
    assert "https://www.borsetshire.gov.uk/bins" in page
    assert "https://www.borsetshire.gov.uk/privacy" in page
    assert "https://www.borsetshire.gov.uk/cookies" in page
    statement = admin_client.get(reverse("accessibility")).content.decode()
    assert "mailto:access@borsetshire.gov.uk" in statement
    # A second change is a second history row, naming what changed.
    post(admin_client, brand_colour="#003366")
    assert council.history.count() == 2
    assert Council.objects.get().brand_colour == "#003366"


def test_a_light_colour_is_refused_where_the_user_is_and_nothing_is_saved(admin_client):
    post(admin_client)
    response = post(admin_client, brand_colour="#ffcc00", name="Changed name")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Try the darker shade #" in body
    assert Council.objects.get().name == "Borsetshire Council"


def test_a_bad_logo_or_missing_alt_text_is_refused(admin_client):
    bad = SimpleUploadedFile("logo.png", b"not a png at all", content_type="image/png")
    response = admin_client.post(reverse("council-settings"), {**FORM, "logo": bad})
    assert response.status_code == 400
    assert "PNG signature" in response.content.decode()
    good = SimpleUploadedFile("logo.png", png_logo(), content_type="image/png")
    response = admin_client.post(
        reverse("council-settings"), {**FORM, "logo": good, "logo_alt": ""}
    )
    assert response.status_code == 400 and "alt text" in response.content.decode()
    assert not Council.objects.exists()


def test_header_links_must_be_text_and_an_address(admin_client):
    response = post(admin_client, header_links="Just text\nBad | javascript:alert(1)")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Line 1: write the link as Text | https://address" in body
    assert "Line 2: javascript:alert(1) is not a web address" in body


def test_brand_css_carries_the_colour_with_etag_and_304(admin_client):
    post(admin_client)
    client = Client()  # the public
    url = reverse("brand-css")
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"].startswith("text/css")
    assert b"--brand-colour:#5c2d91" in first.content
    assert "public" in first["Cache-Control"] and first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    post(admin_client, brand_colour="#003366")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and b"--brand-colour:#003366" in changed.content
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="stylesheet" href="/brand.css?v=' in page
    assert "style=" not in page.split("<body", 1)[0]


def test_the_logo_is_served_with_a_policy_that_runs_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    client = Client()
    logo = SimpleUploadedFile("logo.svg", SVG_LOGO, content_type="image/svg+xml")
    admin_client.post(reverse("council-settings"), {**FORM, "logo": logo})
    council = Council.objects.get()
    response = client.get(council.logo_path)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(council.logo_path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(reverse("council-logo", args=["logo-other.svg"])).status_code == 404
    # A new upload has a new address; the old file is gone.
    old = council.logo.name
    png = SimpleUploadedFile("logo.png", png_logo(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("council-settings"), {**FORM, "logo": png})
    council.refresh_from_db()
    assert council.logo.name != old and not council.logo.storage.exists(old)
    assert client.get(council.logo_path)["Content-Type"] == "image/png"


def test_the_api_body_gives_the_address_contact_and_licence(admin_client):
    client = Client()
    post(admin_client, open_data_licence_url="https://creativecommons.org/licenses/by/4.0/")
    council = Council.objects.get()
    body = client.get(f"/api/oparl/v1/body/{council.pk}").json()
    assert body["name"] == "Borsetshire Council"
    assert body["location"]["description"] == "County Hall\nFelpersham BO1 1AA"
    assert body["contactEmail"] == "democracy@borsetshire.gov.uk"
    assert body["license"] == "https://creativecommons.org/licenses/by/4.0/"


# -- the first run ------------------------------------------------------------------------


@pytest.fixture
def first_run(settings):
    settings.FIRST_RUN_SETUP = True


def test_an_empty_portal_tells_the_public_it_is_being_set_up(client, first_run):
    for url in ("/", "/meetings/", "/committees/", "/officer/"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "This portal is being set up" in response.content.decode()
        assert response["Retry-After"]
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("brand-css")).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_an_officer_who_is_not_an_administrator_also_waits(client, first_run):
    client.force_login(make_user("officer"))
    assert client.get("/officer/").status_code == 503
    assert client.get(reverse("council-setup")).status_code == 503


def test_the_administrator_is_sent_to_the_setup_page_and_enters_the_council(client, first_run):
    client.force_login(make_user("admin"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("council-setup")
    page = client.get(reverse("council-setup")).content.decode()
    assert "Set up your council" in page
    assert 'value="Kirklees Council"' not in page  # no demo name offered
    response = client.post(reverse("council-setup"), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("officer-committee-list")
    assert client.get("/").status_code == 200
    assert client.get(reverse("council-setup"))["Location"] == reverse("council-settings")
    client.logout()
    assert "Borsetshire Council" in client.get("/").content.decode()


def test_setup_council_creates_the_first_administrator_once(client, first_run):
    out = io.StringIO()
    call_command("setup_council", "--username", "clerk", stdout=out)
    text = out.getvalue()
    password = text.split("password  ", 1)[1].split()[0]
    user = get_user_model().objects.get(username="clerk")
    assert password not in user.password and user.check_password(password)
    assert client.login(username="clerk", password=password)
    assert client.get("/")["Location"] == reverse("council-setup")
    again = io.StringIO()
    call_command("setup_council", stdout=again)
    assert "already has an administrator" in again.getvalue()
    assert password not in again.getvalue()
    assert get_user_model().objects.count() == 1
