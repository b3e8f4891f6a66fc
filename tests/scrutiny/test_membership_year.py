"""Issue 15 item 1: membership per municipal year on one officer page.

Services (copy last year, add several, end several, new person) are one transaction each and
record ``by=`` as the history user; the page shows each problem and saves nothing; only
officers reach it; the open memberships of an earlier year are flagged."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from scrutiny import services
from scrutiny.models import Membership, MunicipalYear, Person
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    MunicipalYearFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

Y17 = {"name": "2017/18", "start_date": dt.date(2017, 5, 17), "end_date": dt.date(2018, 5, 15)}
Y18 = {"name": "2018/19", "start_date": dt.date(2018, 5, 16), "end_date": dt.date(2019, 5, 21)}


@pytest.fixture
def years():
    return MunicipalYearFactory(**Y17), MunicipalYearFactory(**Y18)


@pytest.fixture
def panel(years):
    """A panel whose 2017 memberships were never ended, plus one who left in 2017/18."""
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="childrens")
    start = Y17["start_date"]
    chair = MembershipFactory(committee=committee, role="chair", start_date=start)
    member = MembershipFactory(committee=committee, start_date=start)
    cooptee = MembershipFactory(
        committee=committee,
        role="cooptee",
        start_date=start,
        person=PersonFactory(kind=Person.Kind.COOPTEE, honorific="", ward=""),
    )
    left = MembershipFactory(committee=committee, start_date=start, end_date=dt.date(2017, 12, 1))
    return committee, {"chair": chair, "member": member, "cooptee": cooptee, "left": left}


def url(committee, year):
    return f"/officer/committees/{committee.slug}/years/{year.pk}/members/"


# --- services ----------------------------------------------------------------------------


def test_copy_starts_the_year_from_last_years_members_and_is_idempotent(panel, years):
    committee, ms = panel
    y17, y18 = years
    officer = make_user("officer")
    created = services.copy_previous_year_memberships(committee=committee, year=y18, by=officer)
    assert {(m.person_id, m.role) for m in created} == {
        (ms[k].person_id, ms[k].role) for k in ("chair", "member", "cooptee")
    }
    for m in created:
        assert (m.start_date, m.end_date) == (y18.start_date, y18.end_date)
        assert m.history.latest().history_user == officer
    for key in ("chair", "member", "cooptee"):
        ms[key].refresh_from_db()
        assert ms[key].end_date == dt.date(2018, 5, 15)  # the day before 2018/19 starts
        assert ms[key].history.latest().history_user == officer
    assert Membership.objects.filter(person=ms["left"].person).count() == 1

    assert services.copy_previous_year_memberships(committee=committee, year=y18, by=None) == []
    assert Membership.objects.filter(committee=committee).count() == 7


def test_copy_needs_a_previous_year(panel, years):
    committee, _ = panel
    with pytest.raises(ValidationError, match="no municipal year before 2017/18"):
        services.copy_previous_year_memberships(committee=committee, year=years[0], by=None)


def test_add_several_with_a_new_person_and_a_bad_row_saves_nothing(panel, years):
    committee, ms = panel
    y18 = years[1]
    joiner = PersonFactory()
    people_before = Person.objects.count()
    rows = [
        services.NewMember(person=joiner, role="member", start_date=y18.start_date),
        services.NewMember(
            new_person={"name": "Ada Newcomer", "kind": "councillor", "honorific": "Councillor"},
            role="member",
            start_date=y18.start_date,
            end_date=y18.end_date,
        ),
        # The 2017 chair is still open: the same person as a member for these dates overlaps.
        services.NewMember(person=ms["chair"].person, role="member", start_date=y18.start_date),
    ]
    with pytest.raises(ValidationError) as err:
        services.add_memberships(committee=committee, rows=rows, by=None)
    assert any(str(ms["chair"].person) in m and "already chair" in m for m in err.value.messages)
    assert Person.objects.count() == people_before
    assert not Membership.objects.filter(person=joiner).exists()

    officer = make_user("officer")
    created = services.add_memberships(committee=committee, rows=rows[:2], by=officer)
    assert [m.person.display_name for m in created][1] == "Councillor Ada Newcomer"
    assert all(m.history.latest().history_user == officer for m in created)


def test_two_rows_of_the_same_batch_are_checked_against_each_other(panel, years):
    committee, _ = panel
    y18 = years[1]
    person = PersonFactory()
    row = services.NewMember(person=person, role="member", start_date=y18.start_date)
    with pytest.raises(ValidationError, match="must not overlap"):
        services.add_memberships(committee=committee, rows=[row, row], by=None)
    assert not Membership.objects.filter(person=person).exists()


def test_new_person_needs_a_name_and_councillor_or_cooptee():
    with pytest.raises(ValidationError) as err:
        services.create_person(name="  ", kind="officer", by=None)
    assert set(err.value.message_dict) == {"name", "kind"}
    person = services.create_person(name="Sam  Coopted", kind="cooptee", by=None)
    assert (person.display_name, person.ward, person.kind) == ("Sam Coopted", "", "cooptee")
    person = services.create_person(name="Lee Elected", kind="councillor", by=None)
    assert person.display_name == "Councillor Lee Elected"
    person = services.create_person(name="Mo Mayor", kind="councillor", honorific="Mayor", by=None)
    assert person.display_name == "Mayor Mo Mayor"


def test_end_several_refuses_a_date_before_the_start_and_saves_nothing(panel):
    committee, ms = panel
    ends = {
        ms["member"].pk: dt.date(2018, 5, 15),
        ms["chair"].pk: dt.date(2016, 1, 1),
    }
    with pytest.raises(ValidationError, match="on or after the start date"):
        services.end_memberships(committee=committee, ends=ends, by=None)
    ms["member"].refresh_from_db()
    assert ms["member"].end_date is None
    ended = services.end_memberships(
        committee=committee, ends={ms["member"].pk: dt.date(2018, 5, 15)}, by=None
    )
    assert ended[0].end_date == dt.date(2018, 5, 15)


def test_end_refuses_another_committees_membership(panel):
    committee, _ = panel
    other = MembershipFactory()
    with pytest.raises(ValidationError, match="no longer there"):
        services.end_memberships(committee=committee, ends={other.pk: dt.date(2018, 1, 1)}, by=None)
    other.refresh_from_db()
    assert other.end_date is None


# --- the page ----------------------------------------------------------------------------


def test_page_lists_the_years_members_and_flags_the_ones_left_open(client, panel, years):
    committee, ms = panel
    client.force_login(make_user("officer"))
    page = client.get(url(committee, years[1])).content.decode()
    assert "Members of Children&#x27;s Scrutiny Panel for 2018/19" in page
    assert page.count("Still open from 2017/18 — end it?") == 3
    for key in ("chair", "member", "cooptee"):
        assert f'data-membership="{ms[key].pk}"' in page
    # Left during 2017/18: not a member in 2018/19.
    assert f'data-membership="{ms["left"].pk}"' not in page
    # The end offered for a carried-over membership, as day, month and year (GOV.UK).
    assert date_boxes(page, f"end_date-{ms['member'].pk}") == ("15", "5", "2018")
    assert date_boxes(page, "add-0-start_date") == ("16", "5", "2018")
    assert date_boxes(page, "add-0-end_date") == ("21", "5", "2019")


def test_page_copies_ends_and_adds_in_three_submissions(client, panel, years):
    committee, ms = panel
    y18 = years[1]
    client.force_login(make_user("officer"))
    response = client.post(url(committee, y18), {"action": "copy"}, follow=True)
    assert "Copied 3 memberships from 2017/18 to 2018/19." in response.content.decode()
    copied = Membership.objects.get(person=ms["member"].person, start_date=y18.start_date)
    response = client.post(
        url(committee, y18),
        {"action": "end", "end": [copied.pk], f"end_date-{copied.pk}": "2018-10-01"},
        follow=True,
    )
    assert "Ended 1 membership" in response.content.decode()
    joiner = PersonFactory()
    data = management(add=1, new=1) | {
        "action": "add",
        "add-0-person": joiner.pk,
        "add-0-role": "vice_chair",
        "add-0-start_date": "2018-10-02",
        "add-0-end_date": "2019-05-21",
        "new-0-name": "Priya Shah",
        "new-0-kind": "councillor",
        "new-0-ward": "",
        "new-0-role": "member",
        "new-0-start_date": "2018-05-16",
        "new-0-end_date": "2019-05-21",
    }
    response = client.post(url(committee, y18), data, follow=True)
    page = response.content.decode()
    assert "Added 2 members" in page and "Councillor Priya Shah" in page
    assert "Still open from" not in page
    in_force = {m.person.name for m in committee.members_on(dt.date(2018, 11, 1))}
    assert in_force == {
        ms["chair"].person.name,
        ms["cooptee"].person.name,
        joiner.name,
        "Priya Shah",
    }


def date_boxes(page: str, name: str) -> tuple[str, str, str]:
    """The day, month and year typed in the GOV.UK date input ``name``."""
    doc = lxml.html.document_fromstring(page)
    return tuple(
        doc.xpath(f"//input[@name='{name}_{part}']")[0].get("value")
        for part in ("day", "month", "year")
    )


def management(*, add: int, new: int) -> dict:
    data = {}
    for prefix, total in (("add", add), ("new", new)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def test_bad_rows_are_shown_on_the_page_and_nothing_is_saved(client, panel, years):
    committee, ms = panel
    y18 = years[1]
    client.force_login(make_user("officer"))
    joiner = PersonFactory(name="Jo Joiner")
    data = management(add=2, new=1) | {
        "action": "add",
        "add-0-person": joiner.pk,
        "add-0-role": "member",
        "add-0-start_date": "2018-05-16",
        "add-1-person": ms["chair"].person.pk,
        "add-1-role": "member",
        "add-1-start_date": "2018-05-16",
        "new-0-name": "Not Saved",
        "new-0-kind": "councillor",
        "new-0-role": "member",
        "new-0-start_date": "2018-06-01",
        "new-0-end_date": "2018-05-31",
    }
    response = client.post(url(committee, y18), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Nothing was saved." in page
    assert "The end date must be on or after the start date." in page
    assert 'value="Not Saved"' in page  # what was typed is kept
    del data["new-0-name"]
    page = client.post(url(committee, y18), data).content.decode()
    assert "already chair" in page and "End that membership first." in page
    assert not Membership.objects.filter(person=joiner).exists()
    assert not Person.objects.filter(name="Not Saved").exists()

    page = client.post(url(committee, y18), {"action": "end"}).content.decode()
    assert "Tick the memberships you want to end." in page
    pk = ms["member"].pk
    page = client.post(
        url(committee, y18), {"action": "end", "end": [pk], f"end_date-{pk}": "not a date"}
    ).content.decode()
    name = ms["member"].person.display_name
    assert escape(f"End date for {name} must be a real date") in page
    page = client.post(
        url(committee, y18), {"action": "end", "end": [pk], f"end_date-{pk}": "2016-01-01"}
    ).content.decode()
    assert "on or after the start date (17 May 2017)" in page
    ms["member"].refresh_from_db()
    assert ms["member"].end_date is None


def test_flags_and_links_on_the_officer_home_committee_and_year_pages(
    client, panel, years, monkeypatch
):
    committee, _ = panel
    y18 = years[1]
    # "Today" is in 2018/19, a year after the open memberships started.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2018, 9, 1))
    client.force_login(make_user("officer"))
    home = client.get("/officer/").content.decode()
    assert "Children&#x27;s Scrutiny Panel: 3 still open from 2017/18" in home
    assert url(committee, y18) in home
    members = client.get(f"/officer/committees/{committee.slug}/members/").content.decode()
    assert "3 still open from 2017/18" in members
    assert url(committee, y18) in members and url(committee, years[0]) in members
    assert f"/officer/years/{y18.pk}/members/" in client.get("/officer/years/").content.decode()
    year_page = client.get(f"/officer/years/{y18.pk}/members/").content.decode()
    assert url(committee, y18) in year_page and "3 still open from 2017/18" in year_page

    services.copy_previous_year_memberships(committee=committee, year=y18, by=None)
    assert "still open" not in client.get("/officer/").content.decode()


@pytest.mark.parametrize("path", ["committee", "year"])
def test_only_officers_reach_the_pages(client, panel, years, path):
    committee, ms = panel
    ms["member"].notes = "CANARY-MEMBERSHIP-NOTE"
    ms["member"].save()
    target = (
        url(committee, years[1])
        if path == "committee"
        else f"/officer/years/{years[1].pk}/members/"
    )
    response = client.get(target)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(target, {"action": "copy"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    # A councillor who is a member of this very committee is still not an officer.
    client.force_login(make_user("councillor", person=ms["member"].person))
    for response in (client.get(target), client.post(target, {"action": "copy"})):
        assert response.status_code == 403
        assert "CANARY-MEMBERSHIP-NOTE" not in response.content.decode()
    assert Membership.objects.filter(committee=committee).count() == 4


def test_membership_is_public_on_the_committee_page(client, panel):
    """Who sits on a committee is public; the officer's notes on a membership are not shown."""
    committee, ms = panel
    ms["member"].notes = "CANARY-MEMBERSHIP-NOTE"
    ms["member"].save()
    page = client.get(f"/committees/{committee.slug}/?year=2017/18").content.decode()
    assert escape(ms["member"].person.name) in page and escape(ms["cooptee"].person.name) in page
    assert "CANARY-MEMBERSHIP-NOTE" not in page
    client.force_login(make_user("councillor"))
    page = client.get(f"/committees/{committee.slug}/?year=2017/18").content.decode()
    assert "CANARY-MEMBERSHIP-NOTE" not in page


def test_unknown_year_or_committee_is_404(client, panel):
    committee, _ = panel
    client.force_login(make_user("officer"))
    assert client.get(f"/officer/committees/{committee.slug}/years/999/members/").status_code == 404
    assert (
        client.get(
            f"/officer/committees/nope/years/{MunicipalYear.objects.first().pk}/members/"
        ).status_code
        == 404
    )


def test_ending_leavers_before_copying_leaves_them_out_of_the_copy(panel, years):
    """Years later (the case of issue 15): a 2017 membership that an officer ends on the day
    before 2019/20 (the member left) is not copied into 2019/20; those still open are."""
    committee, ms = panel
    y19 = MunicipalYearFactory(
        name="2019/20", start_date=dt.date(2019, 5, 22), end_date=dt.date(2020, 5, 19)
    )
    services.end_memberships(
        committee=committee, ends={ms["member"].pk: dt.date(2019, 5, 21)}, by=None
    )
    created = services.copy_previous_year_memberships(committee=committee, year=y19, by=None)
    assert {m.person_id for m in created} == {ms["chair"].person_id, ms["cooptee"].person_id}


def test_copy_carries_last_years_own_memberships(panel, years):
    """A membership of the previous year itself (ending on its last day) is copied."""
    committee, _ = panel
    y18 = years[1]
    person = PersonFactory()
    MembershipFactory(
        committee=committee,
        person=person,
        start_date=dt.date(2017, 9, 1),
        end_date=dt.date(2018, 5, 15),
    )
    created = services.copy_previous_year_memberships(committee=committee, year=y18, by=None)
    assert person.pk in {m.person_id for m in created}


def test_remove_takes_out_a_copied_membership_but_never_an_earlier_one(client, panel, years):
    committee, ms = panel
    y18 = years[1]
    officer = make_user("officer")
    client.force_login(officer)
    client.post(url(committee, y18), {"action": "copy"})
    copied = Membership.objects.get(person=ms["member"].person, start_date=y18.start_date)
    page = client.post(
        url(committee, y18), {"action": "remove", "end": [copied.pk, ms["chair"].pk]}
    ).content.decode()
    assert "End it instead of removing it." in page
    assert Membership.objects.filter(pk=copied.pk).exists()

    response = client.post(url(committee, y18), {"action": "remove", "end": [copied.pk]})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=copied.pk).exists()
    removal = Membership.history.filter(id=copied.pk).latest()
    assert (removal.history_type, removal.history_user) == ("-", officer)
    page = client.post(url(committee, y18), {"action": "remove"}).content.decode()
    assert "Tick the memberships you want to remove." in page


def test_a_tampered_add_form_says_so(client, panel, years):
    committee, _ = panel
    client.force_login(make_user("officer"))
    page = client.post(url(committee, years[1]), {"action": "add"}).content.decode()
    assert "There is a problem" in page and "ManagementForm data is missing" in page
    page = client.post(url(committee, years[1]), {"action": "nonsense"}).content.decode()
    assert "Choose what to do" in page
