"""Real browser journeys: an officer schedules a work-programme item onto a meeting's agenda;
a councillor follows the topic's history and a recommendation's status. axe-core on every
page visited (WCAG 2.2 A/AA: no violations)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import fill_date, login
from meetings.models import AgendaItem
from tests.factories import MembershipFactory, MunicipalYearFactory, PersonFactory, make_user
from tests.factories.meetings import MeetingFactory
from tests.factories.workprogramme import (
    ReviewRecommendationFactory,
    ScrutinyReviewFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from workprogramme import services
from workprogramme.models import Consideration, ImplementationStatus, ResponseDecision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_axe(page, axe):
    violations = axe(page)
    assert violations == [], (page.url, violations)


def test_officer_schedules_and_councillor_follows(page, axe):
    today = timezone.localdate()
    start_year = today.year if today.month >= 5 else today.year - 1
    year = MunicipalYearFactory(
        start_date=dt.date(start_year, 5, 20), end_date=dt.date(start_year + 1, 5, 19)
    )
    programme = WorkProgrammeFactory(year=year)
    committee = programme.committee
    item = WorkProgrammeItemFactory(programme=programme, number=1, issue="Elective Home Education")
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now() + dt.timedelta(days=30),
        report_deadline=today + dt.timedelta(days=16),
    )
    councillor = PersonFactory(name="Cahal Burke")
    MembershipFactory(person=councillor, committee=committee, start_date=year.start_date)
    make_user("officer", username="journey-officer")
    make_user("councillor", username="journey-cllr", person=councillor)
    rec = ReviewRecommendationFactory(number=7, text="That Overview and Scrutiny monitor progress.")
    services.record_response(
        recommendation=rec,
        decision=ResponseDecision.ACCEPTED,
        reasons="",
        response_date=rec.review.report_date + dt.timedelta(days=20),
    )
    services.record_follow_up(
        recommendation=rec,
        date=today - dt.timedelta(days=7),
        status=ImplementationStatus.ACCEPTABLE,
        narrative="Quarterly updates are on the work programme.",
    )

    # The officer plans the item for the coming meeting and puts it on the agenda.
    login(page, "journey-officer")
    page.goto("/officer/work-programme/")
    check_axe(page, axe)
    page.get_by_role("link", name=f"{committee.name} {year.name}", exact=True).click()
    page.get_by_role("link", name="Elective Home Education").click()
    check_axe(page, axe)
    page.get_by_role("link", name="Plan for a meeting").click()
    check_axe(page, axe)
    page.fill("#id_presenter", "Jo-Anne Sanders, Acting Assistant Director")
    page.check("#id_place_on_agenda")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "is planned for" in page.content()
    check_axe(page, axe)
    consideration = Consideration.objects.get(item=item, meeting=meeting)
    agenda_item = AgendaItem.all_objects.get(pk=consideration.agenda_item_id)
    assert agenda_item.title == "Elective Home Education"
    assert page.get_by_text(f"Agenda item {agenda_item.number}").count() == 1
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # A councillor finds what the panel plans and when, then follows a recommendation.
    login(page, "journey-cllr")
    page.goto("/work-programme/")
    check_axe(page, axe)
    page.get_by_role("link", name=committee.name).first.click()
    page.wait_for_load_state()
    check_axe(page, axe)
    plan = page.locator("#agenda-plan")
    assert plan.count() == 1
    assert "Jo-Anne Sanders" in page.content()
    page.get_by_role("link", name="Elective Home Education").first.click()
    page.wait_for_load_state()
    assert "(planned)" in page.content() and "Presented by Jo-Anne Sanders" in page.content()
    check_axe(page, axe)

    page.goto(rec.review.get_absolute_url())
    check_axe(page, axe)
    page.get_by_role("link", name="That Overview and Scrutiny monitor progress.").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    content = page.content()
    assert "Acceptable progress (amber)" in content
    assert "Quarterly updates are on the work programme." in content


def test_tracker_and_officer_pages_pass_axe(page, axe):
    from tests.factories.workprogramme import (
        DeliverableFactory,
        ImprovementActionFactory,
        InspectionRecommendationFactory,
        LeadMemberReportFactory,
    )
    from workprogramme.models import ActionStatus, Rag

    action = ImprovementActionFactory(text="Review the MASH (O12)", due_date=dt.date(2017, 10, 31))
    InspectionRecommendationFactory(inspection=action.priority.plan.inspection, number=12)
    services.link_inspection_references(action=action)
    services.record_progress(
        action=action,
        date=dt.date(2017, 11, 6),
        rag=Rag.AMBER,
        status=ActionStatus.IN_PROGRESS,
        narrative="Peer review done.",
        is_invented=True,
    )
    DeliverableFactory(priority=action.priority)
    report = LeadMemberReportFactory()
    services.add_highlight(report=report, kind="looking_ahead", body="- Residential homes")
    rec = ReviewRecommendationFactory()
    make_user("officer", username="axe-officer")
    public = [
        action.priority.plan.get_absolute_url(),
        action.priority.plan.get_absolute_url() + "?rag=amber&overdue=yes",
        action.get_absolute_url(),
        action.priority.plan.inspection.get_absolute_url(),
        report.get_absolute_url(),
        "/work-programme/items/",
        "/reviews/recommendations/",
        rec.get_absolute_url(),
    ]
    for url in public:
        page.goto(url)
        check_axe(page, axe)
    login(page, "axe-officer")
    officer = [
        f"/officer/work-programme/actions/{action.pk}/progress/",
        f"/officer/work-programme/actions/{action.pk}/edit/",
        f"/officer/work-programme/recommendations/{rec.pk}/response/",
        f"/officer/work-programme/recommendations/{rec.pk}/follow-up/",
        "/officer/work-programme/programmes/add/",
        "/officer/work-programme/lead-member-reports/add/",
        action.priority.plan.get_absolute_url(),
    ]
    for url in officer:
        page.goto(url)
        check_axe(page, axe)
    # A form with errors (error summary and messages) passes too.
    page.goto(f"/officer/work-programme/recommendations/{rec.pk}/response/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    check_axe(page, axe)


def test_officer_adds_a_review_recommendation_and_the_public_sees_the_response(page, axe):
    """In the portal, not Django admin: an officer adds a recommendation to a review (after
    a first try with the text left empty), records the executive's response, and the public
    then sees both. Every officer page visited passes axe, the error state included."""
    today = timezone.localdate()
    review = ScrutinyReviewFactory(
        title="Elective Home Education review", report_date=today - dt.timedelta(days=20)
    )
    ReviewRecommendationFactory(review=review, number=1, text="That the panel is briefed.")
    make_user("officer", username="rec-officer")

    login(page, "rec-officer")
    page.goto("/officer/work-programme/")
    check_axe(page, axe)
    page.get_by_role("link", name="Elective Home Education review", exact=True).click()
    page.wait_for_load_state()
    check_axe(page, axe)
    page.get_by_role("link", name="Add a recommendation").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    # Number 1 is taken: the message is shown where the officer is and the text is kept.
    page.fill("#id_number", "1")
    page.fill("#id_text", "That the Cabinet funds two more home education advisers.")
    page.fill("#id_theme", "Resources")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Recommendation 1 already exists" in page.content()
    assert page.input_value("#id_text") == (
        "That the Cabinet funds two more home education advisers."
    )
    assert page.input_value("#id_theme") == "Resources"
    check_axe(page, axe)
    page.fill("#id_number", "")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Recommendation 2 was added" in page.content()
    check_axe(page, axe)

    page.get_by_role("link", name="Record the executive response").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    page.get_by_label("Partly accepted").check()
    page.fill("#id_reasons", "One adviser is funded from April; the second is under review.")
    page.fill("#id_responder", "Cabinet")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "The response to recommendation 2 was saved" in page.content()
    check_axe(page, axe)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # The public sees the new recommendation and the executive's response.
    page.goto(review.get_absolute_url())
    check_axe(page, axe)
    assert "/officer/" not in page.content()
    row = page.locator("tr", has_text="That the Cabinet funds two more home education advisers.")
    assert row.count() == 1
    assert "Partly accepted" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    content = page.content()
    assert "One adviser is funded from April; the second is under review." in content
    assert "Cabinet" in content and "Late" not in content


def test_every_plan_inspection_review_and_highlight_page_passes_axe(page, axe):
    """The officer pages that replace Django admin, each with axe, and the public pages with
    their officer links; a model form's error state too."""
    from tests.workprogramme.test_officer_editing import every_page

    pages = every_page()
    make_user("officer", username="axe-editor")
    login(page, "axe-editor")
    for name, url in pages:
        page.goto(url)
        assert page.locator("h1").count() == 1, name
        check_axe(page, axe)
    page.goto("/officer/work-programme/plans/add/")
    page.fill("#id_title", "Plan with its dates the wrong way round")
    fill_date(page, "period_start", "2018-04-01")
    fill_date(page, "period_end", "2018-03-31")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "The plan must end on or after it starts" in page.content()
    assert page.input_value("#id_title") == "Plan with its dates the wrong way round"
    check_axe(page, axe)
