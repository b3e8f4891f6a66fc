"""Pages, filters, CSV and PDF exports, officer pages, the agenda report generator, exempt
canaries and query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pypdf
import pytest
from django.urls import reverse

from meetings.extensions import report_generators
from meetings.minutes import services as minutes_services
from meetings.models import AgendaItem, Report
from tests.factories import OfficerFactory, make_user
from tests.factories.meetings import LONDON, MeetingFactory
from tests.factories.minutes import make_meeting_with_items
from tests.factories.workprogramme import (
    ImprovementActionFactory,
    InspectionRecommendationFactory,
    PlanPriorityFactory,
    ReviewRecommendationFactory,
    ScrutinyReviewFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from workprogramme import services
from workprogramme.models import (
    ActionStatus,
    Consideration,
    ImplementationStatus,
    ItemStatus,
    Rag,
    ResponseDecision,
    WorkProgrammeItem,
)

pytestmark = pytest.mark.django_db
H1 = re.compile(r"<h1[\s>]")
CANARY = "CANARY-EXEMPT-7f3a"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2017, 9, 1, 9, tzinfo=LONDON), tick=False)


def one_h1(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert len(H1.findall(html)) == 1
    return html


def table(html: str) -> str:
    """The page's first table (leaves out the filter form's options)."""
    return html[html.index("<table") : html.index("</table>")]


def body(response) -> bytes:
    """The bytes of a response, streamed (a stored PDF) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- work programme pages ---------------------------------------------------------------------


def make_programme(n_items: int = 3):
    programme = WorkProgrammeFactory()
    for n in range(n_items):
        WorkProgrammeItemFactory(programme=programme, number=n + 1, issue=f"Issue number {n + 1}")
    return programme


def test_committee_programme_page_filters_and_exports(client):
    programme = make_programme(3)
    committee = programme.committee
    past = MeetingFactory(committee=committee, start=dt.datetime(2017, 8, 9, 10, tzinfo=LONDON))
    item1, item2, item3 = programme.items.order_by("number")
    WorkProgrammeItem.objects.filter(pk=item1.pk).update(
        status=ItemStatus.SCHEDULED, target_meeting=past
    )
    WorkProgrammeItem.objects.filter(pk=item2.pk).update(status=ItemStatus.COMPLETED)
    url = reverse("committee-workprogramme", args=[committee.slug])
    html = one_h1(client.get(url, {"year": programme.year.name}))
    assert "Issue number 1" in html and "Overdue: target meeting has passed" in html

    html = one_h1(client.get(url, {"status": "completed"}))
    assert "Issue number 2" in html and "Issue number 1" not in html
    html = one_h1(client.get(url, {"overdue": "yes"}))
    assert "Issue number 1" in html and "Issue number 3" not in html

    rows = csv_rows(client.get(url, {"format": "csv", "overdue": "no"}))
    assert rows[0][:3] == ["Group", "No.", "Issue"]
    assert [r[2] for r in rows[1:]] == ["Issue number 2", "Issue number 3"]

    response = client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(body(response))
    assert "Issue number 1" in text and "OVERDUE" in text


def test_item_list_filters_by_committee_year_owner_method(client):
    a = make_programme(1)
    b = make_programme(1)
    lead = OfficerFactory()
    item_b = b.items.get()
    item_b.lead_officers.add(lead)
    url = reverse("workprogramme-items")
    html = table(one_h1(client.get(url, {"committee": a.committee.slug})))
    assert a.committee.name in html and b.committee.name not in html
    html = table(one_h1(client.get(url, {"owner": lead.slug})))
    assert b.committee.name in html and a.committee.name not in html
    html = one_h1(client.get(url, {"method": "visit"}))
    assert "No issues match" in html
    html = one_h1(client.get(url, {"year": a.year.name}))
    assert a.committee.name in html
    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert len(rows) == 3


def test_csv_neutralises_formulas(client):
    programme = make_programme(0)
    WorkProgrammeItemFactory(programme=programme, issue="=HYPERLINK(evil)")
    rows = csv_rows(
        client.get(
            reverse("committee-workprogramme", args=[programme.committee.slug]), {"format": "csv"}
        )
    )
    assert rows[1][2] == "'=HYPERLINK(evil)"


def test_issue_history_with_resolutions_and_exempt_canary(client):
    """The topic page lists each meeting with its public resolutions; an exempt item's
    resolutions reach members only, never the public, CSV or PDF."""
    meeting = make_meeting_with_items(business=2, exempt=True)
    committee = meeting.committee
    public_item, exempt_item = list(
        AgendaItem.all_objects.filter(meeting=meeting, kind="business").order_by("order")
    )
    minutes = minutes_services.start_minutes(meeting=meeting)
    for minute in minutes.items.all():
        if minute.agenda_item_id == public_item.pk:
            minutes_services.save_minute(
                minute=minute,
                text="<p>Discussed.</p>",
                resolutions=["That the improvement plan update be noted."],
                version=None,
            )
        elif minute.agenda_item_id == exempt_item.pk:
            minutes_services.save_minute(
                minute=minute,
                text=f"<p>{CANARY}</p>",
                resolutions=[f"That {CANARY} be approved."],
                public_summary="The panel considered a private report.",
                version=None,
            )
    minutes_services.publish_minutes(minutes=minutes)
    programme = WorkProgrammeFactory(committee=committee)
    topic = WorkProgrammeItemFactory(programme=programme, issue="Improvement Plan")
    Consideration.objects.create(item=topic, meeting=meeting, agenda_item=public_item)
    private_topic = WorkProgrammeItemFactory(programme=programme, issue="Missing children")
    Consideration.objects.create(item=private_topic, meeting=meeting, agenda_item=exempt_item)

    html = one_h1(client.get(topic.get_absolute_url()))
    assert "That the improvement plan update be noted." in html

    html = one_h1(client.get(private_topic.get_absolute_url()))
    assert CANARY not in html
    assert "Considered in private" in html
    for fmt in ("csv", "pdf"):
        response = client.get(
            reverse("committee-workprogramme", args=[committee.slug]), {"format": fmt}
        )
        text = response.content.decode() if fmt == "csv" else pdf_text(body(response))
        assert CANARY not in text

    member = committee.memberships.first().person
    client.force_login(make_user("councillor", person=member))
    html = one_h1(client.get(private_topic.get_absolute_url()))
    assert f"That {CANARY} be approved." in html


def test_unpublished_meeting_agenda_title_stays_private(client):
    item = WorkProgrammeItemFactory(issue="Public topic title")
    meeting = MeetingFactory(
        committee=item.programme.committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    agenda_item = AgendaItem.all_objects.create(
        meeting=meeting, order=1, number="1", title=f"Draft title {CANARY}"
    )
    Consideration.objects.create(item=item, meeting=meeting, agenda_item=agenda_item)
    html = one_h1(client.get(item.get_absolute_url()))
    assert CANARY not in html and "Agenda not yet published" in html
    html = one_h1(
        client.get(
            reverse("committee-workprogramme", args=[item.programme.committee.slug]),
            {"year": item.programme.year.name},
        )
    )
    assert CANARY not in html and "Public topic title" in html


def test_meeting_page_links_back_to_the_topic():
    from workprogramme.reports import agenda_item_notes, meeting_panel

    item = WorkProgrammeItemFactory(issue="Elective Home Education")
    meeting = MeetingFactory(
        committee=item.programme.committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    consideration = services.schedule_item(
        item=item, meeting=meeting, place_on_agenda=True, by=None
    )
    notes = agenda_item_notes(None, meeting)
    assert "Elective Home Education" in notes[consideration.agenda_item_id][0]
    template, ctx = meeting_panel(None, meeting)
    assert ctx["wp_considerations"][0].item == item


# --- improvement plan ---------------------------------------------------------------------------


def make_plan_actions(priority, n: int, owner=None):
    for i in range(n):
        action = ImprovementActionFactory(
            priority=priority,
            number=i + 1,
            text=f"Action text {priority.number}.{i + 1} (O{i + 1})",
            owner=owner,
            due_date=dt.date(2017, 8, 1) if i % 2 else dt.date(2018, 8, 1),
        )
        services.link_inspection_references(action=action)
        services.record_progress(
            action=action,
            date=dt.date(2017, 8, 15),
            rag=[Rag.GREEN, Rag.AMBER, Rag.RED][i % 3],
            status=ActionStatus.IN_PROGRESS,
            narrative=f"Update {i}",
        )


def test_plan_page_filters_csv_pdf(client):
    priority = PlanPriorityFactory(number=1, title="Front Door")
    for n in range(1, 5):
        InspectionRecommendationFactory(inspection=priority.plan.inspection, number=n)
    owner = OfficerFactory(name="Steve Walker")
    make_plan_actions(priority, 4, owner=owner)
    url = priority.plan.get_absolute_url()
    html = one_h1(client.get(url))
    assert "Action text 1.1" in html and "O1" in html and "Overdue" in html
    html = table(one_h1(client.get(url, {"rag": "red"})))
    assert "Action text 1.3" in html and "Action text 1.1 " not in html
    html = table(one_h1(client.get(url, {"overdue": "yes"})))
    assert "Action text 1.2" in html and "Action text 1.4" in html and "Action text 1.1" not in html
    html = table(one_h1(client.get(url, {"owner": "walker"})))
    assert "4 actions" in html
    html = table(one_h1(client.get(url, {"owner": "nobody"})))
    assert "No actions match" in html
    html = table(one_h1(client.get(url, {"inspection": "O3"})))
    assert "1 action" in html and "Action text 1.3" in html
    html = table(one_h1(client.get(url, {"status": "completed"})))
    assert "No actions match" in html
    rows = csv_rows(client.get(url, {"format": "csv", "rag": "amber"}))
    assert len(rows) == 2 and rows[1][1] == "1.2" and "Amber" in rows[1][7]
    text = pdf_text(body(client.get(url, {"format": "pdf"})))
    assert "Front Door" in text and "Action text 1.4" in text


def test_action_and_inspection_pages(client):
    action = ImprovementActionFactory(text="Review placements (O19)")
    rec = InspectionRecommendationFactory(inspection=action.priority.plan.inspection, number=19)
    services.link_inspection_references(action=action)
    services.record_progress(
        action=action,
        date=dt.date(2017, 8, 1),
        rag=Rag.AMBER,
        status=ActionStatus.IN_PROGRESS,
        narrative="Half way",
        is_invented=True,
    )
    html = one_h1(client.get(action.get_absolute_url()))
    assert "Half way" in html and "Invented for the demo" in html and "Amber" in html
    html = one_h1(client.get(rec.inspection.get_absolute_url()))
    assert action.get_absolute_url() in html


# --- reviews -------------------------------------------------------------------------------------


def make_review(n: int):
    review = ScrutinyReviewFactory()
    for i in range(n):
        rec = ReviewRecommendationFactory(review=review, number=i + 1, text=f"Rec text {i + 1}.")
        if i % 3 == 0:
            continue  # awaiting response
        services.record_response(
            recommendation=rec,
            decision=ResponseDecision.ACCEPTED,
            reasons="",
            response_date=dt.date(2017, 1, 10) if i % 2 else dt.date(2017, 3, 1),
        )
        services.add_plan_item(
            recommendation=rec, text="Do it", owner="Jo Owner", due_date=dt.date(2017, 6, 1)
        )
        services.record_follow_up(
            recommendation=rec,
            date=dt.date(2017, 7, 1),
            status=[ImplementationStatus.ACHIEVED, ImplementationStatus.UNACCEPTABLE][i % 2],
        )
    return review


def test_review_page_filters_and_exports(client):
    review = make_review(6)  # 1, 4 awaiting a response; 3, 5 answered late
    url = review.get_absolute_url()
    html = one_h1(client.get(url))
    assert "Awaiting response" in html and "Late: more than two months" in html
    assert "Achieved (green)" in html and "✗" in html
    html = one_h1(client.get(url, {"decision": "none"}))
    assert "2 recommendations" in html
    html = one_h1(client.get(url, {"late": "yes"}))
    assert "Rec text 3." in html and "Rec text 5." in html and "Rec text 2." not in html
    html = one_h1(client.get(url, {"status": "unacceptable"}))
    assert "Rec text 2." in html and "Rec text 3." not in html
    html = one_h1(client.get(url, {"overdue": "yes"}))
    assert "4 recommendations" in html
    html = one_h1(client.get(url, {"owner": "jo"}))
    assert "4 recommendations" in html
    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert rows[0][6] == "Late response" and len(rows) == 7
    late = {row[1]: row[6] for row in rows[1:]}
    assert late["3"] == late["5"] == "LATE (over two months)"
    assert late["2"] == late["1"] == ""
    text = pdf_text(body(client.get(url, {"format": "pdf"})))
    assert "Rec text 6." in text and "Awaiting response" in text


def test_recommendation_list_filters_by_committee_and_year(client):
    a = make_review(2)
    b = make_review(1)
    url = reverse("review-recommendations")
    html = table(one_h1(client.get(url, {"committee": a.panel.slug})))
    assert a.title in html and b.title not in html
    from tests.factories import MunicipalYearFactory

    year = MunicipalYearFactory(start_date=dt.date(2016, 5, 18), end_date=dt.date(2017, 5, 16))
    html = one_h1(client.get(url, {"year": year.name}))
    assert "3 recommendations" in html
    rows = csv_rows(client.get(url, {"format": "csv", "committee": a.panel.slug}))
    assert [row[0] for row in rows[1:]] == [a.title, a.title]


def test_recommendation_page_shows_response_plan_and_follow_ups(client):
    review = make_review(3)
    rec = review.recommendations.get(number=2)
    html = one_h1(client.get(rec.get_absolute_url()))
    assert "Do it" in html and "Overdue" in html
    assert "Unacceptable progress (red)" in html
    assert "Accepted" in html


# --- lead member reports and index ---------------------------------------------------------------


def test_index_and_lead_member_report(client):
    from tests.factories.workprogramme import LeadMemberReportFactory

    report = LeadMemberReportFactory()
    services.add_highlight(
        report=report, kind="looking_ahead", title="Looking ahead", body="- Residential homes"
    )
    make_programme(1)
    make_review(1)
    PlanPriorityFactory()
    html = one_h1(client.get(reverse("workprogramme-index")))
    assert report.get_absolute_url() in html
    html = one_h1(client.get(report.get_absolute_url()))
    assert "<li>Residential homes</li>" in html and "Cllr Andrew Cooper" in html


# --- the agenda report generator --------------------------------------------------------------


def test_tracker_as_a_report_on_an_agenda():
    review = make_review(2)
    report = Report(
        source=Report.Source.GENERATED,
        generator="workprogramme.tracker",
        generator_params={"tracker": "review", "key": review.slug},
    )
    html = report_generators.render(report, for_print=True)
    assert "Rec text 1." in html and "<table>" in html
    report.generator_params = {"tracker": "review", "key": "nope"}
    assert "could not be found" in report_generators.render(report)
    programme = make_programme(2)
    report.generator_params = {"tracker": "workprogramme", "key": programme.pk}
    assert "Issue number 2" in report_generators.render(report)


def test_tracker_pdf_url(client):
    programme = make_programme(2)
    response = client.get(reverse("tracker-pdf", args=["workprogramme", programme.pk]))
    assert response.status_code == 200
    data = body(response)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "work programme" in reader.metadata.title
    assert "Issue number 2" in pdf_text(data)
    assert client.get(reverse("tracker-pdf", args=["nonsense", "x"])).status_code == 404


# --- officer pages --------------------------------------------------------------------------


def test_officer_pages_need_an_officer(client):
    item = WorkProgrammeItemFactory()
    urls = [
        reverse("officer-workprogramme"),
        reverse("officer-wp-item-schedule", args=[item.pk]),
        reverse("officer-wp-item-edit", args=[item.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("councillor"))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(make_user("officer"))
    for url in urls:
        one_h1(client.get(url))


def test_officer_schedules_an_item_onto_an_agenda(client):
    client.force_login(make_user("officer"))
    item = WorkProgrammeItemFactory(issue="Special Educational Needs")
    meeting = MeetingFactory(
        committee=item.programme.committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    url = reverse("officer-wp-item-schedule", args=[item.pk])
    response = client.post(
        url,
        {
            "meeting": meeting.pk,
            "presenter": "Jo-Anne Sanders",
            "report_deadline": "2017-10-20",
            "place_on_agenda": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "report deadline must be on or before" in html
    assert 'value="Jo-Anne Sanders"' in html  # nothing typed is lost
    response = client.post(
        url, {"meeting": meeting.pk, "presenter": "Jo-Anne Sanders", "place_on_agenda": "on"}
    )
    assert response.status_code == 302
    consideration = Consideration.objects.get(item=item)
    assert consideration.agenda_item.title == "Special Educational Needs"
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Jo-Anne Sanders" in html and "is item" in html


def test_officer_edit_conflict_keeps_what_was_typed(client):
    client.force_login(make_user("officer"))
    item = WorkProgrammeItemFactory(issue="Original")
    services.update_item(item=item, expected_version=1, issue="Changed elsewhere")
    response = client.post(
        reverse("officer-wp-item-edit", args=[item.pk]),
        {"version": 1, "issue": "My typed issue", "method": "full_panel", "status": "proposed"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved" in html and "My typed issue" in html
    assert WorkProgrammeItem.objects.get(pk=item.pk).issue == "Changed elsewhere"


def test_officer_records_progress_response_and_follow_up(client):
    client.force_login(make_user("officer"))
    action = ImprovementActionFactory()
    response = client.post(
        reverse("officer-action-progress", args=[action.pk]),
        {
            "version": action.version,
            "date": "2017-08-30",
            "rag": "amber",
            "status": "in_progress",
            "narrative": "Progressing",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rag == "amber"

    rec = ReviewRecommendationFactory()
    response = client.post(
        reverse("officer-rec-response", args=[rec.pk]),
        {"decision": "accepted", "response_date": "2017-03-01", "responder": "Cabinet"},
        follow=True,
    )
    assert "more than two months" in response.content.decode()
    response = client.post(
        reverse("officer-rec-follow-up", args=[rec.pk]),
        {"version": 2, "date": "2017-08-01", "status": "acceptable", "narrative": "OK"},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "acceptable"
    response = client.post(
        reverse("officer-rec-plan-item", args=[rec.pk]), {"text": "", "owner": "x"}
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_officer_lead_member_report_flow(client):
    client.force_login(make_user("officer"))
    committee = WorkProgrammeFactory().committee
    response = client.post(
        reverse("officer-lead-report-add"),
        {
            "committee": committee.pk,
            "lead_member_name": "Cllr Cooper",
            "period_start": "2023-07-01",
            "period_end": "2023-08-31",
        },
    )
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"kind": "visit", "title": "School visit", "body": "Went"}
    )
    assert response.status_code == 302


# --- query counts stay flat ---------------------------------------------------------------------


def _grow(programme, priority, review, start: int, count: int):
    lead = OfficerFactory()
    for n in range(start, start + count):
        item = WorkProgrammeItemFactory(programme=programme, number=n, issue=f"Issue {n}")
        item.lead_officers.add(lead)
        Consideration.objects.create(
            item=item, meeting=MeetingFactory(committee=programme.committee)
        )
        InspectionRecommendationFactory(inspection=priority.plan.inspection, number=n)
        action = ImprovementActionFactory(priority=priority, number=n, text=f"Act (O{n})")
        services.link_inspection_references(action=action)
        services.record_progress(
            action=action,
            date=dt.date(2017, 8, 1),
            rag=Rag.GREEN,
            status=ActionStatus.IN_PROGRESS,
            narrative="x",
        )
        rec = ReviewRecommendationFactory(review=review, number=n)
        services.record_response(
            recommendation=rec,
            decision=ResponseDecision.ACCEPTED,
            reasons="",
            response_date=dt.date(2017, 1, 10),
        )
        services.add_plan_item(recommendation=rec, text="Do", due_date=dt.date(2017, 6, 1))
        services.record_follow_up(
            recommendation=rec, date=dt.date(2017, 7, 1), status=ImplementationStatus.ACHIEVED
        )


def test_tracker_pages_query_counts_are_flat(client):
    """Each list page and its CSV make the same number of queries with 2 rows and with 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme = WorkProgrammeFactory()
    priority = PlanPriorityFactory()
    review = ScrutinyReviewFactory()
    pages = [
        (reverse("committee-workprogramme", args=[programme.committee.slug]), {}),
        (reverse("committee-workprogramme", args=[programme.committee.slug]), {"format": "csv"}),
        (reverse("workprogramme-items"), {}),
        (reverse("workprogramme-items"), {"format": "csv"}),
        (priority.plan.get_absolute_url(), {}),
        (priority.plan.get_absolute_url(), {"format": "csv", "overdue": "no"}),
        (review.get_absolute_url(), {}),
        (review.get_absolute_url(), {"format": "csv", "late": "no"}),
        (reverse("review-recommendations"), {"overdue": "no"}),
        (reverse("workprogramme-index"), {}),
        (priority.plan.inspection.get_absolute_url(), {}),
    ]

    def counts():
        found = []
        for url, params in pages:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, params).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    _grow(programme, priority, review, 1, 2)
    counts()  # warm the per-process caches (the council, permissions)
    small = counts()
    _grow(programme, priority, review, 3, 10)
    large = counts()
    assert large == small, list(zip([p for p, _ in pages], small, large, strict=True))
    assert max(large) <= 30


def test_success_measure_links_to_its_kpi(client):
    from tests.factories.performance import KPIFactory
    from workprogramme.models import MeasureTarget, SuccessMeasure

    priority = PlanPriorityFactory()
    kpi = KPIFactory()
    measure = SuccessMeasure.objects.create(
        priority=priority, number=1, text="65% Assessments within 45 days", kpi=kpi
    )
    MeasureTarget.objects.create(measure=measure, target="65%", target_date=dt.date(2018, 7, 31))
    html = one_h1(client.get(priority.plan.get_absolute_url()))
    assert kpi.get_absolute_url() in html and "65% by July 2018" in html
