"""Decision, forward plan and call-in alerts, and the call-in notices (issue 18, 3 and 4, with
the decisions app of issue 17): the decisions services send their signals after commit, the
notifications app turns them into messages, read back from a real SMTP server on loopback and
their links followed with the test client."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions import callin_services, services
from decisions.models import CallInResult, CallInWho, DecisionSettings
from notifications.models import DigestEntry, Outbox, Subscriber, Suppression
from notifications.notices import digests
from notifications.sending import suspend
from scrutiny.models import Committee, Membership
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import (
    CabinetFactory,
    DecisionFactory,
    ForwardPlanEntryFactory,
    PrivateDecisionFactory,
)

from .conftest import local_path, parts

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://testserver/\S+")


def _subscriber(email, topics, *, committees=(), frequency="immediate") -> Subscriber:
    sub = Subscriber.objects.create(
        email=email,
        topics=list(topics),
        all_committees=not committees,
        frequency=frequency,
        confirmed_at=timezone.now(),
    )
    sub.committees.set(committees)
    return sub


def _raw(message) -> str:
    return message.as_string()


def _follow(client, text: str, fragment: str):
    [url] = [u for u in LINK.findall(text) if fragment in u]
    return client.get(local_path(url), follow=True)


@pytest.fixture
def officer():
    return make_user("officer")


def test_a_published_decision_alerts_its_subscribers_at_once_or_weekly(smtp, officer):
    cabinet = CabinetFactory(name="Cabinet")
    other = CommitteeFactory(name="Planning Committee")
    _subscriber("everything@example.org", ["decisions"])
    _subscriber(
        "cabinet-weekly@example.org", ["decisions"], committees=[cabinet], frequency="weekly"
    )
    _subscriber("planning@example.org", ["decisions"], committees=[other])
    _subscriber("agendas-only@example.org", ["agendas"])
    decision = DecisionFactory(cabinet=cabinet, title="Bus lanes on the ring road")
    assert not smtp.messages, "a draft is nobody's news"

    services.publish_decision(decision=decision, by=officer)

    assert [str(m["To"]) for m in smtp.messages] == ["everything@example.org"]
    message = smtp.one("everything@example.org")
    assert message["Subject"] == "Decision published: Bus lanes on the ring road"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "Bus lanes on the ring road" in text and "Cabinet" in text and "16 January 2018" in text
    assert "can be called in until" in text
    assert "Bus lanes on the ring road" in html
    page = _follow(Client(), text, f"/decisions/{decision.pk}/")
    assert page.status_code == 200 and b"Bus lanes on the ring road" in page.content

    # The weekly subscriber to the Cabinet has it in the digest, once.
    assert DigestEntry.objects.filter(subscriber__email="cabinet-weekly@example.org").count() == 1
    assert digests(timezone.now()) == 1
    digest = smtp.one("cabinet-weekly@example.org")
    d_text, d_html = parts(digest)
    assert "Bus lanes on the ring road" in d_text and f"/decisions/{decision.pk}/" in d_html
    assert not smtp.to("planning@example.org") and not smtp.to("agendas-only@example.org")

    # A retried fan-out sends nothing twice.
    from notifications.tasks import decision_fan_out

    smtp.clear()
    assert decision_fan_out.call("decision", decision.pk) == 0
    assert not smtp.messages


def test_a_private_decision_alert_says_only_what_its_public_record_says(smtp, officer):
    """Canary: the text, reasons, alternatives and interests of a decision taken in private are
    in no message; its title, maker, date and paragraph are."""
    _subscriber("everything@example.org", ["decisions"])
    _subscriber("weekly@example.org", ["decisions"], frequency="weekly")
    decision = PrivateDecisionFactory(
        status="draft", published_at=None, call_in_closes_at=None, title="Leisure centre contract"
    )
    services.publish_decision(decision=decision, by=officer)
    digests(timezone.now())
    assert len(smtp.messages) == 2
    for message in smtp.messages:
        raw = _raw(message)
        assert "CANARY" not in raw and "names a bidder" not in raw
        text, html = parts(message)
        for body in (text, html):
            assert "Leisure centre contract" in body
            assert "taken in private under paragraph 3" in body
            assert decision.cabinet.name in body and "16 January 2018" in body


def test_forward_plan_entries_and_editions_alert_their_subscribers(smtp, officer):
    cabinet = CabinetFactory(name="Cabinet")
    _subscriber("plan@example.org", ["forward_plan"], committees=[cabinet])
    _subscriber("decisions@example.org", ["decisions"])
    entry = ForwardPlanEntryFactory(
        cabinet=cabinet,
        matter="School places in the north",
        planned_decision_date=timezone.localdate() + dt.timedelta(days=60),
    )
    services.publish_entry(entry=entry, by=officer)
    message = smtp.one("plan@example.org")
    assert message["Subject"] == "On the forward plan: School places in the north"
    text, html = parts(message)
    assert "to be decided by Cabinet" in text and "School places in the north" in html
    page = _follow(Client(), text, f"/forward-plan/entries/{entry.pk}/")
    assert page.status_code == 200 and b"School places in the north" in page.content

    smtp.clear()
    edition = services.publish_edition(by=officer)
    message = smtp.one("plan@example.org")
    assert message["Subject"] == f"Forward plan published: edition {edition.number}"
    text, _ = parts(message)
    assert "(1 entry)" in text
    page = _follow(Client(), text, f"/forward-plan/editions/{edition.number}/")
    assert page.status_code == 200 and b"School places in the north" in page.content
    assert not smtp.to("decisions@example.org")


@pytest.fixture
def rules():
    contact = PersonFactory(name="Scrutiny Officer", email="scrutiny.officer@example.org")
    committee = CommitteeFactory(
        name="Overview and Scrutiny Management Committee",
        slug="osmc",
        kind=Committee.Kind.SCRUTINY_COMMITTEE,
        contact_officer=contact,
    )
    return DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=3
    )


def _councillor(name, email, *, consent=True):
    person = PersonFactory(name=name, email=email, email_consent=consent)
    return person, make_user("councillor", person=person)


def test_call_in_notices_then_public_alerts_only_once_validated(smtp, rules, officer):
    cabinet = CabinetFactory(name="Cabinet")
    _subscriber("callins@example.org", ["call_ins"])
    _subscriber("osmc@example.org", ["call_ins"], committees=[rules.scrutiny_committee])
    decision = PrivateDecisionFactory(
        status="draft",
        published_at=None,
        call_in_closes_at=None,
        cabinet=cabinet,
        title="Depot sale",
    )
    services.publish_decision(decision=decision, by=officer)
    a, ua = _councillor("Cllr A", "a@example.org")
    b, ub = _councillor("Cllr B", "b@example.org")
    c, uc = _councillor("Cllr C", "c@example.org")
    _councillor("Cllr No Consent", "no-consent@example.org", consent=False)
    executive, _ = _councillor("Cllr Cabinet", "cabinet@example.org")
    Membership.objects.create(person=executive, committee=cabinet, start_date=dt.date(2000, 1, 1))
    smtp.clear()

    request = callin_services.start_request(
        decision=decision, person=a, reasons="CANARY-CALLIN-REASONS", by=ua
    )
    # Those who may sign, with an address and consent: not the starter, not a councillor
    # without consent, not a member of the executive.
    assert sorted(addr for _, rcpts in smtp.envelopes for addr in rcpts) == [
        "b@example.org",
        "c@example.org",
    ]
    notice = smtp.one("b@example.org")
    assert notice["Subject"] == "Call-in: please consider signing — Depot sale"
    text, html = parts(notice)
    assert "CANARY" not in _raw(notice), "the reasons are not public until validated"
    assert "taken in private under paragraph 3" in text and "1 of the 3 signatures" in text
    assert not smtp.to("callins@example.org"), "no public alert before validation"
    # The link asks for sign-in, then opens the request where B can sign.
    [url] = [u for u in LINK.findall(text) if "call-ins" in u]
    anonymous = Client().get(local_path(url))
    assert anonymous.status_code == 200 and b"Sign in" in anonymous.content
    member = Client()
    member.force_login(ub)
    next_path = reverse("callin-detail", kwargs={"pk": request.pk})
    assert member.get(next_path).status_code == 200

    smtp.clear()
    callin_services.sign_request(request=request, person=b, by=ub)
    assert not smtp.messages, "one request for signatures per call-in"
    callin_services.sign_request(request=request, person=c, by=uc)
    told = smtp.one("scrutiny.officer@example.org")
    assert told["Subject"] == "Call-in awaiting validation: Depot sale"
    o_text, _ = parts(told)
    staff = Client()
    staff.force_login(officer)
    page = _follow(staff, o_text, "/officer/call-ins/")
    assert page.status_code == 200 and b"Depot sale" in page.content
    assert not smtp.to("callins@example.org"), "a submitted request is not public"

    smtp.clear()
    request.refresh_from_db()
    callin_services.validate_request(request=request, by=officer)
    assert {str(m["To"]) for m in smtp.messages} == {"callins@example.org", "osmc@example.org"}
    alert = smtp.one("callins@example.org")
    assert alert["Subject"] == "Decision called in: Depot sale"
    a_text, a_html = parts(alert)
    assert "CANARY" not in _raw(alert)
    assert "has been called in" in a_text and "taken in private under paragraph 3" in a_html
    assert _follow(Client(), a_text, f"/call-ins/{request.pk}/").status_code == 200

    smtp.clear()
    request.refresh_from_db()
    callin_services.record_outcome(
        request=request,
        result=CallInResult.NO_FURTHER_ACTION,
        decided_on=timezone.localdate(),
        by=officer,
    )
    outcome = smtp.one("callins@example.org")
    assert outcome["Subject"] == "Call-in outcome: Depot sale"
    assert "no further action" in parts(outcome)[0].lower()
    assert "CANARY" not in _raw(outcome)


def test_a_rejected_or_withdrawn_call_in_is_never_alerted(smtp, rules, officer):
    _subscriber("callins@example.org", ["call_ins"])
    decision = DecisionFactory(title="Parking charges")
    services.publish_decision(decision=decision, by=officer)
    a, ua = _councillor("Cllr A", "a@example.org")
    request = callin_services.start_request(decision=decision, person=a, reasons="Why", by=ua)
    callin_services.withdraw_request(request=request, person=a, by=ua)
    assert not smtp.to("callins@example.org")
    assert not Outbox.objects.filter(key__startswith="alert:call_ins").exists()


def test_an_officer_lifts_a_suspended_address(smtp, officer):
    suspend("bounced@example.org", Suppression.Reason.BOUNCE, "550 No such user")
    staff = Client()
    staff.force_login(officer)
    page = staff.get(reverse("officer-email-suspended"))
    assert page.status_code == 200
    assert b"bounced@example.org" in page.content and b"Hard bounce" in page.content
    row = Suppression.objects.get(email="bounced@example.org")
    done = staff.post(reverse("officer-email-suspended-lift", kwargs={"pk": row.pk}), follow=True)
    assert done.status_code == 200 and b"is no longer suspended" in done.content
    assert not Suppression.objects.exists()
    lifted = Suppression.history.filter(history_type="-").get()
    assert lifted.history_user == officer and lifted.email == "bounced@example.org"
    # Lifting again (a second tab) says so and changes nothing.
    again = staff.post(reverse("officer-email-suspended-lift", kwargs={"pk": row.pk}), follow=True)
    assert b"not suspended" in again.content
    # Mail reaches the address again.
    _subscriber("bounced@example.org", ["decisions"])
    services.publish_decision(decision=DecisionFactory(title="Street lights"), by=officer)
    assert smtp.one("bounced@example.org")["Subject"] == "Decision published: Street lights"
    # Not for councillors or the public.
    councillor = Client()
    councillor.force_login(make_user("councillor"))
    assert councillor.get(reverse("officer-email-suspended")).status_code in (302, 403)
    assert Client().get(reverse("officer-email-suspended")).status_code == 302
