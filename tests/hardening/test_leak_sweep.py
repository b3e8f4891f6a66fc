"""The leak sweep: one canary string planted in every exempt, confidential or unpublished
field and file of the demo council, then every public surface is read — the sitemap and every
link and form action found on public pages, agenda packs, documents, feeds, calendars, search
results and every OParl API object — and URLs of papers, packs and minutes are guessed for
every id. The canary must appear nowhere: not in a body, a header, nor the text, metadata or
bookmarks of any PDF. A positive control proves the canary is really there for members.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.urls import Resolver404, resolve
from pypdf import PdfReader

from conftest import hold_for_module
from meetings.models import AgendaItem, Document, Meeting, Report, ReportSection
from tests.factories import PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    MeetingFactory,
    ReportFactory,
    make_pdf_bytes,
)
from tests.site.test_guards import sitemap_paths, sitemap_section_paths

CANARY = "ZQXCANARY31415"
# Planted beside the canary and searched for: searching for the canary itself would only
# find the search page echoing the query back.
BAIT = "wombatlexicon"
NOT_PLANTED = {"generator", "mime_type", "sha256", "sha512", "number", "file", "source"}
SKIP_PREFIXES = ("/officer/", "/accounts/", "/my/", "/django-admin/", "/static/")
LINK = re.compile(r"""(?:href|action|src)=["']([^"'#]*)""")
ABSOLUTE = re.compile(r"""https?://testserver(/[^"'<>\s]*)""")
CRAWL_LIMIT = 3000


def plant(obj: models.Model) -> None:
    """Put the canary into every free-text field of ``obj`` and save it."""
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if field.choices or field.name in NOT_PLANTED or not field.editable:
            continue
        if isinstance(field, models.SlugField | models.EmailField | models.URLField):
            continue
        value = f"{CANARY} {BAIT} {getattr(obj, field.attname) or ''}".strip()
        if field.max_length:
            value = value[: field.max_length]
        setattr(obj, field.attname, value)
    obj.save()


def plant_papers(item: AgendaItem) -> None:
    for report in Report.all_objects.filter(agenda_item=item):
        plant(report)
        for section in ReportSection.objects.filter(report=report):
            plant(section)
    for document in Document.all_objects.filter(agenda_item=item):
        plant(document)
        data = make_pdf_bytes(pages=2, text=f"Exempt appendix {CANARY} {BAIT}")
        document.file.save("exempt.pdf", ContentFile(data), save=False)
        document.size = len(data)
        document.save()


def plant_decisions() -> None:
    from decisions.models import Decision, ForwardPlanEntry
    from tests.factories.decisions import (
        DecisionFactory,
        ForwardPlanEntryFactory,
        PrivateDecisionFactory,
    )

    private = PrivateDecisionFactory(title="Residential care contract award")
    plant(private)
    # Its public record: title, reference, decision maker (and portfolio), date, paragraph.
    Decision.all_objects.filter(pk=private.pk).update(
        title="Residential care contract award", reference="D/2018/7", portfolio=""
    )
    draft = DecisionFactory(cabinet=private.cabinet)
    plant(draft)
    entry = ForwardPlanEntryFactory(cabinet=private.cabinet)
    plant(entry)
    assert ForwardPlanEntry.objects.filter(pk=entry.pk).exists() is False


@pytest.fixture(scope="module")
def planted(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The planted council, built once for the module (conftest.hold_for_module)."""
    yield from hold_for_module(
        request, django_db_blocker, tmp_path_factory, plant_council, run_on_commit=True
    )


@pytest.fixture
def council(planted, db):
    return planted


def plant_council() -> dict:
    from django.test import TestCase

    from meetings.minutes.models import Action, Minute, MinutesSet, Resolution
    from meetings.packs import services as packs

    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with TestCase.captureOnCommitCallbacks(execute=True):
        # 1. The demo's exempt item: its reports, sections, documents (and PDF text), the full
        #    minute and its resolutions.
        exempt = AgendaItem.all_objects.filter(is_exempt=True).select_related("meeting").first()
        ReportFactory(agenda_item=exempt, title="Exempt report")
        DocumentFactory(agenda_item=exempt, title="Exempt appendix")
        plant_papers(exempt)
        for minute in Minute.objects.filter(agenda_item__is_exempt=True):
            minute.text = f"<p>{CANARY} {BAIT} the full exempt minute.</p>"
            minute.save()
            for resolution in Resolution.objects.filter(minute=minute):
                plant(resolution)
        # 2. A confidential item (s100A) on a published meeting, with papers.
        published = Meeting.all_objects.filter(published_at__isnull=False).order_by("pk")
        confidential = AgendaItemFactory(
            meeting=published.first(), title="Confidential matter", is_confidential=True
        )
        ReportFactory(agenda_item=confidential)
        DocumentFactory(agenda_item=confidential)
        plant_papers(confidential)
        # 3. A meeting not yet published: everything on it is private, titles included.
        draft = MeetingFactory(committee=exempt.meeting.committee, start=exempt.meeting.start)
        draft_item = AgendaItemFactory(meeting=draft)
        plant(draft_item)
        ReportFactory(agenda_item=draft_item)
        DocumentFactory(agenda_item=draft_item)
        plant_papers(draft_item)
        plant(draft)
        # 4. Draft minutes of a held meeting, and a private action.
        held = published.exclude(minutes__isnull=False).first()
        if held is not None:
            draft_minutes = MinutesSet.all_objects.create(meeting=held)
            for item in AgendaItem.all_objects.filter(meeting=held)[:2]:
                Minute.objects.create(
                    minutes=draft_minutes,
                    agenda_item=item,
                    committee=held.committee,
                    text=f"<p>{CANARY} {BAIT} draft minute</p>",
                )
        Action.all_objects.create(
            committee=exempt.meeting.committee,
            description=f"{CANARY} {BAIT} an action that reveals exempt information",
            raised_on=dt.date(2017, 2, 20),
            is_public=False,
        )
        # 5. Call-in requests not (or not publicly) valid: a request collecting signatures and
        #    a rejected one on the demo's open decision, and the call-in of its private
        #    decision (validated: listed, but its reasons, concerns and response are not
        #    public).
        _plant_call_ins()
        # 5. Issue 17: a decision taken in private, a draft decision and a draft forward
        #    plan entry (their public record is the title, maker, date and paragraph only).
        plant_decisions()
        # 6. Issue 23: a councillor's private notes on an open item and on a public paper.
        plant_private_notes()
        # Packs and the search index are rebuilt from the planted records.
        for meeting in Meeting.all_objects.filter(published_at__isnull=False):
            packs.request_build(meeting=meeting, reason="leak sweep", force=True)
    call_command("rebuild_search_index", "--extract", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {"exempt": exempt, "draft": draft, "confidential": confidential}


def plant_private_notes() -> None:
    from meetings import notes

    author = make_user("councillor", person=PersonFactory(name="Leak Sweep Note Taker"))
    paper = Document.objects.select_related("agenda_item").order_by("pk").first()
    assert paper is not None, "the demo council has public papers"
    for document in (None, paper):
        notes.save_note(
            author=author,
            item=paper.agenda_item,
            document=document,
            text=f"{CANARY} {BAIT} my private note",
        )


def _plant_call_ins() -> None:
    from decisions.models import CallInOutcome, CallInRequest, CallInStatus, Decision

    public = Decision.objects.public().order_by("pk").first()
    private = Decision.objects.filter(is_private=True).order_by("pk").first()
    assert public is not None and private is not None, "the demo council has decisions"
    requester = PersonFactory(name="Leak Sweep Requester")
    for status in (CallInStatus.OPEN, CallInStatus.SUBMITTED, CallInStatus.REJECTED):
        CallInRequest.all_objects.create(
            decision=public,
            requested_by=requester,
            reasons=f"{CANARY} {BAIT} call-in reasons",
            status=status,
            rejection_reason=f"{CANARY} {BAIT} not valid" if status == "rejected" else "",
        )
    request = CallInRequest.all_objects.create(
        decision=private,
        requested_by=requester,
        reasons=f"{CANARY} {BAIT} the exempt contract's prices",
        status=CallInStatus.DECIDED,
        validated_at=dt.datetime(2017, 12, 1, tzinfo=dt.UTC),
    )
    CallInOutcome.objects.create(
        request=request,
        result="referred_back",
        decided_on=dt.date(2017, 12, 8),
        concerns=f"{CANARY} {BAIT} concerns",
        response=f"{CANARY} {BAIT} response",
        response_on=dt.date(2017, 12, 15),
    )


def texts_of(response) -> list[str]:
    """Everything a response reveals, as text: headers, body, and a PDF's text, metadata
    and bookmarks."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    found = [f"{k}: {v}" for k, v in response.items()]
    found.append(body.decode("latin-1"))
    if body.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(body))
        found += [page.extract_text() or "" for page in reader.pages]
        found.append(str(reader.metadata or ""))

        def titles(outline):
            for entry in outline:
                if isinstance(entry, list):
                    yield from titles(entry)
                else:
                    yield str(entry.title)

        found += list(titles(reader.outline))
    return found


def leaks(response) -> bool:
    return any(CANARY in text for text in texts_of(response))


def links_in(response) -> list[str]:
    if response.streaming or response.get("Content-Type", "").startswith("application/pdf"):
        return []
    body = response.content.decode(errors="replace")
    out = []
    for link in LINK.findall(body) + ABSOLUTE.findall(body):
        parts = urlsplit(link)
        if parts.netloc and parts.netloc != "testserver":
            continue
        if parts.path.startswith("/"):
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


# The URLs guessed for every id, by the kind of id: "{pk}" is replaced.
GUESSED: dict[str, list[str]] = {
    "meeting": [
        "/meetings/{pk}/",
        "/meetings/{pk}/agenda-pack.pdf",
        "/meetings/{pk}/supplementary-pack.pdf",
        "/meetings/{pk}/members-pack.pdf",
        "/meetings/{pk}/minutes/",
        "/meetings/{pk}/minutes.pdf",
        "/feeds/meetings/{pk}.ics",
        "/api/oparl/v1/meeting/{pk}",
        # What "Save for offline" may save, and the worker's check (meetings.packs.offline).
        "/offline/meetings/{pk}/",
        "/offline/check/?u=/meetings/{pk}/&m=/meetings/{pk}/members-pack.pdf",
    ],
    "report": ["/reports/{pk}/", "/api/oparl/v1/paper/{pk}", "/api/oparl/v1/consultation/{pk}"],
    "document": [
        "/documents/{pk}/",
        "/documents/{pk}/?view=1",
        "/api/oparl/v1/file/{pk}",
        "/api/oparl/v1/file/{pk}/access",
        "/api/oparl/v1/file/{pk}/download",
    ],
    "item": ["/api/oparl/v1/agendaitem/{pk}"],
    "action": ["/actions/{pk}/"],
    "callin": ["/call-ins/{pk}/"],
    "decision": ["/decisions/{pk}/", "/api/oparl/v1/decision/{pk}"],
    "entry": ["/forward-plan/entries/{pk}/"],
}

# Where the public sweep starts.
STARTS = [
    "/",
    "/sitemap.xml",
    "/robots.txt",
    "/manifest.webmanifest",
    "/sw.js",
    "/open-data/",
    "/api/oparl/v1/system",
    "/feeds/papers.atom",
    "/feeds/minutes.atom",
    "/feeds/meetings.ics",
    "/feeds/decisions.atom",
    "/feeds/forward-plan.atom",
    "/feeds/forward-plan.ics",
    "/forward-plan/",
    "/decisions/",
    f"/decisions/?q={BAIT}",
    "/search/?q=residential",
    "/api/oparl/v1/body/1/decision",
    "/actions.csv",
    "/open-data/kpis.csv",
    "/open-data/recommendations.csv",
    f"/search/?q={BAIT}",
    "/search/?q=missing+children",
    "/search/?q=report",
    "/search/?q=exempt",
    "/search/?q=confidential",
]


def guessed_urls() -> list[str]:
    from decisions.models import CallInRequest, Decision, ForwardPlanEntry
    from meetings.minutes.models import Action

    models = {
        "decision": Decision,
        "entry": ForwardPlanEntry,
        "meeting": Meeting,
        "report": Report,
        "document": Document,
        "item": AgendaItem,
        "action": Action,
        "callin": CallInRequest,
    }
    # Every id the council uses and two either side. On PostgreSQL ids go on climbing through
    # the whole test run, so counting up from 1 would guess thousands of ids no test made.
    spans = {}
    for kind, model in models.items():
        ids = model.all_objects.values_list("pk", flat=True)
        spans[kind] = range(max(1, min(ids) - 2), max(ids) + 3)
    return [
        template.format(pk=pk)
        for kind, templates in GUESSED.items()
        for pk in spans[kind]
        for template in templates
    ]


def test_every_url_the_sweep_expects_still_resolves():
    """A renamed or removed URL would make the sweep read a 404 and find nothing: a pass
    that proves nothing. Every start and every guessed URL must still reach a view."""
    expected = STARTS + [t.format(pk=1) for templates in GUESSED.values() for t in templates]
    missing = []
    for url in expected:
        try:
            resolve(urlsplit(url).path)
        except Resolver404:
            missing.append(url)
    assert missing == [], "the leak sweep expects these URLs: " + ", ".join(missing)


def sweep(client, starts: list[str]) -> tuple[set[str], list[str]]:
    """Fetch ``starts`` and everything linked from them; returns (fetched, leaking URLs)."""
    queue, seen, leaking = list(starts), set(), []
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(path)
        response = client.get(path)
        if leaks(response):
            leaking.append(f"{path} ({response.status_code})")
        if response.status_code == 200:
            queue += [link for link in links_in(response) if link not in seen]
    return seen, leaking


def test_canary_is_really_planted_and_visible_to_members(client, council):
    """The positive control: without it a sweep that finds nothing would prove nothing."""
    client.force_login(make_user("officer"))
    exempt = council["exempt"]
    report = Report.all_objects.filter(agenda_item=exempt).first()
    assert CANARY in client.get(f"/reports/{report.pk}/").content.decode()
    document = Document.all_objects.filter(agenda_item=exempt).first()
    assert leaks(client.get(f"/documents/{document.pk}/"))
    pack = client.get(f"/meetings/{exempt.meeting_id}/members-pack.pdf")
    assert pack.status_code == 200
    assert any(CANARY in text for text in texts_of(pack)[2:])  # in the PDF's extracted text
    from decisions.models import CallInRequest

    for request in CallInRequest.all_objects.filter(reasons__contains=CANARY):
        assert CANARY in client.get(f"/call-ins/{request.pk}/").content.decode()


def test_no_public_surface_reveals_the_canary(client, council):
    fetched, leaking = sweep(client, STARTS)
    assert len(fetched) > 100, "the sweep reached the public site"
    assert any(p.endswith("agenda-pack.pdf") for p in fetched)
    assert any(p.startswith("/documents/") for p in fetched)
    assert any(p.startswith("/api/oparl/v1/file/") for p in fetched)
    # The sitemap is an index of section pages: the sweep read each of them and every URL
    # they list.
    listed = {"/" + p for p in sitemap_section_paths(client) + sitemap_paths(client)}
    assert len(listed) > 50 and listed <= fetched, sorted(listed - fetched)
    assert leaking == []


def test_guessed_urls_reveal_nothing_to_the_public_or_other_councillors(client, council):
    urls = guessed_urls()
    leaking = [url for url in urls if leaks(client.get(url))]
    assert leaking == [], "anonymous: " + ", ".join(leaking)
    outsider = make_user("councillor", person=PersonFactory(name="Not On Any Committee"))
    client.force_login(outsider)
    leaking = [url for url in urls if leaks(client.get(url))]
    assert leaking == [], "councillor not on the committee: " + ", ".join(leaking)


def test_no_email_reveals_the_canary(council, mailoutbox, django_capture_on_commit_callbacks):
    """Email (notifications) is a public surface too: every summons, change notice, alert,
    digest and notice the planted council makes is read, headers and both parts; with every
    decision, forward plan and call-in event fanned out (drafts, the private decision, the
    call-ins not valid or not public)."""
    from django.utils import timezone

    from decisions.models import (
        CallInOutcome,
        CallInRequest,
        Decision,
        ForwardPlanEdition,
        ForwardPlanEntry,
    )
    from meetings import services as meeting_services
    from meetings.minutes.models import Action
    from notifications import events
    from notifications.models import Outbox, Subscriber
    from notifications.notices import daily
    from notifications.tasks import decision_fan_out, fan_out
    from scrutiny.models import Person

    Person.objects.update(email="member@example.org", email_consent=True)
    for frequency in ("immediate", "weekly"):
        Subscriber.objects.create(
            email=f"{frequency}@example.org",
            all_committees=True,
            topics=["agendas", "minutes", "decisions", "forward_plan", "call_ins"],
            frequency=frequency,
            confirmed_at=timezone.now(),
        )
    Action.all_objects.filter(is_public=False).update(
        owner_person=Person.objects.order_by("pk").first(), due_date=dt.date(2017, 3, 1)
    )
    officer = make_user("officer")
    with django_capture_on_commit_callbacks(execute=True):
        # The demo's meetings are over, and a meeting already over summons no one
        # (events.run): the summons, agenda alert and change notice are built directly.
        for meeting in Meeting.all_objects.filter(published_at__isnull=False):
            events.summons(meeting)
            events.alert(meeting, "agendas")
            fan_out.call("minutes", meeting.pk)
        for report in Report.all_objects.filter(agenda_item=council["exempt"]):
            meeting_services.withdraw_paper(paper=report, reason="Withdrawn.", by=officer)
        events.changed(council["exempt"].meeting)
        for pk in Decision.all_objects.values_list("pk", flat=True):
            decision_fan_out.call("decision", pk)
        for pk in ForwardPlanEntry.all_objects.values_list("pk", flat=True):
            decision_fan_out.call("entry", pk)
        for pk in ForwardPlanEdition.objects.values_list("pk", flat=True):
            decision_fan_out.call("edition", pk)
        for pk in CallInRequest.all_objects.values_list("pk", flat=True):
            for event in ("signatures", "submitted", "validated"):
                decision_fan_out.call(event, pk)
        for pk in CallInOutcome.objects.values_list("pk", flat=True):
            decision_fan_out.call("outcome", pk)
        daily(weekly=True)
    private = Decision.all_objects.get(title="Residential care contract award")
    private_call_in = CallInRequest.all_objects.get(decision__is_private=True, status="decided")
    alerted = set(Outbox.objects.filter(kind="alert").values_list("key", flat=True))
    assert {
        f"alert:decisions:{private.pk}",
        f"alert:call_ins:validated:{private_call_in.pk}",
        f"alert:call_ins:outcome:{private_call_in.outcome.pk}",
    } <= alerted, alerted
    drafts = Decision.all_objects.filter(published_at__isnull=True).values_list("pk", flat=True)
    assert not {f"alert:decisions:{pk}" for pk in drafts} & alerted, "no draft is alerted"
    hidden = CallInRequest.all_objects.exclude(status__in=["validated", "decided"])
    assert not {f"alert:call_ins:validated:{r.pk}" for r in hidden} & alerted
    kinds = set(Outbox.objects.values_list("kind", flat=True))
    assert {"summons", "change", "alert", "digest", "notice"} <= kinds, kinds
    assert len(mailoutbox) == Outbox.objects.count()
    leaking = []
    for message in mailoutbox:
        texts = [message.subject, message.body, str(message.extra_headers)]
        texts += [content for content, _ in message.alternatives]
        if any(CANARY in text or BAIT in text for text in texts):
            leaking.append(f"{message.subject} → {message.to}")
    assert leaking == []
