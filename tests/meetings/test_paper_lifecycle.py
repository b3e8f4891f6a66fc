"""Papers after publication (issue 15, item 3): withdraw, replace with a new version, move.

Canary: a withdrawn paper's text and file, and the text of a superseded version, never appear
on a public page, in a public agenda pack (read back from the PDF), in search, in the OParl
API or in the feeds, for anonymous users nor for a councillor who is not on the committee;
officers keep them in the paper's history. Every change is audited with ``by`` as the history
user and rebuilds the packs.
"""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Document, Report
from meetings.packs.models import Pack
from opendata.indexing import index_meeting
from opendata.records import ensure_fresh
from scrutiny.models import Council
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    ReportFactory,
    make_pdf_bytes,
)
from tests.packs.helpers import ok_build

pytestmark = pytest.mark.django_db

WITHDRAWN = "WITHDRAWNCANARY"
OLD = "OLDVERSIONCANARY"
REPORT_OLD = "REPORTOLDCANARY"
NEW = "NEWVERSIONTEXT"


def _pdf_text(body: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def officer():
    return make_user("officer", username="clerk")


@pytest.fixture
def outsider(client):
    """A councillor who is not on the committee."""
    user = make_user("councillor", username="outsider")
    PersonFactory(name="Outside Councillor", user=user)
    return user


@pytest.fixture
def world(officer, django_capture_on_commit_callbacks):
    Council.objects.create(name="Kirklees Council", address="Town Hall")
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Budget")
    other = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Libraries")
    withdrawn = DocumentFactory(
        agenda_item=item, title="Appendix to withdraw", text=f"{WITHDRAWN} figures", pages=1
    )
    old = DocumentFactory(agenda_item=item, title="Appendix revised", text=f"{OLD} table", pages=1)
    report = ReportFactory(
        agenda_item=other,
        title="Libraries report",
        sections=[("Summary", f"<p>{REPORT_OLD} summary of the libraries.</p>")],
    )
    Document.all_objects.filter(pk=withdrawn.pk).update(text=f"{WITHDRAWN} figures")
    Document.all_objects.filter(pk=old.pk).update(text=f"{OLD} table")
    with django_capture_on_commit_callbacks(execute=True):
        ok_build(meeting)
    index_meeting(meeting.pk)
    ensure_fresh()
    return {
        "meeting": meeting,
        "item": item,
        "other": other,
        "withdrawn": withdrawn,
        "old": old,
        "report": report,
    }


def _public_surfaces(client, meeting, papers) -> str:
    """Everything a reader may get without being an officer, as text."""
    out = [client.get(meeting.get_absolute_url()).content.decode()]
    for paper in papers:
        if isinstance(paper, Document):
            response = client.get(reverse("document-download", args=[paper.pk]))
            out.append(f"download {paper.pk}: {response.status_code}")
            if response.status_code == 200:
                out.append(_pdf_text(_body(response)))
            for name in ("oparl-file-access", "oparl-file-download"):
                response = client.get(reverse(name, args=[paper.pk]))
                if response.status_code == 200:
                    out.append(_pdf_text(_body(response)))
            out.append(
                client.get(reverse("oparl-object", args=["file", paper.pk])).content.decode()
            )
        else:
            out.append(client.get(reverse("report-detail", args=[paper.pk])).content.decode())
            out.append(
                client.get(reverse("oparl-object", args=["paper", paper.pk])).content.decode()
            )
    pack = client.get(reverse("meeting-pack", args=[meeting.pk]))
    if pack.status_code == 200:
        out.append(_pdf_text(_body(pack)))
    for word in (WITHDRAWN, OLD, REPORT_OLD, NEW):
        out.append(_search_results(client, word))
    out.append(client.get(reverse("papers-feed")).content.decode())
    body = reverse("oparl-body-collection", args=[Council.objects.get().pk, "file"])
    out.append(client.get(body).content.decode())
    return "\n".join(out)


def _search_results(client, word) -> str:
    """The list of results only (the page echoes the query elsewhere)."""
    page = client.get(reverse("search"), {"q": word}).content.decode()
    if '<ol class="govuk-list portal-search-results"' not in page:
        return ""
    return page.split('<ol class="govuk-list portal-search-results"', 1)[1].split("</ol>", 1)[0]


def test_withdrawn_paper_leaves_every_public_surface(
    client, officer, outsider, world, django_capture_on_commit_callbacks
):
    meeting, paper = world["meeting"], world["withdrawn"]
    before = _public_surfaces(client, meeting, [paper])
    assert WITHDRAWN in before  # the canary is really there before
    assert WITHDRAWN in _search_results(client, WITHDRAWN)
    assert (
        WITHDRAWN in client.get(reverse("oparl-object", args=["file", paper.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_paper(paper=paper, reason="Sent in error by the service.", by=officer)

    paper.refresh_from_db()
    assert paper.withdrawn_at is not None and paper.withdrawn_by == officer
    assert paper.history.filter(withdrawn_at__isnull=False).last().history_user == officer
    # Stale search rows are checked at query time; then the index itself is rebuilt.
    for reindexed in (False, True):
        if reindexed:
            index_meeting(meeting.pk)
        for who in (None, outsider):
            client.logout()
            if who:
                client.force_login(who)
            seen = _public_surfaces(client, meeting, [paper])
            assert WITHDRAWN not in seen
            assert f"download {paper.pk}: 404" in seen
    page = client.get(meeting.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f"withdrawn on {today:%-d %B %Y}: Sent in error by the service." in page
    # The rebuilt pack holds the other papers, not this one.
    assert Pack.objects.filter(meeting=meeting, kind="public").exists()
    pack_text = _pdf_text(Pack.objects.get(meeting=meeting, kind="public").path.read_bytes())
    assert OLD in pack_text and WITHDRAWN not in pack_text
    # OParl says the file was deleted.
    client.logout()
    gone = client.get(reverse("oparl-object", args=["file", paper.pk]))
    assert gone.status_code == 404 or gone.json().get("deleted") is True
    # Officers still read it, and see it on their page as withdrawn.
    client.force_login(officer)
    assert client.get(reverse("document-download", args=[paper.pk])).status_code == 200
    officer_page = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Withdrawn" in officer_page and "Sent in error by the service." in officer_page


def test_withdraw_needs_a_reason_and_a_published_paper(officer, world):
    with pytest.raises(ValidationError) as exc:
        services.withdraw_paper(paper=world["withdrawn"], reason="  ", by=officer)
    assert "reason" in exc.value.message_dict
    draft_meeting = MeetingFactory()
    doc = DocumentFactory(agenda_item=AgendaItemFactory(meeting=draft_meeting))
    with pytest.raises(ValidationError, match="never published"):
        services.withdraw_paper(paper=doc, reason="No.", by=officer)
    services.withdraw_paper(paper=world["withdrawn"], reason="Wrong paper.", by=officer)
    with pytest.raises(ValidationError, match="was withdrawn"):
        services.withdraw_paper(paper=world["withdrawn"], reason="Again.", by=officer)


def test_uploaded_report_and_its_pdf_are_withdrawn_together(officer, client):
    item = AgendaItemFactory(title="Uploaded")
    doc = DocumentFactory(agenda_item=item, title="The report PDF")
    report = ReportFactory(
        agenda_item=item, title="The report", source=Report.Source.UPLOADED, document=doc
    )
    services.withdraw_paper(paper=report, reason="Superseded by events.", by=officer)
    doc.refresh_from_db()
    assert doc.withdrawn_at is not None
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert page.count("Superseded by events.") == 1  # one note for the pair
    assert client.get(reverse("document-download", args=[doc.pk])).status_code == 404


def test_withdrawn_exempt_paper_leaves_no_public_note(officer, client):
    item = ExemptAgendaItemFactory(title="Contract")
    doc = DocumentFactory(agenda_item=item, title="Exempt TITLECANARY appendix")
    services.withdraw_paper(paper=doc, reason="Exempt REASONCANARY.", by=officer)
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "TITLECANARY" not in page and "REASONCANARY" not in page


def test_new_version_of_a_pdf_replaces_it_everywhere(
    client, officer, outsider, world, django_capture_on_commit_callbacks
):
    meeting, old = world["meeting"], world["old"]
    upload = SimpleUploadedFile("appendix-v2.pdf", make_pdf_bytes(2, f"{NEW} table"))
    with django_capture_on_commit_callbacks(execute=True):
        new = services.replace_document(
            document=old, uploaded_file=upload, note="Corrected table 2", by=officer
        )
    old.refresh_from_db()
    assert old.superseded_by == new and new.agenda_item == old.agenda_item
    assert new.order == old.order and new.title == old.title
    assert old.history.filter(superseded_by__isnull=False).last().history_user == officer
    Document.all_objects.filter(pk=new.pk).update(text=f"{NEW} table")
    index_meeting(meeting.pk)
    for who in (None, outsider):
        client.logout()
        if who:
            client.force_login(who)
        seen = _public_surfaces(client, meeting, [old, new])
        assert OLD not in seen
        assert f"download {old.pk}: 404" in seen and f"download {new.pk}: 200" in seen
        assert NEW in seen and "Corrected table 2" in seen
    pack_text = _pdf_text(Pack.objects.get(meeting=meeting, kind="public").path.read_bytes())
    assert NEW in pack_text and f"{OLD} table" not in pack_text
    # Officers see the earlier version and can still open it.
    client.force_login(officer)
    page = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Earlier versions (1)" in page and "Corrected table 2" in page
    assert client.get(reverse("document-download", args=[old.pk])).status_code == 200
    # Only the current version can be replaced again.
    with pytest.raises(ValidationError, match="earlier version"):
        services.replace_document(document=old, uploaded_file=upload, by=officer)


def test_new_version_of_an_authored_report(
    client, officer, outsider, world, django_capture_on_commit_callbacks
):
    meeting, report = world["meeting"], world["report"]
    with django_capture_on_commit_callbacks(execute=True):
        new = services.replace_report(
            report=report,
            sections=[("Summary", f"<p>{NEW} summary.</p><script>x</script>")],
            note="Summary rewritten",
            version=report.version,
            by=officer,
        )
    report.refresh_from_db()
    assert report.superseded_by == new and new.source == Report.Source.AUTHORED
    assert "<script>" not in new.sections.get().body  # sanitised
    index_meeting(meeting.pk)
    for who in (None, outsider):
        client.logout()
        if who:
            client.force_login(who)
        seen = _public_surfaces(client, meeting, [report, new])
        assert REPORT_OLD not in seen and NEW in seen and "Summary rewritten" in seen
    client.force_login(officer)
    old_page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "An earlier version" in old_page and REPORT_OLD in old_page
    response = client.get(reverse("officer-report-new-version", args=[report.pk]))
    assert response.status_code == 302  # only the current version gets a new one


def test_new_version_page_for_a_report(client, officer, world):
    client.force_login(officer)
    report = world["report"]
    url = reverse("officer-report-new-version", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Publish the new version" in page and "What changed in this version" in page
    data = {
        "title": report.title,
        "purpose": report.purpose,
        "is_public_report": "on",
        "version": report.version,
        "note": "Figures updated",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "Summary",
        "sections-0-body": f"{NEW} text",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.superseded_by is not None
    assert report.superseded_by.version_note == "Figures updated"


def test_move_within_the_meeting_and_to_another_meeting(
    client, officer, world, django_capture_on_commit_callbacks
):
    meeting, doc = world["meeting"], world["old"]
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_paper(paper=doc, to_item=world["other"], by=officer)
    assert moved.agenda_item == world["other"] and not moved.is_draft
    assert moved.history.filter(agenda_item=world["other"]).last().history_user == officer
    page = client.get(meeting.get_absolute_url()).content.decode()
    # In the agenda (the pack area above it may name the paper too: issue 16).
    agenda = page[page.index('<h2 class="govuk-heading-m">Agenda</h2>') :]
    assert agenda.index("Appendix revised") > agenda.index("Libraries")
    # To another published meeting of the committee: a draft late paper there.
    later = PublishedMeetingFactory(committee=meeting.committee)
    target = AgendaItemFactory(meeting=later, title="Budget again")
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_paper(paper=moved, to_item=target, by=officer)
    assert moved.is_draft and moved.is_late
    assert client.get(reverse("document-download", args=[doc.pk])).status_code == 404
    pack_text = _pdf_text(Pack.objects.get(meeting=meeting, kind="public").path.read_bytes())
    assert OLD not in pack_text
    # To an unpublished meeting: it goes out with that agenda.
    draft = MeetingFactory(committee=meeting.committee)
    moved = services.move_paper(paper=moved, to_item=AgendaItemFactory(meeting=draft), by=officer)
    assert not moved.is_draft and not moved.is_late
    # Never to another committee's meeting.
    elsewhere = AgendaItemFactory(meeting=PublishedMeetingFactory(committee=CommitteeFactory()))
    with pytest.raises(ValidationError, match="same committee"):
        services.move_paper(paper=moved, to_item=elsewhere, by=officer)


def test_move_from_exempt_to_open_needs_confirmation(client, officer):
    exempt = ExemptAgendaItemFactory(title="Contract")
    open_item = AgendaItemFactory(meeting=exempt.meeting, title="Open item")
    doc = DocumentFactory(agenda_item=exempt, title="Private appendix")
    with pytest.raises(ValidationError) as exc:
        services.move_paper(paper=doc, to_item=open_item, by=officer)
    assert "confirm_public" in exc.value.message_dict
    assert client.get(reverse("document-download", args=[doc.pk])).status_code == 404
    services.move_paper(paper=doc, to_item=open_item, confirm_public=True, by=officer)
    assert client.get(reverse("document-download", args=[doc.pk])).status_code == 200


def test_move_takes_earlier_versions_along(officer, world):
    upload = SimpleUploadedFile("v2.pdf", make_pdf_bytes(1, "v2"))
    new = services.replace_document(document=world["old"], uploaded_file=upload, by=officer)
    services.move_paper(paper=new, to_item=world["other"], by=officer)
    world["old"].refresh_from_db()
    assert world["old"].agenda_item == world["other"]


def test_officer_pages_withdraw_replace_move(client, officer, world):
    client.force_login(officer)
    doc = world["withdrawn"]
    page = client.get(reverse("officer-meeting", args=[world["meeting"].pk])).content.decode()
    for name in ("officer-document-withdraw", "officer-document-new-version"):
        assert reverse(name, args=[doc.pk]) in page
    # Withdraw without a reason: the form says so, nothing changes.
    url = reverse("officer-document-withdraw", args=[doc.pk])
    response = client.post(url, {"reason": ""})
    assert "Enter the reason the paper is withdrawn" in response.content.decode()
    doc.refresh_from_db()
    assert doc.withdrawn_at is None
    # Move page lists the meeting's other items.
    move = client.get(reverse("officer-document-move", args=[world["old"].pk])).content.decode()
    assert "2: Libraries" in move
    # Another committee's item (only a tampered form sends it): a plain message, no move.
    foreign = AgendaItemFactory(meeting=MeetingFactory(), title="Elsewhere")
    response = client.post(
        reverse("officer-document-move", args=[world["old"].pk]), {"to_item": foreign.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to_item"] == [
        "Choose an item of this committee's meetings."
    ]
    assert "Select a valid choice" not in response.content.decode()
    assert Document.objects.get(pk=world["old"].pk).agenda_item_id != foreign.pk
    response = client.post(
        reverse("officer-document-move", args=[world["old"].pk]), {"to_item": world["other"].pk}
    )
    assert response.status_code == 302
    # Replace with a file that is not a PDF: the message is on the page.
    response = client.post(
        reverse("officer-document-new-version", args=[world["old"].pk]),
        {"uploaded_file": SimpleUploadedFile("x.pdf", b"not a pdf"), "title": "T"},
    )
    assert "not a PDF" in response.content.decode()


def test_non_officers_cannot_reach_the_paper_actions(client, outsider, world):
    client.force_login(outsider)
    for name in (
        "officer-document-withdraw",
        "officer-document-new-version",
        "officer-document-move",
    ):
        assert client.get(reverse(name, args=[world["old"].pk])).status_code == 403


def test_members_pack_is_not_served_with_a_withdrawn_paper(
    client, officer, django_capture_on_commit_callbacks
):
    Council.objects.create(name="Kirklees Council", address="Town Hall")
    meeting = PublishedMeetingFactory()
    AgendaItemFactory(meeting=meeting, order=1, number="1", title="Open business")
    exempt = ExemptAgendaItemFactory(meeting=meeting, order=2, number="2", title="Contract")
    doc = DocumentFactory(agenda_item=exempt, title="Exempt appendix", pages=1)
    with django_capture_on_commit_callbacks(execute=True):
        ok_build(meeting)
    client.force_login(officer)
    url = reverse("meeting-members-pack", args=[meeting.pk])
    assert client.get(url).status_code == 200
    # Withdrawn, and the rebuild not run yet: the old members' pack is not served.
    services.withdraw_paper(paper=doc, reason="Wrong contract.", by=officer)
    response = client.get(url)
    assert response.status_code == 404
    assert "being updated" in response.content.decode()
