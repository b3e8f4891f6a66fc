"""The demo data answers the issue's questions from the site alone: what the panel plans and
when, how each Ten Point Plan action is doing, and what became of the 27 recommendations."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from workprogramme import demo
from workprogramme.models import (
    Consideration,
    ImprovementAction,
    InspectionRecommendation,
    PlanPriority,
    ReviewRecommendation,
    WorkProgrammeItem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(db):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def counts():
    return (
        WorkProgrammeItem.objects.count(),
        PlanPriority.objects.count(),
        ImprovementAction.objects.count(),
        InspectionRecommendation.objects.count(),
        ReviewRecommendation.objects.count(),
        Consideration.objects.count(),
    )


def test_demo_content_and_idempotence(client, demo_data):
    before = counts()
    assert before[:2] == (10, 10)
    assert before[3:5] == (27, 27)
    demo.load()
    assert counts() == before

    html = client.get("/committees/childrens-scrutiny-panel/work-programme/?year=2017/18")
    html = html.content.decode()
    for issue in ["Elective Home Education", "Regional Adoption", "KSCB", "PSHE / Prevent"]:
        assert issue in html
    assert "Agenda plan 2017/18" in html

    plan = client.get("/improvement-plans/kirklees-ten-point-plan/").content.decode()
    assert "invented" in plan and "Front Door" in plan and "O12" in plan
    action = ImprovementAction.objects.get(priority__number=4, number=2)
    assert [r.code for r in action.inspection_recommendations.all()] == ["O12"]

    review = client.get("/reviews/ad-hoc-childrens-services-2016/").content.decode()
    assert "27 recommendations" in review and "invented for the demonstration" in review
    rec19 = ReviewRecommendation.objects.get(number=19)
    assert rec19.body_reference == "Section 10, recommendation 17"
    page = client.get(rec19.get_absolute_url()).content.decode()
    assert "Invented for the demo" in page and "Acceptable progress (amber)" in page
    late = client.get("/reviews/ad-hoc-childrens-services-2016/?late=yes").content.decode()
    assert "Late: more than two months" in late

    lead = client.get(demo.LeadMemberReport.objects.get().get_absolute_url()).content.decode()
    assert "Sufficiency of Children" in lead and "Cllr Andrew Cooper" in lead


def test_demo_date_parsing():
    import datetime as dt

    assert demo.month_end("in place by Apr18") == dt.date(2018, 4, 30)
    assert demo.month_end("by Sept 2018") == dt.date(2018, 9, 30)
    assert demo.last_date_in("from Jan to July 18") == dt.date(2018, 7, 31)
    assert demo.targets_in("to 70% by July 2018, 90% by March 2019") == [
        ("70%", dt.date(2018, 7, 31)),
        ("90%", dt.date(2019, 3, 31)),
    ]
