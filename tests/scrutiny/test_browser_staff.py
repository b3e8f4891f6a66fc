"""Issue 21 item 5 in a real Chromium: the only administrator invites a democracy officer,
makes them an administrator, is refused when stepping down while the new administrator has
not set a password yet (at least one administrator who can sign in always remains), and the
page is accessible (axe)."""

from __future__ import annotations

import pytest

from conftest import login
from notifications.models import Outbox
from scrutiny.models import AccountEvent, Person
from scrutiny.permissions import is_administrator
from tests.factories import PersonFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_invites_an_officer_changes_a_role_and_cannot_leave_no_one(
    browser, live_server, axe
):
    admin = make_user("admin", username="the-admin", person=PersonFactory(name="Ada Admin"))
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "the-admin")
    page.goto("/officer/")
    page.get_by_role("link", name="People and roles (officers' and administrators' logins)").click()
    assert page.locator("h1").inner_text() == "People and roles"

    # Invite an officer by email.
    page.fill("#id_name", "Olu Adeyemi")
    page.fill("#id_email", "olu.adeyemi@example.gov.uk")
    page.get_by_label("Democracy officer").check()
    page.get_by_role("button", name="Send the invitation").click()
    assert "a set-password link was emailed to olu.adeyemi@example.gov.uk" in page.content()
    assert (
        page.locator("#set-password-link")
        .input_value()
        .startswith(f"{live_server.url}/accounts/set-password/")
    )
    olu = Person.objects.get(name="Olu Adeyemi").user
    assert Outbox.objects.filter(recipient="olu.adeyemi@example.gov.uk").exists()
    row = page.locator(f"#staff-{olu.pk}")
    assert "Invited" in row.inner_text()
    assert axe(page) == []

    # Make the officer an administrator.
    row.get_by_label(f"Role of {olu.username}").select_option("administrator")
    row.get_by_role("button", name=f"Change role of {olu.username}").click()
    assert "Olu Adeyemi is now administrator." in page.content()
    assert is_administrator(olu)
    events = page.locator("#staff-events").inner_text()
    assert "Role changed: Democracy officer to Administrator" in events
    assert "Ada Admin (the-admin)" in events

    # The only administrator who can sign in tries to step down: refused, with the reason.
    mine = page.locator(f"#staff-{admin.pk}")
    mine.get_by_label("Role of the-admin").select_option("officer")
    mine.get_by_role("button", name="Change role of the-admin").click()
    error = page.locator(".govuk-error-summary")
    assert "Ada Admin is the last active administrator" in error.inner_text()
    assert error.is_visible()
    assert is_administrator(admin)
    assert not AccountEvent.objects.filter(person__user=admin).exists()
    assert axe(page) == []
    context.close()
