"""Issue 21's "Done means": from an empty database to a published agenda and its pack, in the
browser only. ``manage.py setup_council`` (the documented install step) makes the first
administrator; after that nothing but the browser: the first-run page (brand and logo), a
committee, a person and their membership, a meeting, an agenda item, the agenda published and
its pack built. The pages and the pack's front sheet carry the new council's name, logo and
colour."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import fill_date, login
from scrutiny import brand
from tests.brand.test_two_brands import colour_triples, rgb, svg_logo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Borsetshire County Council"
LIGHT = "#7fb3e0"  # white text on it is under 4.5:1: refused, with a darker shade offered


def ok(page) -> str:
    content = page.content()
    assert "Server Error" not in content
    assert "There is a problem" not in content, page.locator("main").inner_text()
    return content


def click(page, role: str, name: str, exact: bool = False) -> None:
    page.get_by_role(role, name=name, exact=exact).first.click()
    page.wait_for_load_state()


def test_an_empty_portal_to_its_first_published_agenda_in_the_browser(page, settings):
    settings.FIRST_RUN_SETUP = True
    out = io.StringIO()
    call_command("setup_council", "--username", "clerk", stdout=out)
    password = out.getvalue().split("password  ", 1)[1].split()[0]

    # The public sees the portal is being set up.
    response = page.goto("/")
    assert response.status == 503
    assert "This portal is being set up" in page.content()

    # The administrator signs in and is taken to the first-run page.
    login(page, "clerk", password)
    assert page.url.endswith("/officer/setup/"), page.url
    page.get_by_label("Council name", exact=True).fill(NAME)
    page.get_by_label("Short name (optional)", exact=True).fill("Borsetshire")
    page.get_by_label("Brand colour", exact=True).fill(LIGHT)
    with tempfile.TemporaryDirectory() as tmp:
        logo = Path(tmp) / "borsetshire.svg"
        logo.write_bytes(svg_logo("BORSETLOGOWORD"))
        page.get_by_label("Logo (optional)", exact=True).set_input_files(str(logo))
        page.get_by_label("Logo alt text (optional)", exact=True).fill("Borsetshire County Council")
        page.get_by_label("Address (optional)", exact=True).fill("County Hall\nFelpersham BO1 1AA")
        click(page, "button", "Set up the portal")
        refusal = page.locator(".govuk-error-summary").inner_text()
        suggestion = re.search(r"darker shade (#[0-9a-f]{6})", refusal).group(1)
        assert brand.white_contrast(suggestion) >= 4.5
        # The file input is empty again after a refused post: choose the logo again.
        page.get_by_label("Logo (optional)", exact=True).set_input_files(str(logo))
        page.get_by_label("Brand colour", exact=True).fill(suggestion)
        click(page, "button", "Set up the portal")
    ok(page)
    assert "/officer/committees/" in page.url

    # The header: the logo, the name and the colour (from /brand.css).
    header = page.locator("header .govuk-header__logo")
    assert NAME in header.inner_text()
    assert header.get_by_role("img", name="Borsetshire County Council").is_visible()
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.portal-header')).backgroundColor"
    )
    assert background == "rgb({}, {}, {})".format(*rgb(suggestion))

    # A committee.
    click(page, "link", "Add a committee")
    page.get_by_label("Name", exact=True).fill("Overview and Scrutiny Committee")
    click(page, "button", "Save")
    ok(page)

    # A person and their membership.
    page.goto("/officer/people/")
    click(page, "link", "Add a person")
    page.get_by_label("Name", exact=True).fill("Jane Archer")
    page.get_by_label("Party").fill("Independent")
    click(page, "button", "Save")
    ok(page)
    page.goto("/officer/memberships/add/")
    page.get_by_label("Person").select_option(label="Councillor Jane Archer")
    page.get_by_label("Committee").select_option(label="Overview and Scrutiny Committee")
    page.get_by_label("Role").select_option(label="Chair")
    fill_date(page, "start_date", (timezone.localdate() - dt.timedelta(days=30)).isoformat())
    click(page, "button", "Save")
    ok(page)

    # A meeting, an item, the agenda published.
    day = timezone.localdate() + dt.timedelta(days=21)
    page.goto("/officer/")
    click(page, "link", "Meetings and agendas")
    click(page, "link", "Create a meeting")
    page.get_by_label("Committee", exact=True).select_option(
        label="Overview and Scrutiny Committee"
    )
    fill_date(page, "start", f"{day.isoformat()}T18:30")
    page.get_by_label("Venue").fill("Council Chamber, County Hall")
    click(page, "button", "Save")
    ok(page)
    click(page, "link", "Add an agenda item")
    page.get_by_label("Title").fill("Flood Resilience Review")
    click(page, "button", "Save")
    ok(page)
    click(page, "link", "Publish the agenda")
    click(page, "button", "Publish the agenda")
    assert "The agenda is published" in ok(page)

    # The public: the meeting page and its pack, in the council's brand.
    page.context.clear_cookies()
    page.goto("/")
    ok(page)
    assert NAME in page.locator("header").inner_text()
    click(page, "link", "Overview and Scrutiny Committee")
    click(page, "link", "Meetings of the Overview and Scrutiny Committee")
    page.get_by_role("link", name=re.compile(f"{day.day} {day:%B %Y}")).first.click()
    page.wait_for_load_state()
    pack_href = page.get_by_role("link", name="Download the agenda pack").get_attribute("href")
    body = page.request.get(pack_href).body()
    pages = pypdf.PdfReader(io.BytesIO(body)).pages
    first_page = pages[0].extract_text()
    assert NAME in first_page and "BORSETLOGOWORD" in first_page and "BO1 1AA" in first_page
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Flood Resilience Review" in text and "Jane Archer" in text
    import pikepdf

    with pikepdf.open(io.BytesIO(body)) as pdf:
        first = pdf.pages[0]
        contents = first.Contents
        streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents)
        data = b"".join(s.read_bytes() for s in streams)
        for _, xobject in first.Resources.get("/XObject", {}).items():
            data += xobject.read_bytes()
    target = rgb(suggestion)
    assert any(
        all(abs(a - b) <= 1 for a, b in zip(c, target, strict=True)) for c in colour_triples(data)
    )
