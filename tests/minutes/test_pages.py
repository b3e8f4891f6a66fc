"""Minutes and action pages through the real views: officers' forms, conflicts, the public
minutes page and PDF, the action tracker and its CSV, and exempt text kept off every public
surface."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pypdf
import pytest
from django.urls import reverse

from meetings.minutes import services
from meetings.minutes.models import ActionStatus, AttendanceKind, Minute, MinutesStatus
from meetings.models import AgendaItem, ItemKind
from scrutiny.models import Membership
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import LONDON
from tests.factories.minutes import ActionFactory, make_meeting_with_items

pytestmark = pytest.mark.django_db

CANARY = "CANARY-EXEMPT-7f3a9c"


def body_of(response) -> bytes:
    """The body of a response, streamed (the action CSVs) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _business(minutes):
    return list(minutes.items.filter(agenda_item__kind="business").order_by("agenda_item__order"))


@pytest.fixture
def officer_client(client):
    client.force_login(make_user("officer"))
    return client


@pytest.fixture
def exempt_minutes():
    """Published minutes with an exempt item whose full minute, resolution and action carry
    the canary; its public summary does not."""
    meeting = make_meeting_with_items(exempt=True)
    minutes = services.start_minutes(meeting=meeting)
    public, exempt = _business(minutes)
    services.save_minute(
        minute=public,
        text="Public narrative.",
        resolutions=["That the report be noted."],
        version=public.version,
    )
    services.save_minute(
        minute=exempt,
        text=f"The child known as {CANARY} went missing.",
        resolutions=[f"That {CANARY} be referred."],
        public_summary="Gill Ellis provided an update on missing children.",
        version=exempt.version,
    )
    exempt.refresh_from_db()
    services.create_action(
        committee=meeting.committee,
        description=f"Follow up {CANARY}",
        owner_text="Children's services",
        resolution=exempt.resolutions.get(),
        is_public=True,  # forced to members-only by the service
    )
    services.create_action(
        committee=meeting.committee,
        description="Public follow-up",
        owner_text="Children's services",
        resolution=public.resolutions.get(),
    )
    services.publish_minutes(minutes=minutes)
    return minutes


def test_officer_pages_need_an_officer(client):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    urls = [
        reverse("officer-minutes"),
        reverse("officer-minutes-take", args=[minutes.meeting_id]),
        reverse("officer-minute-edit", args=[minutes.items.first().pk]),
        reverse("officer-actions"),
        reverse("officer-minutes-action-add"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(make_user("councillor"))
    for url in urls:
        assert client.get(url).status_code == 403


def test_two_officers_saving_the_same_minute_the_second_sees_a_conflict_and_keeps_his_text(
    client,
):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    minute = _business(minutes)[0]
    url = reverse("officer-minute-edit", args=[minute.pk])
    first, second = make_user("officer"), make_user("officer")
    client.force_login(first)
    page = client.get(url).content.decode()
    assert f'name="version" value="{minute.version}"' in page
    form = {"version": minute.version, "outcome": "considered", "resolutions": ""}
    response = client.post(url, {**form, "text": "Alice's minute of the debate."})
    assert response.status_code == 302
    client.force_login(second)
    response = client.post(
        url, {**form, "text": "Bob's careful notes.", "resolutions": "That it be noted."}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this record" in body
    assert "Bob&#x27;s careful notes." in body or "Bob's careful notes." in body  # kept
    assert "That it be noted." in body
    assert "Alice" in body  # the saved version is shown to compare
    minute.refresh_from_db()
    assert "Alice" in minute.text and "Bob" not in minute.text  # no silent overwrite
    # Saving again is now a deliberate choice and succeeds.
    new_version = minute.version
    assert f'name="version" value="{new_version}"' in body
    response = client.post(url, {**form, "version": new_version, "text": "Bob's careful notes."})
    assert response.status_code == 302
    minute.refresh_from_db()
    assert "Bob" in minute.text


def test_attendance_form_saves_and_conflicts_keep_choices(officer_client):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    rows = list(minutes.attendance.all())
    url = reverse("officer-minutes-take", args=[minutes.meeting_id])
    data = {f"status-{r.pk}": "present" for r in rows}
    data[f"status-{rows[1].pk}"] = "apologies"
    response = officer_client.post(url, {**data, "version": minutes.version})
    assert response.status_code == 302
    rows[1].refresh_from_db()
    assert rows[1].status == "apologies"
    data[f"status-{rows[2].pk}"] = "absent"
    stale = officer_client.post(url, {**data, "version": minutes.version})  # the old version
    assert stale.status_code == 200
    body = stale.content.decode()
    assert "Someone else saved this record" in body
    assert re.search(rf'id="id_status-{rows[2].pk}_2"[^>]*checked', body)  # the choice is kept
    rows[2].refresh_from_db()
    assert rows[2].status == "present"


def test_officer_records_declaration_action_publishes_and_approves(officer_client):
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON), previous=first
    )
    officer_client.post(reverse("officer-minutes-start", args=[first.pk]))
    minutes = first.minutes
    minute = _business(minutes)[0]
    member = minutes.attendance.first().person
    response = officer_client.post(
        reverse("officer-declaration-add", args=[minute.pk]),
        {"person": member.pk, "interest_type": "other", "description": "School governor"},
    )
    assert response.status_code == 302, re.findall(
        r"error-message.{0,300}|error-summary__list.{0,400}", response.content.decode(), re.S
    )
    officer_client.post(
        reverse("officer-minute-edit", args=[minute.pk]),
        {
            "version": minute.version,
            "outcome": "considered",
            "text": "The Board was advised of progress.",
            "resolutions": "That the update be received.\n\nA further update be considered "
            "by the Board in 3 months' time.",
        },
    )
    resolution = minute.resolutions.get(number=2)
    response = officer_client.post(
        reverse("officer-minutes-action-add") + f"?resolution={resolution.pk}",
        {
            "resolution": resolution.pk,
            "committee": committee.pk,
            "description": resolution.text,
            "owner_text": "Service Director, Family Support",
            "due_date": "2017-07-24",
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    action = resolution.actions.get()
    assert action.raised_on == first.date
    officer_client.post(reverse("officer-minutes-publish", args=[minutes.pk]))
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED
    minute.refresh_from_db()
    at_item = AgendaItem.all_objects.get(meeting=second, kind=ItemKind.MINUTES)
    services.start_minutes(meeting=second)
    response = officer_client.post(
        reverse("officer-minutes-approve", args=[at_item.minute.pk]),
        {
            "amendment_1_minute": minute.number,
            "amendment_1_before": "was advised of progress",
            "amendment_1_after": "was advised of good progress",
        },
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED
    at_item.minute.refresh_from_db()
    assert "approved as a correct record subject to" in at_item.minute.resolutions.get().text
    page = officer_client.get(reverse("officer-minute-edit", args=[minute.pk])).content.decode()
    assert "approved and locked" in page and "Record a correction" in page


def test_approve_form_errors_stay_on_the_page(officer_client):
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON), previous=first
    )
    services.publish_minutes(minutes=services.start_minutes(meeting=first))
    services.start_minutes(meeting=second)
    at_item = AgendaItem.all_objects.get(meeting=second, kind=ItemKind.MINUTES)
    response = officer_client.post(
        reverse("officer-minutes-approve", args=[at_item.minute.pk]),
        {"amendment_1_minute": 3, "amendment_1_before": "no such words", "amendment_1_after": "x"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "does not contain the words" in body and 'value="no such words"' in body
    first.minutes.refresh_from_db()
    assert first.minutes.status == MinutesStatus.PUBLISHED


def test_public_minutes_page_shows_status_attendance_and_resolutions(client, exempt_minutes):
    meeting = exempt_minutes.meeting
    cabinet = PersonFactory(name="Masood Ahmed", job_title="Cabinet Member - Children")
    services.add_attendee(minutes=exempt_minutes, kind=AttendanceKind.OBSERVER, person=cabinet)
    response = client.get(reverse("meeting-minutes", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft – to be approved" in body
    assert "Observers" in body and "Masood Ahmed, Cabinet Member - Children" in body
    assert "That the report be noted." in body
    assert "Schedule 12A, paragraph 6" in body
    assert "Gill Ellis provided an update on missing children." in body
    assert CANARY not in body
    assert body.count("<h1") == 1


def test_draft_minutes_are_not_public(client):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    assert client.get(reverse("meeting-minutes", args=[minutes.meeting_id])).status_code == 404
    assert client.get(reverse("meeting-minutes-pdf", args=[minutes.meeting_id])).status_code == 404


def test_exempt_minute_canary_never_reaches_a_public_surface(client, exempt_minutes):
    meeting = exempt_minutes.meeting
    member = Membership.objects.filter(committee=meeting.committee).first().person
    outsider = PersonFactory()
    committee_slug = meeting.committee.slug
    public_urls = [
        reverse("meeting-minutes", args=[meeting.pk]),
        reverse("action-tracker"),
        reverse("committee-actions", args=[committee_slug]),
        reverse("action-tracker-csv"),
        reverse("committee-actions-csv", args=[committee_slug]),
        reverse("person-detail", args=[member.slug]),
        "/sitemap.xml",
    ]
    for action in meeting.committee.actions.all():
        public_urls.append(reverse("action-detail", args=[action.pk]))
    public_urls.append(reverse("meeting-detail", args=[meeting.pk]))  # with the minutes panel

    def check(c, who):
        for url in public_urls:
            response = c.get(url)
            assert response.status_code in (200, 404), (who, url, response.status_code)
            assert CANARY.encode() not in body_of(response), (who, url)

    check(client, "anonymous")
    client.force_login(make_user("councillor", person=outsider))
    check(client, "non-member councillor")
    # The members-only action is a 404 for them, not a 403.
    private = meeting.committee.actions.get(is_public=False)
    assert client.get(reverse("action-detail", args=[private.pk])).status_code == 404
    # The PDF is the public version for everyone.
    pdf = client.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert CANARY not in text and "missing children" in text
    # A member of the committee reads the full minute on the page.
    client.force_login(make_user("councillor", person=member))
    body = client.get(reverse("meeting-minutes", args=[meeting.pk])).content.decode()
    assert CANARY in body and "members only" in body
    from meetings.models import ExemptAccess

    assert ExemptAccess.objects.filter(what__startswith="Exempt minutes").count() == 1
    # ...and the members-only action of their committee.
    assert client.get(reverse("action-detail", args=[private.pk])).status_code == 200
    assert CANARY in client.get(reverse("action-tracker")).content.decode()


def test_minutes_pdf_is_tagged_and_has_the_minutes(client, exempt_minutes):
    import pikepdf

    response = client.get(reverse("meeting-minutes-pdf", args=[exempt_minutes.meeting_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)  # served from storage
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.get("/StructTreeRoot") is not None  # tagged
        assert str(pdf.Root.get("/Lang")) == "en-GB"
        assert "Minutes:" in str(pdf.open_metadata().get("dc:title"))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "RESOLVED" in text and "That the report be noted." in text
    assert "Draft – to be approved" in text or "to be approved" in text


def test_action_tracker_filters_csv_and_overdue_in_text(client):
    committee = CommitteeFactory(slug="corporate-parenting-board")
    other = CommitteeFactory()
    owner = PersonFactory(name="Anne Coyle")
    overdue = ActionFactory(
        committee=committee,
        owner_person=owner,
        due_date=dt.date(2017, 7, 24),
        description="Adoption update in 3 months",
    )
    ActionFactory(
        committee=committee,
        owner_person=None,
        owner_text="Fostering service",
        due_date=dt.date(2099, 1, 1),
        description="Presentation on placements",
    )
    ActionFactory(
        committee=other,
        status=ActionStatus.DONE,
        due_date=dt.date(2017, 1, 1),
        description="Done long ago",
    )
    body = client.get(reverse("action-tracker")).content.decode()
    assert "Adoption update" in body and "⚠ Overdue" in body and "Done long ago" in body
    body = client.get(reverse("action-tracker"), {"overdue": "yes"}).content.decode()
    assert "Adoption update" in body and "Presentation on placements" not in body
    assert "Done long ago" not in body  # done is never overdue
    body = client.get(reverse("action-tracker"), {"owner": "fostering"}).content.decode()
    assert "Presentation on placements" in body and "Adoption update" not in body
    body = client.get(reverse("action-tracker"), {"status": "done"}).content.decode()
    assert "Done long ago" in body and "Adoption update" not in body
    body = client.get(reverse("action-tracker"), {"year": "2017/18"}).content.decode()
    assert "Adoption update" in body
    body = client.get(reverse("action-tracker"), {"committee": other.slug}).content.decode()
    assert "Done long ago" in body and "Adoption update" not in body
    body = client.get(reverse("committee-actions", args=[committee.slug])).content.decode()
    assert "Adoption update" in body and "Done long ago" not in body
    response = client.get(reverse("action-tracker-csv"), {"overdue": "yes"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Committee", "Raised on", "From", "Action"]
    assert [r[3] for r in rows[1:]] == ["Adoption update in 3 months"]
    assert rows[1][7] == "Yes" and rows[1][4] == overdue.owner_person.display_name


def test_tracker_query_count_stays_flat(client, django_assert_max_num_queries):
    committee = CommitteeFactory()

    def add(n):
        meeting = make_meeting_with_items(
            committee=committee,
            start=dt.datetime(2017, 6, 1, 10, tzinfo=LONDON)
            + dt.timedelta(days=len(Minute.objects.all())),
        )
        minutes = services.start_minutes(meeting=meeting)
        minute = _business(minutes)[0]
        services.save_minute(
            minute=minute, text="x", resolutions=["That it be noted."], version=minute.version
        )
        services.publish_minutes(minutes=minutes)
        for _ in range(n):
            action = services.create_action(
                committee=committee,
                description="Do it",
                owner_person=PersonFactory(),
                resolution=minute.resolutions.get(),
                target_meeting=meeting,
            )
            services.add_action_note(action=action, text="Progress")
            action.dealt_with_item = minute.agenda_item
            action.save()

    add(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("action-tracker")).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("action-tracker"))
    assert response.content.decode().count("Do it") == 22
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert body_of(client.get(reverse("action-tracker-csv"))).count(b"Do it") == 22


def test_person_page_shows_attendance_and_declarations(client):
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    person = PersonFactory()
    MembershipFactory(committee=committee, person=person, start_date=dt.date(2017, 5, 17))
    minutes = services.start_minutes(meeting=make_meeting_with_items(committee=committee))
    services.add_declaration(
        minute=_business(minutes)[0],
        person=person,
        interest_type="dpi",
        withdrew=True,
        description="Owns land next to the site",
    )
    services.publish_minutes(minutes=minutes)
    body = client.get(reverse("person-detail", args=[person.slug])).content.decode()
    assert "Attendance at meetings" in body and "100%" in body
    assert "Owns land next to the site" in body and "Disclosable pecuniary interest" in body


def test_action_edit_conflict_and_progress_notes(officer_client):
    action = ActionFactory()
    url = reverse("officer-minutes-action-edit", args=[action.pk])
    data = {
        "version": action.version,
        "committee": action.committee_id,
        "description": action.description,
        "owner_person": action.owner_person_id,
        "status": "in_progress",
        "is_public": "on",
    }
    assert officer_client.post(url, data).status_code == 302
    response = officer_client.post(url, {**data, "status": "done", "description": "Mine"})
    assert response.status_code == 200
    assert "Someone else saved" in response.content.decode()
    assert "Mine" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "in_progress"
    response = officer_client.post(
        reverse("officer-minutes-action-note-add", args=[action.pk]),
        {"on": "2099-01-01", "text": "Future"},
    )
    assert "cannot be dated in the future" in response.content.decode()
    officer_client.post(
        reverse("officer-minutes-action-note-add", args=[action.pk]),
        {"on": "2017-09-01", "text": "Report drafted"},
    )
    assert action.notes.get().text == "Report drafted"
    assert action.history.count() == 2


def test_minutes_page_query_count_does_not_grow_with_items(client, django_assert_max_num_queries):
    def build(business):
        meeting = make_meeting_with_items(business=business)
        minutes = services.start_minutes(meeting=meeting)
        for minute in _business(minutes):
            services.save_minute(
                minute=minute,
                text="Narrative",
                resolutions=["One.", "Two."],
                version=minute.version,
            )
            services.add_declaration(
                minute=minute,
                person=minutes.attendance.first().person,
                interest_type="other",
                withdrew=False,
                description="Governor",
            )
        services.publish_minutes(minutes=minutes)
        return meeting

    small, large = build(1), build(12)
    with django_assert_max_num_queries(30) as captured:
        assert client.get(reverse("meeting-minutes", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(captured.captured_queries)):
        body = client.get(reverse("meeting-minutes", args=[large.pk])).content.decode()
    assert body.count("RESOLVED") == 12


def test_previous_minutes_as_a_generated_report_on_the_next_agenda(client, exempt_minutes):
    from meetings.extensions import report_generators
    from meetings.models import Report

    first = exempt_minutes.meeting
    second = make_meeting_with_items(
        committee=first.committee,
        start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON),
        previous=first,
    )
    item = AgendaItem.all_objects.get(meeting=second, kind=ItemKind.MINUTES)
    report = Report.all_objects.create(
        agenda_item=item,
        title="Minutes",
        source=Report.Source.GENERATED,
        generator="minutes.previous",
    )
    html = str(report_generators.render(report, for_print=True))
    assert "That the report be noted." in html and "Draft – to be approved" in html
    assert "missing children" in html and CANARY not in html
    response = client.get(reverse("report-detail", args=[report.pk]))
    assert response.status_code == 200
    assert (
        b"That the report be noted." in response.content and CANARY.encode() not in response.content
    )


def test_form_errors_are_styled_and_keep_what_was_typed(officer_client):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    minute = _business(minutes)[0]
    response = officer_client.post(
        reverse("officer-declaration-add", args=[minute.pk]),
        {"person": minutes.attendance.first().person_id, "interest_type": "dpi", "description": ""},
    )
    body = response.content.decode()
    assert "govuk-textarea--error" in body and "There is a problem" in body
    action_form = officer_client.post(
        reverse("officer-minutes-action-add") + f"?committee={minutes.meeting.committee.slug}",
        {
            "committee_slug": minutes.meeting.committee.slug,
            "committee": minutes.meeting.committee_id,
            "description": "Typed description kept",
        },
    ).content.decode()
    assert "Name the owner" in action_form and "Typed description kept" in action_form
    assert "govuk-input--error" in action_form
