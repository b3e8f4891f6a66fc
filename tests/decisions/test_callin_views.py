"""The call-in pages: councillors start and sign requests; a public visitor and a councillor
off the call-in rules cannot; only officers validate, schedule the hearing and record the
outcome; nothing of a request is public before it is validated (canaries on the decision
page, the call-in page, search, feeds and the API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import callin_services as services
from decisions.models import (
    CallInRequest,
    CallInStatus,
    CallInWho,
    DecisionSettings,
    DecisionStatus,
)
from scrutiny.models import Committee, Membership
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import (
    PortfolioHolderFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
)
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-CALLIN-REASONS-7731"


@pytest.fixture
def rules():
    committee = CommitteeFactory(
        name="Overview and Scrutiny", slug="osc", kind=Committee.Kind.SCRUTINY_COMMITTEE
    )
    return DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=2
    )


def councillor(name="Cllr"):
    person = PersonFactory(name=name)
    return person, make_user("councillor", person=person)


def test_councillor_starts_and_another_signs(client, rules):
    decision = PublishedDecisionFactory(title="Close the library")
    (_a, ua), (_b, ub) = councillor("Ann Able"), councillor("Ben Bold")
    client.force_login(ua)
    url = reverse("callin-start", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Start the call-in request" in page
    response = client.post(url, {"reasons": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = client.post(url, {"reasons": CANARY})
    request = CallInRequest.all_objects.get(decision=decision)
    assert response.status_code == 302
    assert response["Location"] == reverse("callin-detail", args=[request.pk])

    # Not public yet: not on the decision page, nor its call-in page for the public.
    client.logout()
    assert client.get(reverse("callin-detail", args=[request.pk])).status_code == 404
    assert CANARY not in client.get(decision.get_absolute_url()).content.decode()

    client.force_login(ub)
    decision_page = client.get(decision.get_absolute_url()).content.decode()
    assert "Read it and add your name" in decision_page
    page = client.get(reverse("callin-detail", args=[request.pk])).content.decode()
    assert "Add my name to this call-in" in page and CANARY in page
    client.post(reverse("callin-detail", args=[request.pk]), {"action": "sign"})
    request.refresh_from_db()
    assert request.status == CallInStatus.SUBMITTED
    # Signing twice is refused with a message where the user is.
    response = client.post(reverse("callin-detail", args=[request.pk]), {"action": "sign"})
    assert "takes no more signatures" in response.content.decode()


def test_public_and_off_rules_councillor_cannot_start_or_sign(client, rules):
    decision = PublishedDecisionFactory()
    a, ua = councillor()
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    start = reverse("callin-start", args=[decision.pk])
    detail = reverse("callin-detail", args=[request.pk])
    # A public visitor: sent to sign in, nothing written.
    for url in (start, detail):
        response = client.post(url, {"reasons": "y", "action": "sign"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # A portfolio holder (the executive) is off the rules.
    holder = PortfolioHolderFactory(start_date=dt.date(2000, 1, 1))
    client.force_login(make_user("councillor", person=holder.person))
    page = client.get(start).content.decode()
    assert "cannot call in this decision" in page and "executive" in page
    # Nor do they see a request they may not sign (nor signed), let alone sign it.
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "sign"}).status_code == 404
    # Starting a second one is refused too.
    response = client.post(start, {"reasons": "Me too"})
    assert response.status_code == 403
    assert "executive" in response.content.decode()
    # With the rules narrowed to scrutiny members, an ordinary councillor is off them too.
    rules.call_in_who = CallInWho.SCRUTINY_MEMBERS
    rules.save()
    _, outsider = councillor()
    client.force_login(outsider)
    assert client.post(detail, {"action": "sign"}).status_code == 404
    response = client.post(start, {"reasons": "Me too"})
    assert response.status_code == 403
    assert "members of the overview" in response.content.decode()
    assert request.signatures.count() == 1
    assert CallInRequest.all_objects.count() == 1
    # An officer without a councillor record reads it but cannot sign either.
    client.force_login(make_user("officer"))
    response = client.post(detail, {"action": "sign"})
    assert response.status_code == 403
    assert "not linked to a councillor" in response.content.decode()
    assert request.signatures.count() == 1


def test_only_officers_validate(client, rules):
    decision = PublishedDecisionFactory()
    (a, ua), (b, ub) = councillor(), councillor()
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    services.sign_request(request=request, person=b, by=ub)
    url = reverse("officer-callin", args=[request.pk])
    for user in (None, ua, ub):
        client.logout()
        if user:
            client.force_login(user)
        response = client.post(url, {"action": "validate"})
        assert response.status_code in (302, 403)
        if user is None:
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == CallInStatus.SUBMITTED
    officer = make_user("officer")
    client.force_login(officer)
    assert client.get(reverse("officer-callins")).status_code == 200
    response = client.post(url, {"action": "validate", "version": request.version})
    assert response.status_code == 302
    request.refresh_from_db()
    decision.refresh_from_db()
    assert request.status == CallInStatus.VALIDATED
    assert decision.status == DecisionStatus.SUSPENDED


def test_officer_rejects_with_reason_and_incomplete_cannot_be_validated(client, rules):
    decision = PublishedDecisionFactory()
    a, ua = councillor()
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    client.force_login(make_user("officer"))
    url = reverse("officer-callin", args=[request.pk])
    page = client.get(url).content.decode()
    assert "1 of the 2 signatures" in page
    response = client.post(url, {"action": "validate", "version": request.version})
    assert "1 of the 2 signatures" in response.content.decode()
    response = client.post(url, {"action": "reject", "version": request.version})
    assert "This field is required" in response.content.decode()
    response = client.post(
        url,
        {"action": "reject", "version": request.version, "reject-reason": "Not enough names."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CallInStatus.REJECTED
    client.logout()
    assert client.get(reverse("callin-detail", args=[request.pk])).status_code == 404


def test_hearing_outcome_response_through_officer_page(client, rules):
    decision = PublishedDecisionFactory(title="Close the library")
    (a, ua), (b, ub) = councillor(), councillor()
    request = services.start_request(decision=decision, person=a, reasons=CANARY, by=ua)
    services.sign_request(request=request, person=b, by=ub)
    officer = make_user("officer")
    services.validate_request(request=request, by=officer)
    meeting = MeetingFactory(
        committee=rules.scrutiny_committee, start=timezone.now() + dt.timedelta(days=5)
    )
    client.force_login(officer)
    url = reverse("officer-callin", args=[request.pk])
    request.refresh_from_db()
    response = client.post(
        url, {"action": "hearing", "version": request.version, "hearing-meeting": meeting.pk}
    )
    assert response.status_code == 302, response.content.decode()
    request.refresh_from_db()
    assert request.hearing_item.meeting == meeting
    # The meeting has been held by the time its outcome is recorded.
    meeting.start = timezone.now() - dt.timedelta(hours=2)
    meeting.save(update_fields=["start"])
    day = timezone.localdate(meeting.start).isoformat()
    response = client.post(
        url,
        {
            "action": "outcome",
            "version": request.version,
            "outcome-result": "referred_to_council",
            "outcome-decided_on": day,
        },
    )
    assert "A referral needs the committee" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "outcome",
            "version": request.version,
            "outcome-result": "referred_to_council",
            "outcome-decided_on": day,
            "outcome-concerns": "Full council should decide.",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REFERRED_TO_COUNCIL
    request.refresh_from_db()
    response = client.post(
        url,
        {
            "action": "response",
            "version": request.outcome.version,
            "response-response": "Council confirmed the decision.",
            "response-response_on": day,
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.EFFECTIVE
    # Public now, with the outcome and response.
    client.logout()
    page = client.get(reverse("callin-detail", args=[request.pk])).content.decode()
    assert CANARY in page and "Referred to full council" in page
    assert "Council confirmed the decision." in page
    assert (
        reverse("callin-detail", args=[request.pk])
        in client.get(decision.get_absolute_url()).content.decode()
    )


def test_private_decision_call_in_keeps_reasons_private(client, rules):
    decision = PrivateDecisionFactory()
    (a, ua), (b, ub) = councillor(), councillor()
    request = services.start_request(decision=decision, person=a, reasons=CANARY, by=ua)
    services.sign_request(request=request, person=b, by=ub)
    services.validate_request(request=request, by=make_user("officer"))
    page = client.get(reverse("callin-detail", args=[request.pk])).content.decode()
    assert "not published" in page
    assert CANARY not in page
    assert "CANARY-PRIVATE" not in page
    client.force_login(ua)
    assert CANARY in client.get(reverse("callin-detail", args=[request.pk])).content.decode()


def test_unvalidated_request_never_public_anywhere(client, rules):
    """Canary: a submitted (not validated) request's reasons are on no public surface."""
    decision = PublishedDecisionFactory(title="Canary decision")
    (a, ua), (b, ub) = councillor(), councillor()
    request = services.start_request(
        decision=decision, person=a, reasons=f"{CANARY} zebrafish", by=ua
    )
    services.sign_request(request=request, person=b, by=ub)
    urls = [
        decision.get_absolute_url(),
        reverse("decision-list"),
        reverse("callin-detail", args=[request.pk]),
        "/search/?q=zebrafish",
        "/search/?q=Canary",
        "/api/oparl/v1/body/1/papers",
        "/sitemap.xml",
    ]
    urls += [reverse("decisions-feed"), reverse("forward-plan-feed")]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert CANARY.encode() not in body, url
    assert not CallInRequest.objects.filter(pk=request.pk).exists()


def test_my_page_lists_decisions_to_call_in(client, rules):
    decision = PublishedDecisionFactory(title="Open to call-in")
    closed = PublishedDecisionFactory(
        title="Closed window", call_in_closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    (a, ua), (_b, ub) = councillor(), councillor()
    services.start_request(decision=decision, person=a, reasons="x", by=ua)
    client.force_login(ub)
    page = client.get("/my/").content.decode()
    assert "Decisions you can call in" in page
    assert "Open to call-in" in page and "add your name" in page
    assert closed.title not in page
    holder = PortfolioHolderFactory(start_date=dt.date(2000, 1, 1))
    client.force_login(make_user("councillor", person=holder.person))
    page = client.get("/my/").content.decode()
    assert "Open to call-in" not in page


def test_scrutiny_member_rule_on_my_page(client, rules):
    rules.call_in_who = CallInWho.SCRUTINY_MEMBERS
    rules.save()
    PublishedDecisionFactory(title="Members only call-in")
    member, user = councillor()
    _, outsider = councillor()
    Membership.objects.create(
        person=member, committee=rules.scrutiny_committee, start_date=dt.date(2000, 1, 1)
    )
    client.force_login(user)
    assert "Members only call-in" in client.get("/my/").content.decode()
    client.force_login(outsider)
    assert "Members only call-in" not in client.get("/my/").content.decode()
