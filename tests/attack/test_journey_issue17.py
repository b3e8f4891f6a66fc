"""Issue 17 as its users walk it (attack17): an officer sets the rules, makers, forward plan
entries (on time, general exception, special urgency, private), an edition and a decision;
councillors call it in (refused: executive, co-optee, twice, too few); the officer validates,
schedules, records outcome and response; implemented only then. Prints each step (-s)."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from decisions.models import (
    CallInRequest,
    Decision,
    DecisionSettings,
    ForwardPlanEdition,
    ForwardPlanEntry,
    PortfolioHolder,
)
from scrutiny.models import Committee, Membership
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db
CLICKS = {"n": 0}


def show(tag, r):
    CLICKS["n"] += 1
    msgs = [str(m) for m in get_messages(r.wsgi_request)][-1:]
    errs = (
        [
            re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", e))
            for e in re.findall(
                r'class="govuk-error-message"[^>]*>(.*?)</p>', r.content.decode(), re.S
            )
        ]
        if r.status_code != 302
        else []
    )
    print(f"[{CLICKS['n']}] {tag}: {r.status_code} {r.get('Location', '')} msgs={msgs} errs={errs}")
    return r


def test_walk(client):
    osc = CommitteeFactory(name="OSC", slug="osc", kind=Committee.Kind.SCRUTINY_COMMITTEE)
    cab = CommitteeFactory(name="Cabinet", slug="cabinet", kind=Committee.Kind.CABINET)
    chair = PersonFactory(name="Chair Person")
    Membership.objects.create(
        person=chair, committee=osc, role=Membership.Role.CHAIR, start_date=dt.date(2000, 1, 1)
    )
    holder_p = PersonFactory(name="Holder Person")
    off = make_user("officer")
    client.force_login(off)
    show("GET officer home", client.get("/officer/decisions/"))
    r = show(
        "settings",
        client.post(
            "/officer/decisions/settings/",
            {
                "key_decision_amount": "250000",
                "key_decision_wards": "2",
                "forward_plan_notice_days": "28",
                "general_exception_days": "5",
                "call_in_working_days": "5",
                "call_in_who": "any_members",
                "call_in_signatures": "3",
                "scrutiny_committee": osc.pk,
            },
        ),
    )
    print(DecisionSettings.current().call_in_who, DecisionSettings.current().call_in_signatures)
    r = show(
        "add holder",
        client.post(
            "/officer/decisions/portfolio-holders/add/",
            {
                "person": holder_p.pk,
                "portfolio": "Children",
                "title": "Cabinet Member - Children",
                "cabinet": cab.pk,
                "start_date": "2020-01-01",
            },
        ),
    )
    r = show(
        "add delegated officer",
        client.post(
            "/officer/decisions/delegated-officers/add/",
            {"name": "Dee Officer", "post": "Director", "is_active": "on"},
        ),
    )
    r = show(
        "add wards",
        client.post("/officer/decisions/wards/add/", {"names": "Almondbury\nBatley East\n"}),
    )
    holder = PortfolioHolder.objects.get()
    today = timezone.localdate()
    base = {
        "matter": "Close X",
        "maker_kind": "cabinet",
        "cabinet": cab.pk,
        "is_key_decision": "on",
        "key_grounds": "money",
        "estimated_value": "300000",
        "documents": "Report",
        "representations": "Write",
        "contact_name": "Jo",
        "contact_email": "jo@example.org",
        "exception": "none",
    }
    # on time
    r = show(
        "entry on time",
        client.post(
            "/officer/forward-plan/add/",
            {**base, "planned_decision_date": (today + dt.timedelta(days=40)).isoformat()},
        ),
    )
    e1 = ForwardPlanEntry.all_objects.order_by("-pk").first()
    show("publish on time", client.post(f"/officer/forward-plan/{e1.pk}/publish/"))
    # late without exception
    r = show(
        "entry late",
        client.post(
            "/officer/forward-plan/add/",
            {
                **base,
                "matter": "Late one",
                "planned_decision_date": (today + dt.timedelta(days=10)).isoformat(),
            },
        ),
    )
    e2 = ForwardPlanEntry.all_objects.order_by("-pk").first()
    show("publish late (no exception)", client.post(f"/officer/forward-plan/{e2.pk}/publish/"))
    r = show(
        "edit late -> general exception",
        client.post(
            f"/officer/forward-plan/{e2.pk}/edit/",
            {
                **base,
                "matter": "Late one",
                "version": e2.version,
                "planned_decision_date": (today + dt.timedelta(days=10)).isoformat(),
                "exception": "general",
                "exception_reasons": "Needed",
                "scrutiny_chair": chair.pk,
                "chair_informed_on": today.isoformat(),
                "exception_notice_published_on": today.isoformat(),
            },
        ),
    )
    show("publish late w/ GE", client.post(f"/officer/forward-plan/{e2.pk}/publish/"))
    # special urgency
    r = show(
        "entry urgent",
        client.post(
            "/officer/forward-plan/add/",
            {
                **base,
                "matter": "Urgent",
                "maker_kind": "portfolio_holder",
                "cabinet": "",
                "portfolio_holder": holder.pk,
                "planned_decision_date": (today + dt.timedelta(days=2)).isoformat(),
                "exception": "special_urgency",
                "exception_reasons": "Flood",
                "scrutiny_chair": chair.pk,
                "chair_agreed_on": today.isoformat(),
            },
        ),
    )
    e3 = ForwardPlanEntry.all_objects.order_by("-pk").first()
    show("publish urgent", client.post(f"/officer/forward-plan/{e3.pk}/publish/"))
    # private paragraph 3
    r = show(
        "entry private",
        client.post(
            "/officer/forward-plan/add/",
            {
                **base,
                "matter": "Private one",
                "is_private": "on",
                "exempt_paragraph": "3",
                "private_reasons": "Commercial",
                "planned_decision_date": (today + dt.timedelta(days=45)).isoformat(),
            },
        ),
    )
    e4 = ForwardPlanEntry.all_objects.order_by("-pk").first()
    show("publish private", client.post(f"/officer/forward-plan/{e4.pk}/publish/"))
    assert {e.matter: (e.status, e.exception) for e in ForwardPlanEntry.all_objects.all()} == {
        "Urgent": ("published", "special_urgency"),
        "Late one": ("published", "general"),
        "Close X": ("published", "none"),
        "Private one": ("published", "none"),
    }
    show(
        "publish edition", client.post("/officer/forward-plan/editions/publish/", {"notes": "Dec"})
    )
    print("editions", ForwardPlanEdition.objects.count())
    # PH decision
    r = show(
        "PH decision",
        client.post(
            "/officer/decisions/add/",
            {
                "title": "PH dec",
                "maker_kind": "portfolio_holder",
                "portfolio_holder": holder.pk,
                "decision_date": today.isoformat(),
                "decision": "Do it",
                "reasons": "Because",
                "alternatives": "Doing nothing, rejected",
                "forward_plan_entry": e1.pk,
            },
        ),
    )
    d1 = Decision.all_objects.order_by("-pk").first()
    show("publish PH decision", client.post(f"/officer/decisions/{d1.pk}/publish/"))
    d1.refresh_from_db()
    print("d1", d1.status, d1.call_in_closes_at)
    show("implement too early", client.post(f"/officer/decisions/{d1.pk}/implemented/"))
    # councillors
    people = [PersonFactory(name=f"Cllr {c}") for c in "ABCDE"]
    users = [make_user("councillor", person=p) for p in people]
    co = PersonFactory(name="Co Optee", kind="cooptee")
    uco = make_user("councillor", person=co)
    uh = make_user("councillor", person=holder_p)
    client.force_login(users[0])
    show("A decision page", client.get(f"/decisions/{d1.pk}/"))
    show(
        "A start call-in",
        client.post(f"/decisions/{d1.pk}/call-in/", {"reasons": "Bad consultation"}),
    )
    req = CallInRequest.all_objects.get()
    for u, tag in ((uh, "holder signs"), (uco, "co-optee signs"), (users[0], "A signs twice")):
        client.force_login(u)
        r = client.post(f"/call-ins/{req.pk}/", {"action": "sign"})
        err = re.findall(r"govuk-error-summary.*?</div>\s*</div>", r.content.decode(), re.S)
        print(
            tag,
            r.status_code,
            [re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", e)).strip()[:200] for e in err],
        )
    client.force_login(off)
    r = client.post(f"/officer/call-ins/{req.pk}/", {"action": "validate", "version": req.version})
    print(
        "validate too few:",
        r.status_code,
        re.findall(r"signatures needed[^<]*|has \d of[^<]*", r.content.decode())[:3],
    )
    for u in users[1:3]:
        client.force_login(u)
        show("sign", client.post(f"/call-ins/{req.pk}/", {"action": "sign"}))
    req.refresh_from_db()
    assert req.status == "submitted"
    client.force_login(off)
    show(
        "validate",
        client.post(f"/officer/call-ins/{req.pk}/", {"action": "validate", "version": req.version}),
    )
    req.refresh_from_db()
    d1.refresh_from_db()
    print(req.status, d1.status)
    meeting = MeetingFactory(committee=osc, start=timezone.now() + dt.timedelta(days=14))
    show(
        "hearing",
        client.post(
            f"/officer/call-ins/{req.pk}/",
            {"action": "hearing", "version": req.version, "hearing-meeting": meeting.pk},
        ),
    )
    req.refresh_from_db()
    meeting.start = timezone.now() - dt.timedelta(hours=2)  # the hearing has been held
    meeting.save(update_fields=["start"])
    show(
        "outcome",
        client.post(
            f"/officer/call-ins/{req.pk}/",
            {
                "action": "outcome",
                "version": req.version,
                "outcome-result": "referred_back",
                "outcome-decided_on": timezone.localdate(meeting.start).isoformat(),
                "outcome-concerns": "Redo",
            },
        ),
    )
    req.refresh_from_db()
    r = show(
        "response",
        client.post(
            f"/officer/call-ins/{req.pk}/",
            {
                "action": "response",
                "version": req.outcome.version,
                "response-response": "We reconsidered",
                "response-response_on": today.isoformat(),
                "response-final_decision": "",
            },
        ),
    )
    if r.status_code == 200:
        print(re.findall(r"govuk-error-message.*?</p>", r.content.decode(), re.S))
    req.refresh_from_db()
    d1.refresh_from_db()
    print(req.status, d1.status)
    show("implement", client.post(f"/officer/decisions/{d1.pk}/implemented/"))
    d1.refresh_from_db()
    assert d1.status == "implemented", d1.status
    # late signature: new decision, window closed
    d2 = Decision.all_objects.create(
        title="Late",
        maker_kind="cabinet",
        cabinet=cab,
        decision_date=today,
        decision="x",
        status="call_in_open",
        published_at=timezone.now() - dt.timedelta(days=10),
        call_in_closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    client.force_login(users[3])
    r = client.get(f"/decisions/{d2.pk}/call-in/")
    print(
        "late start GET", r.status_code, re.findall(r"call-in period[^<]*", r.content.decode())[:2]
    )
    assert r.status_code == 200 and b"call-in period for this decision has closed" in r.content
    print("CLICKS", CLICKS["n"])
