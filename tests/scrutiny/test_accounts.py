"""Issue 15 items 6 and 8: councillors' logins from the officer people pages, and the people
records (optional ward, the default title, the search)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from scrutiny import accounts
from scrutiny.models import AccountEvent, Person
from scrutiny.roles import COUNCILLORS
from tests.factories import OfficerFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kestrel-Moorland-42"
LINK = re.compile(r'value="(https?://[^"]*/accounts/set-password/[^"]+)"')


@pytest.fixture
def officer():
    return make_user("officer", username="clerk", person=OfficerFactory(name="Richard Dunne"))


@pytest.fixture
def newcomer():
    return PersonFactory(
        name="Aisha Patel", honorific="", ward="", email="aisha.patel@example.gov.uk"
    )


def login_page(person) -> str:
    return reverse("officer-person-login", args=[person.pk])


def create_login(client, officer, person, username="aisha.patel") -> str:
    client.force_login(officer)
    response = client.post(
        login_page(person), {"username": username, "email": "aisha.patel@example.gov.uk"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    found = LINK.search(html)
    assert found, html
    client.logout()
    return found.group(1).replace("http://testserver", "")


def set_password(client, link: str, password: str = NEW_PASSWORD):
    response = client.get(link)
    assert response.status_code == 302, "a valid link moves the token out of the address"
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert response["Location"].endswith("/set-password/") and token not in response["Location"]
    form_url = response["Location"]
    page = client.get(form_url)
    assert "aisha.patel" in page.content.decode()
    return client.post(form_url, {"new_password1": password, "new_password2": password})


# --- Creating a login and setting the password ----------------------------------------------


def test_officer_page_suggests_username_and_email(client, officer, newcomer):
    client.force_login(officer)
    html = client.get(login_page(newcomer)).content.decode()
    assert 'value="aisha.patel"' in html
    assert 'value="aisha.patel@example.gov.uk"' in html
    assert "has no login" in html


def test_create_login_links_the_person_and_gives_the_councillor_role(client, officer, newcomer):
    link = create_login(client, officer, newcomer)
    newcomer.refresh_from_db()
    user = newcomer.user
    assert user.username == "aisha.patel" and user.email == "aisha.patel@example.gov.uk"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [COUNCILLORS]
    assert not user.is_staff and not user.is_superuser
    event = AccountEvent.objects.get(person=newcomer)
    assert event.action == AccountEvent.Action.CREATED and event.by == officer
    # The history row names the officer as its user too.
    assert event.history.get().history_user == officer
    assert link.startswith("/accounts/set-password/")


def test_the_link_sets_the_password_once_and_the_person_can_sign_in(client, officer, newcomer):
    link = create_login(client, officer, newcomer)
    response = set_password(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "Your password is set" in client.get(reverse("login")).content.decode()
    assert client.login(username="aisha.patel", password=NEW_PASSWORD)
    assert client.get(reverse("my-portal")).status_code == 200
    client.logout()
    # The link is used up: a clear message, no form.
    html = client.get(link).content.decode()
    assert "already been used" in html and "new_password1" not in html
    newcomer.refresh_from_db()
    assert AccountEvent.objects.filter(
        person=newcomer, action=AccountEvent.Action.PASSWORD_SET, by=newcomer.user
    ).exists()


def test_password_rules_apply_and_mismatch_is_shown_on_the_page(client, officer, newcomer):
    link = create_login(client, officer, newcomer)
    form_url = client.get(link)["Location"]
    html = client.post(form_url, {"new_password1": "123", "new_password2": "123"}).content
    assert b"There is a problem" in html and b"too short" in html
    html = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    ).content
    assert b"didn\xe2\x80\x99t match" in html
    newcomer.refresh_from_db()
    assert not newcomer.user.has_usable_password()


def test_an_expired_link_says_so(client, officer, newcomer, settings, monkeypatch):
    link = create_login(client, officer, newcomer)
    settings.PASSWORD_RESET_TIMEOUT = 86400
    later = dt.datetime.now() + dt.timedelta(days=2)
    monkeypatch.setattr(accounts.tokens, "_now", lambda: later)
    html = client.get(link).content.decode()
    assert "This link has expired" in html and "new_password1" not in html


def test_a_mangled_link_says_so(client, officer, newcomer):
    link = create_login(client, officer, newcomer)
    html = client.get(link[:-6] + "zzzzz/").content.decode()
    assert "already been used" in html or "not a valid" in html
    html = client.get("/accounts/set-password/xx/abc/").content.decode()
    assert "not a valid set-password link" in html


def test_username_taken_is_shown_on_the_field(client, officer, newcomer):
    make_user("councillor", username="Aisha.Patel")
    client.force_login(officer)
    response = client.post(login_page(newcomer), {"username": "aisha.patel", "email": ""})
    html = response.content.decode()
    assert "is taken" in html and "govuk-error-summary" in html
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert not AccountEvent.objects.exists()


def test_bad_username_is_refused_and_nothing_is_saved(client, officer, newcomer):
    client.force_login(officer)
    response = client.post(login_page(newcomer), {"username": "a b/c", "email": "not-an-email"})
    html = response.content.decode()
    assert "Enter an email address" in html
    response = client.post(login_page(newcomer), {"username": "a b/c", "email": ""})
    assert "Enter a valid username" in response.content.decode()
    assert get_user_model().objects.filter(username="a b/c").count() == 0
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_suggested_username_is_unique():
    make_user("councillor", username="aisha.patel")
    person = PersonFactory(name="Aisha Patel")
    assert accounts.suggested_username(person) == "aisha.patel2"


def test_only_councillors_and_cooptees_get_logins_here(client, officer):
    staff = OfficerFactory(name="Nadia Khan")
    with pytest.raises(ValidationError):
        accounts.create_login(person=staff, username="nadia", email="", by=officer)
    client.force_login(officer)
    html = client.get(login_page(staff)).content.decode()
    assert "An administrator sets up officers' logins" in html
    cooptee = PersonFactory(kind=Person.Kind.COOPTEE, honorific="", ward="", party="")
    accounts.create_login(person=cooptee, username="cooptee1", email="", by=officer)
    cooptee.refresh_from_db()
    assert cooptee.user.groups.filter(name=COUNCILLORS).exists()


# --- Reset, disable, enable --------------------------------------------------------------------


def test_reset_kills_the_old_password_the_old_link_and_open_sessions(client, officer, newcomer):
    first = create_login(client, officer, newcomer)
    set_password(client, first)
    assert client.login(username="aisha.patel", password=NEW_PASSWORD)
    assert client.get(reverse("my-portal")).status_code == 200  # a session open elsewhere
    from django.test import Client

    clerk = Client()
    clerk.force_login(officer)
    html = clerk.post(reverse("officer-person-login-reset", args=[newcomer.pk])).content.decode()
    second = LINK.search(html).group(1).replace("http://testserver", "")
    assert second != first
    # The open session has ended, the old password is refused.
    assert client.get(reverse("my-portal")).status_code == 302
    assert not client.login(username="aisha.patel", password=NEW_PASSWORD)
    client.logout()
    assert "already been used" in client.get(first).content.decode()
    set_password(client, second, "Another-Heron-77")
    assert client.login(username="aisha.patel", password="Another-Heron-77")
    actions = list(
        AccountEvent.objects.filter(person=newcomer).order_by("pk").values_list("action", "by")
    )
    user_pk = (
        newcomer.user.pk
        if newcomer.user
        else get_user_model().objects.get(username="aisha.patel").pk
    )
    assert actions == [
        ("created", officer.pk),
        ("password_set", user_pk),
        ("reset", officer.pk),
        ("password_set", user_pk),
    ]


def test_disable_refuses_sign_in_and_ends_sessions_enable_restores(client, officer, newcomer):
    link = create_login(client, officer, newcomer)
    set_password(client, link)
    assert client.login(username="aisha.patel", password=NEW_PASSWORD)
    from django.test import Client

    clerk = Client()
    clerk.force_login(officer)
    response = clerk.post(reverse("officer-person-login-disable", args=[newcomer.pk]))
    assert response.status_code == 302
    assert "was disabled" in clerk.get(response["Location"]).content.decode()
    assert client.get(reverse("my-portal")).status_code == 302  # the session ended
    response = client.post(reverse("login"), {"username": "aisha.patel", "password": NEW_PASSWORD})
    assert response.status_code == 200 and b"Enter a correct username" in response.content
    # Disabling twice says so rather than failing.
    response = clerk.post(reverse("officer-person-login-disable", args=[newcomer.pk]))
    assert "already disabled" in clerk.get(response["Location"]).content.decode()
    clerk.post(reverse("officer-person-login-enable", args=[newcomer.pk]))
    assert client.login(username="aisha.patel", password=NEW_PASSWORD)


def test_a_disabled_login_cannot_use_its_link(client, officer, newcomer):
    link = create_login(client, officer, newcomer)
    accounts.disable_login(person=newcomer, by=officer)
    html = client.get(link).content.decode()
    assert "This login has been disabled" in html and "new_password1" not in html


def test_reset_is_refused_while_the_login_is_disabled(client, officer, newcomer):
    """Finding 5 (notes-attack.md): the link of a disabled login cannot work, so Reset is
    not offered and, if posted, is refused with what to do."""
    create_login(client, officer, newcomer)
    accounts.disable_login(person=newcomer, by=officer)
    client.force_login(officer)
    html = client.get(login_page(newcomer)).content.decode()
    assert "Reset login" not in html and "enable it first" in html
    response = client.post(reverse("officer-person-login-reset", args=[newcomer.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "This login is disabled: enable it first, then reset." in html
    assert "Set-password link for" not in html
    assert not AccountEvent.objects.filter(action=AccountEvent.Action.RESET).exists()
    client.post(reverse("officer-person-login-enable", args=[newcomer.pk]))
    html = client.get(login_page(newcomer)).content.decode()
    assert "Reset login" in html


def test_officer_and_admin_logins_are_not_managed_here(client, officer):
    colleague_person = PersonFactory(name="Ann Other")
    colleague = make_user("officer", username="colleague", person=colleague_person)
    admin_person = PersonFactory(name="Big Boss")
    make_user("admin", username="boss", person=admin_person)
    client.force_login(officer)
    for person in (colleague_person, admin_person):
        html = client.get(login_page(person)).content.decode()
        assert "an administrator manages it" in html
        assert "Reset login" not in html
        for action in ("reset", "disable"):
            client.post(reverse(f"officer-person-login-{action}", args=[person.pk]))
        person.user.refresh_from_db()
        assert person.user.is_active and person.user.has_usable_password()
    assert not AccountEvent.objects.exists()
    # Nor can a link be made for them by any route.
    with pytest.raises(ValidationError):
        accounts.reset_login(person=colleague_person, by=officer)
    assert colleague.check_password("test-password-1")


def test_sign_in_sends_officers_to_the_officer_pages_and_councillors_to_my_meetings(
    client, officer, newcomer
):
    """Finding 6 (notes-attack.md): an officer used to land on /my/ ("not linked to a
    councillor"). A ``next`` still wins."""
    url = reverse("login")
    response = client.post(url, {"username": "clerk", "password": "test-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("officer-home")
    # Already signed in: the sign-in page sends the officer on to the same place.
    assert client.get(url)["Location"] == reverse("officer-home")
    client.logout()
    wanted = reverse("officer-person-list")
    response = client.post(
        f"{url}?next={wanted}", {"username": "clerk", "password": "test-password-1"}
    )
    assert response["Location"] == wanted
    client.logout()
    link = create_login(client, officer, newcomer)
    set_password(client, link)
    client.logout()
    response = client.post(url, {"username": "aisha.patel", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("my-portal")


# --- Who may use the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["login", "login-reset", "login-disable", "login-enable"])
def test_pages_are_for_officers_only(client, newcomer, name):
    url = reverse(f"officer-person-{name}", args=[newcomer.pk])
    response = client.post(url, {"username": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    councillor = make_user("councillor", username="nosy", person=PersonFactory(name="Nosy"))
    client.force_login(councillor)
    assert client.post(url, {"username": "x"}).status_code == 403
    if name == "login":
        assert client.get(url).status_code == 403
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert not AccountEvent.objects.exists()


# --- Nothing secret in the audit trail, the pages or the logs -----------------------------------


def test_no_password_or_token_in_history_pages_or_logs(client, officer, newcomer, caplog):
    caplog.set_level(logging.DEBUG)
    link = create_login(client, officer, newcomer)
    token = link.rstrip("/").rsplit("/", 1)[1]
    set_password(client, link)
    client.force_login(officer)
    client.post(reverse("officer-person-login-disable", args=[newcomer.pk]))
    client.post(reverse("officer-person-login-enable", args=[newcomer.pk]))
    event = AccountEvent.objects.filter(person=newcomer).first()
    pages = [
        login_page(newcomer),
        reverse("officer-history-recent"),
        reverse("officer-history", args=["scrutiny", "accountevent", event.pk]),
        reverse("officer-person-list"),
    ]
    user = get_user_model().objects.get(username="aisha.patel")
    for url in pages:
        html = client.get(url).content.decode()
        assert token not in html, url
        assert NEW_PASSWORD not in html, url
        assert user.password not in html, url
    html = client.get(reverse("officer-history-recent")).content.decode()
    assert "Account event" in html  # the events are in the audit trail
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert token not in logged and NEW_PASSWORD not in logged
    for row in AccountEvent.history.values():
        assert token not in repr(row) and NEW_PASSWORD not in repr(row)


# --- Item 8: people records ------------------------------------------------------------------


def test_a_councillor_with_no_ward_and_no_title_can_be_entered(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("officer-person-add"),
        {
            "kind": "councillor",
            "honorific": "",
            "name": "Tom Wardless",
            "ward": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(name="Tom Wardless")
    assert person.ward == "" and person.honorific == ""
    assert person.display_name == "Councillor Tom Wardless"
    html = client.get(reverse("officer-person-list")).content.decode()
    assert "Councillor Tom Wardless" in html
    assert "Councillor Tom Wardless" in client.get(person.get_absolute_url()).content.decode()


def test_a_cooptee_needs_no_ward_and_gets_no_councillor_title(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("officer-person-add"),
        {"kind": "cooptee", "honorific": "Mrs", "name": "Jo Parent", "ward": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Person.objects.get(name="Jo Parent").display_name == "Mrs Jo Parent"
    assert PersonFactory(kind=Person.Kind.COOPTEE, honorific="", name="Sam Lay").display_name == (
        "Sam Lay"
    )


def test_an_entered_title_wins_over_the_default():
    assert PersonFactory(honorific="Mayor", name="Pat Chain").display_name == "Mayor Pat Chain"


def test_officer_people_search_by_name_ward_and_party(client, officer):
    PersonFactory(name="Cahal Burke", ward="Lindley", party="Liberal Democrat")
    PersonFactory(name="Masood Ahmed", ward="Dewsbury East", party="Labour")
    PersonFactory(name="Ruth Wardless", ward="", party="Green")
    client.force_login(officer)

    def names(query):
        html = client.get(reverse("officer-person-list"), query).content.decode()
        return {n for n in ("Cahal Burke", "Masood Ahmed", "Ruth Wardless") if n in html}

    assert names({"q": "burke"}) == {"Cahal Burke"}
    assert names({"q": "dewsbury"}) == {"Masood Ahmed"}
    assert names({"q": "liberal"}) == {"Cahal Burke"}
    assert names({"q": "green ruth"}) == {"Ruth Wardless"}
    assert names({"q": "nobody-like-this"}) == set()
    assert (
        "No one matches"
        in client.get(reverse("officer-person-list"), {"q": "zzz"}).content.decode()
    )
    assert names({"kind": "officer"}) == set()
    assert names({}) == {"Cahal Burke", "Masood Ahmed", "Ruth Wardless"}


def test_officer_people_list_is_paged_and_keeps_the_search(client, officer, settings):
    settings.PAGE_SIZE = 3
    for n in range(5):
        PersonFactory(name=f"Pager Person{n}", ward="Pagerton")
    client.force_login(officer)
    html = client.get(reverse("officer-person-list"), {"q": "pagerton"}).content.decode()
    assert "Page 1 of 2" in html and "q=pagerton&amp;page=2" in html
    html = client.get(reverse("officer-person-list"), {"q": "pagerton", "page": 2}).content.decode()
    assert html.count('<td class="govuk-table__cell">Councillor Pager Person') == 2
