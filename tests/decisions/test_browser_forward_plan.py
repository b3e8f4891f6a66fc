"""The forward plan in a real browser: an officer writes an entry on the officer pages and
publishes it 28 clear days ahead, and the public find it on the plan, in its Atom feed and
in its iCalendar; a late entry is refused with a message that says what to do, then
published with a general exception (reg. 10) or special urgency (reg. 11). axe-core on
every page visited (WCAG 2.2 A/AA: no violations)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import fill_date, login
from decisions import services
from decisions.models import EntryStatus, ExceptionKind, ForwardPlanEntry
from scrutiny.models import Person
from tests.decisions.chairs import scrutiny_chair
from tests.factories import PersonFactory, make_user
from tests.factories.decisions import CabinetFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_axe(page, axe):
    violations = axe(page)
    assert violations == [], (page.url, violations)


def write_entry(page, axe, matter: str, decision_day: dt.date) -> ForwardPlanEntry:
    """Add a draft entry through the officer pages; back on its officer page."""
    page.goto("/officer/decisions/")
    check_axe(page, axe)
    page.get_by_role("link", name="Add a forward plan entry").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    page.fill("#id_matter", matter)
    page.select_option("#id_maker_kind", "cabinet")
    page.select_option("#id_cabinet", label="Cabinet")
    fill_date(page, "planned_decision_date", decision_day.isoformat())
    page.get_by_label("Lindley").check()
    page.fill("#id_documents", "Report of the Strategic Director.")
    page.fill("#id_representations", "Write to the contact officer.")
    page.fill("#id_contact_name", "Jo Bloggs")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "was saved as a draft" in page.content()
    check_axe(page, axe)
    return ForwardPlanEntry.all_objects.get(matter=matter)


def publish(page):
    page.get_by_role("button", name="Publish on the forward plan").click()
    page.wait_for_load_state()


@pytest.fixture
def officer_setup():
    CabinetFactory(name="Cabinet", slug="cabinet")
    WardFactory(name="Lindley")
    make_user("officer", username="fp-officer")
    # The chair of the overview and scrutiny committee, as recorded (reg. 10 and 11).
    return scrutiny_chair(person=PersonFactory(name="Carol Chair", kind=Person.Kind.COUNCILLOR))


def test_entry_published_28_clear_days_ahead_is_on_the_plan_feed_and_calendar(
    page, axe, officer_setup
):
    day = services.today() + dt.timedelta(days=40)
    login(page, "fp-officer")
    entry = write_entry(page, axe, "New primary school at Lindley", day)
    assert entry.status == EntryStatus.DRAFT
    publish(page)
    assert "The entry is on the published forward plan." in page.content()
    check_axe(page, axe)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.first_published_on == services.today()

    page.context.clear_cookies()  # the public
    page.goto("/forward-plan/")
    check_axe(page, axe)
    page.get_by_role("link", name="New primary school at Lindley").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    assert f"{day:%-d %B %Y}" in page.content()
    atom = page.request.get("/feeds/forward-plan.atom")
    assert atom.ok and "New primary school at Lindley" in atom.text()
    ics = page.request.get("/feeds/forward-plan.ics")
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    calendar = ics.text().replace("\r\n ", "")
    assert "New primary school at Lindley" in calendar
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in calendar


def test_late_entry_refused_then_published_with_a_general_exception(page, axe, officer_setup):
    day = services.today() + dt.timedelta(days=14)
    login(page, "fp-officer")
    entry = write_entry(page, axe, "Emergency repairs to Dalton library", day)
    publish(page)
    text = page.content()
    assert "had to be published by" in text and "Record a general exception" in text
    check_axe(page, axe)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.first_published_on is None

    page.get_by_role("link", name="Edit the entry").click()
    page.wait_for_load_state()
    page.select_option("#id_exception", "general")
    page.fill("#id_exception_reasons", "The roof failed its inspection.")
    page.select_option("#id_scrutiny_chair", str(officer_setup.pk))
    fill_date(page, "chair_informed_on", services.today().isoformat())
    fill_date(page, "exception_notice_published_on", services.today().isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "was saved." in page.content()
    publish(page)
    assert "The entry is on the published forward plan." in page.content()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.exception == ExceptionKind.GENERAL

    page.context.clear_cookies()
    page.goto(f"/forward-plan/entries/{entry.pk}/")
    check_axe(page, axe)
    assert "General exception" in page.content()
    assert "The roof failed its inspection." in page.content()


def test_late_entry_published_under_special_urgency(page, axe, officer_setup):
    day = services.today() + dt.timedelta(days=2)
    login(page, "fp-officer")
    entry = write_entry(page, axe, "Urgent school transport contract", day)
    page.get_by_role("link", name="Edit the entry").click()
    page.wait_for_load_state()
    page.select_option("#id_exception", "special_urgency")
    page.fill("#id_exception_reasons", "The operator went into administration.")
    page.select_option("#id_scrutiny_chair", str(officer_setup.pk))
    # Without the date of the chair's agreement it is not saved: said at the field, and
    # what was typed is kept.
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Special urgency needs the date the chair of overview and scrutiny agreed." in summary
    assert page.input_value("#id_exception_reasons") == "The operator went into administration."
    check_axe(page, axe)
    fill_date(page, "chair_agreed_on", services.today().isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    publish(page)
    assert "The entry is on the published forward plan." in page.content()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.exception == ExceptionKind.SPECIAL_URGENCY
    page.context.clear_cookies()
    page.goto(f"/forward-plan/entries/{entry.pk}/")
    check_axe(page, axe)
    assert "Special urgency" in page.content()
