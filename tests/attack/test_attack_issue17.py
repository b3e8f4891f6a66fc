"""Attack on issue 17 (decisions, forward plan, call-in) by a tester who did not write it.

Canary words are planted in every private field; the public, a councillor off the call-in
rules (an executive member) and a councillor who may sign crawl every surface."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import callin_services as services
from decisions.models import CallInRequest, CallInWho, DecisionSettings, DecisionStatus
from scrutiny.models import Committee, Council
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import (
    DecisionFactory,
    ForwardPlanEntryFactory,
    PortfolioHolderFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
    PublishedEntryFactory,
)

pytestmark = pytest.mark.django_db

Q = "QUIBBLEFROTZ"
# Seen by nobody but officers (and, for call-in reasons, those who signed).
SECRET = {
    "private_text": f"{Q}-PRIVTEXT",
    "private_reasons": f"{Q}-PRIVREASONS",
    "private_alts": f"{Q}-PRIVALTS",
    "private_interests": f"{Q}-PRIVINTERESTS",
    "private_dispensations": f"{Q}-PRIVDISP",
    "private_private_reasons": f"{Q}-PRIVWHY",
    "draft_title": f"{Q}-DRAFTTITLE",
    "draft_text": f"{Q}-DRAFTTEXT",
    "draft_entry": f"{Q}-DRAFTENTRY",
    "rejected": f"{Q}-REJECTEDREASONS",
    "rejection": f"{Q}-REJECTIONWHY",
    "withdrawn": f"{Q}-WITHDRAWNREASONS",
    "private_callin": f"{Q}-PRIVCALLIN",
    "private_callin_open": f"{Q}-PRIVCALLINOPEN",
}
# Seen by councillors who may sign (an open request on an open decision), nobody public.
OPEN_REQUEST = f"{Q}-OPENREQUEST"


@pytest.fixture
def world():
    committee = CommitteeFactory(
        name="Overview and Scrutiny", slug="osc", kind=Committee.Kind.SCRUTINY_COMMITTEE
    )
    DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=3
    )
    council = Council.objects.create(name="Attack Council")
    people = [PersonFactory(name=f"Cllr {n}") for n in "ABCD"]
    users = [make_user("councillor", person=p) for p in people]
    holder = PortfolioHolderFactory(start_date=dt.date(2000, 1, 1))
    exec_user = make_user("councillor", person=holder.person)
    officer = make_user("officer")

    private = PrivateDecisionFactory(
        title="Award of the depot contract",
        decision=SECRET["private_text"],
        reasons=SECRET["private_reasons"],
        alternatives=SECRET["private_alts"],
        interests=SECRET["private_interests"],
        dispensations=SECRET["private_dispensations"],
        private_reasons=SECRET["private_private_reasons"],
    )
    draft = DecisionFactory(title=SECRET["draft_title"], decision=SECRET["draft_text"])
    ForwardPlanEntryFactory(matter=SECRET["draft_entry"], summary=SECRET["draft_entry"])
    PublishedEntryFactory(matter="Published matter")
    open_decision = PublishedDecisionFactory(title="Close the library")
    a, b, c, d = people
    ua, ub, uc, ud = users
    # An open request (reasons visible to those who may sign).
    live = services.start_request(decision=open_decision, person=a, reasons=OPEN_REQUEST, by=ua)
    # A rejected and a withdrawn one, on other decisions.
    other = PublishedDecisionFactory(title="Sell the park")
    rejected = services.start_request(decision=other, person=a, reasons=SECRET["rejected"], by=ua)
    services.sign_request(request=rejected, person=b, by=ub)
    services.sign_request(request=rejected, person=c, by=uc)
    services.reject_request(request=rejected, reason=SECRET["rejection"], by=officer)
    third = PublishedDecisionFactory(title="Move the market")
    withdrawn = services.start_request(decision=third, person=b, reasons=SECRET["withdrawn"], by=ub)
    services.withdraw_request(request=withdrawn, person=b, by=ub)
    # A validated call-in on the private decision, and an open one on another private one.
    pcall = services.start_request(
        decision=private, person=a, reasons=SECRET["private_callin"], by=ua
    )
    services.sign_request(request=pcall, person=b, by=ub)
    services.sign_request(request=pcall, person=c, by=uc)
    services.validate_request(request=pcall, by=officer)
    private2 = PrivateDecisionFactory(title="Buy the land")
    pcall_open = services.start_request(
        decision=private2, person=b, reasons=SECRET["private_callin_open"], by=ub
    )
    return {
        "council": council,
        "users": users,
        "exec": exec_user,
        "officer": officer,
        "private": private,
        "draft": draft,
        "open": open_decision,
        "requests": [live, rejected, withdrawn, pcall, pcall_open],
        "d_user": ud,
    }


def _urls(world):
    from decisions.models import Decision, ForwardPlanEdition, ForwardPlanEntry

    council = world["council"]
    urls = [
        "/forward-plan/",
        "/forward-plan/?q=matter",
        "/forward-plan/editions/",
        "/decisions/",
        "/decisions/?q=depot",
        "/decisions/?q=the",
        "/decisions/?status=draft",
        "/search/?q=depot",
        "/search/?q=library",
        "/feeds/forward-plan.atom",
        "/feeds/forward-plan.ics",
        "/feeds/decisions.atom",
        "/sitemap.xml",
        "/open-data/",
        "/my/",
        f"/api/oparl/v1/body/{council.pk}/decision",
        f"/api/oparl/v1/body/{council.pk}/paper",
        f"/api/oparl/v1/body/{council.pk}/consultation",
        f"/api/oparl/v1/body/{council.pk}/agendaItem",
        f"/api/oparl/v1/body/{council.pk}",
    ]
    for section in ("decisions", "forward-plan", "forward_plan", "decision", "entries"):
        urls.append(f"/sitemap-{section}.xml")
    for d in Decision.all_objects.all():
        urls += [
            f"/decisions/{d.pk}/",
            f"/decisions/{d.pk}/call-in/",
            f"/api/oparl/v1/decision/{d.pk}",
        ]
    for e in ForwardPlanEntry.all_objects.all() if hasattr(ForwardPlanEntry, "all_objects") else []:
        urls.append(f"/forward-plan/entries/{e.pk}/")
    for ed in ForwardPlanEdition.objects.all():
        urls.append(f"/forward-plan/editions/{ed.number}/")
    for r in CallInRequest.all_objects.all():
        urls.append(f"/call-ins/{r.pk}/")
    return urls


def _crawl(client, world, forbidden):
    leaks = []
    for url in _urls(world):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        for word in forbidden:
            if word in text:
                leaks.append((url, response.status_code, word))
    return leaks


def test_public_sees_no_canary(client, world):
    from decisions import services as dservices

    dservices.publish_edition(by=world["officer"])
    assert _crawl(client, world, [*SECRET.values(), OPEN_REQUEST]) == []


def test_executive_member_sees_no_canary(client, world):
    client.force_login(world["exec"])
    assert _crawl(client, world, [*SECRET.values(), OPEN_REQUEST]) == []


def test_member_who_may_sign_sees_only_the_open_request(client, world):
    client.force_login(world["d_user"])
    assert _crawl(client, world, list(SECRET.values())) == []


@pytest.mark.parametrize("role", ["public", "exec", "member"])
def test_search_by_a_private_word_finds_nothing(client, world, role):
    """Searching for a word only in a private field must not find the record (its title
    would confirm the secret)."""
    if role == "exec":
        client.force_login(world["exec"])
    elif role == "member":
        client.force_login(world["d_user"])
    for word in (*SECRET.values(), OPEN_REQUEST):
        for url in (f"/decisions/?q={word}", f"/search/?q={word}", f"/forward-plan/?q={word}"):
            text = client.get(url).content.decode()
            for title in (
                "Award of the depot contract",
                "Buy the land",
                "Sell the park",
                "Move the market",
            ):
                assert title not in text, (url, title)


# --- the workflow, attacked ------------------------------------------------------------------


@pytest.fixture
def rules2():
    committee = CommitteeFactory(
        name="Overview and Scrutiny", slug="osc2", kind=Committee.Kind.SCRUTINY_COMMITTEE
    )
    return DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=2
    )


def _councillor(name, **kwargs):
    person = PersonFactory(name=name, **kwargs)
    return person, make_user("councillor", person=person)


def test_a_former_councillor_cannot_call_in(client, rules2):
    """A councillor who has left office (Person.is_active False) but whose login still
    works must not count towards a call-in."""
    decision = PublishedDecisionFactory()
    _former, user = _councillor("Cllr Gone", is_active=False)
    client.force_login(user)
    response = client.post(reverse("callin-start", args=[decision.pk]), {"reasons": "Why not"})
    assert response.status_code == 403
    assert not CallInRequest.all_objects.filter(decision=decision).exists()


def test_co_optee_and_cabinet_member_cannot_sign(client, rules2):
    decision = PublishedDecisionFactory()
    a, ua = _councillor("Cllr Starter")
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    _co, uco = _councillor("Mrs Coopted", kind="cooptee")
    cab_person, ucab = _councillor("Cllr Cabinet")
    from scrutiny.models import Membership

    Membership.objects.create(
        person=cab_person, committee=decision.cabinet, start_date=dt.date(2000, 1, 1)
    )
    for user in (uco, ucab):
        client.force_login(user)
        response = client.post(reverse("callin-detail", args=[request.pk]), {"action": "sign"})
        assert response.status_code in (403, 404)
    assert request.signatures.count() == 1


def test_signing_after_the_window_is_refused(client, rules2):
    decision = PublishedDecisionFactory()
    (a, ua), (_b, ub) = _councillor("A"), _councillor("B")
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    decision.call_in_closes_at = timezone.now() - dt.timedelta(minutes=1)
    decision.save()
    client.force_login(ub)
    response = client.post(reverse("callin-detail", args=[request.pk]), {"action": "sign"})
    assert response.status_code in (403, 404)
    assert request.signatures.count() == 1
    # Nor can a new request be started on it.
    response = client.post(reverse("callin-start", args=[decision.pk]), {"reasons": "late"})
    assert response.status_code == 403
    assert "closed" in response.content.decode()


def test_csrf_less_posts_are_refused(rules2):
    from django.test import Client

    decision = PublishedDecisionFactory()
    _a, ua = _councillor("A")
    client = Client(enforce_csrf_checks=True)
    client.force_login(ua)
    response = client.post(reverse("callin-start", args=[decision.pk]), {"reasons": "x"})
    assert response.status_code == 403
    assert not CallInRequest.all_objects.exists()


def test_enormous_and_html_reasons(client, rules2):
    decision = PublishedDecisionFactory()
    _a, ua = _councillor("A")
    client.force_login(ua)
    url = reverse("callin-start", args=[decision.pk])
    response = client.post(url, {"reasons": "x" * 200_000})
    assert response.status_code == 200
    assert "at most 10000" in response.content.decode() or "10,000" in response.content.decode()
    assert not CallInRequest.all_objects.exists()
    response = client.post(url, {"reasons": "<script>alert('QUIBBLE')</script><b>bold</b>"})
    request = CallInRequest.all_objects.get()
    page = client.get(reverse("callin-detail", args=[request.pk])).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page


def test_html_in_decision_texts_is_escaped(client):
    decision = PublishedDecisionFactory(
        title="<i>T</i>", decision="<script>x()</script>", reasons="<img src=x onerror=y>"
    )
    for url in (decision.get_absolute_url(), "/decisions/", "/feeds/decisions.atom"):
        page = client.get(url).content.decode()
        assert "<script>x()" not in page and "<img src=x" not in page and "<i>T</i>" not in page


def test_councillor_cannot_reach_officer_pages(client, rules2):
    decision = PublishedDecisionFactory()
    a, ua = _councillor("A")
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    entry = PublishedEntryFactory()
    client.force_login(ua)
    for url in (
        reverse("officer-callin", args=[request.pk]),
        reverse("officer-callins"),
        reverse("officer-decision", args=[decision.pk]),
        reverse("officer-decision-edit", args=[decision.pk]),
        reverse("officer-forward-plan-entry", args=[entry.pk]),
        reverse("officer-decision-settings"),
    ):
        assert client.get(url).status_code == 403, url
    for url, data in (
        (reverse("officer-callin", args=[request.pk]), {"action": "validate"}),
        (reverse("officer-decision-implemented", args=[decision.pk]), {}),
        (reverse("officer-decision-publish", args=[decision.pk]), {}),
        (reverse("officer-forward-plan-edition-publish"), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN


def test_withdraw_by_someone_else_and_sign_for_someone_else(client, rules2):
    decision = PublishedDecisionFactory()
    (a, ua), (b, ub), (c, _uc) = _councillor("A"), _councillor("B"), _councillor("C")
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    client.force_login(ub)
    url = reverse("callin-detail", args=[request.pk])
    # B posts extra fields naming C: only B signs.
    client.post(url, {"action": "sign", "person": c.pk, "person_id": c.pk})
    assert set(request.signatures.values_list("person", flat=True)) == {a.pk, b.pk}
    request.refresh_from_db()
    assert request.status == "submitted"
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "submitted"


def test_implemented_refused_while_window_open(client):
    decision = PublishedDecisionFactory()
    client.force_login(make_user("officer"))
    response = client.post(reverse("officer-decision-implemented", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN
    assert response.status_code in (200, 302)


def test_unknown_and_hidden_ids_answer_alike(client, rules2):
    """404 for a draft decision, an unpublished entry and a hidden call-in, same as for an
    id that does not exist: nothing confirms existence."""
    draft = DecisionFactory()
    entry = ForwardPlanEntryFactory()
    decision = PublishedDecisionFactory()
    a, ua = _councillor("A")
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    for url in (
        f"/decisions/{draft.pk}/",
        f"/decisions/{draft.pk}/call-in/",
        f"/forward-plan/entries/{entry.pk}/",
        f"/call-ins/{request.pk}/",
        f"/api/oparl/v1/decision/{draft.pk}",
        "/decisions/999999/",
        "/call-ins/999999/",
    ):
        response = client.get(url)
        if "call-in/" in url:
            assert response.status_code == 302  # sign in first
        else:
            assert response.status_code == 404, url


def test_hearing_of_a_private_decision_leaks_nothing(client, world):
    """The validated call-in of a private decision heard on a published scrutiny meeting:
    the meeting page, its report pages and the call-in page keep the reasons and the
    decision text from the public and from an executive member."""
    from decisions.models import DecisionSettings as Rules
    from meetings import services as meeting_services
    from meetings.models import Report
    from tests.factories.meetings import MeetingFactory

    committee = Rules.current().scrutiny_committee
    meeting = MeetingFactory(committee=committee, start=timezone.now() + dt.timedelta(days=20))
    pcall = world["requests"][3]
    services.schedule_hearing(request=pcall, meeting=meeting, by=world["officer"])
    meeting_services.publish_meeting(
        meeting=meeting,
        by=world["officer"],
        confirm_late=True,
        late_reason="x",
        confirm_unsigned=True,
    )
    urls = [f"/meetings/{meeting.pk}/", f"/call-ins/{pcall.pk}/", "/meetings/"]
    urls += [f"/reports/{r.pk}/" for r in Report.all_objects.filter(agenda_item__meeting=meeting)]
    urls += ["/search/?q=depot", "/feeds/papers.atom", f"/feeds/meetings/{meeting.pk}.ics"]
    forbidden = [SECRET["private_callin"], SECRET["private_text"], SECRET["private_reasons"]]
    for user in (None, world["exec"]):
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            text = client.get(url).content.decode()
            for word in forbidden:
                assert word not in text, (url, word)


@pytest.mark.parametrize(
    "url",
    [
        "/decisions/?q=%00",
        "/decisions/?q=a%00b",
        "/forward-plan/?q=%00",
        "/search/?q=%00decision",
        "/decisions/?maker=cabinet-abc&kind=x&status=nope&key=maybe&month=9999-99",
        "/decisions/?ward=no-such-ward&portfolio=%00",
        "/forward-plan/?month=2017-13&ward=%00&maker=holder-99999999999999999999",
        "/forward-plan/editions/999999/",
        "/forward-plan/editions/?page=99999",
        "/decisions/?page=-1",
        "/decisions/?q=" + "x" * 5000,
        "/api/oparl/v1/body/1/decision?created_since=notadate",
        "/api/oparl/v1/body/1/decision?page=-5",
    ],
)
def test_garbage_query_strings_are_not_server_errors(client, url):
    DecisionSettings.objects.create()
    Council.objects.create(name="Attack Council")
    PublishedDecisionFactory()
    PublishedEntryFactory()
    assert client.get(url).status_code < 500


def test_ics_and_atom_are_not_injectable(client):
    """CR/LF in an entry's matter cannot start a new iCalendar property or event."""
    PublishedEntryFactory(
        matter="Close it\r\nATTENDEE:mailto:evil@example.org\r\nBEGIN:VEVENT",
        summary="<script>alert(1)</script>\nEND:VCALENDAR",
        planned_decision_date=timezone.localdate() + dt.timedelta(days=40),
    )
    response = client.get("/feeds/forward-plan.ics")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = body.decode().splitlines()
    assert not any(line.startswith(("ATTENDEE", "BEGIN:VEVENT\u0000")) for line in lines)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
    assert sum(line == "END:VCALENDAR" for line in lines) == 1
    atom = client.get("/feeds/forward-plan.atom").content.decode()
    assert "<script>alert(1)" not in atom
