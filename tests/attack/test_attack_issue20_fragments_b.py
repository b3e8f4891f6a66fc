"""Attack 21b: issue 20's kept filter forms, improvement plan bodies, stored CSVs and
remembered minutes, read with the fragment cache on (``fragments_on``) by the public, a
councillor off the committee, a member and an officer, in every order. Canaries are planted in
every private field these surfaces could leak."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from meetings.minutes import services as minutes_services
from meetings.minutes.models import MinutesStatus
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.minutes import make_meeting_with_items
from tests.factories.performance import KPIFactory, figure, financial_year
from tests.factories.workprogramme import (
    DeliverableFactory,
    ImprovementActionFactory,
    ImprovementPlanFactory,
    PlanPriorityFactory,
)

pytestmark = pytest.mark.django_db

CANARY = "ZQXCANARY21B"
READERS = ("public", "councillor", "member", "officer")
ORDERS = [
    ("officer", "public"),
    ("member", "public"),
    ("public", "member"),
    ("councillor", "member", "public", "officer"),
    ("officer", "member", "councillor", "public"),
]


def _business(minutes):
    return list(minutes.items.filter(agenda_item__kind="business").order_by("agenda_item__order"))


@pytest.fixture
def world(fragments_on):
    committee = CommitteeFactory(name="Children Panel", slug="children")
    # Meeting 1: a public and an exempt item, both minuted with an action each.
    m1 = make_meeting_with_items(committee=committee, exempt=True)
    minutes1 = minutes_services.start_minutes(meeting=m1)
    public, exempt = _business(minutes1)
    minutes_services.save_minute(
        minute=public, text="Public narrative.", resolutions=["Noted."], version=public.version
    )
    minutes_services.save_minute(
        minute=exempt,
        text=f"The child {CANARY}MINUTE went missing.",
        resolutions=[f"That {CANARY}RESOLUTION be referred."],
        public_summary="An update was given.",
        version=exempt.version,
    )
    exempt.refresh_from_db()
    minutes_services.create_action(
        committee=committee,
        description=f"Follow up {CANARY}ACTION",
        owner_text="Children's services",
        resolution=exempt.resolutions.get(),
    )
    minutes_services.create_action(
        committee=committee,
        description="Public follow-up",
        owner_text="Children's services",
        resolution=public.resolutions.get(),
    )
    minutes_services.publish_minutes(minutes=minutes1)
    # Meeting 2: only an exempt item carries an action: its meeting is a members-only choice.
    m2 = make_meeting_with_items(
        committee=committee,
        start=dt.datetime(2017, 9, 13, 10, 0, tzinfo=LONDON),
        business=1,
        exempt=True,
    )
    minutes2 = minutes_services.start_minutes(meeting=m2)
    (only,) = _business(minutes2)
    minutes_services.save_minute(
        minute=only,
        text=f"{CANARY}M2",
        resolutions=[f"{CANARY}R2"],
        public_summary="Summary.",
        version=only.version,
    )
    only.refresh_from_db()
    minutes_services.create_action(
        committee=committee,
        description=f"{CANARY}ACTION2",
        owner_text="X",
        resolution=only.resolutions.get(),
    )
    minutes_services.publish_minutes(minutes=minutes2)
    # Meeting 3: draft minutes (officers only).
    m3 = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 11, 10, 0, tzinfo=LONDON), business=1
    )
    minutes3 = minutes_services.start_minutes(meeting=m3)
    (draft,) = _business(minutes3)
    minutes_services.save_minute(
        minute=draft,
        text=f"{CANARY}DRAFT",
        resolutions=["Draft resolution."],
        version=draft.version,
    )
    # Readers.
    member_person = PersonFactory()
    MembershipFactory(committee=committee, person=member_person, start_date=dt.date(2017, 5, 17))
    users = {
        "officer": make_user("officer"),
        "member": make_user("councillor", person=member_person),
        "councillor": make_user("councillor", person=PersonFactory()),
    }
    # Improvement plan.
    plan = ImprovementPlanFactory(slug="ofsted-plan")
    priority = PlanPriorityFactory(plan=plan)
    plan_action = ImprovementActionFactory(priority=priority, text="Plan action one")
    DeliverableFactory(priority=priority, text="A deliverable")
    # KPI.
    kpi = KPIFactory(title="Children seen in time")
    periods = financial_year(2016)
    return {
        "committee": committee,
        "m1": m1,
        "m2": m2,
        "m3": m3,
        "exempt": exempt,
        "minutes3": minutes3,
        "minutes1": minutes1,
        "users": users,
        "plan": plan,
        "plan_action": plan_action,
        "kpi": kpi,
        "periods": periods,
    }


def _client(world, who) -> Client:
    client = Client()
    if who != "public":
        client.force_login(world["users"][who])
    return client


def _get(client, url) -> tuple[int, str]:
    response = client.get(url)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response.status_code, body.decode(errors="replace")


def _list_urls(world):
    slug = world["committee"].slug
    return [
        "/actions/",
        f"/committees/{slug}/actions/",
        "/meetings/",
        reverse("workprogramme-items"),
        reverse("kpi-dashboard"),
        reverse("review-recommendations"),
        reverse("improvement-plan", args=[world["plan"].slug]),
    ]


def _option(meeting) -> str:
    return f'value="{meeting.pk}"'


def _may_see_exempt(who) -> bool:
    return who in ("member", "officer")


def _check(world, who, url, status, page):
    assert status in (200, 404), (who, url, status)
    if not _may_see_exempt(who):
        assert CANARY not in page, (who, url)
        # the members-only meeting is no "From the meeting" choice
        if "actions" in url and status == 200:
            assert f'<option value="{world["m2"].pk}"' not in page, (who, url)
    if who != "officer":
        assert f"{CANARY}DRAFT" not in page
        # no officer edit link or form in the plan body of a reader who is not an officer
        assert "Edit the plan" not in page and "Mark done today" not in page, (who, url)
    if who == "public":
        assert "csrfmiddlewaretoken" not in page, (who, url)


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_every_list_page_and_plan_in_every_order(world, order):
    clients = {who: _client(world, who) for who in READERS}
    for url in _list_urls(world):
        for who in order:
            status, page = _get(clients[who], url)
            _check(world, who, url, status, page)
            if who == "member" and "actions" in url:
                # the member is drawn live: their members-only meeting is a choice
                assert f'<option value="{world["m2"].pk}"' in page
            if who == "officer" and "improvement-plans" in url:
                assert "Edit the plan" in page and "csrfmiddlewaretoken" in page


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_minutes_pages_in_every_order(world, order):
    clients = {who: _client(world, who) for who in READERS}
    for meeting in ("m1", "m2", "m3"):
        url = reverse("meeting-minutes", args=[world[meeting].pk])
        for who in order:
            status, page = _get(clients[who], url)
            if meeting == "m3":
                assert status == (200 if who == "officer" else 404), (who, url)
                if who == "officer":
                    assert f"{CANARY}DRAFT" in page
                continue
            assert status == 200
            if _may_see_exempt(who):
                assert CANARY in page, (who, meeting)
            else:
                assert CANARY not in page, (who, meeting)


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_action_csvs_in_every_order(world, order):
    clients = {who: _client(world, who) for who in READERS}
    for url in ("/actions.csv", f"/committees/{world['committee'].slug}/actions.csv"):
        for query in ("", "?page=2", "?status=", "?status=open&status=", "?zz=1"):
            for who in order:
                status, body = _get(clients[who], url + query)
                assert status == 200
                if _may_see_exempt(who):
                    assert f"{CANARY}ACTION" in body, (who, url, query)
                else:
                    assert CANARY not in body, (who, url, query)
                assert "Public follow-up" in body


def test_changes_show_on_the_very_next_request(world):
    public = _client(world, "public")
    officer = _client(world, "officer")
    member = _client(world, "member")
    committee = world["committee"]
    tracker, csv = "/actions/", "/actions.csv"
    minutes_url = reverse("meeting-minutes", args=[world["m1"].pk])
    draft_url = reverse("meeting-minutes", args=[world["m3"].pk])
    # warm everything
    for c in (public, officer, member):
        for u in (tracker, csv, minutes_url, draft_url, "/open-data/kpis.csv"):
            _get(c, u)
    # add an action on a new public meeting: its meeting becomes a choice, the CSV lists it
    m1_public = _business(world["minutes1"])[0]
    minutes_services.create_action(
        committee=committee,
        description="Brand new NEXTREQ action",
        owner_text="Y",
        resolution=m1_public.resolutions.get(),
    )
    assert "Brand new NEXTREQ" in _get(public, csv)[1]
    assert "Brand new NEXTREQ" in _get(public, tracker)[1]
    # publish the draft minutes: readable by the public next request
    minutes_services.publish_minutes(minutes=world["minutes3"])
    status, page = _get(public, draft_url)
    assert status == 200 and f"{CANARY}DRAFT" in page
    # back to draft: gone next request
    m3 = world["minutes3"]
    m3.refresh_from_db()
    m3.status = MinutesStatus.DRAFT
    m3.save()
    assert _get(public, draft_url)[0] == 404
    assert _get(member, draft_url)[0] == 404
    assert _get(officer, draft_url)[0] == 200
    # mark the public item exempt: its action leaves the CSV and tracker, the meeting choice goes
    item = m1_public.agenda_item
    item.is_exempt = True
    item.exempt_paragraph = 3
    item.exempt_reasons = "Commercial"
    item.save()
    body = _get(public, csv)[1]
    assert "Public follow-up" not in body and "NEXTREQ" not in body
    page = _get(public, tracker)[1]
    assert "Public follow-up" not in page
    assert f'<option value="{world["m1"].pk}"' not in page
    assert "Public narrative." not in _get(public, minutes_url)[1]
    # unpublish meeting 1: the minutes page is gone for the public
    meeting = world["m1"]
    meeting.refresh_from_db()
    from meetings.models import MeetingStatus

    before = (meeting.status, meeting.published_at)
    meeting.status, meeting.published_at = MeetingStatus.SCHEDULED, None
    meeting.save()
    assert _get(public, minutes_url)[0] == 404
    meeting.status, meeting.published_at = before
    meeting.save()
    assert _get(public, minutes_url)[0] == 200


def test_plan_and_kpi_changes_show_next_request(world):
    public, member = _client(world, "public"), _client(world, "member")
    url = reverse("improvement-plan", args=[world["plan"].slug])
    assert "Plan action one" in _get(public, url)[1]
    assert "Plan action one" in _get(member, url)[1]
    action = world["plan_action"]
    action.text = "Plan action EDITED"
    action.save()
    assert "Plan action EDITED" in _get(public, url)[1]
    assert "Plan action EDITED" in _get(member, url)[1]
    kpis = "/open-data/kpis.csv"
    before = _get(public, kpis)[1]
    assert "Children seen in time" not in before or before.count("\n") >= 1
    figure(world["kpi"], world["periods"]["2016/17"], actual=Decimal("42.5"), target=Decimal("50"))
    after = _get(public, kpis)[1]
    assert "Children seen in time" in after and "42.5" in after


TRICKS = [
    "?page=2",
    "?page=abc",
    "?unknown=1",
    "?status=open&status=done",
    "?owner=" + "L" * 3000,
    "?owner=TRICKOWNER",
    "?owner=TRICKOWNER&page=9",
    "?format=csv",
    "?format=pdf&x=1",
]


@pytest.mark.parametrize("trick", TRICKS)
def test_query_string_tricks_never_return_another_addresss_form(world, trick):
    public = _client(world, "public")
    for url in _list_urls(world):
        plain_status, plain = _get(public, url)
        status, page = _get(public, url + trick)
        if "format=" in trick and "improvement" not in url:
            continue
        if "format=csv" in trick and "improvement-plans" in url:
            assert status == 200
            assert "<form" not in page and "<html" not in page, "plan ?format=csv gave HTML"
            continue
        if "format=pdf" in trick:
            continue
        if "owner=TRICKOWNER" in trick and "actions" in url:
            assert 'value="TRICKOWNER"' in page, url
        if "owner=TRICKOWNER" not in trick:
            assert "TRICKOWNER" not in page
        # back to the plain address: the plain form, not the trick's
        assert "TRICKOWNER" not in _get(public, url)[1]
        assert "L" * 3000 not in _get(public, url)[1]


def test_two_list_pages_never_share_a_form(world):
    public = _client(world, "public")
    forms = {}
    for url in _list_urls(world):
        page = _get(public, url)[1]
        start = page.find('aria-label="Filter"')
        forms[url] = page[start : page.find("</form>", start)] if start >= 0 else None
    for a, b in itertools.combinations(forms, 2):
        if forms[a] is not None and forms[b] is not None:
            assert forms[a] != forms[b], (a, b)
    # the committee tracker has no committee choice; the all-committee one does
    assert 'name="committee"' in forms["/actions/"]
    assert 'name="committee"' not in forms[f"/committees/{world['committee'].slug}/actions/"]


def test_officer_never_gets_the_anonymous_form_or_body(world):
    public, officer = _client(world, "public"), _client(world, "officer")
    url = reverse("improvement-plan", args=[world["plan"].slug])
    anon = _get(public, url)[1]
    assert "Edit the plan" not in anon
    page = _get(officer, url)[1]
    assert "Edit the plan" in page and "csrfmiddlewaretoken" in page
    # the officer's tracker offers the members-only meeting (drawn live, not the public's)
    _get(public, "/actions/")
    assert f'<option value="{world["m2"].pk}"' in _get(officer, "/actions/")[1]


def test_embedded_default_keeps_nothing(world, settings):
    from django.core.cache import cache

    from scrutiny import fragments

    settings.FRAGMENT_CACHE_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    from scrutiny.cache import forget_process_state, generation_is_shared

    forget_process_state()
    fragments.clear_local()
    cache.clear()
    assert not generation_is_shared()
    public = _client(world, "public")
    for url in _list_urls(world) + ["/actions.csv", "/open-data/kpis.csv"]:
        _get(public, url)
        _get(public, reverse("meeting-minutes", args=[world["m1"].pk]))
    kept = [k for k in cache._cache if "fragment" in k or "csv" in k or "object" in k]
    assert kept == []
    # every CSV written on request
    action = world["plan_action"]
    minutes_services.create_action(
        committee=world["committee"],
        description="EMBEDDEDNEW",
        owner_text="Z",
        resolution=_business(world["minutes1"])[0].resolutions.get(),
    )
    assert "EMBEDDEDNEW" in _get(public, "/actions.csv")[1]
    assert action.pk
