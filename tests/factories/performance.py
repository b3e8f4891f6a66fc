"""Factories for performance indicators. Figures are written through the service so their
RAG status is computed exactly as in the portal."""

from __future__ import annotations

from decimal import Decimal

import factory

from performance import services
from performance.models import KPI, Period, ServiceArea, ToleranceKind, Unit


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.Sequence(lambda n: f"service-area-{n}")


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    reference = factory.Sequence(lambda n: f"KT {n:03d}")
    slug = factory.LazyAttribute(lambda o: o.reference.lower().replace(" ", "-"))
    title = factory.Sequence(lambda n: f"Test indicator {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)
    unit = Unit.PERCENT
    polarity = "increase"
    tolerance = Decimal("5")
    tolerance_kind = ToleranceKind.PERCENT
    first_year = 2016


def financial_year(start_year: int = 2016) -> dict[str, Period]:
    """The year's periods by label ("2016/17", "Q1 2016/17", "April 2016"…)."""
    return {p.label: p for p in services.ensure_financial_year(start_year=start_year)}


def figure(kpi: KPI, period: Period, **values):
    values.setdefault("commentary_kind", "")
    return services.record_figure(kpi=kpi, period=period, **values)
