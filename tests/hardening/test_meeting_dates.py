"""Issue 14, findings 2 and 3 (meetings): dates are bounded where they are entered, a meeting
already stored at an absurd date still renders, a duplicate meeting is refused with a
sentence, and constraint violations read as sentences."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services, workdays
from meetings.models import AgendaItem, Meeting, MeetingStatus
from tests.factories import CommitteeFactory, make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def officer(client):
    user = make_user("officer")
    client.force_login(user)
    return user


@pytest.mark.parametrize("start", ["9999-12-31T23:59", "0001-01-01T00:00", "1899-12-31T10:00"])
def test_the_meeting_form_refuses_dates_outside_1900_to_2200(client, officer, start):
    committee = CommitteeFactory()
    response = client.post(
        reverse("officer-meeting-add"),
        {"committee": committee.pk, "start": start, "venue": "Town Hall", "is_public": "on"},
    )
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2200." in response.content.decode()
    assert not Meeting.all_objects.exists()


def test_every_portal_date_field_carries_the_bounds():
    from meetings.forms import MeetingForm
    from opendata.forms import SearchForm
    from scrutiny.forms import GovukDateInput
    from workprogramme.forms import WorkProgrammeItemForm

    # Every form types dates as Day / Month / Year (issue 16): the range is checked on the
    # server.
    form = MeetingForm()
    assert isinstance(form.fields["start"].widget, GovukDateInput)
    assert isinstance(form.fields["report_deadline"].widget, GovukDateInput)
    search = SearchForm()
    assert isinstance(search.fields["date_from"].widget, GovukDateInput)
    assert isinstance(search.fields["date_to"].widget, GovukDateInput)
    for form in (
        MeetingForm(data={"start": "0001-01-01T00:00"}),
        WorkProgrammeItemForm(),
        SearchForm(),
    ):
        for field in form.fields.values():
            if "date" in type(field).__name__.lower():
                assert any(v.__name__ == "validate_date_in_range" for v in field.validators)


@pytest.mark.parametrize(
    "start", [dt.datetime(9999, 12, 31, 23, 59, tzinfo=UTC), dt.datetime(1, 1, 2, tzinfo=UTC)]
)
def test_the_service_refuses_dates_outside_the_range(officer, start):
    committee = CommitteeFactory()
    with pytest.raises(ValidationError) as caught:
        services.create_meeting(committee=committee, start=start, by=officer)
    assert caught.value.message_dict["start"] == ["The meeting must start between 1900 and 2200."]
    meeting = MeetingFactory()
    with pytest.raises(ValidationError):
        services.update_meeting(meeting=meeting, start=start, by=officer)
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(
            meeting=meeting, end=dt.datetime(9999, 1, 1, tzinfo=UTC), by=officer
        )
    assert "end" in caught.value.message_dict


@pytest.mark.parametrize(
    "stored",
    # What the form stored before the bounds, for "0001-01-01T00:00" and "9999-12-31T23:59"
    # typed in Europe/London.
    [
        dt.datetime(1, 1, 1, 0, 0, tzinfo=LONDON),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=LONDON),
    ],
)
def test_a_meeting_stored_at_an_absurd_date_still_renders_for_officers(client, officer, stored):
    """Saved before the bounds existed (or by a script): the officer page, the previews and
    the publish page must still answer, so the officer can correct it."""
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting)
    Meeting.all_objects.filter(pk=meeting.pk).update(start=stored)
    for url in (
        reverse("officer-meeting", args=[meeting.pk]),
        reverse("officer-meeting-preview", args=[meeting.pk, "public"]),
        reverse("officer-meeting-publish", args=[meeting.pk]),
        reverse("officer-meeting-edit", args=[meeting.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_workdays_answer_for_the_ends_of_the_calendar():
    assert workdays.latest_publication_date(dt.date(1, 1, 1)) == dt.date.min
    assert workdays.latest_publication_date(dt.date(1, 1, 3)) == dt.date.min
    assert workdays.clear_working_days(dt.date(2017, 1, 1), dt.date.max, at_most=5) == 5
    assert workdays.clear_working_days(dt.date.max, dt.date.max) == 0
    assert not workdays.is_in_time(dt.date(2017, 10, 6), dt.date(2017, 10, 9))
    # Unchanged in the ordinary range: Monday 9 October 2017 -> Monday 2 October.
    assert workdays.latest_publication_date(dt.date(2017, 10, 9)) == dt.date(2017, 10, 1)
    assert workdays.clear_working_days(dt.date(2017, 10, 1), dt.date(2017, 10, 9)) == 5


def test_a_second_meeting_of_the_same_committee_at_the_same_time_is_refused(client, officer):
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    data = {"committee": committee.pk, "start": "2030-01-14T10:00", "is_public": "on"}
    assert client.post(reverse("officer-meeting-add"), data).status_code == 302
    response = client.post(reverse("officer-meeting-add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Children&#x27;s Scrutiny Panel already has a meeting at this time" in html
    assert Meeting.all_objects.filter(committee=committee).count() == 1
    # A cancelled meeting does not block re-arranging it for the same time.
    Meeting.all_objects.filter(committee=committee).update(status=MeetingStatus.CANCELLED)
    assert client.post(reverse("officer-meeting-add"), data).status_code == 302
    # Moving another meeting onto that time is refused too.
    other = MeetingFactory(committee=committee, start=dt.datetime(2030, 2, 1, 10, tzinfo=UTC))
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(
            meeting=other, start=dt.datetime(2030, 1, 14, 10, tzinfo=UTC), by=officer
        )
    assert "already has a meeting" in caught.value.messages[0]
    # Seconds do not make it another meeting: 10:00:30 reads as 10:00 everywhere.
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(
            meeting=other, start=dt.datetime(2030, 1, 14, 10, 0, 30, tzinfo=UTC), by=officer
        )
    assert "already has a meeting" in caught.value.messages[0]
    seconds = {**data, "start": "2030-01-14T10:00:30"}
    assert "already has a meeting" in client.post(
        reverse("officer-meeting-add"), seconds
    ).content.decode().replace("&#x27;", "'")


def test_end_before_start_reads_as_a_sentence_not_a_constraint_name():
    meeting = MeetingFactory.build(
        committee=CommitteeFactory(),
        start=dt.datetime(2030, 1, 14, 10, tzinfo=UTC),
        end=dt.datetime(2030, 1, 14, 9, tzinfo=UTC),
    )
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    text = " ".join(caught.value.messages)
    assert "meeting_end_after_start" not in text
    assert "The meeting must end after it starts." in text


def test_every_model_constraint_has_a_readable_message():
    from django.apps import apps
    from django.db.models import CheckConstraint, UniqueConstraint

    missing = []
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {
            "scrutiny",
            "meetings",
            "performance",
            "workprogramme",
            "opendata",
        }:
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint | UniqueConstraint):
                message = constraint.violation_error_message
                if message is None or message == constraint.default_violation_error_message:
                    missing.append(f"{model.__name__}.{constraint.name}")
    assert missing == []


def test_reorder_posts_say_what_is_wrong(client, officer):
    meeting = MeetingFactory()
    items = [AgendaItemFactory(meeting=meeting, order=n, number=str(n)) for n in (1, 2, 3)]
    url = reverse("officer-item-move", args=[items[1].pk])
    cases = {
        "-1": "The position must be a whole number from 1 to 3",
        "abc": "The position must be a whole number from 1 to 3",
        "0": "The position must be a whole number from 1 to 3",
        "4": "The position must be a whole number from 1 to 3",
        "": "Enter the position",
    }
    for value, message in cases.items():
        response = client.post(url, {"position": value}, follow=True)
        assert message in response.content.decode(), value
    response = client.post(url, {"direction": "sideways"}, follow=True)
    assert "Move the item up or down." in response.content.decode()
    response = client.post(url, {}, follow=True)
    assert "Move the item up or down." in response.content.decode()
    order = list(AgendaItem.all_objects.filter(meeting=meeting).values_list("pk", flat=True))
    assert order == [i.pk for i in items]  # nothing moved
    response = client.post(url, {"position": "1"}, follow=True)
    assert response.status_code == 200
    first = AgendaItem.all_objects.filter(meeting=meeting).order_by("order").first()
    assert first.pk == items[1].pk
