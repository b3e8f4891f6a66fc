"""The long lists of the work programme app are paged (50 a page, as on the action tracker):
all work programme items, all review recommendations, and the lead member reports on the
index (20 a page). The filters are kept in the page links, a page past the end or not a number
is answered with a page (never an error), and the CSV still has every matching row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from tests.factories import CommitteeFactory, MunicipalYearFactory
from tests.factories.workprogramme import (
    LeadMemberReportFactory,
    ReviewRecommendationFactory,
    ScrutinyReviewFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from workprogramme.models import ImplementationStatus, ItemStatus

pytestmark = pytest.mark.django_db

ITEMS = reverse("workprogramme-items")
RECS = reverse("review-recommendations")
INDEX = reverse("workprogramme-index")


def _body(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _links(body: str, rel: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'href="([^"]+)" rel="{rel}"', body)]


@pytest.fixture
def programme():
    """One programme of 55 issues, numbered 1–55; every odd one proposed."""
    programme = WorkProgrammeFactory()
    for n in range(1, 56):
        WorkProgrammeItemFactory(
            programme=programme,
            number=n,
            issue=f"Issue number {n:02d}",
            status=ItemStatus.PROPOSED if n % 2 else ItemStatus.SCHEDULED,
        )
    return programme


def test_items_are_fifty_a_page_and_page_two_has_the_rest(client, programme):
    first = _body(client, ITEMS)
    assert "Work programme items: 55 issues (page 1 of 2)" in first
    assert first.count("Issue number ") == 50
    assert "Issue number 50" in first and "Issue number 51" not in first
    assert _links(first, "next") == ["?page=2"] and not _links(first, "prev")
    assert 'aria-label="Pages of work programme items"' in first
    second = _body(client, ITEMS + _links(first, "next")[0])
    assert second.count("Issue number ") == 5
    assert "Issue number 51" in second and "Issue number 55" in second
    assert "Issue number 01" not in second
    assert "Page 2 of 2" in second and _links(second, "prev") == ["?page=1"]


def test_item_filters_are_kept_in_the_page_links_and_the_export(client, programme):
    for n in range(56, 81):
        WorkProgrammeItemFactory(
            programme=programme, number=n, issue=f"Issue number {n}", status=ItemStatus.PROPOSED
        )
    query = f"?year={programme.year.name}&status=proposed"
    first = _body(client, ITEMS + query)
    # 28 odd issues of 1–55, and 56–80.
    assert "53 issues (page 1 of 2)" in first
    (next_link,) = _links(first, "next")
    assert next_link == f"?year={programme.year.name.replace('/', '%2F')}&status=proposed&page=2"
    second = _body(client, ITEMS + next_link)
    assert second.count("Issue number ") == 3 and "Issue number 02" not in second
    # The CSV is every matching item, whatever page it was downloaded from.
    assert "Download all 53 matching items" in second
    (csv_link,) = re.findall(r'href="(\?[^"]*format=csv)"', second)
    assert "page" not in csv_link
    exported = client.get(ITEMS + csv_link.replace("&amp;", "&") + "&page=2")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sum(1 for row in rows if any("Issue number" in cell for cell in row)) == 53


@pytest.mark.parametrize("page", ["99", "0", "-1", "two", ""])
def test_a_page_out_of_range_or_not_a_number_is_a_page_not_an_error(client, programme, page):
    body = _body(client, f"{ITEMS}?page={page}")
    # As on the action tracker (``Paginator.get_page``): a number out of range gives the last
    # page, anything else the first.
    expected = "page 2 of 2" if page in ("99", "0", "-1") else "page 1 of 2"
    assert f"55 issues ({expected})" in body
    body = _body(client, f"{RECS}?page={page}")
    assert "0 recommendations" in body


def test_one_page_of_items_has_no_pagination(client):
    WorkProgrammeItemFactory(issue="The only issue")
    body = _body(client, ITEMS + "?page=3")
    assert "The only issue" in body and "1 issue</caption>" in body
    assert "govuk-pagination" not in body


@pytest.fixture
def recommendations():
    """55 recommendations of one review; every fifth achieved."""
    review = ScrutinyReviewFactory()
    for n in range(1, 56):
        ReviewRecommendationFactory(
            review=review,
            number=n,
            text=f"Recommendation text {n:02d}.",
            status=ImplementationStatus.ACHIEVED
            if n % 5 == 0
            else ImplementationStatus.NOT_ASSESSED,
        )
    return review


def test_recommendations_are_fifty_a_page_and_counted_in_full(client, recommendations):
    first = _body(client, RECS)
    assert "55 recommendations (page 1 of 2)" in first
    assert first.count("Recommendation text ") == 50
    second = _body(client, RECS + _links(first, "next")[0])
    assert second.count("Recommendation text ") == 5
    assert "Recommendation text 51." in second and "Recommendation text 01." not in second
    # The summary counts every recommendation, not only this page's.
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", second[second.index("<main") :]))
    assert "Achieved (green) 11 " in summary and "Not yet assessed 44 " in summary


def test_recommendation_filters_are_kept_in_the_page_links(client, recommendations):
    ScrutinyReviewFactory(panel=CommitteeFactory())  # another panel in the filter's choices
    query = f"?committee={recommendations.panel.slug}&status=not_assessed"
    first = _body(client, RECS + query)
    assert "44 recommendations</caption>" in first and "govuk-pagination" not in first
    for n in range(56, 70):
        ReviewRecommendationFactory(review=recommendations, number=n, text=f"Extra {n}.")
    first = _body(client, RECS + query)
    assert "58 recommendations (page 1 of 2)" in first
    (next_link,) = _links(first, "next")
    assert next_link == f"{query}&page=2"
    second = _body(client, RECS + next_link)
    assert second.count("Extra ") + second.count("Recommendation text ") == 8
    assert "Download all 58 matching recommendations" in second
    (csv_link,) = re.findall(r'href="(\?[^"]*format=csv)"', second)
    assert "page" not in csv_link


def test_index_lists_each_committees_latest_two_programmes_and_links_the_rest(client):
    committee = CommitteeFactory(name="Ten Year Panel")
    programmes = []
    for year in range(2010, 2018):
        programmes.append(
            WorkProgrammeFactory(
                committee=committee,
                year=MunicipalYearFactory(
                    start_date=dt.date(year, 5, 20), end_date=dt.date(year + 1, 5, 18)
                ),
            )
        )
    WorkProgrammeItemFactory(programme=programmes[-1], status=ItemStatus.PROPOSED)
    WorkProgrammeItemFactory(programme=programmes[-1], status=ItemStatus.COMPLETED)
    other = WorkProgrammeFactory(committee=CommitteeFactory(name="One Year Panel"))
    body = _body(client, INDEX)
    assert programmes[-1].get_absolute_url().replace("&", "&amp;") in body
    assert programmes[-2].get_absolute_url().replace("&", "&amp;") in body
    assert programmes[-3].get_absolute_url().replace("&", "&amp;") not in body
    everything = reverse("committee-workprogramme", args=[committee.slug])
    assert f'href="{everything}">All 8 years' in body
    assert other.get_absolute_url() in body and "All 1 years" not in body
    # The committee's page links every other year: nothing left the index unreachable.
    page = _body(client, everything)
    for programme in programmes[:-1]:
        assert f'href="?year={programme.year.name}"' in page


def test_index_pages_the_lead_member_reports_twenty_at_a_time(client):
    reports = [
        LeadMemberReportFactory(
            period_start=dt.date(2020, 1, 1) + dt.timedelta(days=40 * n),
            period_end=dt.date(2020, 1, 1) + dt.timedelta(days=40 * n + 30),
        )
        for n in range(25)
    ]
    first = _body(client, INDEX)
    assert "25 reports, newest first (page 1 of 2)" in first
    newest, oldest = reports[-1], reports[0]
    assert newest.get_absolute_url() in first and oldest.get_absolute_url() not in first
    (older,) = _links(first, "next")
    assert older == "?page=2#lead-member-reports" and "Older reports" in first
    second = _body(client, INDEX + older.split("#")[0])
    for report in reports[:5]:
        assert report.get_absolute_url() in second
    assert newest.get_absolute_url() not in second and "Newer reports" in second
