"""tests/opendata/test_csv_streaming.py, and test_csv_bytes.py again
with the shared cache on (scrutiny.cache.generation_is_shared, issue 20): the public's
actions CSV and the KPI figures CSV are then written once per content generation and kept
(scrutiny.csvexport.stored), and must give the same bytes, follow every change, and answer
conditional requests as the written-on-request CSV does."""

import pytest
from django.urls import reverse

from tests.opendata.test_csv_bytes import *  # noqa: F403
from tests.opendata.test_csv_streaming import *  # noqa: F403


@pytest.mark.django_db
def test_the_kept_kpi_csv_follows_a_change(client):
    from tests.factories.performance import KPIFactory, figure, financial_year

    url = reverse("kpis-csv")
    kpi = KPIFactory(title="Kept figures one")
    figure(kpi, financial_year()["Q1 2016/17"], actual=5)

    def body() -> str:
        return b"".join(client.get(url).streaming_content).decode()

    assert "Kept figures one" in body()
    kpi.title = "Kept figures two"
    kpi.save()
    assert "Kept figures two" in body() and "Kept figures one" not in body()
