"""Officer pages that replace Django admin for inspections, improvement plans (priorities,
actions, deliverables, success measures and their targets), scrutiny reviews and their
recommendations, action-plan items and lead member report highlights.

Each page: anonymous → sign in, councillor → 403, officer → the form; a valid save writes
through the service; a bad one shows the message where the user is and keeps what was typed;
a stale save (``version``) is refused with the conflict message."""

from __future__ import annotations

import datetime as dt
import re

import factory
import pytest
from django.urls import reverse

from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.performance import KPIFactory
from tests.factories.workprogramme import (
    DeliverableFactory,
    ImprovementActionFactory,
    ImprovementPlanFactory,
    InspectionFactory,
    InspectionRecommendationFactory,
    LeadMemberReportFactory,
    PlanPriorityFactory,
    ReviewRecommendationFactory,
    ScrutinyReviewFactory,
)
from workprogramme import services
from workprogramme.models import (
    ActionPlanItem,
    Deliverable,
    Highlight,
    HighlightKind,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    LeadMemberReport,
    MeasureTarget,
    PlanPriority,
    ReviewRecommendation,
    ScrutinyReview,
    SuccessMeasure,
)

pytestmark = pytest.mark.django_db
H1 = re.compile(r"<h1[\s>]")
CONFLICT = "Someone else saved this record"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2017, 9, 1, 9, tzinfo=LONDON), tick=False)


class SuccessMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuccessMeasure

    priority = factory.SubFactory(PlanPriorityFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Success measure {n}")


class MeasureTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureTarget

    measure = factory.SubFactory(SuccessMeasureFactory)
    target_date = dt.date(2018, 7, 31)
    target = "70%"


class ActionPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlanItem

    recommendation = factory.SubFactory(ReviewRecommendationFactory)
    text = factory.Sequence(lambda n: f"Action plan item {n}")
    owner = "Head of Service"
    due_date = dt.date(2017, 6, 30)


class HighlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Highlight

    report = factory.SubFactory(LeadMemberReportFactory)
    kind = HighlightKind.VISIT
    title = factory.Sequence(lambda n: f"Visit {n}")
    body = "The lead member visited."


@pytest.fixture
def officer(client):
    client.force_login(make_user("officer"))
    return client


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert len(H1.findall(html)) == 1
    return html


def shows_error(response, message: str, *typed: str) -> None:
    """The form came back with the error summary and message, and what was typed."""
    html = page_of(response)
    assert "There is a problem" in html
    assert message in html, message
    for value in typed:
        assert value in html, value


# --- who may use the pages -----------------------------------------------------------------------


def every_page() -> list[tuple[str, str]]:
    """(URL name, URL) of every new officer page, with records to point at."""
    inspection = InspectionFactory()
    rec = InspectionRecommendationFactory(inspection=inspection)
    plan = ImprovementPlanFactory(inspection=inspection)
    priority = PlanPriorityFactory(plan=plan)
    deliverable = DeliverableFactory(priority=priority)
    measure = SuccessMeasureFactory(priority=priority)
    target = MeasureTargetFactory(measure=measure)
    review = ScrutinyReviewFactory()
    review_rec = ReviewRecommendationFactory(review=review)
    plan_item = ActionPlanItemFactory(recommendation=review_rec)
    highlight = HighlightFactory()
    pages = {
        "officer-wp-inspection-add": [],
        "officer-wp-inspection-edit": [inspection.pk],
        "officer-wp-inspection-rec-add": [inspection.pk],
        "officer-wp-inspection-rec-edit": [rec.pk],
        "officer-wp-plan-add": [],
        "officer-wp-plan-edit": [plan.pk],
        "officer-wp-priority-add": [plan.pk],
        "officer-wp-priority-edit": [priority.pk],
        "officer-wp-action-add": [priority.pk],
        "officer-wp-deliverable-add": [priority.pk],
        "officer-wp-deliverable-edit": [deliverable.pk],
        "officer-wp-measure-add": [priority.pk],
        "officer-wp-measure-edit": [measure.pk],
        "officer-wp-target-add": [measure.pk],
        "officer-wp-target-edit": [target.pk],
        "officer-wp-target-remove": [target.pk],
        "officer-wp-review-add": [],
        "officer-wp-review-edit": [review.pk],
        "officer-wp-review-rec-add": [review.pk],
        "officer-wp-review-rec-edit": [review_rec.pk],
        "officer-wp-plan-item-edit": [plan_item.pk],
        "officer-wp-plan-item-remove": [plan_item.pk],
        "officer-wp-highlight-edit": [highlight.pk],
        "officer-wp-highlight-remove": [highlight.pk],
        "officer-wp-lead-report-edit": [highlight.report.pk],
        "officer-wp-deliverable-remove": [deliverable.pk],
        "officer-wp-measure-remove": [measure.pk],
        "officer-wp-inspection-rec-remove": [rec.pk],
    }
    return [(name, reverse(name, args=args)) for name, args in pages.items()]


def test_anonymous_users_sign_in_and_councillors_are_refused(client):
    pages = every_page()
    assert len(pages) == 28
    for name, url in pages:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith("/accounts/login/"), name
    client.force_login(make_user("councillor"))
    for name, url in pages:
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"text": "x", "title": "x"}).status_code == 403, name
    # Nothing was created or removed by the refused posts.
    assert MeasureTarget.objects.count() == 1
    assert ActionPlanItem.objects.count() == 1
    assert Highlight.objects.count() == 1
    assert Inspection.objects.count() == 1
    assert InspectionRecommendation.objects.count() == 1
    assert Deliverable.objects.count() == 1
    assert SuccessMeasure.objects.count() == 1
    assert LeadMemberReport.objects.get().lead_member_name == "Cllr Andrew Cooper"


def test_officers_get_every_page_with_one_h1(officer):
    for name, url in every_page():
        html = page_of(officer.get(url))
        assert "govuk-button" in html, name


def test_missing_records_are_404(officer):
    assert officer.get(reverse("officer-wp-priority-edit", args=[999999])).status_code == 404
    assert officer.post(reverse("officer-wp-target-remove", args=[999999])).status_code == 404


# --- inspections ---------------------------------------------------------------------------------


def test_add_and_edit_an_inspection(officer):
    url = reverse("officer-wp-inspection-add")
    response = officer.post(
        url, {"title": "Ofsted SEND 2018", "inspectorate": "Ofsted", "code_prefix": "o1"}
    )
    shows_error(response, "Enter 1 to 3 capital letters", 'value="Ofsted SEND 2018"')
    response = officer.post(
        url,
        {
            "title": "Ofsted SEND 2018",
            "inspectorate": "Ofsted and CQC",
            "published_on": "2017-03-01",
            "code_prefix": "S",
        },
    )
    inspection = Inspection.objects.get(title="Ofsted SEND 2018")
    assert inspection.slug == "ofsted-send-2018"
    assert response["Location"] == inspection.get_absolute_url()
    # A second one with the same title is told the address is taken.
    shows_error(
        officer.post(url, {"title": "Ofsted SEND 2018", "inspectorate": "CQC", "code_prefix": "S"}),
        "is already used",
    )
    edit = reverse("officer-wp-inspection-edit", args=[inspection.pk])
    assert 'value="Ofsted SEND 2018"' in page_of(officer.get(edit))
    data = {
        "version": 1,
        "title": "Ofsted and CQC SEND inspection 2018",
        "slug": "ofsted-send-2018",
        "inspectorate": "Ofsted and CQC",
        "code_prefix": "S",
    }
    assert officer.post(edit, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.title == "Ofsted and CQC SEND inspection 2018"
    assert inspection.version == 2
    assert inspection.history.count() == 2  # audited
    # The same form posted again is stale now: refused, typed values kept.
    data["title"] = "My stale title"
    shows_error(officer.post(edit, data), CONFLICT, "My stale title")
    assert Inspection.objects.get(pk=inspection.pk).title.startswith("Ofsted and CQC")


def test_inspection_recommendation_numbers_are_unique(officer):
    inspection = InspectionFactory(code_prefix="O")
    InspectionRecommendationFactory(inspection=inspection, number=12)
    url = reverse("officer-wp-inspection-rec-add", args=[inspection.pk])
    shows_error(
        officer.post(url, {"number": 12, "text": "Improve supervision."}),
        "Recommendation 12 already exists",
        "Improve supervision.",
    )
    response = officer.post(url, {"number": "", "text": "Improve supervision."})
    rec = InspectionRecommendation.objects.get(inspection=inspection, number=13)
    assert response["Location"].endswith("#rec-13")
    edit = reverse("officer-wp-inspection-rec-edit", args=[rec.pk])
    shows_error(
        officer.post(edit, {"version": 1, "number": 12, "text": "Reworded"}),
        "Recommendation 12 already exists",
        "Reworded",
    )
    assert officer.post(edit, {"version": 1, "number": 14, "text": "Reworded"}).status_code == 302
    rec.refresh_from_db()
    assert (rec.number, rec.text) == (14, "Reworded")
    html = page_of(officer.get(inspection.get_absolute_url()))
    assert "Reworded" in html and "Add a recommendation" in html


# --- improvement plans ---------------------------------------------------------------------------


def test_add_a_plan_and_edit_it(officer):
    committee = CommitteeFactory()
    inspection = InspectionFactory()
    url = reverse("officer-wp-plan-add")
    data = {
        "title": "SEND improvement plan",
        "period_start": "2018-04-01",
        "period_end": "2018-03-31",
        "committee": committee.pk,
        "inspection": inspection.pk,
        "body": "My careful introduction",
    }
    shows_error(
        officer.post(url, data),
        "The plan must end on or after it starts",
        "My careful introduction",
    )
    data["period_end"] = "2019-03-31"
    response = officer.post(url, data)
    plan = ImprovementPlan.objects.get(slug="send-improvement-plan")
    assert response["Location"] == plan.get_absolute_url()
    html = page_of(officer.get(plan.get_absolute_url()))
    assert "Add a priority" in html and "Edit the plan" in html
    edit = reverse("officer-wp-plan-edit", args=[plan.pk])
    assert 'name="slug"' not in page_of(officer.get(edit))  # fixed once made
    data.update(version=1, slug="tampered", title="SEND written statement of action")
    assert officer.post(edit, data).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "SEND written statement of action" and plan.version == 2
    assert plan.slug == "send-improvement-plan"


def test_plan_period_cannot_leave_a_target_outside(officer):
    target = MeasureTargetFactory(target_date=dt.date(2019, 1, 31))
    plan = target.measure.priority.plan
    edit = reverse("officer-wp-plan-edit", args=[plan.pk])
    data = {
        "version": plan.version,
        "title": plan.title,
        "slug": plan.slug,
        "period_start": "2017-09-01",
        "period_end": "2018-12-31",
        "body": "Typed body",
    }
    shows_error(officer.post(edit, data), "target dated 31 January 2019", "Typed body")
    assert ImprovementPlan.objects.get(pk=plan.pk).period_end == dt.date(2019, 3, 31)


def test_priorities_number_uniquely_and_edit(officer):
    plan = ImprovementPlanFactory()
    PlanPriorityFactory(plan=plan, number=1)
    url = reverse("officer-wp-priority-add", args=[plan.pk])
    shows_error(
        officer.post(url, {"number": 1, "title": "Leadership", "aims": "Aim A\nAim B"}),
        "Priority 1 already exists",
        "Leadership",
        "Aim A",
    )
    response = officer.post(url, {"title": "Leadership", "aims": "Aim A\nAim B"})
    priority = PlanPriority.objects.get(plan=plan, number=2)
    assert response["Location"] == plan.get_absolute_url() + "#priority-2"
    assert priority.aim_list == ["Aim A", "Aim B"]
    edit = reverse("officer-wp-priority-edit", args=[priority.pk])
    shows_error(officer.post(edit, {"version": 1, "number": 2, "title": ""}), "Enter the title")
    response = officer.post(edit, {"version": 1, "number": 3, "title": "Leadership and grip"})
    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.number, priority.title) == (3, "Leadership and grip")
    html = page_of(officer.get(plan.get_absolute_url()))
    assert "Edit priority 3" in html and "Add a deliverable" in html


def test_add_an_action_links_its_inspection_references(officer):
    priority = PlanPriorityFactory()
    inspection = priority.plan.inspection
    o12 = InspectionRecommendationFactory(inspection=inspection, number=12)
    ImprovementActionFactory(priority=priority, number=1)
    url = reverse("officer-wp-action-add", args=[priority.pk])
    shows_error(
        officer.post(url, {"number": 1, "text": "Audit case files (O12)"}),
        f"Action {priority.number}.1 already exists",
        "Audit case files (O12)",
    )
    response = officer.post(url, {"text": "Audit case files (O12)", "due_date": "2018-01-31"})
    action = ImprovementAction.objects.get(priority=priority, number=2)
    assert response["Location"] == action.get_absolute_url()
    assert list(action.inspection_recommendations.all()) == [o12]


def test_deliverables_add_and_edit(officer):
    priority = PlanPriorityFactory()
    url = reverse("officer-wp-deliverable-add", args=[priority.pk])
    shows_error(
        officer.post(url, {"text": "New case recording system", "done_date": "2017-09-02"}),
        "cannot be in the future",
        "New case recording system",
    )
    response = officer.post(url, {"text": "New case recording system", "due_text": "Spring 2018"})
    assert response.status_code == 302
    deliverable = Deliverable.objects.get(priority=priority)
    assert deliverable.number == 1 and deliverable.due_text == "Spring 2018"
    edit = reverse("officer-wp-deliverable-edit", args=[deliverable.pk])
    data = {
        "version": 1,
        "number": 1,
        "text": "New case recording system",
        "due_date": "2018-03-31",
        "done_date": "2017-08-20",  # finished early: allowed
    }
    assert officer.post(edit, data).status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.done_date == dt.date(2017, 8, 20) and deliverable.version == 2
    data["text"] = "Typed but stale"
    shows_error(officer.post(edit, data), CONFLICT, "Typed but stale")


def test_success_measures_and_dated_targets(officer):
    priority = PlanPriorityFactory()  # plan runs 1 Sep 2017 to 31 Mar 2019
    kpi = KPIFactory()
    url = reverse("officer-wp-measure-add", args=[priority.pk])
    response = officer.post(url, {"text": "Assessments within 45 days", "kpi": kpi.pk})
    assert response.status_code == 302
    measure = SuccessMeasure.objects.get(priority=priority)
    assert measure.kpi == kpi
    shows_error(
        officer.post(url, {"number": measure.number, "text": "Another"}),
        "Success measure 1 already exists",
        "Another",
    )
    edit = reverse("officer-wp-measure-edit", args=[measure.pk])
    data = {"version": 1, "number": 1, "text": "Assessments in time", "kpi_reference": "KI 397"}
    assert officer.post(edit, data).status_code == 302
    measure.refresh_from_db()
    assert measure.kpi is None and measure.kpi_reference == "KI 397"

    add_target = reverse("officer-wp-target-add", args=[measure.pk])
    shows_error(
        officer.post(add_target, {"target": "85%", "target_date": "2019-07-31"}),
        "within the plan&#x27;s period",
        'value="85%"',
        # The date is shown again in the GOV.UK date input's parts (issue 16).
        'name="target_date_day" type="text" inputmode="numeric" autocomplete="off" value="31"',
        'name="target_date_year" type="text" inputmode="numeric" value="2019"',
    )
    assert not MeasureTarget.objects.exists()
    response = officer.post(add_target, {"target": "85%", "target_date": "2018-07-31"})
    assert response["Location"] == priority.plan.get_absolute_url() + f"#priority-{priority.number}"
    target = MeasureTarget.objects.get(measure=measure)
    edit_target = reverse("officer-wp-target-edit", args=[target.pk])
    shows_error(
        officer.post(edit_target, {"version": 1, "target": "90%", "target_date": "2017-08-31"}),
        "within the plan&#x27;s period",
        'value="90%"',
    )
    data = {"version": 1, "target": "90%", "target_date": "2018-12-31"}
    assert officer.post(edit_target, data).status_code == 302
    html = page_of(officer.get(priority.plan.get_absolute_url()))
    assert "90% by December 2018" in html and "Add a target" in html
    remove = reverse("officer-wp-target-remove", args=[target.pk])
    assert "Yes, remove it" in page_of(officer.get(remove))
    assert MeasureTarget.objects.filter(pk=target.pk).exists()  # asking removes nothing
    assert officer.post(remove).status_code == 302
    assert not MeasureTarget.objects.filter(pk=target.pk).exists()


# --- scrutiny reviews ----------------------------------------------------------------------------


def test_add_and_edit_a_review(officer):
    panel = CommitteeFactory()
    url = reverse("officer-wp-review-add")
    data = {
        "title": "Elective home education",
        "panel": panel.pk,
        "start_date": "2017-01-10",
        "end_date": "2016-12-01",
        "report_date": "2017-05-31",
        "terms_of_reference": "My terms of reference",
    }
    shows_error(officer.post(url, data), "must end on or after it starts", "My terms of reference")
    data["end_date"] = "2017-04-30"
    response = officer.post(url, data)
    review = ScrutinyReview.objects.get(slug="elective-home-education")
    assert response["Location"] == review.get_absolute_url()
    rec = ReviewRecommendationFactory(review=review)
    services.record_response(
        recommendation=rec, decision="accepted", reasons="", response_date=dt.date(2017, 7, 1)
    )
    edit = reverse("officer-wp-review-edit", args=[review.pk])
    data.update(version=1, slug=review.slug, report_date="2017-07-15")
    shows_error(officer.post(edit, data), "An executive response is dated 1 July 2017")
    data["report_date"] = "2017-06-01"
    assert officer.post(edit, data).status_code == 302
    review.refresh_from_db()
    assert review.report_date == dt.date(2017, 6, 1) and review.version == 2


def test_review_recommendations_add_and_edit(officer):
    review = ScrutinyReviewFactory()
    ReviewRecommendationFactory(review=review, number=1)
    html = page_of(officer.get(review.get_absolute_url()))
    assert reverse("officer-wp-review-rec-add", args=[review.pk]) in html
    url = reverse("officer-wp-review-rec-add", args=[review.pk])
    shows_error(
        officer.post(url, {"number": 1, "text": "That the Cabinet funds X.", "theme": "Money"}),
        "Recommendation 1 already exists",
        "That the Cabinet funds X.",
        'value="Money"',
    )
    response = officer.post(url, {"text": "That the Cabinet funds X.", "theme": "Money"})
    rec = ReviewRecommendation.objects.get(review=review, number=2)
    assert response["Location"] == rec.get_absolute_url()
    edit = reverse("officer-wp-review-rec-edit", args=[rec.pk])
    assert "Edit the recommendation" in page_of(officer.get(rec.get_absolute_url()))
    # Another officer records the response meanwhile (the recommendation's version moves on).
    services.record_response(
        recommendation=rec, decision="accepted", reasons="", response_date=dt.date(2017, 1, 5)
    )
    shows_error(
        officer.post(edit, {"version": 1, "number": 2, "text": "My rewording"}),
        CONFLICT,
        "My rewording",
    )
    assert (
        officer.post(edit, {"version": 2, "number": 2, "text": "My rewording"}).status_code == 302
    )
    rec.refresh_from_db()
    assert rec.text == "My rewording" and rec.status == "not_assessed"


def test_action_plan_items_edit_and_remove(officer):
    item = ActionPlanItemFactory()
    rec = item.recommendation
    html = page_of(officer.get(rec.get_absolute_url()))
    assert reverse("officer-wp-plan-item-edit", args=[item.pk]) in html
    edit = reverse("officer-wp-plan-item-edit", args=[item.pk])
    shows_error(
        officer.post(edit, {"version": 1, "text": "Typed action", "done_date": "2018-01-01"}),
        "cannot be in the future",
        "Typed action",
    )
    data = {"version": 1, "text": "Typed action", "owner": "Ms Smith", "done_date": "2017-08-01"}
    assert officer.post(edit, data).status_code == 302
    item.refresh_from_db()
    assert (item.text, item.owner, item.done_date) == (
        "Typed action",
        "Ms Smith",
        dt.date(2017, 8, 1),
    )
    shows_error(officer.post(edit, data), CONFLICT, "Typed action")
    remove = reverse("officer-wp-plan-item-remove", args=[item.pk])
    response = officer.post(remove)
    assert response["Location"] == rec.get_absolute_url()
    assert not ActionPlanItem.objects.filter(pk=item.pk).exists()


# --- lead member report highlights ---------------------------------------------------------------


def test_highlights_edit_and_remove(officer):
    highlight = HighlightFactory(title="School visit")
    report = highlight.report
    html = page_of(officer.get(report.get_absolute_url()))
    assert reverse("officer-wp-highlight-edit", args=[highlight.pk]) in html
    edit = reverse("officer-wp-highlight-edit", args=[highlight.pk])
    shows_error(
        officer.post(edit, {"version": 1, "kind": "visit", "title": "", "body": ""}),
        "Enter the highlight",
    )
    data = {"version": 1, "kind": "outcome", "title": "School visit", "body": "It went well."}
    assert officer.post(edit, data).status_code == 302
    highlight.refresh_from_db()
    assert highlight.kind == "outcome" and highlight.body == "It went well."
    shows_error(officer.post(edit, data), CONFLICT, "It went well.")
    response = officer.post(reverse("officer-wp-highlight-remove", args=[highlight.pk]))
    assert response["Location"] == report.get_absolute_url()
    assert not Highlight.objects.filter(pk=highlight.pk).exists()


# --- links on the public pages -------------------------------------------------------------------


def test_public_pages_show_officer_links_only_to_officers(client):
    highlight = HighlightFactory()
    item = ActionPlanItemFactory()
    target = MeasureTargetFactory()
    plan = target.measure.priority.plan
    rec = item.recommendation
    pages = {
        plan.get_absolute_url(): reverse("officer-wp-priority-add", args=[plan.pk]),
        plan.inspection.get_absolute_url(): reverse(
            "officer-wp-inspection-rec-add", args=[plan.inspection.pk]
        ),
        rec.review.get_absolute_url(): reverse("officer-wp-review-rec-add", args=[rec.review.pk]),
        rec.get_absolute_url(): reverse("officer-wp-plan-item-edit", args=[item.pk]),
        highlight.report.get_absolute_url(): reverse(
            "officer-wp-highlight-edit", args=[highlight.pk]
        ),
    }
    for url in pages:
        assert "/officer/work-programme/" not in page_of(client.get(url)), url
    client.force_login(make_user("councillor"))
    for url in pages:
        assert "/officer/work-programme/" not in page_of(client.get(url)), url
    client.force_login(make_user("officer"))
    for url, link in pages.items():
        assert f'href="{link}"' in page_of(client.get(url)), (url, link)
    html = page_of(client.get(reverse("officer-workprogramme")))
    for name in ("officer-wp-plan-add", "officer-wp-inspection-add", "officer-wp-review-add"):
        assert reverse(name) in html
    assert "administration pages" not in html


def test_officer_plan_page_query_count_is_flat(client, django_assert_max_num_queries):
    client.force_login(make_user("officer"))

    def grow(plan, n):
        for _ in range(n):
            priority = PlanPriorityFactory(plan=plan)
            ImprovementActionFactory(priority=priority)
            DeliverableFactory(priority=priority)
            MeasureTargetFactory(measure=SuccessMeasureFactory(priority=priority))

    plan = ImprovementPlanFactory()
    grow(plan, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        page_of(client.get(plan.get_absolute_url()))
    grow(plan, 10)
    with django_assert_max_num_queries(len(small)):
        html = page_of(client.get(plan.get_absolute_url()))
    assert html.count("Add a target") == 12


def test_lead_member_report_can_be_edited(officer):
    report = LeadMemberReportFactory()
    assert reverse("officer-wp-lead-report-edit", args=[report.pk]) in page_of(
        officer.get(report.get_absolute_url())
    )
    edit = reverse("officer-wp-lead-report-edit", args=[report.pk])
    data = {
        "version": 1,
        "committee": report.committee.pk,
        "lead_member_name": "Cllr Andrew Cooper",
        "period_start": "2023-07-01",
        "period_end": "2023-06-30",
        "general_comments": "My general comments",
    }
    shows_error(
        officer.post(edit, data), "The period must end on or after it starts", "My general comments"
    )
    data["period_end"] = "2023-09-30"
    assert officer.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert report.period_end == dt.date(2023, 9, 30) and report.version == 2
    shows_error(officer.post(edit, data), CONFLICT, "My general comments")


def test_deliverables_measures_and_inspection_recommendations_can_be_removed(officer):
    target = MeasureTargetFactory()
    measure = target.measure
    priority = measure.priority
    deliverable = DeliverableFactory(priority=priority)
    rec = InspectionRecommendationFactory(inspection=priority.plan.inspection, number=12)
    action = ImprovementActionFactory(priority=priority, text="Audit (O12)")
    services.link_inspection_references(action=action)
    html = page_of(officer.get(priority.plan.get_absolute_url()))
    assert reverse("officer-wp-deliverable-remove", args=[deliverable.pk]) in html
    assert reverse("officer-wp-measure-remove", args=[measure.pk]) in html

    remove = reverse("officer-wp-deliverable-remove", args=[deliverable.pk])
    assert deliverable.text in page_of(officer.get(remove))
    assert officer.post(remove)["Location"].endswith(f"#priority-{priority.number}")
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()

    assert officer.post(reverse("officer-wp-measure-remove", args=[measure.pk])).status_code == 302
    assert not SuccessMeasure.objects.filter(pk=measure.pk).exists()
    assert not MeasureTarget.objects.filter(pk=target.pk).exists()
    assert MeasureTarget.history.filter(id=target.pk, history_type="-").exists()  # audited

    remove = reverse("officer-wp-inspection-rec-remove", args=[rec.pk])
    assert "Remove recommendation O12?" in page_of(officer.get(remove))
    assert officer.post(remove)["Location"] == rec.inspection.get_absolute_url()
    assert not action.inspection_recommendations.exists()
    assert ImprovementAction.objects.filter(pk=action.pk).exists()
