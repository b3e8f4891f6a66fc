"""Attacks on issue 21 (an empty start, council settings, brand at run time, constitution,
people and roles) that found something: each test failed before its fix."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from scrutiny.brand import clean_logo
from scrutiny.models import Council
from tests.brand.test_settings import FORM
from tests.factories import make_user

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg">'


def deep_svg(depth: int) -> bytes:
    return (SVG_OPEN + "<g>" * depth + "<rect/>" + "</g>" * depth + "</svg>").encode()


def test_deeply_nested_svg_is_refused_not_a_recursion_error():
    # 20,000 nested groups fit in 140 KB (under the 200 KB limit); the cleaner recursed once a
    # level and raised RecursionError: a 500 on the settings page.
    with pytest.raises(ValidationError) as caught:
        clean_logo("logo.svg", deep_svg(20000))
    assert "nests its elements" in caught.value.messages[0]


def test_ordinary_nesting_is_kept():
    _, cleaned = clean_logo("logo.svg", deep_svg(20))
    assert cleaned.count(b"<g>") == 20 and b"<rect" in cleaned


@pytest.mark.django_db
def test_deep_svg_upload_is_a_message_on_the_page(settings):
    settings.FIRST_RUN_SETUP = True
    client = Client()
    client.force_login(make_user("admin"))
    logo = SimpleUploadedFile("logo.svg", deep_svg(20000), content_type="image/svg+xml")
    response = client.post(reverse("council-setup"), {**FORM, "logo": logo})
    assert response.status_code == 400
    assert b"nests its elements" in response.content
    assert not Council.objects.exists()


@pytest.mark.parametrize(
    "style",
    [
        '<style>rect{background:image-set("https://evil.example/a.png" 1x)}</style>',
        "<style>rect{background:-webkit-image-set('//evil.example/a.png' 1x)}</style>",
        '<rect style="fill:red;background:image-set(&quot;https://evil.example/b&quot; 1x)"/>',
    ],
)
def test_css_strings_that_load_addresses_are_dropped(style):
    # image-set() loads a quoted string as an image with no url(): the url() check missed it.
    _, cleaned = clean_logo("logo.svg", (SVG_OPEN + style + "<rect/></svg>").encode())
    assert b"evil.example" not in cleaned


def test_quoted_font_names_are_kept():
    svg = SVG_OPEN + "<style>text{font-family:'Helvetica Neue',Arial}</style><text>A</text></svg>"
    _, cleaned = clean_logo("logo.svg", svg.encode())
    assert b"Helvetica Neue" in cleaned


@pytest.mark.django_db
def test_removing_an_administrator_takes_the_write_lock_first():
    """Two administrators disabling each other at once on SQLite (``make run DEMO=0``'s
    database): the second request read, then tried to write after the first had committed,
    and SQLite failed it at once with "database is locked" (a 500; reproduced against
    runserver). The rule held, but the page broke. The first statement of the transaction now
    takes the lock: a write on SQLite (the second waits for the first), FOR UPDATE elsewhere."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scrutiny import accounts

    first = make_user("admin", username="first-admin")
    second = make_user("admin", username="second-admin")
    with CaptureQueriesContext(connection) as queries:
        accounts.disable_staff(user=second, by=first)
    statements = [
        q["sql"].upper()
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "BEGIN", "RELEASE"))
    ]
    if connection.vendor == "sqlite":
        assert statements[0].startswith('UPDATE "AUTH_GROUP"'), statements[0]
    else:  # PostgreSQL: the group row is locked before any login is read
        locked = next(i for i, sql in enumerate(statements) if "FOR UPDATE" in sql)
        read = next(i for i, sql in enumerate(statements) if '"AUTH_USER"' in sql)
        assert '"AUTH_GROUP"' in statements[locked] and locked < read
    assert accounts.active_administrators().count() == 1


@pytest.mark.django_db
def test_manifest_theme_colour_and_name_are_the_councils():
    # The installed app's title bar was the demo's green whatever the council's colour, while
    # the pages' theme-color meta already followed the council.
    from scrutiny.council import save_council

    save_council(
        by=None,
        name="Borsetshire <script>x</script> Council",
        brand_colour="#5c2d91",
        open_data_licence_name="OGL",
        open_data_licence_url="https://example.org/ogl",
    )
    client = Client()
    data = client.get("/manifest.webmanifest").json()
    assert data["theme_color"] == "#5c2d91"
    assert data["name"].startswith("Borsetshire <script>x</script> Council")  # JSON, not HTML
    page = client.get("/").content.decode()
    assert '<meta name="theme-color" content="#5c2d91">' in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert client.get("/brand.css").content.decode().startswith(":root{--brand-colour:#5c2d91;")


@pytest.mark.django_db
def test_emails_feeds_and_405_page_carry_the_councils_own_name():
    # They read settings.COUNCIL_NAME ("Kirklees Council" unless the server's environment
    # says otherwise), so a new council's set-password emails said "Kirklees Council".
    from notifications.messages import render
    from scrutiny.council import save_council

    save_council(
        by=None,
        name="Borsetshire <b>Council</b>",
        brand_colour="#5c2d91",
        open_data_licence_name="OGL",
        open_data_licence_url="https://example.org/ogl",
    )
    message = render("account", "Set your password", {"name": "Olive", "link": "https://x/"})
    assert "Kirklees" not in message.html + message.text
    assert "Borsetshire &lt;b&gt;Council&lt;/b&gt;" in message.html
    client = Client()
    feed = client.get(reverse("papers-feed")).content.decode()
    assert "Kirklees" not in feed and "Borsetshire &lt;b&gt;Council&lt;/b&gt;" in feed
    refused = client.put(reverse("home")).content.decode()
    assert "Kirklees" not in refused and "Borsetshire &lt;b&gt;Council&lt;/b&gt;" in refused


@pytest.mark.django_db
def test_a_refused_form_asks_for_the_logo_again(settings):
    # The journey: a light colour is refused; the browser drops the chosen file, and the
    # corrected form was saved without the logo, with no word about it.
    from tests.brand.helpers import SVG_LOGO

    settings.FIRST_RUN_SETUP = True
    client = Client()
    client.force_login(make_user("admin"))
    logo = SimpleUploadedFile("logo.svg", SVG_LOGO, content_type="image/svg+xml")
    response = client.post(
        reverse("council-setup"), {**FORM, "brand_colour": "#7fb3e0", "logo": logo}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "darker shade" in content and "Choose the logo file again" in content
    assert not Council.objects.exists()
