"""A call-in request still collecting signatures when call-in closes lapses (issue 17): it
is no longer listed as signable on /my/ or the decision page, signing it is refused with a
clear message, and its signatories see "Lapsed: not enough signatures in time". The lists
filter by the window itself: no periodic job has run in these tests. Leak: the reasons of
the lapsed request (a canary) reach nobody but its signatories and officers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import callin_services as services
from decisions.models import CallInRequest, CallInStatus, CallInWho, DecisionSettings
from scrutiny.models import Committee
from tests.decisions.conftest import as_each
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import PublishedDecisionFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-LAPSED-REASONS"


@pytest.fixture
def setup(time_machine):
    time_machine.move_to(dt.datetime(2018, 1, 8, 10, tzinfo=dt.UTC), tick=False)
    committee = CommitteeFactory(kind=Committee.Kind.SCRUTINY_COMMITTEE)
    DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=3
    )
    closes = timezone.now() + dt.timedelta(days=2)
    decision = PublishedDecisionFactory(title="Close the library", call_in_closes_at=closes)
    people = [PersonFactory(name=n) for n in ("Ann Able", "Ben Bold", "Cat Cole")]
    users = [make_user("councillor", person=p) for p in people]
    request = services.start_request(
        decision=decision, person=people[0], reasons=CANARY, by=users[0]
    )
    return {"decision": decision, "people": people, "users": users, "request": request}


def test_inside_the_window_the_request_is_signable(client, setup):
    client.force_login(setup["users"][1])
    assert "add your name" in client.get("/my/").content.decode()
    page = client.get(setup["decision"].get_absolute_url()).content.decode()
    assert "Read it and add your name" in page


def test_after_the_window_it_lapses_without_any_job(client, setup, time_machine):
    time_machine.move_to(dt.datetime(2018, 1, 11, 10, tzinfo=dt.UTC), tick=False)
    request = CallInRequest.all_objects.get(pk=setup["request"].pk)
    assert request.status == CallInStatus.OPEN  # nothing has changed it in the database
    assert request.is_lapsed()
    assert list(CallInRequest.all_objects.lapsed()) == [request]
    assert not CallInRequest.all_objects.collecting().exists()

    # Another councillor: not listed on /my/ or the decision page, and signing is refused.
    client.force_login(setup["users"][1])
    my = client.get("/my/").content.decode()
    assert "Close the library" not in my
    page = client.get(setup["decision"].get_absolute_url()).content.decode()
    assert "add your name" not in page.lower()
    with pytest.raises(Exception, match="has lapsed: it did not have the signatures"):
        services.sign_request(request=request, person=setup["people"][1], by=setup["users"][1])
    assert request.signatures.count() == 1

    # The signatory sees it lapsed, on the request's page and on /my/; the page offers no
    # way to sign, and a forced POST is refused with the message where they are.
    client.force_login(setup["users"][0])
    page = client.get(reverse("callin-detail", args=[request.pk])).content.decode()
    assert "Lapsed: not enough signatures in time" in page
    assert "Add my name" not in page
    my = client.get("/my/").content.decode()
    assert "lapsed: not enough signatures in time" in my
    assert "Call-in requests you signed that lapsed" in my

    # The officer's list puts it with the lapsed ones.
    client.force_login(make_user("officer"))
    officer_list = client.get("/officer/call-ins/").content.decode()
    assert "Lapsed (call-in closed first)" in officer_list


def test_a_forced_signature_after_the_window_is_refused(client, setup, time_machine):
    time_machine.move_to(dt.datetime(2018, 1, 11, 10, tzinfo=dt.UTC), tick=False)
    request = setup["request"]
    # Its signatory posting again gets the message on the request's page.
    client.force_login(setup["users"][0])
    response = client.post(reverse("callin-detail", args=[request.pk]), {"action": "sign"})
    assert response.status_code == 200
    assert "This call-in request has lapsed" in response.content.decode()
    # A signatory can still open the page; another councillor cannot even see it now.
    client.force_login(setup["users"][1])
    assert client.get(reverse("callin-detail", args=[request.pk])).status_code == 404
    response = client.post(reverse("callin-detail", args=[request.pk]), {"action": "sign"})
    assert response.status_code == 404
    assert CallInRequest.all_objects.get(pk=request.pk).signatures.count() == 1


def test_the_lapsed_requests_reasons_never_leak(client, setup, time_machine, viewers):
    time_machine.move_to(dt.datetime(2018, 1, 11, 10, tzinfo=dt.UTC), tick=False)
    request = setup["request"]
    urls = [
        setup["decision"].get_absolute_url(),
        reverse("callin-detail", args=[request.pk]),
        "/feeds/call-ins.atom",
        "/search/?q=library",
        f"/api/oparl/v1/callin/{request.pk}",
        "/my/",
    ]
    for who in as_each(client, viewers):
        for url in urls:
            assert CANARY not in client.get(url).content.decode(), (who, url)
