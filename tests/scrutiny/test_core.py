from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.html import escape

from scrutiny import services
from scrutiny.env import Env
from scrutiny.models import Committee, Membership
from scrutiny.permissions import can_view_exempt, is_officer
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    MunicipalYearFactory,
    OfficerFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_overlapping_membership_in_same_role_is_refused():
    m = MembershipFactory(start_date=dt.date(2017, 5, 17), end_date=None)
    with pytest.raises(ValidationError) as err:
        services.create_membership(
            person=m.person, committee=m.committee, role=m.role, start_date=dt.date(2017, 9, 1)
        )
    assert "must not overlap" in str(err.value)


def test_end_before_start_is_refused():
    person, committee = PersonFactory(), CommitteeFactory()
    with pytest.raises(ValidationError) as err:
        services.create_membership(
            person=person,
            committee=committee,
            role=Membership.Role.MEMBER,
            start_date=dt.date(2017, 9, 1),
            end_date=dt.date(2017, 8, 1),
        )
    assert "end_date" in err.value.message_dict


def test_second_chair_for_same_dates_is_refused_but_after_the_first_ends_is_fine():
    chair = MembershipFactory(role=Membership.Role.CHAIR, end_date=dt.date(2017, 12, 31))
    other = PersonFactory()
    with pytest.raises(ValidationError) as err:
        services.create_membership(
            person=other,
            committee=chair.committee,
            role=Membership.Role.CHAIR,
            start_date=dt.date(2017, 10, 1),
        )
    assert "already has a chair" in err.value.message_dict["role"][0]
    services.create_membership(
        person=other,
        committee=chair.committee,
        role=Membership.Role.CHAIR,
        start_date=dt.date(2018, 1, 1),
    )


def test_officers_cannot_be_members():
    with pytest.raises(ValidationError):
        services.create_membership(
            person=OfficerFactory(),
            committee=CommitteeFactory(),
            role=Membership.Role.MEMBER,
            start_date=dt.date(2017, 5, 17),
        )


def test_history_is_kept_for_members_who_left_mid_year():
    committee = CommitteeFactory()
    left = MembershipFactory(committee=committee, end_date=dt.date(2017, 10, 31))
    stayed = MembershipFactory(committee=committee)
    in_september = {m.person for m in committee.members_on(dt.date(2017, 9, 1))}
    in_december = {m.person for m in committee.members_on(dt.date(2017, 12, 1))}
    assert in_september == {left.person, stayed.person}
    assert in_december == {stayed.person}


def test_exempt_permission_follows_membership_and_role():
    committee, other_committee = CommitteeFactory(), CommitteeFactory()
    member_person = PersonFactory()
    MembershipFactory(person=member_person, committee=committee)
    member = make_user("councillor", person=member_person)
    outsider = make_user("councillor", person=PersonFactory())
    officer = make_user("officer")
    on = dt.date(2017, 10, 9)
    assert can_view_exempt(member, committee, on)
    assert not can_view_exempt(member, other_committee, on)
    assert not can_view_exempt(outsider, committee, on)
    assert can_view_exempt(officer, committee, on)
    assert is_officer(officer) and not is_officer(member)


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("PRODUCTION", "true")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        Env.from_environ()
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DEBUG", "true")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env.from_environ()


def test_bad_environment_values_are_named(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "lots")
    with pytest.raises(ImproperlyConfigured, match="MAX_UPLOAD_MB"):
        Env.from_environ()


def test_committee_page_shows_members_for_chosen_year(client):
    y17 = MunicipalYearFactory()
    MunicipalYearFactory(start_date=dt.date(2016, 5, 18), end_date=dt.date(2017, 5, 16))
    committee = CommitteeFactory()
    old = MembershipFactory(
        committee=committee, start_date=dt.date(2016, 5, 18), end_date=dt.date(2017, 5, 16)
    )
    new = MembershipFactory(committee=committee, start_date=y17.start_date)
    page = client.get(f"/committees/{committee.slug}/?year=2016/17").content.decode()
    section = page.split('id="members-by-year"')[1]
    # The names as the page writes them: a made-up "O'Sullivan" is "O&#x27;Sullivan" there.
    assert escape(old.person.name) in section
    assert escape(new.person.name) not in section


def test_person_list_filters_by_party(client):
    PersonFactory(name="Red Person", party="Labour")
    PersonFactory(name="Blue Person", party="Conservative")
    page = client.get("/people/?party=Conservative").content.decode()
    assert "Blue Person" in page and "Red Person" not in page


def test_committee_list_filters_by_kind(client):
    CommitteeFactory(name="Panel One", kind="scrutiny_panel")
    CommitteeFactory(name="Board One", kind="board")
    page = client.get("/committees/?kind=board").content.decode()
    assert "Board One" in page and "Panel One" not in page


class TestOfficerPages:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get("/officer/committees/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_councillor_is_refused(self, client):
        client.force_login(make_user("councillor"))
        assert client.get("/officer/committees/").status_code == 403

    def test_officer_adds_committee_and_membership(self, client):
        client.force_login(make_user("officer"))
        response = client.post(
            "/officer/committees/add/",
            {"name": "Health Scrutiny Panel", "kind": "scrutiny_panel", "is_active": "on"},
        )
        assert response.status_code == 302
        person = PersonFactory()
        response = client.post(
            "/officer/memberships/add/",
            {
                "person": person.pk,
                "committee": Committee.objects.get(name="Health Scrutiny Panel").pk,
                "role": "member",
                "start_date": "2017-05-17",
                "voting": "on",
            },
        )
        assert response.status_code == 302
        assert Membership.objects.filter(person=person).exists()

    def test_validation_message_shown_where_the_user_is(self, client):
        client.force_login(make_user("officer"))
        m = MembershipFactory()
        response = client.post(
            "/officer/memberships/add/",
            {
                "person": m.person.pk,
                "committee": m.committee.pk,
                "role": m.role,
                "start_date": "2017-09-01",
                "voting": "on",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page and "must not overlap" in page
        response = client.post(
            "/officer/memberships/add/",
            {"person": m.person.pk, "role": "member", "start_date": "2017-09-01"},
        )
        assert "Choose the committee this membership is of." in response.content.decode()
