"""Attack 24 (issue 19c): the import report links each skipped record and problem to the
officer history of the record the import wrote for it (``imports.views.with_history_links``).

Used as an officer would (imports and re-runs started from the officer page, the report read,
every history link followed) and attacked: entries with no record here, two sites with the same
source ids, more than 200 entries, odd hand-made reports, and a canary in restricted records
and report entries read by the public and by councillors on and off the committee."""

from __future__ import annotations

import datetime as dt
import html
import random
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportedRecord, ImportRun
from meetings import services as meeting_services
from meetings.models import AgendaItem, Document, Meeting
from scrutiny import audit
from scrutiny import services as core_services
from scrutiny.models import Committee, Membership, Person
from tests.factories import PersonFactory, make_user
from tests.factories.meetings import make_pdf_bytes
from tests.imports.moderngov import Doc, generated_site, item_xml, serving

pytestmark = pytest.mark.django_db

CANARY = f"OSPREY-{random.SystemRandom().randrange(10**7, 10**8)}"
FORM = {"date_from": "2020-01-01", "date_to": "2030-12-31"}


@pytest.fixture(autouse=True)
def _fast_client(settings):
    settings.IMPORT_REQUEST_INTERVAL = 0
    settings.IMPORT_BACKOFF = 0.01
    settings.IMPORT_RETRIES = 1
    settings.IMPORT_TIMEOUT = 5


@pytest.fixture
def officer(client):
    client.force_login(make_user("officer", username="import-officer"))
    return client


def start_import(client, capture, url: str) -> ImportRun:
    """The officer's form on /officer/imports/, as posted from the page."""
    with capture(execute=True):
        response = client.post(reverse("officer-imports"), {"site": url, **FORM})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("officer-import-detail", args=[run.pk])
    assert run.status == "done", (run.status, run.failure)
    return run


def entries(page: str, list_id: str) -> list[tuple[str, str | None]]:
    """(text of the <li>, href of its history link or None) for a report list of the page."""
    found = re.search(rf'id="{list_id}">(.*?)</ul>', page, re.S)
    if found is None:
        return []
    out = []
    for li in found.group(1).split("<li>")[1:]:
        li = li.removesuffix("</li>")
        link = re.search(r'<a class="govuk-link" href="([^"]*)">history of ', li)
        out.append((li, html.unescape(link.group(1)) if link else None))
    return out


def expected_url(site: str, kind: str, source_id: str) -> str | None:
    """Where the entry (kind, source_id) of a run of ``site`` should link: the history of the
    record the import of that site wrote for it, if its kind of record keeps a history."""
    record = ImportedRecord.objects.filter(
        site=site.rstrip("/"), kind=kind, source_id=source_id
    ).first()
    if record is None:
        return None
    model = record.content_type.model_class()
    if not audit.has_history(model):
        return None
    return reverse(
        "officer-history",
        kwargs={
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "pk": record.object_id,
        },
    )


def check_links(client, run: ImportRun) -> dict[tuple[str, str], str]:
    """Read the run's report as the officer and follow every history link: each entry links
    exactly where the record of its own site says, and each link opens. Returns
    {(kind, source_id): history page HTML} for the linked entries."""
    page = client.get(reverse("officer-import-detail", args=[run.pk]))
    assert page.status_code == 200
    page = page.content.decode()
    opened = {}
    for list_id, key in (("import-skipped", "skipped"), ("import-problems", "problems")):
        shown = entries(page, list_id)
        listed = run.report.get(key, [])[:200]
        assert len(shown) == len(listed), (list_id, len(shown), len(listed))
        for (li, href), entry in zip(shown, listed, strict=True):
            kind, source_id = str(entry["kind"]), str(entry["source_id"])
            assert li.startswith(html.escape(f"{kind} {source_id}:")), (li, entry)
            want = expected_url(run.site, kind, source_id)
            assert href == want, (entry, href, want)
            if href is None:
                assert "history of" not in li
                continue
            history = client.get(href)
            assert history.status_code == 200, (entry, href)
            # It names the record: the page's heading is the record the link's pk is.
            record = ImportedRecord.objects.get(site=run.site, kind=kind, source_id=source_id)
            model = record.content_type.model_class()
            current = model._base_manager.filter(pk=record.object_id).first()
            if current is not None:
                assert h1(history.content.decode()) == str(current), (entry, href)
            opened[(kind, source_id)] = history.content.decode()
    return opened


def h1(page: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()


# -- Job 1: the officer's journey -----------------------------------------------------------------


def test_an_officer_follows_every_link_of_a_re_run_to_who_edited_what(
    officer, django_capture_on_commit_callbacks
):
    """Two committees, six meetings, restricted items, a paper that always fails; between the
    runs the clerk edits an item, a meeting, a paper, a membership and a committee, and deletes
    a meeting. The re-run's report links each record edited or deleted here to its history,
    which names the clerk; entries with no record here have no link."""
    capture = django_capture_on_commit_callbacks
    site = generated_site(committees=2, meetings=6, restricted_every=2, canary=CANARY)
    site.failing["doc:700001"] = -1  # always 503
    # Meeting 20002's restricted item gives no paragraph: imported exempt, and reported.
    site.meeting["20002"] = site.meeting["20002"].replace(b"Paragraph 3", b"")
    # Meeting 20000 lists an attendee with neither id nor name: a problem, "attendee 20000".
    site.meeting["20000"] = site.meeting["20000"].replace(
        b"</attendees>",
        b'<attendee membertype="U" memberid="" name="" roledescription="Committee Member" '
        b'attendance="Present" politicalparty="" ward=""></attendee></attendees>',
    )
    clerk = make_user("officer", username="harrier-clerk")
    with serving(site) as url:
        first = start_import(officer, capture, url)
        assert {"kind": "attendee", "source_id": "20000"}.items() <= next(
            p for p in first.report["problems"] if p["kind"] == "attendee"
        ).items()
        # The clerk's edits here, each through the portal's services (as its pages do).
        item = AgendaItem.all_objects.get(title="Budget monitoring report 1")
        meeting_services.update_agenda_item(
            item=item, title="Budget monitoring report 1 (clerk)", by=clerk
        )
        site.meeting["20001"] = site.meeting["20001"].replace(
            b"Budget monitoring report 1", b"Budget monitoring report one"
        )
        meeting = Meeting.all_objects.get(
            pk=ImportedRecord.objects.get(kind="meeting", source_id="20003").object_id
        )
        meeting_services.update_meeting(meeting=meeting, venue="Council Chamber (clerk)", by=clerk)
        site.meeting["20003"] = site.meeting["20003"].replace(b"Committee Room 1", b"Room 2")
        paper = Document.all_objects.get(title="Budget report 2")
        meeting_services.update_document(document=paper, title="Budget report 2 (clerk)", by=clerk)
        site.documents["700002"] = Doc(make_pdf_bytes(1, "Budget report 2, revised"))
        site.meeting["20002"] = site.meeting["20002"].replace(b"Committee Room 1", b"Room 3")
        member1 = Person.objects.get(name="Gen Member1")
        membership = Membership.objects.get(person=member1, role="member")
        with audit.recorded_by(clerk):
            core_services.update_membership(
                membership=membership,
                person=member1,
                committee=membership.committee,
                role="member",
                start_date=membership.start_date,
                end_date=None,
                notes="Kept on by the clerk",
            )
        # A paper of meeting 20004 replaced here by a new version (the old one kept).
        old_paper = Document.all_objects.get(title="Budget report 4")
        meeting_services.replace_document(
            document=old_paper,
            uploaded_file=ContentFile(make_pdf_bytes(1, "clerk's version"), name="v2.pdf"),
            note="Replaced by the clerk",
            by=clerk,
        )
        site.documents["700004"] = Doc(make_pdf_bytes(1, "Budget report 4, revised"))
        # Member 1 is not listed at meeting 20004: the re-run would end the membership.
        site.meeting["20004"] = re.sub(
            rb'<attendee membertype="U" memberid="5001"[^>]*></attendee>',
            b"",
            site.meeting["20004"],
        )
        panel2 = Committee.objects.get(name="Generated Scrutiny Panel 2")
        core_services.update_committee(committee=panel2, name="Panel Two (clerk)", by=clerk)
        site.committees = site.committees.replace(b"Generated Scrutiny Panel 2", b"Panel 2 (MG)")
        gone = Meeting.all_objects.get(
            pk=ImportedRecord.objects.get(kind="meeting", source_id="20005").object_id
        )
        gone_title = str(gone)
        with audit.recorded_by(clerk):
            gone.delete()  # as the admin site would
        second = start_import(officer, capture, url)

    skipped = {(s["kind"], str(s["source_id"])): s["why"] for s in second.report["skipped"]}
    membership_id = ImportedRecord.objects.get(kind="membership", object_id=membership.pk).source_id
    item_rec = ImportedRecord.objects.get(kind="item", object_id=item.pk)
    paper_id = ImportedRecord.objects.get(kind="document", object_id=paper.pk).source_id
    exempt = ImportedRecord.objects.get(
        kind="item",
        object_id=AgendaItem.all_objects.get(
            meeting__pk=ImportedRecord.objects.get(kind="meeting", source_id="20002").object_id,
            is_exempt=True,
        ).pk,
    )
    for key in (
        ("document", "700004"),
        ("item", item_rec.source_id),
        ("meeting", "20003"),
        ("meeting", "20005"),
        ("document", paper_id),
        ("membership", membership_id),
        ("committee", "1001"),
        ("item", exempt.source_id),
        ("document", "800000"),
    ):
        assert key in skipped, (key, skipped)

    # The journey: the import list (page 1), the run's report (page 2), a history (page 3).
    listing = officer.get(reverse("officer-imports")).content.decode()
    detail = reverse("officer-import-detail", args=[second.pk])
    assert f'href="{detail}"' in listing
    opened = check_links(officer, second)
    check_links(officer, first)  # the first run's report links the same records

    # Each record edited here: its history names the clerk and shows the edit.
    edited = {
        ("item", item_rec.source_id): "Budget monitoring report 1 (clerk)",
        ("meeting", "20003"): "Council Chamber (clerk)",
        ("document", paper_id): "Budget report 2 (clerk)",
        ("document", "700004"): "harrier-clerk",
        ("membership", membership_id): "Kept on by the clerk",
    }
    for key, change in edited.items():
        assert key in opened, (key, sorted(opened))
        assert change in opened[key] and "harrier-clerk" in opened[key], key
    # The meeting deleted here: its history says so, who deleted it and what it was.
    deleted = opened[("meeting", "20005")]
    assert "Deleted" in deleted and "harrier-clerk" in deleted
    assert h1(deleted) == gone_title
    # The exempt item's history opens for the officer (its title is not the canary's here).
    assert ("item", exempt.source_id) in opened
    # No record here, no link: restricted papers, the failing paper, the attendee problem.
    assert ("document", "800000") not in opened and ("document", "700001") not in opened
    assert ("attendee", "20000") not in opened
    # Committees keep no history: "edited here" is reported, with no link (a gap, not a 500).
    assert ("committee", "1001") not in opened
    assert "Panel Two (clerk) was edited here" in skipped[("committee", "1001")]


# -- two sites with the same source ids ----------------------------------------------------------


def test_two_sites_with_the_same_source_ids_never_cross_link(
    officer, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    a = generated_site(committees=1, meetings=1, restricted_every=0)
    b = generated_site(committees=1, meetings=3, restricted_every=0, start=dt.date(2025, 3, 3))
    b.committees = b.committees.replace(b"Generated Scrutiny Panel 1", b"Other Council Panel")
    b.councillors = b.councillors.replace(b"Gen Member", b"Other Member")
    for mid in b.meeting:
        b.meeting[mid] = b.meeting[mid].replace(b"Gen Member", b"Other Member")
    clerk = make_user("officer", username="kestrel-clerk")
    with serving(a) as url_a, serving(b) as url_b:
        start_import(officer, capture, url_a)
        start_import(officer, capture, url_b)
        # The same source ids at both sites: item 100004 and meeting 20000.
        items = {}
        for site, url, title in ((a, url_a, "A (clerk)"), (b, url_b, "B (clerk)")):
            rec = ImportedRecord.objects.get(site=url, kind="item", source_id="100004")
            item = AgendaItem.all_objects.get(pk=rec.object_id)
            meeting_services.update_agenda_item(item=item, title=f"Budget {title}", by=clerk)
            site.meeting["20000"] = site.meeting["20000"].replace(
                b"Budget monitoring report 0", b"Budget monitoring report zero"
            )
            items[url] = item
        run_a = start_import(officer, capture, url_a)
        run_b = start_import(officer, capture, url_b)
    assert items[url_a].pk != items[url_b].pk
    for run, mine, theirs in ((run_a, "A", "B"), (run_b, "B", "A")):
        opened = check_links(officer, run)  # each link where its own site's record says
        history = opened[("item", "100004")]
        assert f"Budget {mine} (clerk)" in history and f"Budget {theirs} (clerk)" not in history
    # A hand-made report of site A naming meetings only site B has: no link at all; the
    # meeting both have links to site A's; a trailing slash is the same site.
    only_b = [
        {"kind": "meeting", "source_id": sid, "why": "edited here"} for sid in ("20001", "20002")
    ]
    both = {"kind": "meeting", "source_id": "20000", "why": "edited here"}
    for site in (url_a, url_a + "/"):
        run = ImportRun.objects.create(
            site=site, status="done", report={"skipped": [*only_b, both], "problems": only_b}
        )
        page = officer.get(reverse("officer-import-detail", args=[run.pk])).content.decode()
        shown = entries(page, "import-skipped")
        assert [href for _li, href in shown[:2]] == [None, None]
        assert shown[2][1] == expected_url(url_a, "meeting", "20000") is not None
        assert shown[2][1] != expected_url(url_b, "meeting", "20000")
        assert all(href is None for _li, href in entries(page, "import-problems"))


# -- long and odd reports -------------------------------------------------------------------------


def _record(site: str, kind: str, source_id: str, obj) -> None:
    from django.contrib.contenttypes.models import ContentType

    ImportedRecord.objects.create(
        site=site,
        kind=kind,
        source_id=source_id,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
    )


@pytest.fixture
def meeting():
    from tests.factories.meetings import MeetingFactory

    with audit.recorded_by(None):
        return MeetingFactory()


SITE = "https://democracy.example.gov.uk"


def test_more_than_200_entries_lists_200_and_says_so(officer, meeting):
    for n in (0, 150, 250):
        _record(SITE, "meeting", str(n), meeting)
    skipped = [{"kind": "meeting", "source_id": str(n), "why": f"why {n}"} for n in range(251)]
    problems = [{"kind": "meeting", "source_id": str(n), "what": f"what {n}"} for n in range(200)]
    run = ImportRun.objects.create(
        site=SITE, status="done", report={"skipped": skipped, "problems": problems}
    )
    with CaptureQueriesContext(connection) as long_page:
        page = officer.get(reverse("officer-import-detail", args=[run.pk])).content.decode()
    assert "Skipped (251)" in page and "Problems (200)" in page
    shown = entries(page, "import-skipped")
    assert len(shown) == 200 and shown[-1][0].startswith("meeting 199: why 199")
    assert "why 200" not in page
    assert page.count("The first 200 are listed.") == 1  # the problems are all listed
    links = [n for n, (_li, href) in enumerate(shown) if href]
    assert links == [0, 150]  # 250 is not shown, so not linked
    assert len(entries(page, "import-problems")) == 200
    assert officer.get(shown[0][1]).status_code == 200
    # One query for the links, however many entries: as many queries as a 2-entry report.
    short = ImportRun.objects.create(
        site=SITE, status="done", report={"skipped": skipped[:2], "problems": problems[:2]}
    )
    with CaptureQueriesContext(connection) as short_page:
        officer.get(reverse("officer-import-detail", args=[short.pk]))
    assert len(long_page) == len(short_page), [q["sql"] for q in long_page.captured_queries]


def test_a_real_import_with_more_than_200_skips_lists_200(
    officer, django_capture_on_commit_callbacks
):
    """One restricted item with 205 restricted papers (their titles the canary): 205 skips,
    200 listed, none linked (no record here), and the page says so."""
    site = generated_site(committees=1, meetings=1, restricted_every=0)
    papers = [(str(900000 + n), f"{CANARY} paper {n}", True, "Paragraph 3", "") for n in range(205)]
    extra = item_xml(100009, 9, "Exempt contract", "x", restricted=True, docs=papers)
    site.meeting["20000"] = site.meeting["20000"].replace(
        b"</agendaitems>", extra.encode() + b"</agendaitems>"
    )
    with serving(site) as url:
        run = start_import(officer, django_capture_on_commit_callbacks, url)
    assert len(run.report["skipped"]) == 205
    page = officer.get(reverse("officer-import-detail", args=[run.pk])).content.decode()
    assert "Skipped (205)" in page and "The first 200 are listed." in page
    shown = entries(page, "import-skipped")
    assert len(shown) == 200 and all(href is None for _li, href in shown)
    assert "document 900199: restricted" in page and "document 900200" not in page
    assert CANARY not in page  # the papers' titles are not in the report


ODD = [
    {"kind": "meeting", "source_id": 42, "why": "an int that names a meeting here"},
    {"kind": "meeting", "source_id": None, "why": "no id"},
    {"kind": "meeting", "why": "no source_id key"},
    {"source_id": "42", "why": "no kind key"},
    {"kind": "meeting", "source_id": "42 ", "why": "a trailing space"},
    {"kind": "Meeting", "source_id": "42", "why": "another case"},
    {"kind": "meeting", "source_id": "x" * 5000, "why": "very long"},
    {"kind": "meeting", "source_id": "<script>alert('sid')</script>", "why": "<b>why</b>"},
    {"kind": "<img src=x onerror=alert(1)>", "source_id": "42", "why": "html kind"},
    {"kind": "meeting", "source_id": ["42"], "why": "a list"},
    {"kind": "meeting", "source_id": {"id": "42"}, "why": "a dict"},
    {"kind": "meeting", "source_id": 42.0, "why": "a float"},
    {"kind": "meeting", "source_id": True, "why": "a bool"},
    {"kind": "meeting", "source_id": "42", "why": "a url key", "url": "javascript:alert(1)"},
    {"kind": "meeting", "source_id": "43", "url": "https://evil.example/"},
    {},
]


def test_odd_source_ids_render_escaped_and_link_only_exact_matches(officer, meeting):
    _record(SITE, "meeting", "42", meeting)
    _record(SITE, "meeting", "<script>alert('sid')</script>", meeting)
    run = ImportRun.objects.create(
        site=SITE,
        status="done",
        report={"skipped": ODD, "problems": [{**e, "what": e.get("why")} for e in ODD]},
    )
    response = officer.get(reverse("officer-import-detail", args=[run.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(" not in page and "<img src=x" not in page and "<b>why" not in page
    assert "&lt;script&gt;alert(" in page
    assert "javascript:" not in page and "evil.example" not in page
    history = expected_url(SITE, "meeting", "42")
    for list_id in ("import-skipped", "import-problems"):
        shown = entries(page, list_id)
        assert len(shown) == len(ODD)
        linked = {n for n, (_li, href) in enumerate(shown) if href}
        # The int 42 names meeting "42" as the importer would have written it; the HTML id
        # names its own record; nothing else links.
        assert linked == {0, 7, 13}, [(ODD[n], shown[n][1]) for n in linked]
        assert shown[0][1] == history and shown[13][1] == history
        assert officer.get(shown[7][1]).status_code == 200


def test_entries_that_are_not_objects_do_not_crash_the_page(officer):
    """Finding 1 of attack 24 (fixed): with_history_links called .get on every entry."""
    run = ImportRun.objects.create(
        site=SITE,
        status="done",
        report={"skipped": ["meeting 1: a plain string", None, ["meeting", "1"]], "problems": []},
    )
    response = officer.get(reverse("officer-import-detail", args=[run.pk]))
    assert response.status_code == 200
    assert "meeting 1: a plain string" in response.content.decode()


def test_a_report_with_null_lists_does_not_crash_the_page(officer):
    """Finding 2 of attack 24 (fixed): None[:200] and len(None)."""
    run = ImportRun.objects.create(
        site=SITE, status="failed", report={"skipped": None, "problems": None}
    )
    response = officer.get(reverse("officer-import-detail", args=[run.pk]))
    assert response.status_code == 200


# -- Job 2: the canary ----------------------------------------------------------------------------


def test_no_one_but_an_officer_reads_the_report_or_its_history_links(
    client, officer, django_capture_on_commit_callbacks
):
    """The canary in restricted item titles, their text and their papers' titles at the source,
    and in entries of the report. The public, a councillor off the committee and one on it get
    none of it from the import pages or the history pages the report links to."""
    site = generated_site(committees=1, meetings=2, restricted_every=1, canary=CANARY)
    for mid in site.meeting:
        site.meeting[mid] = (
            site.meeting[mid]
            .replace(b"Contract award (exempt)", f"Contract award {CANARY}".encode())
            .replace(b"Paragraph 3", b"")  # exempt, paragraph not given: reported, linked
        )
    with serving(site) as url:
        run = start_import(officer, django_capture_on_commit_callbacks, url)
    run.report["skipped"].append(
        {"kind": "item", "source_id": f"{CANARY}-id", "why": f"{CANARY} in a reason"}
    )
    run.report["problems"].append({"kind": "meeting", "source_id": "20000", "what": CANARY})
    run.save()
    detail = reverse("officer-import-detail", args=[run.pk])
    page = officer.get(detail).content.decode()
    assert CANARY in page
    links = sorted(
        {href for ul in ("import-skipped", "import-problems") for _, href in entries(page, ul)}
        - {None}
    )
    assert links, page
    # The links name no private words: /officer/history/<app>/<model>/<pk>/ and nothing else.
    for href in links:
        assert re.fullmatch(r"/officer/history/[a-z]+/[a-z]+/\d+/", href), href
    with_canary = [href for href in links if CANARY in officer.get(href).content.decode()]
    assert with_canary, "the exempt item's history holds the canary (the officer sees it)"
    urls = [reverse("officer-imports"), detail, "/officer/history/", *links]
    urls += [f"{href}?page=1" for href in links]

    member_person = Person.objects.get(name="Gen Member0")  # imported, on the committee
    assert Membership.objects.filter(person=member_person).exists()
    readers = {
        "public": None,
        "councillor off the committee": make_user(
            "councillor", username="off-cllr", person=PersonFactory(name="Off Committee")
        ),
        "councillor on the committee": make_user(
            "councillor", username="on-cllr", person=member_person
        ),
    }
    officer.logout()
    # Beside the point but checked: the public meeting pages show the canary only in the
    # exempt items' titles (public by design, as ModernGov shows them), never their text,
    # minutes or papers' titles.
    for m in Meeting.all_objects.all():
        text = client.get(m.get_absolute_url()).content.decode()
        assert text.count(CANARY) == text.count(f"Contract award {CANARY}"), m
    officer.logout()
    for who, user in readers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for target in urls:
            for method in (client.get, client.head):
                response = method(target)
                body = response.content.decode(errors="replace")
                assert response.status_code in (302, 403, 404), (who, target, response.status_code)
                assert CANARY not in body, (who, target)
                assert CANARY not in response.get("Location", ""), (who, target)
                if response.status_code == 302:
                    assert "/accounts/login/" in response["Location"] and user is None, (
                        who,
                        target,
                    )
