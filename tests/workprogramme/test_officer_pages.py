"""The officer pages of work programmes, actions, recommendations and lead member reports
(``workprogramme/officer_views.py``, the ``OfficerFormPage`` pattern; issue 22 item 3 moved
them off hand-written function views).

For each page: what the officer sees (title, where Cancel goes, the introduction, the
breadcrumbs), what a bad form says (on the same page, with what was typed), and what a good
one does (where it goes and the message it leaves). The POST-only buttons (put on the agenda,
take off the plan, mark a deliverable done) answer only POST and say what they did.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import CommitteeFactory, MunicipalYearFactory, OfficerFactory, make_user
from tests.factories.meetings import LONDON, MeetingFactory
from tests.factories.workprogramme import (
    DeliverableFactory,
    ImprovementActionFactory,
    LeadMemberReportFactory,
    ReviewRecommendationFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from workprogramme.models import (
    ActionPlanItem,
    Consideration,
    Highlight,
    LeadMemberReport,
    WorkProgramme,
    WorkProgrammeItem,
)

pytestmark = pytest.mark.django_db

HOME = ("Officer pages", "/officer/")
WP = ("Work programmes", "/officer/work-programme/")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2017, 9, 1, 9, tzinfo=LONDON), tick=False)


@pytest.fixture
def officer(client):
    client.force_login(make_user("officer"))
    return client


def said(response) -> list[tuple[str, str]]:
    """The messages this response leaves for the next page (then forgotten, as that page
    would show them)."""
    found = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return found


def page(response) -> dict:
    assert response.status_code == 200
    context = response.context
    assert response.templates[0].name == "scrutiny/officer/form_page.html"
    return {k: context[k] for k in ("title", "back", "intro", "breadcrumbs")}


def test_start_a_work_programme(officer):
    committee = CommitteeFactory(name="Children's Services")
    year = MunicipalYearFactory()
    url = reverse("officer-programme-add")
    assert page(officer.get(url)) == {
        "title": "Start a work programme",
        "back": "/officer/work-programme/",
        "intro": "",
        "breadcrumbs": [HOME, WP],
    }
    data = {"committee": committee.pk, "year": year.pk, "introduction": "Intro", "notes": ""}
    response = officer.post(url, data)
    programme = WorkProgramme.objects.get()
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert said(response) == [("success", f"{programme} was created.")]
    again = officer.post(url, {**data, "introduction": "Typed again"})
    html = again.content.decode()
    assert again.status_code == 200 and "There is a problem" in html
    assert "Typed again" in html and WorkProgramme.objects.count() == 1


def test_add_and_edit_an_item(officer):
    programme = WorkProgrammeFactory()
    lead = OfficerFactory()
    url = reverse("officer-wp-item-add", args=[programme.pk])
    assert page(officer.get(url)) == {
        "title": f"Add an issue to {programme}",
        "back": programme.get_absolute_url(),
        "intro": "",
        "breadcrumbs": [HOME, WP],
    }
    data = {
        "issue": "Home to school transport",
        "method": "full_panel",
        "status": "proposed",
        "lead_officers": [lead.pk],
        "score_public_interest": 3,
        "score_ability_to_change": 3,
        "score_performance": 3,
        "score_extent": 3,
    }
    empty = officer.post(url, {**data, "issue": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    response = officer.post(url, data)
    item = WorkProgrammeItem.objects.get()
    assert response["Location"] == item.get_absolute_url()
    assert said(response) == [("success", f"Item {item.number} was added.")]
    assert list(item.lead_officers.all()) == [lead]
    assert item.priority == "high"  # from the score, as no priority was chosen

    url = reverse("officer-wp-item-edit", args=[item.pk])
    shown = officer.get(url)
    assert page(shown) == {
        "title": f"Edit work programme item {item.number}",
        "back": item.get_absolute_url(),
        "intro": "",
        "breadcrumbs": [HOME, WP],
    }
    assert 'name="version" value="1"' in shown.content.decode()
    response = officer.post(url, {**data, "version": 1, "issue": "School transport"})
    assert response["Location"] == item.get_absolute_url()
    assert said(response) == [("success", f"Item {item.number} was saved.")]
    assert WorkProgrammeItem.objects.get(pk=item.pk).issue == "School transport"


def test_plan_an_item_for_a_meeting_and_put_it_on_the_agenda(officer):
    item = WorkProgrammeItemFactory(issue="Special Educational Needs")
    committee = item.programme.committee
    MeetingFactory(committee=committee, start=dt.datetime(2017, 8, 1, 10, tzinfo=LONDON))
    coming = MeetingFactory(committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON))
    url = reverse("officer-wp-item-schedule", args=[item.pk])
    shown = officer.get(url)
    assert page(shown) == {
        "title": "Plan “Special Educational Needs” for a meeting",
        "back": item.get_absolute_url(),
        "intro": "Choose the meeting; tick the box to put it on that meeting's agenda now.",
        "breadcrumbs": [HOME, WP, ("Special Educational Needs", item.get_absolute_url())],
    }
    assert shown.context["form"].initial["meeting"] == coming.pk  # the next meeting
    response = officer.post(url, {"meeting": coming.pk})
    consideration = Consideration.objects.get()
    assert response["Location"] == item.get_absolute_url()
    assert said(response) == [("success", f"Special Educational Needs is planned for {coming}.")]

    to_agenda = reverse("officer-wp-consideration-agenda", args=[consideration.pk])
    assert officer.get(to_agenda).status_code == 405
    response = officer.post(to_agenda)
    consideration.refresh_from_db()
    assert response["Location"] == item.get_absolute_url()
    number = consideration.agenda_item.number
    assert said(response) == [("success", f"Added as item {number} on the agenda.")]
    response = officer.post(to_agenda)
    assert said(response) == [("error", "This item is already on that meeting's agenda.")]

    remove = reverse("officer-wp-consideration-remove", args=[consideration.pk])
    assert officer.get(remove).status_code == 405
    response = officer.post(remove)
    assert response["Location"] == item.get_absolute_url()
    assert said(response) == [("success", "The item was taken off that meeting's plan.")]
    assert not Consideration.objects.exists()


def test_edit_an_action_and_record_its_progress(officer):
    action = ImprovementActionFactory(text="Recruit social workers")
    url = reverse("officer-action-edit", args=[action.pk])
    shown = officer.get(url)
    assert page(shown) == {
        "title": f"Edit action {action.reference}",
        "back": action.get_absolute_url(),
        "intro": "",
        "breadcrumbs": [HOME, WP],
    }
    assert shown.context["form"].initial["text"] == "Recruit social workers"
    data = {"version": action.version, "text": "Recruit 12 social workers", "owner_text": "DCS"}
    response = officer.post(url, data)
    assert response["Location"] == action.get_absolute_url()
    assert said(response) == [("success", f"Action {action.reference} was saved.")]
    stale = officer.post(url, {**data, "text": "Typed over a newer save"})
    assert "Someone else saved" in stale.content.decode()
    assert "Typed over a newer save" in stale.content.decode()

    url = reverse("officer-action-progress", args=[action.pk])
    action.refresh_from_db()
    shown = officer.get(url)
    assert page(shown) == {
        "title": f"Record progress on action {action.reference}",
        "back": action.get_absolute_url(),
        "intro": "Recruit 12 social workers",
        "breadcrumbs": [HOME, WP],
    }
    assert shown.context["form"].initial["version"] == action.version
    progress = {
        "version": action.version,
        "date": "2017-08-30",
        "rag": "green",
        "status": "in_progress",
        "narrative": "Nine of twelve in post",
    }
    future = officer.post(url, {**progress, "date": "2017-09-30"})
    assert "cannot be in the future" in future.content.decode()
    response = officer.post(url, progress)
    assert response["Location"] == action.get_absolute_url()
    assert said(response) == [("success", f"Progress on action {action.reference} was recorded.")]


def test_mark_a_deliverable_done_and_undo(officer):
    deliverable = DeliverableFactory()
    url = reverse("officer-deliverable-done", args=[deliverable.pk])
    anchor = deliverable.priority.plan.get_absolute_url() + (
        f"#priority-{deliverable.priority.number}"
    )
    assert officer.get(url).status_code == 405
    response = officer.post(url)
    assert response["Location"] == anchor
    assert said(response) == [("success", "The deliverable was updated.")]
    deliverable.refresh_from_db()
    assert deliverable.done_date == dt.date(2017, 9, 1)
    officer.post(url, {"undo": "1"})
    deliverable.refresh_from_db()
    assert deliverable.done_date is None


def test_respond_follow_up_and_plan_a_recommendation(officer):
    rec = ReviewRecommendationFactory()
    url = reverse("officer-rec-response", args=[rec.pk])
    shown = officer.get(url)
    assert page(shown) == {
        "title": f"Executive response to recommendation {rec.number}",
        "back": rec.get_absolute_url(),
        "intro": rec.text,
        "breadcrumbs": [HOME, WP],
    }
    assert shown.context["form"].initial == {"response_date": dt.date(2017, 9, 1)}
    response = officer.post(
        url, {"decision": "accepted", "response_date": "2017-03-01", "responder": "Cabinet"}
    )
    assert response["Location"] == rec.get_absolute_url()
    assert said(response) == [
        ("success", f"The response to recommendation {rec.number} was saved."),
        (
            "warning",
            "This response came more than two months after the report (due by 30 January 2017).",
        ),
    ]
    # Correcting it starts from what was recorded.
    assert officer.get(url).context["form"].initial["responder"] == "Cabinet"

    url = reverse("officer-rec-follow-up", args=[rec.pk])
    rec.refresh_from_db()
    shown = officer.get(url)
    assert page(shown)["title"] == f"Follow up recommendation {rec.number}"
    assert shown.context["form"].initial == {"version": rec.version, "date": dt.date(2017, 9, 1)}
    response = officer.post(
        url, {"version": rec.version, "date": "2017-08-01", "status": "achieved", "narrative": ""}
    )
    assert response["Location"] == rec.get_absolute_url()
    assert said(response) == [
        ("success", f"The follow-up of recommendation {rec.number} was saved.")
    ]

    url = reverse("officer-rec-plan-item", args=[rec.pk])
    assert page(officer.get(url)) == {
        "title": f"Add to the action plan for recommendation {rec.number}",
        "back": rec.get_absolute_url(),
        "intro": rec.text,
        "breadcrumbs": [HOME, WP],
    }
    response = officer.post(url, {"text": "Write the protocol", "owner": "Head of Service"})
    assert response["Location"] == rec.get_absolute_url()
    assert said(response) == [("success", "The action was added to the action plan.")]
    assert ActionPlanItem.objects.get().owner == "Head of Service"


def test_start_a_lead_member_report_and_add_highlights(officer):
    committee = CommitteeFactory()
    url = reverse("officer-lead-report-add")
    assert page(officer.get(url)) == {
        "title": "Start a lead member report",
        "back": "/officer/work-programme/",
        "intro": "",
        "breadcrumbs": [HOME, WP],
    }
    data = {
        "committee": committee.pk,
        "lead_member_name": "Cllr Cooper",
        "period_start": "2023-07-01",
        "period_end": "2023-06-30",
    }
    backwards = officer.post(url, data)
    assert "The period must end on or after it starts." in backwards.content.decode()
    response = officer.post(url, {**data, "period_end": "2023-08-31"})
    report = LeadMemberReport.objects.get()
    highlights = reverse("officer-lead-report-highlight", args=[report.pk])
    assert response["Location"] == highlights
    assert said(response) == [
        ("success", "The lead member report was created; add its highlights.")
    ]

    assert page(officer.get(highlights)) == {
        "title": f"Add a highlight to the {report}",
        "back": report.get_absolute_url(),
        "intro": "",
        "breadcrumbs": [HOME, WP],
    }
    empty = officer.post(highlights, {"kind": "visit", "title": "", "body": ""})
    assert "Enter the highlight." in empty.content.decode()
    response = officer.post(highlights, {"kind": "visit", "title": "School visit", "body": "Went"})
    assert response["Location"] == highlights
    assert said(response) == [("success", "The highlight was added.")]
    assert Highlight.objects.get().title == "School visit"


def test_the_officer_home_lists_what_needs_doing(officer):
    LeadMemberReportFactory()
    ReviewRecommendationFactory()
    response = officer.get(reverse("officer-workprogramme"))
    assert response.status_code == 200
    assert response.context["awaiting_response"] == 1
    assert response.context["breadcrumbs"] == [HOME]


@pytest.mark.parametrize(
    "name",
    [
        "officer-workprogramme",
        "officer-programme-add",
        "officer-lead-report-add",
    ],
)
def test_a_councillor_is_refused_and_a_visitor_signs_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(make_user("councillor"))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
