"""Every kind of PDF the portal generates passes the structure check (issue 16 finding 2).

``scrutiny.pdfcheck.check_pdf`` fails on a page without structure, a TH without a scope, a
Figure without alternative text, a missing /Lang or title. It is run here on the PDFs as the
portal makes them: the minutes PDF and the three tracker PDFs through their real views (a
signed-in reader gets them built), and an agenda pack built by the real builder from authored
and generated reports only (a work-programme tracker and a KPI report with charts). The
checker itself is proved to fail on PDFs that break each rule, and ``manage.py check_pdf``
is run on a file as an officer would.
"""

from __future__ import annotations

import io
from decimal import Decimal as D

import pikepdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from meetings.models import Report
from meetings.packs.models import Pack
from performance import services as performance_services
from scrutiny.pdfcheck import check_pdf
from scrutiny.printing import add_table_header_scopes, render_pdf
from tests.factories import make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    PublishedMeetingFactory,
    ReportFactory,
    make_pdf_bytes,
)
from tests.factories.performance import KPIFactory, ServiceAreaFactory, figure, financial_year
from tests.factories.workprogramme import (
    ImprovementActionFactory,
    PlanPriorityFactory,
    ReviewRecommendationFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from tests.hardening.test_stored_pdfs import body, published_minutes
from tests.packs.helpers import ok_build

pytestmark = pytest.mark.django_db


def struct_elements(data: bytes, kind: str) -> list[pikepdf.Dictionary]:
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if pikepdf.Name(kind) == kid.S:
                        found.append(pikepdf.Dictionary(kid.A) if "/A" in kid else None)
                    stack.append(kid)
    return found


def outline_titles(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack.extend(item.children)
        return titles


def assert_structured(data: bytes, *, tables: bool = True) -> None:
    report = check_pdf(data)
    assert report.ok, report.text()
    assert report.pages >= 1 and not report.untagged_pages
    if tables:
        assert report.elements["TH"] > 0


@pytest.fixture
def officer_client(client):
    client.force_login(make_user("officer"))
    return client


def test_the_minutes_pdf_passes(officer_client):
    meeting, _minute = published_minutes()
    response = officer_client.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert_structured(body(response))


def _trackers():
    programme = WorkProgrammeFactory()
    for n in (1, 2, 3):
        WorkProgrammeItemFactory(programme=programme, number=n, issue=f"Issue number {n}")
    priority = PlanPriorityFactory(title="Priority one")
    ImprovementActionFactory(priority=priority, number=1, text="Issue number 1 action")
    second = PlanPriorityFactory(plan=priority.plan, title="Priority two")
    ImprovementActionFactory(priority=second, number=2, text="Issue number 2 action")
    rec = ReviewRecommendationFactory(number=1, text="Issue number 1 recommendation")
    return [
        ("workprogramme", programme.pk),
        ("improvement-plan", priority.plan.slug),
        ("review", rec.review.slug),
    ]


def test_every_tracker_pdf_passes_and_has_a_heading_and_bookmark_per_section(officer_client):
    from workprogramme import trackers

    for kind, key in _trackers():
        response = officer_client.get(reverse("tracker-pdf", args=[kind, key]))
        assert response.status_code == 200, kind
        data = body(response)
        assert_structured(data)
        sections = [title for title, _rows in trackers.load(kind, key).printed_groups()]
        assert sections, kind
        headings = struct_elements(data, "/H2")
        assert len(headings) == len(sections), kind
        titles = outline_titles(data)
        for section in sections:
            assert section in titles, (kind, section, titles)
        # Column headers head their column.
        scopes = {str(a.Scope) for a in struct_elements(data, "/TH")}
        assert scopes == {"/Column"}, kind


@pytest.fixture
def kpi_report_item():
    periods = financial_year()
    area = ServiceAreaFactory(name="Family Support", slug="fs")
    kpi = KPIFactory(reference="KI 397", slug="ki-397", title="Assessments", service_area=area)
    for q, value in [(1, "74.2"), (2, "69.8"), (3, "65.1"), (4, "60.7")]:
        figure(kpi, periods[f"Q{q} 2016/17"], target=D("85"), actual=D(value))
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, order=3, number="3", title="Performance Q4")
    performance_services.create_performance_report(
        agenda_item=item,
        period=periods["Q4 2016/17"],
        title="Q4 performance",
        service_area=area,
        is_late=False,
    )
    return item


def test_a_pack_of_authored_and_generated_reports_passes(kpi_report_item):
    meeting = kpi_report_item.meeting
    authored = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Services update")
    ReportFactory(
        agenda_item=authored,
        title="Services update report",
        sections=[
            ("Summary", "<p>The summary.</p>"),
            (
                "Figures",
                '<table><thead><tr><th scope="col">Year</th><th scope="col">Cost</th></tr>'
                '</thead><tbody><tr><th scope="row">2016</th><td>£1</td></tr></tbody></table>',
            ),
        ],
    )
    programme = WorkProgrammeFactory(committee=meeting.committee)
    WorkProgrammeItemFactory(programme=programme, number=1, issue="Issue number 1")
    tracker_item = AgendaItemFactory(meeting=meeting, order=2, number="2", title="Programme")
    ReportFactory(
        agenda_item=tracker_item,
        title="Work programme",
        source=Report.Source.GENERATED,
        generator="workprogramme.tracker",
        generator_params={"tracker": "workprogramme", "key": programme.pk},
    )
    ok_build(meeting)
    data = Pack.objects.get(meeting=meeting, kind="public").path.read_bytes()
    assert_structured(data)
    report = check_pdf(data)
    assert report.elements["Figure"] > 0, report.text()  # the KPI report's charts
    scopes = [str(a.Scope) for a in struct_elements(data, "/TH")]
    assert "/Row" in scopes and "/Column" in scopes


# --- the checker fails where it should ---------------------------------------------------------

TABLE = "<table><tr><th>Head</th></tr><tr><td>Cell</td></tr></table>"


def _weasy(html: str) -> bytes:
    """A tagged PDF straight from WeasyPrint, without the printing module's finishing."""
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def test_weasyprint_alone_leaves_headers_unscoped_and_the_check_says_so():
    data = _weasy(f'<html lang="en-GB"><title>T</title><h1>T</h1>{TABLE}</html>')
    report = check_pdf(data)
    assert not report.ok
    assert any("no /Scope" in p for p in report.problems), report.text()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert add_table_header_scopes(pdf) == 1
        out = io.BytesIO()
        pdf.save(out)
    assert check_pdf(out.getvalue()).ok


def test_header_scope_follows_the_row():
    data = render_pdf(
        "print/base.html",
        {},
        title="Scopes",
    )
    assert check_pdf(data).ok  # an empty document still passes (no tables)
    html = (
        '<html lang="en-GB"><title>T</title><table><thead><tr><th>A</th><th>B</th></tr></thead>'
        "<tbody><tr><th>Row</th><td>1</td></tr><tr><th>Col2</th><th>x</th></tr></tbody>"
        "</table></html>"
    )
    with pikepdf.open(io.BytesIO(_weasy(html))) as pdf:
        add_table_header_scopes(pdf)
        out = io.BytesIO()
        pdf.save(out)
    scopes = [str(a.Scope) for a in struct_elements(out.getvalue(), "/TH")]
    assert sorted(scopes) == sorted(["/Column", "/Column", "/Row", "/Column", "/Column"])


def test_missing_language_title_figure_alt_and_page_structure_fail():
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    data = _weasy(f'<html lang="en-GB"><title>T</title><p>x</p><img alt="" src="{png}"></html>')
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.Root["/Lang"]
        del pdf.docinfo["/Title"]
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            if "dc:title" in xmp:
                del xmp["dc:title"]
        del pdf.Root.ViewerPreferences["/DisplayDocTitle"]
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if pikepdf.Name.Figure == kid.S and "/Alt" in kid:
                        del kid["/Alt"]
                    stack.append(kid)
        untagged = pikepdf.open(io.BytesIO(_weasy("<p>Plain</p>")))
        untagged_page = untagged.pages[0]
        del untagged_page.obj["/StructParents"]
        pdf.pages.append(untagged_page)
        out = io.BytesIO()
        pdf.save(out)
    report = check_pdf(out.getvalue())
    text = report.text()
    assert "no language" in text
    assert "no title" in text
    assert "DisplayDocTitle" in text
    assert "no alternative text" in text, text
    assert "Page 2 has no structure" in text
    assert report.untagged_pages == [2]


def test_marked_content_outside_the_parent_tree_fails():
    data = _weasy(f'<html lang="en-GB"><title>T</title><h1>T</h1><p>Text</p>{TABLE}</html>')
    with pikepdf.open(io.BytesIO(data)) as pdf:
        add_table_header_scopes(pdf)
        key = int(pdf.pages[0].obj.StructParents)
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        held = tree[key]
        held[1] = None  # the second marked sequence loses its structure element
        out = io.BytesIO()
        pdf.save(out)
        good = check_pdf(out.getvalue())
        del tree[key]
        out2 = io.BytesIO()
        pdf.save(out2)
    assert "Page 1: marked content 1 is in no structure element" in good.text()
    assert (
        "Page 1's marked content is not in the structure tree" in check_pdf(out2.getvalue()).text()
    )


def test_check_pdf_command_reports_and_fails(tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(render_pdf("print/base.html", {}, title="Good paper"))
    call_command("check_pdf", str(good))
    assert "Structure check passed" in capsys.readouterr().out
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(make_pdf_bytes(1, "An old export"))
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"not a pdf")
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("check_pdf", str(good), str(bad), str(garbage))
    out = capsys.readouterr().out
    assert "Structure check FAILED" in out and "Not a readable PDF" in out
    assert "Page 1 has text outside any tag" in out
