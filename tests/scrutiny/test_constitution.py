"""Issue 21 item 4: the constitution settings. Administrators only; every change audited; each
rule read where it is applied, so changing the setting changes what the portal does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import CommitteeAgendaSettings, ItemKind
from scrutiny import constitution
from scrutiny.audit import history_records
from scrutiny.conflicts import EditConflict
from scrutiny.models import Constitution
from tests.factories import CommitteeFactory, MunicipalYearFactory, PersonFactory, make_user
from tests.factories.meetings import LONDON, MeetingFactory
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db

PAGE = "/officer/constitution/"
ITEMS_PAGE = "/officer/constitution/standard-items/"


@pytest.fixture
def admin():
    return make_user("admin", username="the-admin", person=PersonFactory(name="Ada Admin"))


def save(by, **fields):
    current = constitution.current()
    values = {name: getattr(current, name) for name in constitution.FIELDS} | fields
    return constitution.save_constitution(by=by, **values)


# --- who may see and change it -------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, ITEMS_PAGE])
def test_only_administrators_reach_the_pages(client, admin, path):
    assert client.get(path).status_code == 302
    assert client.get(path)["Location"].startswith("/accounts/login/")
    for role in ("officer", "councillor"):
        client.force_login(make_user(role))
        assert client.get(path).status_code == 403, role
        response = client.post(path, {"publication_clear_days": "9", "minute_numbering": "year"})
        assert response.status_code == 403, role
    assert not Constitution.objects.exists(), "a refused POST wrote nothing"
    client.force_login(admin)
    assert client.get(path).status_code == 200


def test_the_officer_home_links_the_administrator_pages_for_administrators_only(client, admin):
    client.force_login(make_user("officer"))
    html = client.get("/officer/").content.decode()
    assert PAGE not in html and "/officer/people-and-roles/" not in html
    client.force_login(admin)
    html = client.get("/officer/").content.decode()
    assert PAGE in html and "/officer/people-and-roles/" in html


def test_the_page_saves_and_shows_who_changed_what(client, admin):
    client.force_login(admin)
    response = client.post(
        PAGE,
        {
            "default_venue": "Council Chamber, Town Hall",
            "default_start_time": "10:00",
            "default_end_time": "13:00",
            "report_deadline_working_days": "10",
            "publication_clear_days": "6",
            "minute_numbering": "meeting",
            "officer_session_minutes": "120",
            "version": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = Constitution.current()
    assert row.default_venue == "Council Chamber, Town Hall"
    assert row.default_start_time == dt.time(10, 0)
    assert row.report_deadline_working_days == 10
    assert row.minute_numbering == Constitution.MinuteNumbering.MEETING
    assert row.officer_session_minutes == 120
    record = history_records(Constitution, row.pk).first()
    assert record.history_user == admin
    html = client.get(PAGE).content.decode()
    assert "Latest changes" in html and "Ada Admin (the-admin)" in html
    assert "Council Chamber, Town Hall" in html
    # The decisions app's rules are shown (not copied) with the link to their own page.
    assert reverse("officer-decision-settings") in html and "Signatures needed" in html
    # The standard items section comes from the meetings app.
    assert ITEMS_PAGE in html and "Membership of the Committee" in html


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"publication_clear_days": 4}, "publication_clear_days", "at least 5"),
        ({"officer_session_minutes": 5}, "officer_session_minutes", "15 minutes"),
        ({"officer_session_minutes": 2000}, "officer_session_minutes", "24 hours"),
        ({"report_deadline_working_days": 0}, "report_deadline_working_days", "from 1"),
        (
            {"default_start_time": dt.time(14), "default_end_time": dt.time(10)},
            "default_end_time",
            "after the start",
        ),
    ],
)
def test_rules_out_of_range_are_refused_with_a_message_on_the_field(admin, fields, field, words):
    with pytest.raises(ValidationError) as caught:
        save(admin, **fields)
    assert words in " ".join(caught.value.message_dict[field])
    assert not Constitution.objects.exists()


def test_bad_input_on_the_page_is_shown_and_nothing_is_saved(client, admin):
    client.force_login(admin)
    response = client.post(
        PAGE,
        {"publication_clear_days": "3", "minute_numbering": "year", "default_start_time": "25:99"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a time like 10:00" in html
    assert not Constitution.objects.exists()
    response = client.post(PAGE, {"publication_clear_days": "3", "minute_numbering": "year"})
    assert "the law asks for five clear working days" in response.content.decode()


def test_a_save_over_another_administrators_is_a_conflict(admin):
    save(admin, default_venue="Room 1")
    save(admin, default_venue="Room 2")
    with pytest.raises(EditConflict):
        constitution.save_constitution(by=admin, expected_version=1, **{"default_venue": "Room 3"})
    assert Constitution.current().default_venue == "Room 2"


# --- each rule where it is applied ---------------------------------------------------------


def test_the_councils_standard_items_start_a_committees_agenda_unless_it_has_its_own(admin):
    committee, own = CommitteeFactory(), CommitteeFactory()
    start = dt.datetime(2027, 3, 8, 10, tzinfo=LONDON)
    before = meeting_services.create_meeting(committee=committee, start=start, by=admin)
    assert before.items.first().title == "Membership of the Committee"  # the built-in list
    meeting_services.set_standard_items(
        committee=own, items=[{"kind": ItemKind.BUSINESS, "title": "Own opening"}], by=admin
    )
    meeting_services.set_council_standard_items(
        items=[
            {"kind": ItemKind.MEMBERSHIP, "title": "Apologies for absence"},
            {"kind": ItemKind.INTERESTS, "title": "Declarations of interest"},
        ],
        by=admin,
    )
    after = meeting_services.create_meeting(
        committee=committee, start=start + dt.timedelta(days=7), by=admin
    )
    assert list(after.items.order_by("order").values_list("title", flat=True)) == [
        "Apologies for absence",
        "Declarations of interest",
    ]
    theirs = meeting_services.create_meeting(committee=own, start=start, by=admin)
    assert list(theirs.items.values_list("title", flat=True)) == ["Own opening"]
    assert history_records(Constitution, Constitution.current().pk).first().history_user == admin
    with pytest.raises(ValidationError, match="enter a title"):
        meeting_services.set_council_standard_items(
            items=[{"kind": ItemKind.BUSINESS, "title": " "}], by=admin
        )
    meeting_services.set_council_standard_items(items=None, by=admin)
    back = meeting_services.create_meeting(
        committee=committee, start=start + dt.timedelta(days=14), by=admin
    )
    assert back.items.order_by("order").first().title == "Membership of the Committee"


def test_the_standard_items_page_saves_the_councils_list(client, admin):
    client.force_login(admin)
    html = client.get(ITEMS_PAGE).content.decode()
    assert "Membership of the Committee" in html
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
        "items-0-position": "1",
        "items-0-title": "Welcome and apologies",
        "items-0-kind": ItemKind.MEMBERSHIP,
        "items-0-description": "",
    }
    assert client.post(ITEMS_PAGE, data).status_code == 302
    assert Constitution.current().standard_items == [
        {"kind": ItemKind.MEMBERSHIP, "title": "Welcome and apologies", "description": ""}
    ]
    CommitteeAgendaSettings.objects.create(committee=CommitteeFactory(name="Own Panel"))
    html = client.get(PAGE).content.decode()
    assert "Welcome and apologies" in html and "Own Panel" in html


def test_the_default_venue_and_times_fill_a_new_meeting(client, admin):
    committee = CommitteeFactory()
    start = dt.datetime(2027, 3, 8, 10, tzinfo=LONDON)
    plain = meeting_services.create_meeting(committee=committee, start=start, by=admin)
    assert plain.venue == "" and plain.end is None
    save(
        admin,
        default_venue="Council Chamber",
        default_start_time=dt.time(10, 0),
        default_end_time=dt.time(13, 0),
    )
    later = meeting_services.create_meeting(
        committee=committee, start=start + dt.timedelta(days=7), by=admin
    )
    assert later.venue == "Council Chamber"
    assert later.end == start + dt.timedelta(days=7, hours=3)
    given = meeting_services.create_meeting(
        committee=committee, start=start + dt.timedelta(days=14), venue="Room 2", by=admin
    )
    assert given.venue == "Room 2"
    # An afternoon meeting is not given a morning end.
    afternoon = meeting_services.create_meeting(
        committee=committee, start=start + dt.timedelta(days=21, hours=4), by=admin
    )
    assert afternoon.end is None
    # The new meeting form offers the venue and the time.
    client.force_login(make_user("officer"))
    html = client.get("/officer/meetings/add/").content.decode()
    assert 'value="Council Chamber"' in html
    assert re.search(r'name="start_time"[^>]*value="10:00"', html) or re.search(
        r'value="10:00"[^>]*name="start_time"', html
    )


def test_the_report_deadline_rule_sets_a_new_meetings_deadline(admin):
    committee = CommitteeFactory()
    monday = dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    none = meeting_services.create_meeting(committee=committee, start=monday, by=admin)
    assert none.report_deadline is None  # no rule: the officer enters it
    save(admin, report_deadline_working_days=10)
    ruled = meeting_services.create_meeting(
        committee=committee, start=monday + dt.timedelta(hours=4), by=admin
    )
    assert ruled.report_deadline == dt.date(2017, 9, 25)  # ten working days before
    save(admin, report_deadline_working_days=3)
    # Over the August bank holiday (Monday 28 August 2017): 3 working days before Thursday
    # 31 August is Friday 25 August.
    thursday = dt.datetime(2017, 8, 31, 10, tzinfo=LONDON)
    assert meeting_services.create_meeting(
        committee=committee, start=thursday, by=admin
    ).report_deadline == dt.date(2017, 8, 25)
    entered = meeting_services.create_meeting(
        committee=committee,
        start=thursday + dt.timedelta(days=7),
        report_deadline=dt.date(2017, 8, 20),
        by=admin,
    )
    assert entered.report_deadline == dt.date(2017, 8, 20)  # what the officer entered wins


def test_the_publication_days_change_the_late_warning(admin):
    meeting = MeetingFactory(start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON))
    # Published on Friday 29 September: Mon 2 to Fri 6 October are five clear working days.
    on = dt.date(2017, 9, 29)
    assert "confirm_late" not in meeting_services.publication_warnings(meeting, on=on)
    save(admin, publication_clear_days=7)
    warning = meeting_services.publication_warnings(meeting, on=on)["confirm_late"]
    assert "the constitution asks for 7" in warning
    assert "Wednesday 27 September 2017" in warning  # the last day in time for seven


def test_the_officer_meeting_page_says_the_councils_number_of_days(client, admin):
    meeting = MeetingFactory(start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON))
    client.force_login(admin)
    html = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Sunday 1 October 2017 (five clear working days before the meeting)" in html
    save(admin, publication_clear_days=7)
    html = client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Wednesday 27 September 2017 (seven clear working days before the meeting)" in html


def _publish_all(*meetings):
    sets = [minutes_services.start_minutes(meeting=m) for m in meetings]
    for minutes in sets:
        minutes_services.publish_minutes(minutes=minutes)
    return [
        list(m.items.order_by("agenda_item__order").values_list("number", flat=True)) for m in sets
    ]


def test_minute_numbers_run_through_the_year_by_default(admin):
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    assert _publish_all(first, second) == [[1, 2, 3, 4], [5, 6, 7, 8]]


def test_minute_numbers_restart_at_each_meeting_when_the_constitution_says_so(admin):
    save(admin, minute_numbering=Constitution.MinuteNumbering.MEETING)
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    assert _publish_all(first, second) == [[1, 2, 3, 4], [1, 2, 3, 4]]


def test_a_change_of_numbering_mid_year_never_makes_numbers_clash(admin):
    MunicipalYearFactory(start_date=dt.date(2017, 5, 17), end_date=dt.date(2018, 5, 15))
    committee = CommitteeFactory()
    first = make_meeting_with_items(committee=committee)
    save(admin, minute_numbering=Constitution.MinuteNumbering.MEETING)
    second = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON)
    )
    third = make_meeting_with_items(
        committee=committee, start=dt.datetime(2017, 11, 9, 10, tzinfo=LONDON)
    )
    assert _publish_all(second) == [[1, 2, 3, 4]]
    save(admin, minute_numbering=Constitution.MinuteNumbering.YEAR)
    # The year's sequence runs on from the numbers given through the year, not the restarts.
    assert _publish_all(first, third) == [[1, 2, 3, 4], [5, 6, 7, 8]]


def _sign_in(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": "test-password-1"})


def _expiry(client, settings):
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_the_officers_session_length_applies_to_officers_only(client, admin, settings):
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    save(admin, officer_session_minutes=30)
    officer = make_user("officer")
    with time_machine.travel(start, tick=False) as t:
        _sign_in(client, officer)
        assert _expiry(client, settings) == start + dt.timedelta(minutes=30)
        html = client.get("/officer/").content.decode()
        assert 'data-expires-in="1800"' in html
        t.shift(dt.timedelta(minutes=20))
        assert client.post("/accounts/session/").json()["expires_in"] == 1800
        assert _expiry(client, settings) == start + dt.timedelta(minutes=50)
        t.shift(dt.timedelta(minutes=31))
        assert client.get("/officer/").status_code == 302  # ended: sign in again
    councillor = make_user("councillor", person=PersonFactory())
    client.logout()
    with time_machine.travel(start, tick=False):
        _sign_in(client, councillor)
        assert _expiry(client, settings) == start + dt.timedelta(
            seconds=settings.SESSION_COOKIE_AGE
        )
