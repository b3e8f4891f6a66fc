"""Issue 23 finding 2: each KPI row of a performance report on the portal links to the KPI's
page (the printed pack keeps plain references)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.extensions import report_generators
from tests.performance.test_report import report  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_report_rows_link_to_their_kpi_pages(client, report):  # noqa: F811
    html = str(report_generators.render(report, for_print=False))
    for slug, reference in (("ki-397", "KI 397"), ("ki-223", "KI 223")):
        url = reverse("kpi-detail", args=[slug])
        assert f'<a class="govuk-link" href="{url}">{reference}</a>' in html
        assert client.get(url).status_code == 200
    page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("kpi-detail", args=["ki-397"]) in page
    printed = str(report_generators.render(report, for_print=True))
    assert "KI 397" in printed and not re.search(r'href="[^"]*/performance/kpis/', printed)
