"""Issue 21 item 5: people and roles without Django admin. Administrators invite (by email),
disable, enable and change the role of democracy officers and administrators; every change
is audited and shown on the page; at least one active administrator always remains."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections

from scrutiny import accounts
from scrutiny.models import AccountEvent, Person
from scrutiny.permissions import is_administrator, is_officer
from scrutiny.roles import ADMINISTRATORS, OFFICERS
from tests.factories import PersonFactory, make_user

PAGE = "/officer/people-and-roles/"
NEW_PASSWORD = "Heron-Calder-Valley-7"


@pytest.fixture
def admin(db):
    return make_user("admin", username="the-admin", person=PersonFactory(name="Ada Admin"))


def action(user, name: str) -> str:
    return f"{PAGE}{user.pk}/{name}/"


def invite(
    client, admin, *, name="Olu Adeyemi", email="olu.adeyemi@example.gov.uk", role="officer"
):
    client.force_login(admin)
    return client.post(PAGE, {"name": name, "email": email, "role": role})


def groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# --- who may use the page ------------------------------------------------------------------


@pytest.mark.django_db
def test_only_administrators_reach_people_and_roles(client, admin):
    officer = make_user("officer", username="an-officer", person=PersonFactory(kind="officer"))
    urls = [PAGE] + [action(officer, a) for a in ("role", "disable", "enable", "new-link")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for role in ("officer", "councillor"):
        client.force_login(make_user(role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
            assert client.post(url, {"role": "administrator"}).status_code == 403, (role, url)
        response = client.post(PAGE, {"name": "X", "email": "x@example.gov.uk", "role": "officer"})
        assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.is_active and groups(officer) == {OFFICERS}
    assert not get_user_model().objects.filter(email="x@example.gov.uk").exists()
    client.force_login(admin)
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_a_councillors_login_is_not_managed_here(client, admin):
    councillor = make_user("councillor", person=PersonFactory())
    client.force_login(admin)
    assert client.post(action(councillor, "disable")).status_code == 404
    assert client.post(action(councillor, "role"), {"role": "administrator"}).status_code == 404
    councillor.refresh_from_db()
    assert councillor.is_active and not is_officer(councillor)


@pytest.mark.django_db
def test_a_superusers_login_is_managed_on_the_server_not_here(admin):
    root = get_user_model().objects.create_superuser("root", "root@example.gov.uk", "x")
    root.groups.add(*make_user("admin").groups.all())
    with pytest.raises(ValidationError, match="superuser"):
        accounts.disable_staff(user=root, by=admin)


# --- invite --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_invited_officer_gets_the_link_by_email_sets_a_password_and_signs_in(client, admin):
    from notifications.models import Outbox

    response = invite(client, admin)
    assert response.status_code == 200
    html = response.content.decode()
    assert "a set-password link was emailed to olu.adeyemi@example.gov.uk" in html
    person = Person.objects.get(name="Olu Adeyemi")
    user = person.user
    assert person.kind == Person.Kind.OFFICER and person.email == "olu.adeyemi@example.gov.uk"
    assert groups(user) == {OFFICERS} and not user.has_usable_password()
    assert not user.is_staff
    event = AccountEvent.objects.get(person=person)
    assert event.action == AccountEvent.Action.INVITED and event.by == admin
    assert event.detail == "Democracy officer"
    # The notifications app queued the email to the invited address (the set-password link).
    message = Outbox.objects.get(kind=Outbox.Kind.ACCOUNT)
    assert message.recipient == "olu.adeyemi@example.gov.uk"
    link = html.split('id="set-password-link" type="text" readonly value="', 1)[1].split('"')[0]
    path = link.replace("http://testserver", "")
    client.logout()
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.login(username=user.username, password=NEW_PASSWORD)
    assert client.get("/officer/").status_code == 200
    assert client.get(PAGE).status_code == 403  # an officer, not an administrator
    assert AccountEvent.objects.filter(
        person=person, action=AccountEvent.Action.PASSWORD_SET
    ).exists()


@pytest.mark.django_db
def test_an_invitation_needs_a_name_a_new_address_and_a_role(client, admin):
    response = invite(client, admin, name="", email="not-an-address", role="king")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the person&#x27;s full name." in html
    assert "Enter an email address like name@example.gov.uk." in html
    assert "Select a valid choice" in html
    invite(client, admin)
    response = invite(client, admin, name="Someone Else")
    assert "A login with the address olu.adeyemi@example.gov.uk exists already" in (
        response.content.decode()
    )
    assert get_user_model().objects.filter(email="olu.adeyemi@example.gov.uk").count() == 1


@pytest.mark.django_db
def test_an_administrator_can_be_invited(client, admin):
    invite(client, admin, name="Bea Boss", email="bea@example.gov.uk", role="administrator")
    user = Person.objects.get(name="Bea Boss").user
    assert groups(user) == {ADMINISTRATORS, OFFICERS}
    assert is_administrator(user) and is_officer(user)


# --- roles, disable, enable ----------------------------------------------------------------


@pytest.mark.django_db
def test_change_role_both_ways_is_recorded_and_shown(client, admin):
    officer = make_user("officer", username="clerk", person=PersonFactory(name="Cal Clerk"))
    client.force_login(admin)
    assert client.post(action(officer, "role"), {"role": "administrator"}).status_code == 302
    assert groups(officer) == {ADMINISTRATORS, OFFICERS}
    assert client.post(action(officer, "role"), {"role": "officer"}).status_code == 302
    assert groups(officer) == {OFFICERS}
    details = list(
        AccountEvent.objects.filter(action=AccountEvent.Action.ROLE_CHANGED)
        .order_by("at", "pk")
        .values_list("detail", flat=True)
    )
    assert details == ["Democracy officer to Administrator", "Administrator to Democracy officer"]
    html = client.get(PAGE).content.decode()
    assert "Role changed: Administrator to Democracy officer" in html
    assert "Ada Admin (the-admin)" in html
    # The same role again is refused with a message, nothing recorded.
    response = client.post(action(officer, "role"), {"role": "officer"}, follow=True)
    assert "Cal Clerk is already democracy officer." in response.content.decode()
    assert AccountEvent.objects.filter(action=AccountEvent.Action.ROLE_CHANGED).count() == 2


@pytest.mark.django_db
def test_disable_stops_sign_in_and_enable_restores_it(client, admin):
    officer = make_user("officer", username="clerk", person=PersonFactory(name="Cal Clerk"))
    client.force_login(admin)
    client.post(action(officer, "disable"))
    officer.refresh_from_db()
    assert not officer.is_active
    assert not client.login(username="clerk", password="test-password-1")
    client.force_login(admin)
    client.post(action(officer, "enable"))
    assert client.login(username="clerk", password="test-password-1")
    actions = list(
        AccountEvent.objects.filter(person__user=officer)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [AccountEvent.Action.DISABLED, AccountEvent.Action.ENABLED]


@pytest.mark.django_db
def test_a_login_made_before_this_page_gets_a_person_for_its_history(admin):
    bare = make_user("officer", username="old.officer")
    accounts.change_role(user=bare, role="administrator", by=admin)
    person = Person.objects.get(user=bare)
    assert person.kind == Person.Kind.OFFICER and person.name == "old.officer"
    assert person.account_events.get().detail == "Democracy officer to Administrator"


@pytest.mark.django_db
def test_a_new_link_kills_the_old_password(admin, client):
    officer = make_user("officer", username="clerk", person=PersonFactory(name="Cal Clerk"))
    client.force_login(admin)
    response = client.post(action(officer, "new-link"))
    assert response.status_code == 200 and 'id="set-password-link"' in response.content.decode()
    assert not client.login(username="clerk", password="test-password-1")


# --- the last administrator ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_last_administrator_cannot_demote_or_disable_themselves(client, admin):
    client.force_login(admin)
    response = client.post(action(admin, "role"), {"role": "officer"}, follow=True)
    html = response.content.decode()
    assert "Ada Admin is the last active administrator" in html
    response = client.post(action(admin, "disable"), follow=True)
    assert "Ada Admin is the last active administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and is_administrator(admin)
    assert not AccountEvent.objects.filter(person__user=admin).exists()


@pytest.mark.django_db
def test_an_invited_administrator_who_never_signed_in_does_not_count(admin):
    link_user = accounts.invite_staff(
        name="Bea Boss", email="bea@example.gov.uk", role="administrator", by=admin
    )
    assert link_user.username
    with pytest.raises(ValidationError, match="last active administrator"):
        accounts.change_role(user=admin, role="officer", by=admin)


@pytest.mark.django_db
def test_with_a_second_administrator_one_may_step_down_and_is_sent_to_the_officer_pages(
    client, admin
):
    make_user("admin", username="second-admin")
    client.force_login(admin)
    response = client.post(action(admin, "role"), {"role": "officer"})
    assert response.status_code == 302 and response["Location"] == "/officer/"
    assert not is_administrator(admin) and is_officer(admin)
    assert client.get(PAGE).status_code == 403


@pytest.mark.django_db
def test_two_administrators_cannot_leave_none_by_demoting_each_other(admin):
    other = make_user("admin", username="other-admin")
    accounts.change_role(user=other, role="officer", by=admin)
    with pytest.raises(ValidationError, match="last active administrator"):
        accounts.change_role(user=admin, role="officer", by=other)
    with pytest.raises(ValidationError, match="last active administrator"):
        accounts.disable_staff(user=admin, by=other)
    assert accounts.active_administrators().count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_leave_one_administrator_on_postgresql():
    """Two administrators each demote the other at the same moment: the administrators'
    group row is locked (select_for_update), so the second waits, sees the first's change
    and is refused."""
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing at PostgreSQL (make test-postgres)")
    first = make_user("admin", username="first-admin")
    second = make_user("admin", username="second-admin")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(target, by):
        try:
            barrier.wait(timeout=10)
            accounts.change_role(user=target, role="officer", by=by)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=demote, args=(first, second)),
        threading.Thread(target=demote, args=(second, first)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes)[0] == "done" and "last active administrator" in sorted(outcomes)[1]
    assert accounts.active_administrators().count() == 1
