"""Issue 16: whether an upload is tagged is recorded and said where it matters — to the
officer at upload, in the HTML version of every uploaded paper (public rule, exempt papers
logged), on the meeting page's pack area, and in the accessibility statement's panel."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from meetings.document_html import blocks, pdf_headings
from meetings.models import Document, ExemptAccess
from meetings.packs.panels import untagged_papers_panel
from scrutiny.extensions import accessibility_statement_panels
from scrutiny.models import Council
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    make_pdf_bytes,
)

from .helpers import ok_build
from .test_pdfua import tagged_pdf, upload

pytestmark = pytest.mark.django_db
CANARY = "CANARY-16f1a"


def post_upload(client, item, data: bytes, title: str):
    return client.post(
        reverse("officer-document-add", args=[item.pk]),
        {
            "title": title,
            "uploaded_file": SimpleUploadedFile("paper.pdf", data, content_type="application/pdf"),
        },
        follow=True,
    )


def test_an_untagged_upload_is_recorded_and_the_officer_told_at_once(client):
    officer = make_user("officer")
    item = AgendaItemFactory(meeting=MeetingFactory())
    client.force_login(officer)
    html = post_upload(client, item, make_pdf_bytes(1, "Scan"), "Old letter").content.decode()
    document = Document.all_objects.get(title="Old letter")
    assert document.is_tagged is False and document.headings == []
    assert "Old letter is not a tagged PDF" in html
    assert "cannot be declared accessible (PDF/UA)" in html
    assert "upload that file to the item instead" in html  # the Word route (conversion)


def test_a_tagged_upload_is_recorded_with_its_headings_and_no_warning(client):
    officer = make_user("officer")
    item = AgendaItemFactory(meeting=MeetingFactory())
    client.force_login(officer)
    html = post_upload(client, item, tagged_pdf("T", "Budget"), "Budget paper").content.decode()
    document = Document.all_objects.get(title="Budget paper")
    assert document.is_tagged is True
    assert document.headings == [
        [1, "Budget"],
        [2, "Budget background"],
        [2, "Budget next steps"],
    ]
    assert "is not a tagged PDF" not in html


def test_record_pdf_tagging_checks_the_rows_uploaded_before():
    old_scan = DocumentFactory(pages=1)
    old_tagged = upload(AgendaItemFactory(), "Tagged", tagged_pdf("T", "Heading one"))
    assert old_scan.is_tagged is None and old_tagged.is_tagged is None
    call_command("record_pdf_tagging")
    old_scan.refresh_from_db()
    old_tagged.refresh_from_db()
    assert old_scan.is_tagged is False
    assert old_tagged.is_tagged is True and [1, "Heading one"] in old_tagged.headings


def test_blocks_make_headings_of_recovered_headings_and_paragraphs_of_the_rest():
    text = "Budget\nSome text\nof a paragraph\n\fBudget background\nMore"
    made = blocks(text, [[1, "Budget"], [2, "Budget background"]])
    assert [(b.kind, b.text, b.tag) for b in made] == [
        ("heading", "Budget", "h2"),
        ("paragraph", "Some text", "h1"),
        ("paragraph", "of a paragraph", "h1"),
        ("heading", "Budget background", "h3"),
        ("paragraph", "More", "h1"),
    ]
    assert all(b.kind == "paragraph" for b in blocks(text, []))
    assert pdf_headings(make_pdf_bytes(1)) == []  # untagged: no headings, no error


@pytest.fixture
def papers():
    meeting = PublishedMeetingFactory()
    public_item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Budget")
    tagged = upload(public_item, "Budget paper", tagged_pdf("Budget paper", "Budget"))
    tagged.text = "Budget\nBody text of the paper.\nBudget background\nFirst point"
    tagged.is_tagged, tagged.headings = True, pdf_headings(tagged.file.open("rb").read())
    tagged.save()
    scan = DocumentFactory(agenda_item=public_item, title="Old scanned letter", is_tagged=False)
    exempt_item = ExemptAgendaItemFactory(meeting=meeting, order=2, number="2", title="Private")
    exempt = DocumentFactory(
        agenda_item=exempt_item,
        title=f"Exempt scan {CANARY}",
        is_tagged=False,
    )
    # (DocumentFactory's ``text`` is the PDF's text; the extracted text is set here.)
    Document.all_objects.filter(pk=scan.pk).update(text="Dear sir")
    Document.all_objects.filter(pk=exempt.pk).update(text=f"Secret text {CANARY}")
    return meeting, tagged, scan, exempt


def test_the_html_version_shows_the_headings_and_is_linked_from_the_agenda(client, papers):
    meeting, tagged, scan, _ = papers
    page = client.get(reverse("document-html", args=[tagged.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h2 class="govuk-heading-m">Budget</h2>' in html
    assert '<h3 class="govuk-heading-s">Budget background</h3>' in html
    assert '<p class="govuk-body">Body text of the paper.</p>' in html
    assert reverse("document-download", args=[tagged.pk]) in html
    scan_html = client.get(reverse("document-html", args=[scan.pk])).content.decode()
    assert '<p class="govuk-body">Dear sir</p>' in scan_html and "not tagged" in scan_html
    agenda = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("document-html", args=[tagged.pk]) in agenda


def test_the_html_version_of_an_exempt_paper_is_hidden_and_logged(client, papers):
    meeting, _, _, exempt = papers
    url = reverse("document-html", args=[exempt.pk])
    response = client.get(url)
    assert response.status_code == 404 and CANARY.encode() not in response.content
    outsider = make_user("councillor", person=PersonFactory())
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 404 and CANARY.encode() not in response.content
    member = make_user("councillor", person=PersonFactory())
    MembershipFactory(
        person=member.person, committee=meeting.committee, start_date=dt.date(2000, 1, 1)
    )
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200 and f"Secret text {CANARY}" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert ExemptAccess.objects.filter(user=member, document=exempt).exists()


def test_the_statement_panel_lists_public_untagged_papers_only(client, papers):
    meeting, tagged, scan, exempt = papers
    assert untagged_papers_panel in accessibility_statement_panels._panels
    request = RequestFactory().get("/")
    [(template, context)] = [
        (t, c)
        for t, c in accessibility_statement_panels.render_list(request)
        if t == "packs/panels/statement_untagged.html"
    ]
    assert [p.pk for p in context["papers"]] == [scan.pk] and context["total"] == 1
    from django.template.loader import render_to_string

    html = render_to_string(template, {"panel": context})
    assert "Old scanned letter" in html and reverse("document-html", args=[scan.pk]) in html
    assert CANARY not in html and "Budget paper" not in html


def test_the_meeting_page_names_the_untagged_papers_of_the_pack(client, papers):
    Council.objects.create(name="Kirklees Council", address="Town Hall")
    meeting, tagged, scan, exempt = papers
    ok_build(meeting)
    html = client.get(meeting.get_absolute_url()).content.decode()
    area = html[html.index('id="agenda-packs-heading"') :]
    area = area[: area.index("</section>")]
    assert "Not every paper in the pack is accessible" in area
    assert reverse("document-html", args=[scan.pk]) in area
    assert "Budget paper" not in area and CANARY not in area
    # The members' pack is built from the same builder: its untagged exempt scan is named
    # on its front sheet, and the pack is not declared either.
    from meetings.packs.models import Pack

    members = Pack.objects.get(meeting=meeting, kind="members")
    assert members.contents["pdfua"] is False
    assert {u["title"] for u in members.contents["untagged"]} == {
        "Old scanned letter",
        f"Exempt scan {CANARY}",
    }


def test_the_officer_meeting_page_tags_an_untagged_paper(client, papers):
    """Beside each uploaded paper that is not tagged, the officer's meeting page says so (not
    only the message at upload); a tagged paper, and one not checked yet, have no tag."""
    meeting, tagged, scan, exempt = papers
    unchecked = DocumentFactory(agenda_item=scan.agenda_item, title="Not checked yet")
    Document.all_objects.filter(pk=unchecked.pk).update(is_tagged=None)
    client.force_login(make_user("officer"))
    html = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    doc = lxml.html.document_fromstring(html)
    tags = doc.xpath("//strong[contains(@class, 'govuk-tag')][@data-untagged]")
    assert sorted(int(t.get("data-untagged")) for t in tags) == sorted([scan.pk, exempt.pk])
    for tag in tags:
        assert tag.text_content() == "Not tagged – not accessible"
        (entry,) = tag.xpath("ancestor::li[1]")
        pk = int(tag.get("data-untagged"))
        assert entry.xpath(f".//a[@href='{reverse('document-download', args=[pk])}']")
        assert entry.xpath(f".//a[@href='{reverse('document-html', args=[pk])}']")
    assert f'data-untagged="{tagged.pk}"' not in html
    assert f'data-untagged="{unchecked.pk}"' not in html
