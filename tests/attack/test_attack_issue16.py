"""Attack on issue 16 (helper `attack16`): tagged packs, the HTML versions of uploads, the
accessibility statement's panel, outcomes on the meeting page, the committee's next meeting,
KPI search and the members' sign-in 404. A canary word is planted in every private field
these touch; every public surface is crawled as the public, a councillor off the committee
and a committee member."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from urllib.parse import quote

import pikepdf
import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from meetings import services as meeting_services
from meetings.minutes import services
from meetings.models import Document
from tests.factories import PersonFactory, make_user
from tests.factories.meetings import (
    LONDON,
    AgendaItemFactory,
    DocumentFactory,
    MeetingFactory,
    make_pdf_bytes,
)
from tests.factories.minutes import make_meeting_with_items
from tests.packs.helpers import all_decoded_bytes, ok_build
from tests.packs.test_pdfua import tagged_pdf

pytestmark = pytest.mark.django_db

CANARY = "ZORBLEMUNK"
DRAFT = "GLIMFROTTLE"  # only in a draft meeting / draft minutes: officers only


def _who(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(response) -> str:
    data = _body(response)
    if data.startswith(b"%PDF"):
        reader = pypdf.PdfReader(io.BytesIO(data))
        parts = [p.extract_text() for p in reader.pages]
        parts.append(repr(reader.metadata))
        parts.append(all_decoded_bytes(io.BytesIO(data)).decode("utf-8", "replace"))
        return " ".join(parts)
    return data.decode("utf-8", "replace")


def _upload(item, title, data, name="upload.pdf"):
    return DocumentFactory(
        agenda_item=item,
        title=title,
        original_filename=name,
        file=ContentFile(data, name=name),
        page_count=len(pikepdf.open(io.BytesIO(data)).pages),
    )


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings):
    meeting = make_meeting_with_items(exempt=True)
    committee = meeting.committee
    public_item = meeting.items.filter(is_exempt=False, kind="business").first()
    exempt_item = meeting.items.get(is_exempt=True)
    # Public papers: one tagged, one untagged (their words are public).
    _upload(public_item, "Open tagged paper", tagged_pdf("Open", "Open heading"))
    _upload(public_item, "Open scan", make_pdf_bytes(1, "Open scan text"))
    # A public paper withdrawn: its title stays in the public note, never its content.
    withdrawn = _upload(
        public_item,
        "Withdrawn appendix",
        tagged_pdf("W", f"Withdrawn {CANARY} heading", f"Body {CANARY}"),
        name=f"withdrawn-{CANARY}.pdf",
    )
    # Exempt papers: a tagged one whose headings hold the canary, an untagged one.
    exempt_tagged = _upload(
        exempt_item,
        f"Exempt {CANARY} appendix",
        tagged_pdf(f"T {CANARY}", f"Secret {CANARY} heading", f"Exempt body {CANARY}"),
        name=f"{CANARY}.pdf",
    )
    exempt_scan = _upload(
        exempt_item, f"Exempt scan {CANARY}", make_pdf_bytes(1, f"Scan {CANARY}"), name="s.pdf"
    )
    exempt_item.description = f"Exempt description {CANARY}"
    exempt_item.save()
    call_command("record_pdf_tagging", "--all")
    ok_build(meeting, force=True)
    meeting_services.withdraw_paper(
        paper=Document.all_objects.get(pk=withdrawn.pk), reason="Wrong file", by=None
    )
    # Exempt minute with resolutions; published minutes.
    minutes = services.start_minutes(meeting=meeting)
    exempt_minute = minutes.items.get(agenda_item__is_exempt=True)
    open_minute = minutes.items.filter(
        agenda_item__kind="business", agenda_item__is_exempt=False
    ).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_minute(
            minute=exempt_minute,
            text=f"<p>Exempt minute {CANARY}.</p>",
            resolutions=[f"That {CANARY} be placed."],
            public_summary="<p>The Panel considered an exempt report.</p>",
            version=exempt_minute.version,
        )
        open_minute.refresh_from_db()
        services.save_minute(
            minute=open_minute,
            text="<p>The Panel discussed the budget.</p>",
            resolutions=["That the budget be noted."],
            version=open_minute.version,
        )
        services.publish_minutes(minutes=minutes)
    # A draft (unpublished) meeting in the future, and draft minutes of a later meeting.
    future = MeetingFactory(
        committee=committee, start=dt.datetime.now(tz=LONDON) + dt.timedelta(days=10)
    )
    draft_item = AgendaItemFactory(meeting=future, title=f"Draft item {DRAFT} {CANARY}")
    _upload(draft_item, f"Draft paper {DRAFT}", tagged_pdf("D", f"Draft {DRAFT} heading"))
    later = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    draft_minutes = services.start_minutes(meeting=later)
    business = draft_minutes.items.filter(agenda_item__kind="business").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_minute(
            minute=business,
            text=f"<p>Draft words {CANARY} {DRAFT}.</p>",
            resolutions=[f"Draft resolution {CANARY} {DRAFT}"],
            version=business.version,
        )
    member = make_user(
        "councillor", username="member16", person=committee.memberships.first().person
    )
    outsider = make_user("councillor", username="outsider16")
    PersonFactory(name="Olwen Outsider", user=outsider)
    return {
        "meeting": meeting,
        "later": later,
        "future": future,
        "committee": committee,
        "exempt_item": exempt_item,
        "docs": [withdrawn, exempt_tagged, exempt_scan],
        "draft_doc": Document.all_objects.get(agenda_item=draft_item),
        "member": member,
        "outsider": outsider,
    }


def _public_urls(w) -> list[str]:
    m, c = w["meeting"], w["committee"]
    urls = [
        "/",
        reverse("committee-detail", args=[c.slug]),
        reverse("committee-meetings", args=[c.slug]),
        reverse("meeting-detail", args=[m.pk]),
        reverse("meeting-detail", args=[w["later"].pk]),
        reverse("meeting-calendar"),
        reverse("meeting-pack", args=[m.pk]),
        reverse("meeting-minutes", args=[m.pk]),
        reverse("accessibility"),
        reverse("sitemap-page"),
        "/sitemap.xml",
        reverse("papers-feed"),
        reverse("minutes-feed"),
        reverse("meetings-ics"),
        reverse("committee-ics", args=[c.slug]),
        reverse("oparl-body-list"),
        f"/api/oparl/v1/meeting/{m.pk}",
        f"/api/oparl/v1/agendaitem/{w['exempt_item'].pk}",
    ]
    for word in ("heading", "Withdrawn", "appendix", "Exempt", "placed", "scan", "Draft", "KI 1"):
        urls.append(reverse("search") + f"?q={word}")
    for doc in [*w["docs"], w["draft_doc"]]:
        urls += [
            reverse("document-html", args=[doc.pk]),
            reverse("document-download", args=[doc.pk]),
            f"/api/oparl/v1/file/{doc.pk}",
        ]
    return urls


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member"])
def test_canary_absent_from_every_public_surface(client, world, role):
    _who(
        client, {"anonymous": None, "outsider": world["outsider"], "member": world["member"]}[role]
    )
    # A member may read the exempt papers and minute; never the draft meeting/minutes, and
    # never the withdrawn paper's content.
    word = DRAFT if role == "member" else CANARY
    leaks = []
    for url in _public_urls(world):
        if role == "member" and ("/documents/" in url or "/minutes/" in url or "/file/" in url):
            continue  # exempt papers are theirs (the draft and withdrawn ones are checked below)
        response = client.get(url)
        assert response.status_code in (200, 301, 302, 404, 410), (url, response.status_code)
        if word in _text(response):
            leaks.append(url)
    assert leaks == []


def test_member_reads_the_exempt_html_version_with_its_headings(client, world):
    """The control: the canary is where it should be, so the sweep above can see it."""
    _who(client, world["member"])
    exempt_tagged = world["docs"][1]
    response = client.get(reverse("document-html", args=[exempt_tagged.pk]))
    assert response.status_code == 200
    assert f"Secret {CANARY} heading" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member"])
def test_withdrawn_and_draft_html_versions_are_not_found(client, world, role):
    _who(
        client, {"anonymous": None, "outsider": world["outsider"], "member": world["member"]}[role]
    )
    for doc in (world["docs"][0], world["draft_doc"]):
        response = client.get(reverse("document-html", args=[doc.pk]))
        assert response.status_code == 404, (doc.title, response.status_code)
        assert DRAFT not in _text(response) and f"Body {CANARY}" not in _text(response)


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_exempt_and_missing_html_versions_answer_the_same(client, world, role):
    _who(client, None if role == "anonymous" else world["outsider"])
    missing = Document.all_objects.order_by("-pk").first().pk + 1000
    exempt = world["docs"][1].pk
    bodies = []
    for pk in (exempt, missing):
        path = reverse("document-html", args=[pk])
        response = client.get(path)
        assert response.status_code == 404
        headers = {k: v for k, v in response.items() if k.lower() not in ("content-length",)}
        body = response.content.decode().replace(path, "PATH").replace(quote(path, safe=""), "PATH")
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
        # The seconds left of a signed-in session tick between the two requests.
        body = re.sub(r'data-expires-in="\d+"', "EXPIRES", body)
        bodies.append((body, headers))
    assert bodies[0][1] == bodies[1][1]
    import difflib

    diff = list(difflib.unified_diff(bodies[0][0].splitlines(), bodies[1][0].splitlines(), n=0))
    assert diff == [], "\n".join(diff)


def test_public_pack_is_not_declared_and_names_only_public_untagged_papers(client, world):
    from meetings.packs.models import Pack

    pack = Pack.objects.filter(meeting=world["meeting"], kind="public").first()
    if pack is None:
        ok_build(world["meeting"], force=True)
        pack = Pack.objects.get(meeting=world["meeting"], kind="public")
    untagged = [p["document"] for p in pack.contents.get("untagged", [])]
    assert world["docs"][2].pk not in untagged  # the exempt scan is not in the public pack
    assert pack.contents.get("pdfua") is False
    data = pack.path.read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = str(pdf.open_metadata())
        assert "<pdfuaid:part" not in xmp and 'pdfuaid:part="' not in xmp, xmp
    reader = pypdf.PdfReader(io.BytesIO(data))
    front = " ".join(reader.pages[n].extract_text() for n in range(3))
    assert "Open scan" in front


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"day": "\u00b2", "month": "3", "year": "2027", "time": "10:00"}, "must be a real date"),
        ({"day": "31", "month": "2", "year": "2027", "time": "10:00"}, "must be a real date"),
        ({"day": "1", "month": "3", "year": "2027", "time": "25:00"}, "a real time"),
        ({"day": "1", "month": "", "year": "2027", "time": "10:00"}, "must include a month"),
        ({"day": "1", "month": "3", "year": "27", "time": "10:00"}, "4 numbers"),
    ],
)
def test_meeting_date_parts_get_a_message_not_a_server_error(client, parts, message):
    """A superscript digit passes ``str.isdigit()`` but not ``int()``: it was a 500."""
    from tests.factories import CommitteeFactory

    committee = CommitteeFactory()
    client.force_login(make_user("officer", username="officer16"))
    data = {"committee": committee.pk, "venue": "Town Hall"}
    data.update({f"start_{k}": v for k, v in parts.items()})
    response = client.post(reverse("officer-meeting-add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()


def _docx(heading: str, sub: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph("The Panel is asked to note the figures.")
    document.add_heading(sub, level=2)
    document.add_paragraph("Bus services in Holmfirth.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _raw_untagged_pdf(text: str) -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_officer_journey_tagged_word_export_and_a_raw_scan(client, tmp_path):
    """Part A: a LibreOffice PDF/UA export of my own .docx and a raw untagged PDF, uploaded
    through the officer's form; the pack is read back with pikepdf, pdfcheck and poppler."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.conversion import convert_to_pdf
    from meetings.packs.models import Pack
    from scrutiny.pdfcheck import check_pdf

    tagged = convert_to_pdf(_docx("Holmfirth buses", "Options appraisal"), extension=".docx")
    scan = _raw_untagged_pdf("Letter from the bus operator 1998")
    meeting = make_meeting_with_items()
    # Still to be held: a meeting recorded as held takes no late paper (issue 23).
    from meetings.models import Meeting, MeetingStatus

    Meeting.all_objects.filter(pk=meeting.pk).update(status=MeetingStatus.SCHEDULED)
    item = meeting.items.filter(kind="business", is_exempt=False).first()
    client.force_login(make_user("officer", username="officer16j"))
    for title, data in (("Buses report", tagged), ("Operator letter", scan)):
        response = client.post(
            reverse("officer-document-add", args=[item.pk]),
            {"title": title, "uploaded_file": SimpleUploadedFile(f"{title}.pdf", data)},
            follow=True,
        )
        assert response.status_code == 200
    letter = Document.all_objects.get(title="Operator letter")
    buses = Document.all_objects.get(title="Buses report")
    assert (buses.is_tagged, letter.is_tagged) == (True, False)
    assert [1, "Holmfirth buses"] in buses.headings
    # Uploaded to a published agenda they are draft late papers; issue them with the agenda.
    Document.all_objects.filter(pk__in=[letter.pk, buses.pk]).update(is_draft=False, is_late=False)
    ok_build(meeting, force=True)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.contents["pdfua"] is False, pack.contents
    data = pack.path.read_bytes()
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    with pikepdf.open(path) as pdf:
        xmp = str(pdf.open_metadata())
        assert "pdfuaid:part" not in pdf.open_metadata()
        assert "<pdfuaid:part" not in xmp and 'pdfuaid:part="' not in xmp, xmp
        untagged_pages = [n for n, p in enumerate(pdf.pages, 1) if "/StructParents" not in p.obj]
        with pdf.open_outline() as outline:
            titles = []

            def walk(items):
                for o in items:
                    titles.append(o.title)
                    walk(o.children)

            walk(outline.root)
        links = [
            str(a.A.URI)
            for p in pdf.pages[:3]
            for a in p.obj.get("/Annots", [])
            if "/A" in a and "/URI" in a.A
        ]
    assert any("Operator letter" in t for t in titles), titles
    assert any("Buses report" in t for t in titles), titles
    struct = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Holmfirth buses" in struct and "Options appraisal" in struct
    report = check_pdf(data)
    assert not report.ok
    assert len(untagged_pages) == 1, (untagged_pages, report.text())
    front = " ".join(pypdf.PdfReader(path).pages[n].extract_text() for n in range(3))
    assert "Operator letter" in front
    assert any(f"/documents/{letter.pk}/text/" in uri for uri in links), links
    # The statement and the meeting page name it, with its HTML version.
    client.logout()
    statement = client.get(reverse("accessibility")).content.decode()
    assert "Operator letter" in statement
    assert f"/documents/{letter.pk}/text/" in statement
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"/documents/{letter.pk}/text/" in page
    # Remove the scan: the pack is rebuilt and declared.
    meeting_services.remove_document(document=letter, by=None)
    ok_build(meeting, force=True)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.contents["pdfua"] is True
    assert check_pdf(pack.path.read_bytes()).ok
    assert "Operator letter" not in client.get(reverse("accessibility")).content.decode()


def test_superscript_digits_in_ids_get_no_server_error(client):
    """'²'.isdigit() is True but int('²') fails: every id read from a request must be ASCII
    digits (the attack on issue 16 found a 500 in the date input; these are its siblings)."""
    from tests.factories.performance import KPIFactory
    from workprogramme.filters import ImprovementActionFilter
    from workprogramme.models import ImprovementAction

    assert client.get(reverse("alerts-subscribe"), {"committee": "²"}).status_code == 200
    actions = ImprovementAction.objects.all()
    assert ImprovementActionFilter.filter_inspection(None, actions, "inspection", "²") is actions
    client.force_login(make_user("officer", username="sup-officer"))
    kpi = KPIFactory()
    page = client.get(reverse("officer-performance-kpi", args=[kpi.slug]), {"period": "²"})
    assert page.status_code == 200
