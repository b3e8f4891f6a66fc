"""Issue 15 items 6 and 8 in a real Chromium: an officer enters a new councillor (no ward,
no title), finds them with the people search, gives them a login, copies the one-time
link; the councillor sets a password in a browser of their own, signs in and reads their
committee's members-only paper; the link cannot be used again; the officer disables the
login and the councillor can no longer sign in (and their open session ends)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command

from conftest import login
from scrutiny.models import AccountEvent, Membership, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Curlew-Pennine-2026"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _exempt_paper():
    from meetings.models import AgendaItem, Report

    item = (
        AgendaItem.all_objects.filter(is_exempt=True, meeting__published_at__isnull=False)
        .select_related("meeting__committee")
        .first()
    )
    report = Report.all_objects.filter(agenda_item=item).first()
    assert report is not None, "the demo council has an exempt report"
    return item.meeting.committee, report


def _fresh(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_officer_gives_a_new_councillor_a_login_and_takes_it_away(browser, live_server, demo, axe):
    committee, exempt_report = _exempt_paper()
    officer_ctx = browser.new_context(base_url=live_server.url, locale="en-GB")
    officer_ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    officer = officer_ctx.new_page()
    officer.set_default_timeout(15000)
    login(officer, "officer", "officer-demo-2017")
    # Finding 6 (notes-attack.md): an officer lands on the officer pages, not on /my/.
    assert officer.url.endswith("/officer/")
    assert "not linked to a councillor" not in officer.content()

    # Item 8: a councillor whose ward is not known yet, entered with no title.
    officer.goto("/officer/people/add/")
    officer.select_option("#id_kind", "councillor")
    officer.fill("#id_name", "Priya Sharma")
    officer.fill("#id_party", "Green")
    officer.fill("#id_email", "priya.sharma@example.gov.uk")
    officer.get_by_role("button", name="Save").click()
    assert "Councillor Priya Sharma was added" in officer.content()
    person = Person.objects.get(name="Priya Sharma")
    assert person.ward == ""
    Membership.objects.create(person=person, committee=committee, start_date=dt.date(2010, 5, 20))

    # The people search finds her, with the default title.
    officer.fill("#id_q", "sharma")
    officer.get_by_role("button", name="Search").click()
    rows = officer.locator("#people tbody tr")
    assert rows.count() == 1
    assert "Councillor Priya Sharma" in rows.first.inner_text()
    officer.fill("#id_q", "green")
    officer.get_by_role("button", name="Search").click()
    assert "Councillor Priya Sharma" in officer.locator("#people").inner_text()
    officer.get_by_role("link", name="Login of Councillor Priya Sharma").click()

    # Item 6: create the login; the username and email are filled in from the record.
    assert officer.input_value("#id_username") == "priya.sharma"
    assert officer.input_value("#id_email") == "priya.sharma@example.gov.uk"
    assert axe(officer) == []
    officer.get_by_role("button", name="Create login").click()
    assert "A login was created for Councillor Priya Sharma" in officer.content()
    link = officer.input_value("#set-password-link")
    assert "/accounts/set-password/" in link
    officer.get_by_role("button", name="Copy link").click()
    officer.get_by_text("Link copied.").wait_for()
    assert officer.evaluate("navigator.clipboard.readText()") == link
    assert "Waiting for password" in officer.locator("#login-state").inner_text()
    assert axe(officer) == []
    # The link is shown once: the page read again does not show it.
    officer.reload()
    assert officer.locator("#set-password-link").count() == 0
    assert link.rsplit("/", 2)[-2] not in officer.content()

    # The councillor, in a browser of her own, sets a password from the link.
    councillor_ctx, councillor = _fresh(browser, live_server)
    councillor.goto(link)
    assert councillor.locator("h1").inner_text() == "Set your password"
    assert councillor.locator("#set-password-username").inner_text() == "priya.sharma"
    assert link.rsplit("/", 2)[-2] not in councillor.url  # the token left the address bar
    assert axe(councillor) == []
    councillor.fill("#id_new_password1", "short")
    councillor.fill("#id_new_password2", "short")
    councillor.get_by_role("button", name="Set password").click()
    # Wait for the answer's page to be parsed: content() mid-navigation can be half a page.
    councillor.locator(".govuk-error-summary").wait_for()
    assert "There is a problem" in councillor.content()
    councillor.fill("#id_new_password1", PASSWORD)
    councillor.fill("#id_new_password2", PASSWORD)
    councillor.get_by_role("button", name="Set password").click()
    councillor.get_by_text("Your password is set").first.wait_for()
    assert "Your password is set" in councillor.content()
    councillor.fill("#id_username", "priya.sharma")
    councillor.fill("#id_password", PASSWORD)
    councillor.get_by_role("button", name="Sign in").click()
    councillor.wait_for_load_state()
    assert councillor.url.endswith("/my/")
    assert "Signed in as Councillor Priya Sharma" in councillor.content()
    assert committee.name in councillor.locator("main").inner_text()
    # She reads her committee's members-only paper.
    response = councillor.goto(f"/reports/{exempt_report.pk}/")
    assert response.status == 200
    assert exempt_report.title in councillor.content()

    # The link is used up: anyone trying it again gets a clear message.
    other_ctx, other = _fresh(browser, live_server)
    other.goto(link)
    assert "already been used" in other.locator("#link-problem").inner_text()
    assert other.locator("#id_new_password1").count() == 0
    assert axe(other) == []

    # The officer disables the login: her open session ends and she cannot sign in.
    officer.get_by_role("button", name="Disable login").click()
    assert "login was disabled" in officer.content()
    assert "Disabled" in officer.locator("#login-state").inner_text()
    # Finding 5: no Reset while disabled (its link could not work); the page says why.
    assert officer.get_by_role("button", name="Reset login and issue a new link").count() == 0
    assert "enable it first" in officer.locator("#reset-when-disabled").inner_text()
    events = officer.locator("#login-events").inner_text()
    assert "Login disabled" in events and "Password set from the link" in events
    assert "Yolande Myers" in events
    councillor.goto("/my/")
    assert "/accounts/login/" in councillor.url
    login(other, "priya.sharma", PASSWORD)
    assert "Enter a correct username and password" in other.content()
    assert "/accounts/login/" in other.url
    assert list(
        AccountEvent.objects.filter(person=person).order_by("pk").values_list("action", flat=True)
    ) == ["created", "password_set", "disabled"]

    # Enabled again, she signs in with the password she had.
    officer.get_by_role("button", name="Enable login").click()
    assert "login was enabled" in officer.content()
    login(other, "priya.sharma", PASSWORD)
    assert other.url.endswith("/my/")
    for context in (officer_ctx, councillor_ctx, other_ctx):
        context.close()


def test_login_pages_refuse_councillors_and_send_the_public_to_sign_in(page, demo):
    burke = Person.objects.get(slug="cahal-burke")
    page.goto(f"/officer/people/{burke.pk}/login/")
    assert "/accounts/login/" in page.url
    login(page, "cllr.burke", "councillor-demo-2017")
    response = page.goto(f"/officer/people/{burke.pk}/login/")
    assert response.status == 403
    response = page.goto("/officer/people/?q=burke")
    assert response.status == 403
