"""The leak sweep, second part: drafts reached by cross-links, crawled as each role.

Issue 13 (findings 2, 3, 11, 12) found drafts and exempt text reaching people through links
from other records rather than through their own pages: an action naming a draft meeting's
agenda item and an unpublished meeting's date, the work programme showing draft minutes'
resolutions to members, an exempt item's description on the public agenda, and a report added
to a published meeting being public the moment it was saved. Two canaries are planted:

- ``DRAFT`` in drafts (a draft meeting's item, draft minutes' resolutions, draft late papers):
  nobody but officers may ever read it, members of the committee included;
- ``EXEMPT`` in exempt-only text (an exempt item's description): members of the committee
  may read it, the public and councillors off the committee never.

Every page, CSV, PDF, feed and API answer reachable from the public entry points (and the
draft objects' own URLs, guessed) is fetched as the public, as a councillor off the committee
and as a committee member, and must not contain what that role may not read. Positive
controls prove each canary is really there for those who may read it.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from meetings import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.minutes.models import Action, Minute
from meetings.models import AgendaItem, Document, ItemKind, Meeting, MeetingStatus, Report
from meetings.packs import services as packs
from scrutiny.models import Membership
from tests.factories import PersonFactory, make_user
from tests.factories.meetings import LONDON, AgendaItemFactory, MeetingFactory, make_pdf_bytes
from tests.factories.minutes import make_meeting_with_items
from tests.factories.workprogramme import WorkProgrammeFactory, WorkProgrammeItemFactory
from tests.hardening.test_leak_sweep import links_in, texts_of
from workprogramme.models import Consideration

DRAFT = "QDRAFTCANARY2718"
EXEMPT = "QEXEMPTCANARY1618"
# The unpublished meeting an action is due back at, and the draft agenda item's meeting:
# a date nothing else has, written in every format the portal prints dates in.
DRAFT_DAY = dt.datetime(2019, 2, 27, 18, 0, tzinfo=LONDON)
DRAFT_DATES = ("27 February 2019", "27 Feb 2019", "2019-02-27", "27/02/2019")
SKIP = ("/officer/", "/accounts/", "/django-admin/", "/static/", "/admin/")
CRAWL_LIMIT = 1500


def _business(meeting) -> tuple[AgendaItem, AgendaItem]:
    items = AgendaItem.all_objects.filter(meeting=meeting, kind=ItemKind.BUSINESS)
    return items.get(is_exempt=False), items.get(is_exempt=True)


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    officer = make_user("officer")
    with django_capture_on_commit_callbacks(execute=True):
        # A published meeting with a public and an exempt business item.
        meeting = make_meeting_with_items(exempt=True)
        # Late papers go on a meeting still to be held (a held one takes none, issue 23).
        Meeting.all_objects.filter(pk=meeting.pk).update(status=MeetingStatus.SCHEDULED)
        meeting.refresh_from_db()
        committee = meeting.committee
        public_item, exempt_item = _business(meeting)
        # Finding 11: an exempt item's description is for members only.
        exempt_item.description = f"{EXEMPT} what the exempt report is really about"
        exempt_item.save()
        # Finding 12: papers added to the published agenda are drafts until published.
        late_report = meeting_services.add_report(
            agenda_item=public_item,
            title=f"{DRAFT} late report",
            purpose=f"{DRAFT} purpose",
            sections=[("Summary", f"<p>{DRAFT} body of the late report</p>")],
            by=officer,
        )
        late_pdf = meeting_services.add_document(
            agenda_item=public_item,
            uploaded_file=ContentFile(make_pdf_bytes(text=f"Late {DRAFT}"), name="late.pdf"),
            title=f"{DRAFT} late appendix",
            by=officer,
        )
        exempt_late = meeting_services.add_report(
            agenda_item=exempt_item, title=f"{DRAFT} late exempt report", by=officer
        )
        # Finding 2: an unpublished meeting and its item, linked from a public action (as
        # saved before the form stopped offering them).
        draft_meeting = MeetingFactory(committee=committee, start=DRAFT_DAY)
        draft_item = AgendaItemFactory(
            meeting=draft_meeting,
            title=f"{DRAFT} draft agenda item",
            description=f"{DRAFT} draft description",
        )
        action = Action.all_objects.create(
            committee=committee,
            description="Report back on the placement sufficiency strategy",
            raised_on=dt.date(2017, 8, 9),
            target_meeting=draft_meeting,
            dealt_with_item=draft_item,
            is_public=True,
        )
        # Finding 3: draft minutes of a second published meeting, whose items the work
        # programme links to (one public item, one exempt).
        later = make_meeting_with_items(
            committee=committee, start=dt.datetime(2017, 9, 13, 10, 0, tzinfo=LONDON), exempt=True
        )
        minutes = minutes_services.start_minutes(meeting=later)
        for minute in Minute.objects.filter(minutes=minutes, agenda_item__kind=ItemKind.BUSINESS):
            minutes_services.save_minute(
                minute=minute,
                text=f"<p>{DRAFT} draft minute</p>",
                resolutions=[f"That the {DRAFT} draft resolution be agreed."],
                version=minute.version,
            )
        programme = WorkProgrammeFactory(committee=committee)
        wp_items = []
        for agenda_item in _business(later):
            wp_item = WorkProgrammeItemFactory(programme=programme)
            Consideration.objects.create(item=wp_item, meeting=later, agenda_item=agenda_item)
            wp_items.append(wp_item)
        packs.request_build(meeting=meeting, reason="leak sweep", force=True)
    call_command("rebuild_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    member = make_user(
        "councillor", person=Membership.objects.filter(committee=committee).first().person
    )
    outsider = make_user("councillor", person=PersonFactory(name="Not On Any Committee"))
    return {
        "officer": officer,
        "member": member,
        "outsider": outsider,
        "meeting": meeting,
        "later": later,
        "committee": committee,
        "action": action,
        "wp_items": wp_items,
        "draft_meeting": draft_meeting,
        "drafts": [late_report, late_pdf, exempt_late],
    }


def _starts(world) -> list[str]:
    slug = world["committee"].slug
    meeting, later = world["meeting"], world["later"]
    starts = [
        "/",
        "/actions/",
        "/actions.csv",
        f"/committees/{slug}/actions/",
        f"/committees/{slug}/actions.csv",
        f"/actions/{world['action'].pk}/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{later.pk}/",
        f"/meetings/{world['draft_meeting'].pk}/",
        f"/meetings/{meeting.pk}/agenda-pack.pdf",
        f"/meetings/{meeting.pk}/supplementary-pack.pdf",
        f"/meetings/{meeting.pk}/members-pack.pdf",
        f"/meetings/{later.pk}/minutes/",
        "/feeds/papers.atom",
        "/feeds/minutes.atom",
        "/api/oparl/v1/system",
        "/search/?q=report",
        "/search/?q=late",
        "/my/",
    ]
    starts += [f"/work-programme/items/{i.pk}/" for i in world["wp_items"]]
    for paper in world["drafts"]:
        kind = "reports" if isinstance(paper, Report) else "documents"
        starts.append(f"/{kind}/{paper.pk}/")
    for report in Report.all_objects.filter(pk__in=[p.pk for p in world["drafts"]]):
        if report.document_id:
            starts.append(f"/documents/{report.document_id}/")
    return starts


def _crawl(client, starts: list[str], forbidden: tuple[str, ...]) -> tuple[set[str], list]:
    queue, seen, leaking = list(starts), set(), []
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        texts = texts_of(response)
        found = sorted({word for word in forbidden if any(word in text for text in texts)})
        if found:
            leaking.append(f"{path} ({response.status_code}): {', '.join(found)}")
        if response.status_code == 200:
            queue += [link for link in links_in(response) if link not in seen]
    return seen, leaking


def test_canaries_are_really_planted(client, world):
    """Positive controls: officers read the drafts, members the exempt description."""
    client.force_login(world["officer"])
    officer_page = client.get(f"/officer/meetings/{world['meeting'].pk}/").content.decode()
    assert f"{DRAFT} late report" in officer_page and f"{DRAFT} late appendix" in officer_page
    assert DRAFT in client.get(f"/reports/{world['drafts'][0].pk}/").content.decode()
    # A draft PDF read by an officer is never stored by a shared cache.
    draft_pdf = client.get(f"/documents/{world['drafts'][1].pk}/")
    assert draft_pdf.status_code == 200 and "no-store" in draft_pdf["Cache-Control"]
    assert "public" not in draft_pdf["Cache-Control"]
    history = client.get(f"/work-programme/items/{world['wp_items'][0].pk}/").content.decode()
    assert f"{DRAFT} draft resolution" in history
    detail = client.get(f"/actions/{world['action'].pk}/").content.decode()
    assert f"{DRAFT} draft agenda item" in detail and "27 February 2019" in detail
    client.force_login(world["member"])
    assert EXEMPT in client.get(f"/meetings/{world['meeting'].pk}/").content.decode()
    # ...and the member does see the exempt item's resolutions once the minutes are public.
    minutes = world["later"].minutes
    minutes_services.publish_minutes(minutes=minutes)
    exempt_history = client.get(f"/work-programme/items/{world['wp_items'][1].pk}/")
    assert f"{DRAFT} draft resolution" in exempt_history.content.decode()


@pytest.mark.parametrize("role", ["public", "outsider", "member"])
def test_no_role_reads_what_it_may_not(client, world, role):
    forbidden: tuple[str, ...] = (DRAFT, *DRAFT_DATES)
    if role != "member":
        forbidden += (EXEMPT,)
    if role != "public":
        client.force_login(world[role])
    fetched, leaking = _crawl(client, _starts(world), forbidden)
    assert len(fetched) > 40, "the crawl reached the site"
    assert f"/actions/{world['action'].pk}/" in fetched
    assert leaking == [], f"{role}: " + "; ".join(leaking)


def test_publishing_the_late_paper_makes_it_public(
    client, world, django_capture_on_commit_callbacks
):
    """The real workflow: the officer publishes the draft with the chair's reasons from the
    meeting page; then (and only then) the public reads it, and the pack is rebuilt with it."""
    report = world["drafts"][0]
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    client.force_login(world["officer"])
    response = client.post(f"/officer/reports/{report.pk}/publish/", {"urgency_reasons": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_draft  # no reasons: refused, still a draft
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/officer/reports/{report.pk}/publish/",
            {"urgency_reasons": "The figures arrived after the agenda was published."},
        )
    report.refresh_from_db()
    assert not report.is_draft and report.is_late
    client.logout()
    assert DRAFT in client.get(f"/reports/{report.pk}/").content.decode()
    page = client.get(f"/meetings/{world['meeting'].pk}/").content.decode()
    assert f"{DRAFT} late report" in page and "late paper" in page
    pack = client.get(f"/meetings/{world['meeting'].pk}/supplementary-pack.pdf")
    assert pack.status_code == 200 and any(f"{DRAFT} body" in t for t in texts_of(pack))
    # The document was not published with the report, so it is still a draft.
    assert client.get(f"/documents/{world['drafts'][1].pk}/").status_code == 404
    assert Document.objects.filter(pk=world["drafts"][1].pk).count() == 0


WITHDRAWN = "QWITHDRAWNCANARY3141"


@pytest.mark.parametrize("role", ["public", "outsider"])
def test_a_withdrawn_paper_leaves_every_surface(
    client, world, role, django_capture_on_commit_callbacks
):
    """Issue 13, withdrawal: a paper the public could read (page, pack, search, feeds, API)
    is made exempt after publication. Afterwards no surface reachable by the public or by a
    councillor off the committee carries its words, the pack included."""
    meeting = world["meeting"]
    public_item, _ = _business(meeting)
    officer = world["officer"]
    with django_capture_on_commit_callbacks(execute=True):
        document = meeting_services.add_document(
            agenda_item=public_item,
            uploaded_file=ContentFile(make_pdf_bytes(text=f"Paper {WITHDRAWN}"), name="w.pdf"),
            title=f"{WITHDRAWN} appendix",
            by=officer,
        )
        meeting_services.publish_late_paper(
            paper=document,
            urgency_reasons="Received after the agenda was published.",
            by=officer,
        )
    call_command("rebuild_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # Positive control: before withdrawal the public reads it on the page, in the pack and
    # in search.
    assert WITHDRAWN in client.get(f"/meetings/{meeting.pk}/").content.decode()
    pack = client.get(f"/meetings/{meeting.pk}/supplementary-pack.pdf")
    assert pack.status_code == 200 and any(WITHDRAWN in t for t in texts_of(pack))
    # (search by a word of its title: the results page repeats the words searched for)
    assert WITHDRAWN in client.get("/search/?q=appendix").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.update_agenda_item(
            item=public_item,
            by=officer,
            is_exempt=True,
            exempt_paragraph=3,
            exempt_reasons="Commercially sensitive figures came to light.",
        )
    if role != "public":
        client.force_login(world[role])
    starts = [
        *_starts(world),
        f"/documents/{document.pk}/",
        "/search/?q=appendix",
        "/feeds/meetings.ics",
        "/api/oparl/v1/body/1/file",
        "/api/oparl/v1/body/1/paper",
        f"/api/oparl/v1/file/{document.pk}",
    ]
    fetched, leaking = _crawl(client, starts, (WITHDRAWN,))
    assert f"/meetings/{meeting.pk}/supplementary-pack.pdf" in fetched
    assert leaking == [], f"{role}: " + "; ".join(leaking)


def test_a_draft_late_report_the_chair_refuses_can_be_removed(client, world):
    """The officer removes a draft late report from the meeting page (a published report
    cannot be removed); nothing of it is left for anyone."""
    late_report = world["drafts"][0]
    client.force_login(world["officer"])
    page = client.get(f"/officer/meetings/{world['meeting'].pk}/").content.decode()
    assert f"/officer/reports/{late_report.pk}/remove/" in page
    response = client.post(f"/officer/reports/{late_report.pk}/remove/", follow=True)
    assert "Report removed" in response.content.decode()
    assert not Report.all_objects.filter(pk=late_report.pk).exists()
    # A report published on a published agenda stays: the service refuses.
    published = meeting_services.publish_late_paper(
        paper=world["drafts"][2], urgency_reasons="Needed before the decision.", by=world["officer"]
    )
    response = client.post(f"/officer/reports/{published.pk}/remove/", follow=True)
    assert "cannot be removed" in response.content.decode()
    assert Report.all_objects.filter(pk=published.pk).exists()
