"""Issue 23 finding 2: the recommendations tracker's status filter takes several values at once
(checkboxes), on the page, the CSV and the PDF, and says which it chose."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workprogramme.test_views import body, csv_rows, make_review, one_h1, pdf_text

pytestmark = pytest.mark.django_db


def test_status_filter_takes_several_values(client):
    review = make_review(6)  # statuses alternate: achieved (odd numbers), unacceptable (even)
    for url in (review.get_absolute_url(), reverse("review-recommendations")):
        page = client.get(url)
        html = page.content.decode()
        assert 'type="checkbox" name="status" value="achieved"' in html
        assert 'type="checkbox" name="status" value="not_assessed"' in html
        one = one_h1(client.get(url, {"status": ["unacceptable"]}))
        assert "Rec text 2." in one and "Rec text 3." not in one
        both = client.get(url, {"status": ["unacceptable", "achieved"]})
        html = one_h1(both)
        assert "Rec text 2." in html and "Rec text 3." in html
        assert "checked" in html.split('value="achieved"')[1].split(">")[0]
        none_chosen = one_h1(client.get(url, {"status": ["not_applicable"]}))
        assert "Rec text 2." not in none_chosen
    url = review.get_absolute_url()
    rows = csv_rows(client.get(url, {"status": ["unacceptable", "achieved"], "format": "csv"}))
    assert len(rows) == 5  # recs 2, 3, 5, 6 (1 and 4 await a response)
    rows = csv_rows(client.get(url, {"status": ["unacceptable"], "format": "csv"}))
    assert len(rows) == 3  # recs 2 and 6
    text = pdf_text(body(client.get(url, {"status": ["unacceptable"], "format": "pdf"})))
    assert "Rec text 2." in text and "Rec text 3." not in text


def test_chosen_labels_name_every_chosen_status():
    from django.http import QueryDict

    from scrutiny.filters import chosen_labels
    from workprogramme.filters import ReviewRecommendationFilter
    from workprogramme.models import ReviewRecommendation

    query = QueryDict("status=unacceptable&status=achieved")
    filterset = ReviewRecommendationFilter(query, queryset=ReviewRecommendation.objects.all())
    assert chosen_labels(filterset) == ["Unacceptable progress (red) or Achieved (green)"]
