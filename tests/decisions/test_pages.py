"""Public and officer pages of the forward plan and the decisions register (issue 17), and
the canary: a private decision's public record shows only what the law requires, on every
surface (page, list, register search, site search, feeds, calendar, sitemap)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from decisions import services
from decisions.models import Decision, DecisionStatus, EntryStatus, ForwardPlanEntry
from tests.factories import make_user
from tests.factories.decisions import (
    CabinetFactory,
    DecisionFactory,
    ForwardPlanEntryFactory,
    PortfolioHolderFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
    PublishedEntryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CANARY = "CANARY-PRIVATE"


@pytest.fixture
def register():
    cabinet = CabinetFactory(name="Cabinet")
    holder = PortfolioHolderFactory(portfolio="Children's Services")
    almondbury = WardFactory(name="Almondbury")
    lindley = WardFactory(name="Lindley")
    school = PublishedEntryFactory(
        matter="New primary school at Lindley",
        cabinet=cabinet,
        planned_decision_date=dt.date(2018, 2, 13),
    )
    school.wards.set([lindley])
    fostering = PublishedEntryFactory(
        matter="Fostering allowances",
        maker_kind="portfolio_holder",
        cabinet=None,
        portfolio_holder=holder,
        portfolio="Children's Services",
        planned_decision_date=dt.date(2018, 3, 6),
        is_private=True,
        exempt_paragraph=3,
        private_reasons="Rates offered by named providers.",
    )
    fostering.wards.set([almondbury])
    draft_entry = ForwardPlanEntryFactory(matter=f"{CANARY} draft entry", cabinet=cabinet)
    open_decision = PublishedDecisionFactory(
        title="Youth service review", cabinet=cabinet, decision="To adopt option B wombat."
    )
    private = PrivateDecisionFactory(title="Residential care contract", cabinet=cabinet)
    draft = DecisionFactory(title=f"{CANARY} draft decision", cabinet=cabinet)
    return {
        "cabinet": cabinet,
        "holder": holder,
        "school": school,
        "fostering": fostering,
        "draft_entry": draft_entry,
        "open": open_decision,
        "private": private,
        "draft": draft,
    }


def test_the_forward_plan_lists_published_entries_and_filters(client, register):
    page = client.get("/forward-plan/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "New primary school at Lindley" in body and "Fostering allowances" in body
    assert CANARY not in body
    body = client.get("/forward-plan/?ward=lindley").content.decode()
    assert "New primary school" in body and "Fostering allowances" not in body
    body = client.get("/forward-plan/?month=2018-03").content.decode()
    assert "Fostering allowances" in body and "New primary school" not in body
    body = client.get(f"/forward-plan/?maker=holder-{register['holder'].pk}").content.decode()
    assert "Fostering allowances" in body and "New primary school" not in body
    body = client.get("/forward-plan/?portfolio=Children%27s+Services").content.decode()
    assert "Fostering allowances" in body and "New primary school" not in body
    assert (
        "Forward plan of key decisions: March 2018"
        in client.get("/forward-plan/?month=2018-03").content.decode()
    )


def test_an_entry_page_shows_the_reg_9_fields(client, register):
    body = client.get(f"/forward-plan/entries/{register['fostering'].pk}/").content.decode()
    for text in (
        "Fostering allowances",
        "Decision due",
        "6 March 2018",
        "Almondbury",
        "paragraph 3 of Schedule 12A",
        "Rates offered by named providers.",
        "How to make representations",
        "Documents to be considered",
        "1 December 2017",  # first published
    ):
        assert text in body, text
    assert client.get(f"/forward-plan/entries/{register['draft_entry'].pk}/").status_code == 404


def test_editions_show_what_was_known_when(client, register):
    officer = make_user("officer")
    services.publish_edition(on=dt.date(2018, 1, 2), by=officer)
    school = register["school"]
    services.save_entry(
        entry=school,
        expected_version=None,
        matter="New primary school at Lindley (revised)",
        maker_kind=school.maker_kind,
        cabinet=school.cabinet,
        planned_decision_date=school.planned_decision_date,
    )
    body = client.get("/forward-plan/editions/1/").content.decode()
    assert "New primary school at Lindley" in body and "(revised)" not in body
    assert "Fostering allowances" in body
    assert "Fostering" not in client.get("/forward-plan/editions/1/?ward=lindley").content.decode()
    assert "Forward plan, edition 1" in client.get("/forward-plan/editions/").content.decode()
    assert "(revised)" in client.get("/forward-plan/").content.decode()


def test_the_register_lists_and_searches_without_revealing_private_records(client, register):
    body = client.get("/decisions/").content.decode()
    assert "Youth service review" in body and "Residential care contract" in body
    assert "Taken in private (paragraph 3)" in body
    assert CANARY not in body
    assert "Youth service" in client.get("/decisions/?q=wombat").content.decode()
    # The private decision's text is not searchable; its title is.
    assert "Residential" not in client.get("/decisions/?q=bidder").content.decode()
    assert "Residential" in client.get("/decisions/?q=residential").content.decode()
    assert "Residential" not in client.get("/decisions/?q=CANARY").content.decode()


def test_a_private_decisions_page_shows_only_its_public_record(client, register):
    private = register["private"]
    body = client.get(f"/decisions/{private.pk}/").content.decode()
    assert "Residential care contract" in body
    assert "paragraph 3 of Schedule 12A" in body
    assert register["cabinet"].name in body and "16 January 2018" in body
    assert CANARY not in body
    assert client.get(f"/decisions/{register['draft'].pk}/").status_code == 404
    client.force_login(make_user("officer"))
    assert CANARY in client.get(f"/officer/decisions/{private.pk}/").content.decode()


def test_an_open_decisions_page_shows_the_record_and_call_in(client, register):
    body = client.get(f"/decisions/{register['open'].pk}/").content.decode()
    for text in ("To adopt option B", "Reasons", "Alternatives considered and rejected"):
        assert text in body
    assert "Call-in open until" in body


def test_feeds_calendar_search_and_sitemap_never_show_private_text(client, register):
    surfaces = {
        "/feeds/decisions.atom": ["Youth service review", "Residential care contract"],
        "/feeds/forward-plan.atom": ["New primary school at Lindley"],
        "/feeds/forward-plan.ics": ["Decision due: Fostering allowances"],
        "/search/?q=residential": ["Residential care contract"],
        "/search/?q=youth": ["Youth service review"],
    }
    for url, expected in surfaces.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in expected:
            assert text in body, (url, text)
        assert CANARY not in body, url
        assert "bidder" not in body, url
    assert "Residential" not in client.get("/search/?q=bidder").content.decode()
    ics = client.get("/feeds/forward-plan.ics").content.decode()
    assert "DTSTART;VALUE=DATE:20180213" in ics and "forward-plan-" in ics
    assert client.get("/feeds/decisions.atom")["ETag"]


def test_officer_pages_enter_publish_and_implement(client, register):
    officer = make_user("officer")
    client.force_login(officer)
    cabinet = register["cabinet"]
    home = client.get("/officer/decisions/")
    assert home.status_code == 200 and "£250,000" in home.content.decode()
    response = client.post(
        "/officer/forward-plan/add/",
        {
            "matter": "Library opening hours",
            "maker_kind": "cabinet",
            "cabinet": cabinet.pk,
            "is_key_decision": "on",
            "key_grounds": "wards",
            "planned_decision_date": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
            "exception": "none",
        },
    )
    assert response.status_code == 302
    entry = ForwardPlanEntry.all_objects.get(matter="Library opening hours")
    # Ten days ahead is late: publishing is refused with the reason, nothing changes.
    response = client.post(f"/officer/forward-plan/{entry.pk}/publish/", follow=True)
    assert "Record a general exception or special urgency" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT
    # A form error keeps what was typed.
    response = client.post(
        f"/officer/forward-plan/{entry.pk}/edit/",
        {
            "matter": "Library opening hours (typed)",
            "maker_kind": "portfolio_holder",
            "planned_decision_date": entry.planned_decision_date.isoformat(),
            "exception": "none",
            "version": entry.version,
        },
    )
    assert response.status_code == 200
    assert "Library opening hours (typed)" in response.content.decode()
    html = response.content.decode()
    assert "Choose the portfolio holder who takes the decision." in html
    assert 'id="id_portfolio_holder-error"' in html  # on the field, where the officer is

    response = client.post(
        "/officer/decisions/add/",
        {
            "title": "Library fines",
            "maker_kind": "portfolio_holder",
            "portfolio_holder": register["holder"].pk,
            "decision_date": "2018-01-10",
            "decision": "To abolish fines for children.",
            "reasons": "Fines deter children from borrowing.",
            "alternatives": "To halve fines: rejected, as they still deter.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    decision = Decision.all_objects.get(title="Library fines")
    assert decision.portfolio == "Children's Services"
    client.post(f"/officer/decisions/{decision.pk}/publish/")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN
    response = client.post(f"/officer/decisions/{decision.pk}/implemented/", follow=True)
    assert "Call-in is open until" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN
    assert "Library fines" in client.get("/decisions/").content.decode()


def test_officer_pages_are_for_officers(client, register):
    assert client.get("/officer/decisions/").status_code == 302
    client.force_login(make_user("councillor"))
    assert client.get("/officer/decisions/").status_code == 403
    assert client.post(f"/officer/decisions/{register['draft'].pk}/publish/").status_code == 403


def test_list_pages_make_the_same_number_of_queries_for_more_rows(client, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/decisions/", "/forward-plan/", "/feeds/decisions.atom", "/feeds/forward-plan.ics"]
    for url in urls:  # the first answer also reads what is cached for later requests
        count(url)
    before = {url: count(url) for url in urls}
    holder = PortfolioHolderFactory()
    for n in range(6):
        PublishedDecisionFactory(
            maker_kind="portfolio_holder", cabinet=None, portfolio_holder=holder
        )
        entry = PublishedEntryFactory(
            maker_kind="portfolio_holder", cabinet=None, portfolio_holder=holder
        )
        entry.wards.set([WardFactory(name=f"Ward {n}")])
    after = {url: count(url) for url in urls}
    assert after == before
