"""The demo data answers the issue's questions from the site alone: what the panel plans and
when, how each Ten Point Plan action is doing, and what became of the 27 recommendations."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from workprogramme.models import (
    Consideration,
    ImprovementAction,
    InspectionRecommendation,
    LeadMemberReport,
    MeasureTarget,
    PlanPriority,
    ProgressUpdate,
    ReviewRecommendation,
    WorkProgrammeItem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(demo_module, db):
    """The demo council, loaded once for this module (conftest.demo_module)."""


def counts():
    return (
        WorkProgrammeItem.objects.count(),
        PlanPriority.objects.count(),
        ImprovementAction.objects.count(),
        InspectionRecommendation.objects.count(),
        ReviewRecommendation.objects.count(),
        Consideration.objects.count(),
        ProgressUpdate.objects.count(),
        MeasureTarget.objects.count(),
        sorted(MeasureTarget.objects.values_list("pk", flat=True)),
    )


def test_demo_content_and_idempotence(client, demo_data):
    before = counts()
    assert before[:2] == (10, 10)
    assert before[3:5] == (27, 27)
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
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

    lead = client.get(LeadMemberReport.objects.get().get_absolute_url()).content.decode()
    assert "Sufficiency of Children" in lead and "Cllr Andrew Cooper" in lead


def test_demo_dates_from_the_plan_text(demo_data):
    """The dates the plan's text names are in the data (month ends): a deliverable's due date,
    a measure's dated targets, an action's due date (the latest deliverable of its priority)."""
    import calendar
    import datetime as dt

    from workprogramme.models import Deliverable, SuccessMeasure

    def month_end(day):
        return day.day == calendar.monthrange(day.year, day.month)[1]

    dated = Deliverable.objects.exclude(due_date=None)
    assert dated.count() > 10 and all(month_end(d.due_date) for d in dated)
    targets = MeasureTarget.objects.all()
    assert targets.count() == 30 and all(month_end(t.target_date) for t in targets)
    for measure in SuccessMeasure.objects.filter(targets__isnull=False).distinct():
        for target in measure.targets.all():
            assert target.target in measure.text
    for action in ImprovementAction.objects.select_related("priority"):
        latest = action.priority.deliverables.exclude(due_date=None).order_by("-due_date").first()
        expected = latest.due_date if latest else action.priority.plan.period_end
        assert action.due_date == expected
    assert Deliverable.objects.filter(done_date=dt.date(2017, 10, 31)).count() == 2
