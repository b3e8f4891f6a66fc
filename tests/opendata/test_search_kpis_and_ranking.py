"""KPIs are searchable by reference and title, an exact reference ranks first, web pages rank
above PDF downloads of the same words, and a PDF result says it is one ("PDF, 1.2 MB") and
links the paper's web page when it has one (issue 16, finding 8). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opendata.indexing import index_meeting
from opendata.kpis import index_kpis, normalise_reference
from opendata.models import SearchDocument
from tests.factories.meetings import AgendaItemFactory, DocumentFactory, ReportFactory
from tests.factories.opendata import CANARY
from tests.factories.performance import KPIFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


def results(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return response.context["results"], response.content.decode()


def test_normalised_reference():
    assert normalise_reference("KI 397") == "KI397"
    assert normalise_reference(" ki-397 ") == "KI397"
    assert normalise_reference("children in care placements budget report") == ""
    assert normalise_reference("") == ""


def test_kpi_saved_is_found_by_its_reference(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kpi = KPIFactory(
            reference="KI 397",
            slug="ki-397",
            title="Children in care with three or more placements",
            service_area=ServiceAreaFactory(name="Children's social care"),
        )
    for q in ("KI 397", "ki397", "KI-397"):
        found, html = results(client, q)
        assert found and found[0][0].url == kpi.get_absolute_url(), q
        assert "Performance indicator page" in html
    found, _ = results(client, "three placements")
    assert [d.url for d, _ in found] == [kpi.get_absolute_url()]
    found, _ = results(client, "placements", type="kpi")
    assert [d.kind for d, _ in found] == ["kpi"]


def test_exact_reference_ranks_before_other_matches(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kpi = KPIFactory(reference="KI 397", slug="ki-397", title="Agency staff rate")
        AgendaItemFactory(meeting=world.meeting, title="Indicator KI 397 and its history")
    index_meeting(world.meeting.pk)
    found, _ = results(client, "KI 397")
    assert len(found) >= 2  # the item and its meeting too
    assert found[0][0].url == kpi.get_absolute_url()


def test_kpi_rows_follow_changes_and_deletion(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kpi = KPIFactory(reference="KI 12", slug="ki-12", title="Old title")
    with django_capture_on_commit_callbacks(execute=True):
        kpi.title = "Care leavers in education"
        kpi.save()
    found, _ = results(client, "care leavers")
    assert [d.url for d, _ in found] == [kpi.get_absolute_url()]
    with django_capture_on_commit_callbacks(execute=True):
        kpi.delete()
    assert not SearchDocument.objects.filter(kind="kpi").exists()
    assert results(client, "KI 12")[0] == []


def test_rebuild_indexes_kpis(client):
    KPIFactory(reference="KI 5", slug="ki-5")
    SearchDocument.objects.filter(kind="kpi").delete()
    assert index_kpis() == 1
    assert results(client, "KI 5")[0]


def test_web_pages_rank_above_pdf_downloads_and_pdfs_say_so(world, client):
    # A PDF with the words in its title and a report page with them in its purpose only.
    DocumentFactory(
        agenda_item=world.item,
        title="Fostering allowances appendix",
        text="fostering allowances table",
        size=1_234_567,
        page_count=4,
    )
    report = ReportFactory(
        agenda_item=world.item,
        title="Carers' support",
        purpose="The fostering allowances paid this year.",
    )
    index_meeting(world.meeting.pk)
    found, html = results(client, "fostering allowances")
    kinds = [d.kind for d, _ in found]
    assert kinds.index("report") < kinds.index("document"), kinds
    assert found[0][0].url == report.get_absolute_url()
    assert "(PDF, 1.2\xa0MB, 4 pages)" in html
    assert "This result opens a PDF file." in html


def test_a_pdf_result_links_the_report_page_it_belongs_to(world, client):
    pdf = DocumentFactory(agenda_item=world.item, title="Uploaded budget paper", text="budget")
    report = ReportFactory(
        agenda_item=world.item, title="Budget paper", source="uploaded", document=pdf
    )
    index_meeting(world.meeting.pk)
    found, html = results(client, "uploaded budget paper")
    assert "document" in [d.kind for d, _ in found]
    assert f'<a class="govuk-link" href="{report.get_absolute_url()}">Read it as a web page' in html


def test_exempt_pdf_never_gets_a_download_line(world, client):
    found, html = results(client, "agency staff")
    assert CANARY not in html
    assert all(d.kind != "document" or d.download for d, _ in found)


def test_search_page_with_kpis_and_pdfs_stays_within_the_query_target(world, client):
    from tests.query_counts import TARGET, page_queries

    KPIFactory(reference="KI 398", slug="ki-398", title="Agency staff turnover")
    index_kpis()
    DocumentFactory(agenda_item=world.item, title="Agency staff appendix", text="agency staff")
    index_meeting(world.meeting.pk)
    url = reverse("search") + "?q=agency+staff"
    found, _ = results(client, "agency staff")
    assert {"kpi", "document"} <= {d.kind for d, _ in found}
    assert page_queries(client, url) <= TARGET
