"""The agenda pack is read back from the real PDF: pages, stamps, bookmarks, links, tagging,
metadata, exempt handling, rebuild rules and bad inputs."""

from __future__ import annotations

import re

import pikepdf
import pypdf
import pytest
from django.core.files.base import ContentFile

from meetings.extensions import report_generators
from meetings.models import Meeting, Report, ReportSection
from meetings.packs.models import BuildStatus, Pack, PackBuild
from meetings.signals import meeting_changed, meeting_published
from scrutiny.models import Council
from tests.factories.meetings import AgendaItemFactory, DocumentFactory, ReportFactory
from tests.factories.packs import CANARY, make_pack_meeting

from .helpers import all_decoded_bytes, build, ok_build, pack, stamped_number, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    pm = make_pack_meeting()
    ok_build(pm.meeting)
    return pm


def test_public_pack_page_count_and_every_page_stamped(built):
    public = pack(built.meeting)
    pages = texts(public.path)
    # front sheet + authored report + appendix A (3) + appendix B (2) + placeholder + upload (4)
    report_pages = public.contents["papers"][0]["last"] - public.contents["papers"][0]["first"] + 1
    assert len(pages) == public.front_pages + report_pages + 3 + 2 + 1 + 4
    assert public.page_count == len(pages)
    assert [stamped_number(t) for t in pages] == list(range(1, len(pages) + 1))


def test_front_sheet_lists_council_notice_membership_and_agenda(built):
    public = pack(built.meeting)
    front = "\n".join(texts(public.path)[: public.front_pages])
    assert "Kirklees Council" in front
    assert "Huddersfield HD1 2TA" in front
    assert "Notice of meeting" in front
    assert f"{built.meeting.date:%A %-d %B %Y}" in front
    assert "10.00 a.m." in front
    assert "Meeting Room 4" in front
    assert re.search(r"Chair\s+Councillor Alison Chair", front)
    assert "Councillor Bob Member" in front
    assert "Co-optee" in front
    assert "Children's services update" in front
    assert "To receive a report on children's services." in front
    assert "Jane Officer, Head of Service" in front
    assert "Schedule 12A paragraph 6" in front


def test_agenda_page_ranges_match_where_papers_really_start(built):
    public = pack(built.meeting)
    pages = texts(public.path)
    front = "\n".join(pages[: public.front_pages])
    expected_first_page_text = {
        built.items["report"].pk: "Children's services update report",
        built.items["appendices"].pk: "APPENDIX-A portrait - page 1 of 3",
        built.items["exempt"].pk: "Exempt information — Schedule 12A paragraph 6",
        built.items["uploaded"].pk: "UPLOADED-REPORT body - page 1 of 4",
    }
    ranges = public.contents["items"]
    assert set(map(int, ranges)) == set(expected_first_page_text)
    for item_id, marker in expected_first_page_text.items():
        first, last = ranges[str(item_id)]
        label = f"Page {first}" if first == last else f"Pages {first}–{last}"
        assert label in front
        assert marker in pages[first - 1], (item_id, first)
        # The page before belongs to something else, the last page is still this item's.
        assert marker not in pages[first - 2]
    # Appendix B starts straight after appendix A's three pages.
    first, last = ranges[str(built.items["appendices"].pk)]
    assert "APPENDIX-B landscape - page 1 of 2" in pages[first - 1 + 3]
    assert "APPENDIX-B landscape - page 2 of 2" in pages[last - 1]
    # The item without papers has no range.
    assert str(built.items["membership"].pk) not in ranges


def test_front_sheet_links_go_to_the_item_pages(built):
    public = pack(built.meeting)
    targets = []
    with pikepdf.open(public.path) as pdf:
        for page in list(pdf.pages)[: public.front_pages]:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and action.get("/S") == pikepdf.Name.GoTo:
                    targets.append(pikepdf.Page(action.D[0]).index + 1)
                assert "pack.invalid" not in str(annot.get("/A", ""))
    firsts = sorted(first for first, _ in public.contents["items"].values())
    assert sorted(targets) == firsts


def test_bookmarks_per_item_with_papers_nested(built):
    public = pack(built.meeting)
    reader = pypdf.PdfReader(public.path)
    outline = reader.outline
    tops = [o for o in outline if not isinstance(o, list)]
    titles = [o.title for o in tops]
    assert titles == [
        "Notice of meeting and agenda",
        "2. Children's services update",
        "3. Performance appendices",
        "4. Contract award (exempt)",
        "5. Uploaded report item",
    ]
    ranges = public.contents["items"]
    for top in tops[1:]:
        item = next(i for i in built.items.values() if top.title.endswith(i.title))
        assert reader.get_destination_page_number(top) + 1 == ranges[str(item.pk)][0]
    # Papers nested under "3. Performance appendices".
    index = outline.index(tops[2])
    children = outline[index + 1]
    assert [c.title for c in children] == ["Appendix A", "Appendix B (landscape)"]
    papers = {p["title"]: p["first"] for p in public.contents["papers"]}
    for child in children:
        assert reader.get_destination_page_number(child) + 1 == papers[child.title]
    # The exempt item's bookmark has no papers under it (their titles are not public).
    assert not isinstance(outline[outline.index(tops[3]) + 1], list)


def test_tagged_language_and_metadata_survive_the_merge(built):
    public = pack(built.meeting)
    with pikepdf.open(public.path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert "/ParentTree" in pdf.Root.StructTreeRoot
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        # The front sheet and authored report pages point into the structure tree.
        assert "/StructParents" in pdf.pages[0].obj
        report_first = public.contents["papers"][0]["first"]
        assert "/StructParents" in pdf.pages[report_first - 1].obj
        assert str(pdf.docinfo.Title) == "Agenda pack: " + str(built.meeting).replace(" – ", ", ")
        assert str(pdf.docinfo.Author) == "Kirklees Council"
        meta = pdf.open_metadata()
        assert meta["dc:title"] == str(pdf.docinfo.Title)
        assert "Kirklees Council" in meta["dc:creator"]
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)


def test_exempt_canary_absent_from_public_pack_present_in_members_pack(built):
    public = pack(built.meeting)
    members = pack(built.meeting, "members")
    public_text = "\n".join(texts(public.path))
    assert CANARY not in public_text
    assert CANARY.encode() not in all_decoded_bytes(public.path)
    flat = " ".join(public_text.split())
    assert "Exempt information — Schedule 12A paragraph 6 — not for publication" in flat
    members_pages = texts(members.path)
    assert CANARY in "\n".join(members_pages)
    # NOT FOR PUBLICATION on every exempt page and only there.
    first, last = members.contents["items"][str(built.items["exempt"].pk)]
    for number, text in enumerate(members_pages, start=1):
        if first <= number <= last:
            assert "NOT FOR PUBLICATION" in text, number
        elif number > members.front_pages:
            assert "NOT FOR PUBLICATION" not in text, number
    assert "NOT FOR PUBLICATION" in members_pages[0]
    assert [stamped_number(t) for t in members_pages] == list(range(1, len(members_pages) + 1))


def test_unchanged_inputs_are_not_rebuilt(built):
    public = pack(built.meeting)
    mtime = public.path.stat().st_mtime_ns
    assert build(built.meeting) is None
    assert PackBuild.objects.filter(meeting=built.meeting).count() == 1
    assert public.path.stat().st_mtime_ns == mtime


def test_a_change_to_an_exempt_paper_rebuilds_only_the_members_pack(built):
    public_before = pack(built.meeting)
    members_before = pack(built.meeting, "members")
    section = ReportSection.objects.get(report__agenda_item=built.items["exempt"])
    section.body = f"<p>Revised {CANARY} figures.</p>"
    section.save()
    second = ok_build(built.meeting)
    assert pack(built.meeting).build_id == public_before.build_id
    assert pack(built.meeting).sha256 == public_before.sha256
    members_after = pack(built.meeting, "members")
    assert members_after.build_id == second.pk
    assert members_after.sha256 != members_before.sha256
    assert "Revised" in "\n".join(texts(members_after.path))


def test_the_meetings_bookkeeping_rebuilds_no_pack_but_what_it_prints_does(built):
    """Every change to a published meeting stamps ``papers_changed_at`` and marking it held
    changes its status: neither is printed, so neither may rebuild a pack (an exempt paper's
    change used to rebuild the public pack this way)."""
    from django.utils import timezone

    from meetings.models import MeetingStatus
    from meetings.packs.services import pending_kinds

    meeting = Meeting.all_objects.get(pk=built.meeting.pk)
    meeting.status = MeetingStatus.HELD
    meeting.papers_changed_at = timezone.now()
    meeting.status_notice = "Held as planned."
    meeting.save()
    assert pending_kinds(meeting) == {}
    meeting.venue = "Council Chamber, Huddersfield Town Hall"
    meeting.save()
    assert set(pending_kinds(meeting)) == {"public", "members"}


def test_a_public_change_rebuilds_the_public_pack_with_new_numbers(built):
    before = pack(built.meeting)
    DocumentFactory(agenda_item=built.items["report"], title="Extra appendix", pages=2, order=9)
    ok_build(built.meeting)
    after = pack(built.meeting)
    assert after.page_count == before.page_count + 2
    pages = texts(after.path)
    assert [stamped_number(t) for t in pages] == list(range(1, len(pages) + 1))
    first, _ = after.contents["items"][str(built.items["uploaded"].pk)]
    assert "UPLOADED-REPORT body - page 1 of 4" in pages[first - 1]


def test_broken_upload_fails_naming_it_and_keeps_the_last_good_pack(built, client):
    good = pack(built.meeting)
    good_bytes = good.path.read_bytes()
    etag = client.get(good.get_absolute_url())["ETag"]
    DocumentFactory(
        agenda_item=built.items["appendices"],
        title="Broken spreadsheet export",
        original_filename="export.pdf",
        file=ContentFile(b"%PDF-1.7\nthis is not really a pdf", name="x.pdf"),
        order=5,
    )
    failed = build(built.meeting)
    assert failed.status == BuildStatus.FAILED
    # A plain sentence naming the paper (second outside review: the officer was shown
    # "stream <_io.BytesIO object at 0x7f…>: unable to find trailer dictionary…").
    item = built.items["appendices"].number
    assert failed.error == (
        f"The PDF “Broken spreadsheet export” (export.pdf, item {item}) could not be read; "
        "upload it again."
    )
    for technical in ("BytesIO", "0x", "trailer", "stream"):
        assert technical not in failed.error
    kept = pack(built.meeting)
    assert kept.sha256 == good.sha256
    assert kept.path.read_bytes() == good_bytes
    assert not list(kept.path.parent.glob("*.tmp"))
    response = client.get(kept.get_absolute_url())
    assert response.status_code == 200
    assert response["ETag"] == etag


def test_supplementary_pack_continues_the_page_numbers(built):
    public = pack(built.meeting)
    DocumentFactory(
        agenda_item=built.items["appendices"],
        title="Late appendix C",
        pages=3,
        text="LATE-APPENDIX-C",
        is_late=True,
        urgency_reasons="Figures were only available after publication.",
    )
    DocumentFactory(
        agenda_item=built.items["exempt"],
        title="Late exempt paper",
        pages=1,
        text=f"LATE {CANARY}",
        is_late=True,
        urgency_reasons="Late.",
    )
    ok_build(built.meeting)
    assert pack(built.meeting).sha256 == public.sha256  # the main pack is unchanged
    supplementary = pack(built.meeting, "supplementary")
    assert supplementary.first_page == public.last_page + 1
    pages = texts(supplementary.path)
    numbers = [stamped_number(t) for t in pages]
    assert numbers == list(range(public.last_page + 1, public.last_page + 1 + len(pages)))
    front = "\n".join(pages[: supplementary.front_pages])
    assert "Supplementary agenda" in front
    assert "Figures were only available after publication." in front
    first, last = supplementary.contents["items"][str(built.items["appendices"].pk)]
    assert f"Pages {first}–{last}" in front
    assert "LATE-APPENDIX-C - page 1 of 3" in pages[first - supplementary.first_page]
    assert CANARY not in "\n".join(pages)
    assert CANARY.encode() not in all_decoded_bytes(supplementary.path)
    # The members' pack now carries the late exempt paper.
    assert "LATE CANARY" in "\n".join(texts(pack(built.meeting, "members").path))


def test_generated_reports_render_and_unknown_generators_do_not_break_the_pack(db):
    pm = make_pack_meeting(landscape=False)
    report_generators.register(
        "packs.test-generator", lambda report, *, for_print: "<p>GENERATED-BODY for print</p>"
    )
    ReportFactory(
        agenda_item=pm.items["report"],
        title="Generated KPI report",
        source=Report.Source.GENERATED,
        generator="packs.test-generator",
        order=5,
    )
    ReportFactory(
        agenda_item=pm.items["report"],
        title="Report with a missing generator",
        source=Report.Source.GENERATED,
        generator="no.such.generator",
        order=6,
    )
    ok_build(pm.meeting)
    text = "\n".join(texts(pack(pm.meeting).path))
    assert "GENERATED-BODY for print" in text
    assert "could not be generated" in text


def test_meeting_signals_queue_a_build(db, django_capture_on_commit_callbacks):
    pm = make_pack_meeting(landscape=False)
    meeting_published.send(sender=Meeting, meeting=pm.meeting)
    assert pack(pm.meeting).page_count > 0
    assert PackBuild.objects.get(meeting=pm.meeting).reason == "Agenda published"
    AgendaItemFactory(meeting=pm.meeting, order=9, number="9", title="Any other business")
    meeting_changed.send(sender=Meeting, meeting=pm.meeting)
    latest = PackBuild.objects.filter(meeting=pm.meeting).first()
    assert latest.reason == "Published meeting changed"
    assert latest.status == BuildStatus.OK
    public = pack(pm.meeting)
    assert "Any other business" in "\n".join(texts(public.path)[: public.front_pages])


def test_unpublished_meetings_are_not_built(db):
    from django.core.exceptions import ValidationError

    from meetings.packs import services
    from tests.factories.meetings import MeetingFactory

    meeting = MeetingFactory()
    with pytest.raises(ValidationError):
        services.request_build(meeting=meeting, reason="test")
    meeting_published.send(sender=Meeting, meeting=meeting)
    assert not Pack.objects.filter(meeting=meeting).exists()


def test_a_task_run_twice_does_nothing_the_second_time(built):
    from meetings.packs.tasks import build_meeting_packs

    first = PackBuild.objects.get(meeting=built.meeting)
    sha = pack(built.meeting).sha256
    result = build_meeting_packs.enqueue(build_id=first.pk)
    assert result.return_value == "skipped"
    assert pack(built.meeting).sha256 == sha


def test_a_rebuild_lays_out_the_front_sheet_once(built):
    again = ok_build(built.meeting, force=True)
    public_line = next(line for line in again.summary.splitlines() if "Agenda pack" in line)
    assert "(front sheet laid out 1×)" in public_line, again.summary


def test_a_wrong_first_guess_is_corrected(built, tmp_path):
    from meetings.packs import builder

    spec = builder.collect(built.meeting, "public")
    result = builder.build_pdf(spec, tmp_path / "guess.pdf", front_guess=4)
    assert result.layout_passes == 2
    assert result.front_pages == pack(built.meeting).front_pages
    assert result.contents == pack(built.meeting).contents


def test_scripts_in_uploads_do_not_reach_the_pack(db):
    import io

    from tests.factories.meetings import make_pdf_bytes

    pm = make_pack_meeting(landscape=False)
    with pikepdf.open(io.BytesIO(make_pdf_bytes(1, "SCRIPTED upload"))) as pdf:
        page = pdf.pages[0]
        js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        page.obj.AA = pikepdf.Dictionary(O=js)
        page.obj.Annots = pdf.make_indirect(
            pikepdf.Array(
                [
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Link,
                        Rect=[0, 0, 100, 100],
                        A=js,
                    )
                ]
            )
        )
        out = io.BytesIO()
        pdf.save(out)
    DocumentFactory(
        agenda_item=pm.items["report"],
        title="Scripted",
        file=ContentFile(out.getvalue(), name="s.pdf"),
        order=7,
    )
    ok_build(pm.meeting)
    public = pack(pm.meeting)
    assert "SCRIPTED upload" in "\n".join(texts(public.path))
    raw = all_decoded_bytes(public.path)
    assert b"/JavaScript" not in raw
    assert b"app.alert" not in raw


def test_a_pack_no_longer_needed_is_removed(built, django_capture_on_commit_callbacks):
    members = pack(built.meeting, "members")
    path = members.path
    item = built.items["exempt"]
    item.is_exempt = False
    item.exempt_paragraph = None
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = ok_build(built.meeting)
        # The file goes only once the row's deletion is committed.
        assert path.exists()
    assert "Members' pack (includes exempt papers): removed" in result.summary
    assert not Pack.objects.filter(meeting=built.meeting, kind="members").exists()
    assert not path.exists()


def test_page_stamps_use_an_embedded_font(built):
    """PDF/UA needs every font embedded, the "Page N" stamp's included."""
    public = pack(built.meeting)
    with pikepdf.open(public.path) as pdf:
        stamp_fonts = []
        for page in pdf.pages:
            for name, font in page.Resources.Font.items():
                if name.startswith("/PackStamp"):
                    stamp_fonts.append(font)
        assert len(stamp_fonts) >= len(pdf.pages)
        for font in stamp_fonts:
            assert str(font.Subtype) == "/TrueType"
            assert "/FontFile2" in font.FontDescriptor
            assert int(font.FirstChar) <= ord("P") and int(font.LastChar) >= ord("g")
        text = pypdf.PdfReader(str(public.path)).pages[-1].extract_text()
        assert f"Page {len(pdf.pages)}" in text
