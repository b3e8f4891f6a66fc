"""Services: RAG computed on every write, overrides with reasons in history, optimistic
locking, cumulative pro rata, periods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from performance import services
from performance.models import Figure, Period
from scrutiny.conflicts import CONFLICT_MESSAGE, EditConflict
from tests.factories import make_user
from tests.factories.performance import KPIFactory, figure, financial_year

pytestmark = pytest.mark.django_db


def test_financial_year_has_year_quarters_and_months():
    periods = financial_year(2016)
    assert periods["2016/17"].start_date == dt.date(2016, 4, 1)
    assert periods["2016/17"].end_date == dt.date(2017, 3, 31)
    q4 = periods["Q4 2016/17"]
    assert (q4.start_date, q4.end_date, q4.number) == (dt.date(2017, 1, 1), dt.date(2017, 3, 31), 4)
    assert q4.due_on == dt.date(2017, 5, 12)
    assert periods["February 2017"].number == 11
    assert periods["February 2017"].end_date == dt.date(2017, 2, 28)
    assert Period.objects.count() == 17
    services.ensure_financial_year(start_year=2016)  # idempotent
    assert Period.objects.count() == 17


def test_figure_gets_its_rag_computed_and_nobody_types_it():
    periods = financial_year()
    kpi = KPIFactory(reference="KI 397", polarity="increase")
    f = figure(kpi, periods["Q4 2016/17"], target=D("85"), actual=D("60.7"))
    assert f.computed_rag == "off_track"
    assert "computed_rag" not in services.FIGURE_FIELDS
    with pytest.raises(TypeError):
        services.record_figure(kpi=kpi, period=periods["Q4 2016/17"], computed_rag="on_track")


def test_editing_a_figure_rerates_it_and_checks_the_version():
    periods = financial_year()
    kpi = KPIFactory()
    officer = make_user("officer")
    q1 = periods["Q1 2016/17"]
    f = services.save_figure(kpi=kpi, period=q1, target=D("80"), actual=D("70"), by=officer)
    assert f.computed_rag == "off_track" and f.version == 1
    f = services.save_figure(
        kpi=kpi, period=q1, version=1, target=D("80"), actual=D("79"), by=officer
    )
    assert f.computed_rag == "at_risk" and f.version == 2
    with pytest.raises(EditConflict) as err:
        services.save_figure(kpi=kpi, period=q1, version=1, target=D("80"), actual=D("90"))
    assert err.value.message_dict == {"__all__": [CONFLICT_MESSAGE]}  # the one message
    assert Figure.objects.get(pk=f.pk).actual == D("79")
    assert f.history.first().history_user == officer


def test_figure_validation_errors_have_field_keys():
    periods = financial_year()
    kpi = KPIFactory(first_year=2017)
    with pytest.raises(ValidationError) as err:
        services.save_figure(kpi=kpi, period=periods["Q1 2016/17"], actual=D("120"))
    assert set(err.value.message_dict) >= {"period", "actual"}
    assert not Figure.objects.exists()


def test_override_needs_a_reason_is_kept_in_history_and_cleared_when_figures_change():
    periods = financial_year()
    kpi = KPIFactory()
    officer = make_user("officer")
    f = figure(kpi, periods["Q2 2016/17"], target=D("85"), actual=D("60"))
    with pytest.raises(ValidationError) as err:
        services.override_rag(figure=f, status="at_risk", reason=" ", version=f.version)
    assert "reason" in err.value.message_dict
    f = services.override_rag(
        figure=f,
        status="at_risk",
        reason="Validated late data shows 81% for the quarter.",
        version=f.version,
        by=officer,
    )
    assert f.rag_on(dt.date(2026, 1, 1)) == "at_risk"
    assert f.computed_rag == "off_track"
    latest = f.history.first()
    assert latest.history_user == officer
    assert "Validated late data" in latest.history_change_reason
    assert latest.override_rag == "at_risk"
    # New figures: the override no longer applies, and the history says so.
    f = services.record_figure(kpi=kpi, period=f.period, actual=D("86"))
    assert f.override_rag == "" and f.rag_on(dt.date(2026, 1, 1)) == "on_track"
    assert "cleared" in f.history.first().history_change_reason


def test_database_refuses_an_override_without_reason():
    from django.db import IntegrityError, transaction

    periods = financial_year()
    f = figure(KPIFactory(), periods["Q1 2016/17"], target=D("1"), actual=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=f.pk).update(override_rag="on_track", override_reason="")


def test_cumulative_quarters_use_the_year_target_pro_rata():
    periods = financial_year()
    kpi = KPIFactory(reference="KI 220", polarity="decrease", unit="number", is_cumulative=True)
    q2 = figure(kpi, periods["Q2 2016/17"], actual=D("10"))
    assert q2.computed_rag == "no_target"
    figure(kpi, periods["2016/17"], target=D("18"), actual=D("12"))
    q2.refresh_from_db()
    assert q2.effective_target == D("9") and q2.target_is_pro_rata
    assert q2.computed_rag == "off_track"  # 10 > 9 + 5%
    assert q2.target_text == "9 (year target pro rata)"


def test_changing_polarity_rerates_every_figure():
    periods = financial_year()
    kpi = KPIFactory(polarity="increase")
    f = figure(kpi, periods["Q1 2016/17"], target=D("20"), actual=D("27.6"))
    assert f.computed_rag == "on_track"
    services.update_kpi(kpi=kpi, version=kpi.version, polarity="decrease")
    f.refresh_from_db()
    assert f.computed_rag == "off_track"
    with pytest.raises(ValidationError):
        services.update_kpi(kpi=kpi, version=1, polarity="increase")  # stale version


def test_unchanged_values_write_no_new_history():
    periods = financial_year()
    kpi = KPIFactory()
    f = figure(kpi, periods["Q1 2016/17"], target=D("20"), actual=D("21"))
    before = f.history.count()
    figure(kpi, periods["Q1 2016/17"], target=D("20.0"), actual=D("21.00"))
    assert f.history.count() == before
