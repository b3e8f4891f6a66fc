"""Pre-decision scrutiny (issue 17, item 5) and the councillor's page (item 6): a forward plan
entry put on a scrutiny committee's work programme (through the work programme app, which
registers with the decisions app's extension points), the committee's recommendations
tracked and shown on the decision, and /my/ listing the entries in the councillor's ward or
committees' remit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from decisions.models import EntryStatus, Ward
from scrutiny.models import Committee, Membership
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import (
    ForwardPlanEntryFactory,
    PublishedDecisionFactory,
    PublishedEntryFactory,
)
from tests.factories.workprogramme import WorkProgrammeFactory
from workprogramme import services
from workprogramme.models import ResponseDecision, ScrutinyReview

pytestmark = pytest.mark.django_db


def future(days=40):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def panel():
    return CommitteeFactory(name="Children's Scrutiny Panel", kind=Committee.Kind.SCRUTINY_PANEL)


def test_entry_on_programme_then_recommendations_on_the_decision(client, panel):
    entry = PublishedEntryFactory(
        matter="Recommissioning family support", planned_decision_date=future()
    )
    programme = WorkProgrammeFactory(committee=panel)
    officer = make_user("officer")
    client.force_login(officer)
    url = reverse("officer-wp-pre-decision", args=[entry.pk])
    assert "Pre-decision scrutiny" in client.get(url).content.decode()
    response = client.post(url, {"programme": programme.pk})
    assert response.status_code == 302
    item = programme.items.get()
    assert item.forward_plan_entry == entry
    assert item.issue == "Pre-decision scrutiny: Recommissioning family support"
    entry.refresh_from_db()
    assert entry.scrutiny_committee == panel
    assert entry.history.first().history_user_id == officer.pk
    review = ScrutinyReview.objects.get(forward_plan_entry=entry)
    # Twice on the same programme: refused where the officer is.
    response = client.post(url, {"programme": programme.pk})
    assert "already on that work programme" in response.content.decode()

    # The entry page shows the committee looking at it.
    client.logout()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Pre-decision scrutiny" in page and item.get_absolute_url() in page
    assert "Put this entry on a scrutiny work programme" not in page

    # The committee's recommendation, tracked with the others, shows on the decision.
    rec = services.add_review_recommendation(
        review=review, text="Consult families in Batley for four more weeks.", by=officer
    )
    services.record_response(
        recommendation=rec,
        decision=ResponseDecision.ACCEPTED,
        reasons="",
        response_date=timezone.localdate(),
        by=officer,
    )
    decision = PublishedDecisionFactory(forward_plan_entry=entry)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Scrutiny before the decision" in page
    assert "Consult families in Batley for four more weeks." in page
    assert "Accepted" in page
    assert rec.get_absolute_url() in page and review.get_absolute_url() in page


def test_only_published_current_entries(panel):
    programme = WorkProgrammeFactory(committee=panel)
    draft = ForwardPlanEntryFactory()
    with pytest.raises(ValidationError, match="published forward plan"):
        services.put_entry_on_programme(entry=draft, programme=programme)
    decided = PublishedEntryFactory(status=EntryStatus.DECIDED)
    with pytest.raises(ValidationError, match="published forward plan"):
        services.put_entry_on_programme(entry=decided, programme=programme)


def test_pre_decision_page_is_for_officers(client, panel):
    entry = PublishedEntryFactory()
    programme = WorkProgrammeFactory(committee=panel)
    url = reverse("officer-wp-pre-decision", args=[entry.pk])
    assert client.post(url, {"programme": programme.pk})["Location"].startswith("/accounts/")
    client.force_login(make_user("councillor", person=PersonFactory()))
    assert client.post(url, {"programme": programme.pk}).status_code == 403
    assert not programme.items.exists()


def test_my_page_lists_entries_in_ward_and_remit(client, panel):
    person = PersonFactory(ward="Dalton")
    Membership.objects.create(person=person, committee=panel, start_date=dt.date(2000, 1, 1))
    user = make_user("councillor", person=person)
    dalton = Ward.objects.create(name="Dalton")
    in_ward = PublishedEntryFactory(matter="Dalton library", planned_decision_date=future())
    in_ward.wards.add(dalton)
    in_remit = PublishedEntryFactory(
        matter="Residential homes", planned_decision_date=future(), scrutiny_committee=panel
    )
    elsewhere = PublishedEntryFactory(matter="Batley bus station", planned_decision_date=future())
    draft = ForwardPlanEntryFactory(
        matter="Unpublished matter", planned_decision_date=future(), scrutiny_committee=panel
    )
    client.force_login(user)
    page = client.get("/my/").content.decode()
    assert in_ward.matter in page and in_remit.matter in page
    assert "Pre-decision scrutiny: Children" in page
    assert elsewhere.matter not in page
    assert draft.matter not in page
