"""Failed sign-ins behind the documented nginx proxy (issue 13 finding 9): django-axes locks a
username from the *client's* address, read from X-Forwarded-For with TRUSTED_PROXY_COUNT
proxies of our own, so one client's failures never lock out another client behind the same
proxy, and a forged X-Forwarded-For entry cannot move the lock. Driven through the real
sign-in page with axes switched on."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from scrutiny.clientip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine: every request's REMOTE_ADDR
ATTACKER = "203.0.113.66"
COUNCILLOR = "198.51.100.7"
PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    get_user_model().objects.create_user(username="cllr.khan", password=PASSWORD)
    return settings


def sign_in(client, password: str, *, forwarded_for: str):
    """A sign-in as nginx passes it on: REMOTE_ADDR is nginx, X-Forwarded-For is whatever the
    client sent with the client's own address appended ($proxy_add_x_forwarded_for)."""
    return client.post(
        reverse("login"),
        {"username": "cllr.khan", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def locked(response) -> bool:
    return response.status_code == 429 and "Too many failed sign-in attempts" in (
        response.content.decode()
    )


def test_one_clients_failures_do_not_lock_out_another_behind_the_same_proxy(axes_on, client):
    from django.test import Client

    for _ in range(axes_on.AXES_FAILURE_LIMIT):
        response = sign_in(client, "guess", forwarded_for=ATTACKER)
        assert response.status_code in (200, 429) and not signed_in(response)
    # The attacker is locked out, even with the right password…
    assert locked(sign_in(client, PASSWORD, forwarded_for=ATTACKER))
    # …the councillor, behind the same proxy, is not.
    councillor = Client()
    assert signed_in(sign_in(councillor, PASSWORD, forwarded_for=COUNCILLOR))

    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_forwarded_for_entry_cannot_escape_the_lock(axes_on, client):
    for n in range(axes_on.AXES_FAILURE_LIMIT):
        # Each time the attacker claims to be somewhere else; nginx appends the real address.
        sign_in(client, "guess", forwarded_for=f"192.0.2.{n}, {ATTACKER}")
    forged = sign_in(client, PASSWORD, forwarded_for=f"{COUNCILLOR}, {ATTACKER}")
    assert locked(forged) and not signed_in(forged)
    assert locked(sign_in(client, PASSWORD, forwarded_for=ATTACKER))


def test_an_ipv6_line_cannot_guess_on_by_changing_address(axes_on, client):
    """A home line has a whole /64: its failures count together, so changing the last 64
    bits of the address does not reset the count."""
    for n in range(1, axes_on.AXES_FAILURE_LIMIT + 3):
        sign_in(client, "guess", forwarded_for=f"2001:db8::{n:x}")
    response = sign_in(client, PASSWORD, forwarded_for="2001:db8::ffff")
    assert locked(response) and not signed_in(response)
    # Another line (another /64) is not locked.
    from django.test import Client

    assert signed_in(sign_in(Client(), PASSWORD, forwarded_for="2001:db8:1::1"))


def test_without_trusted_proxies_the_header_is_ignored(axes_on, client):
    """TRUSTED_PROXY_COUNT 0 (no proxy): a client cannot pick its address with the header."""
    axes_on.TRUSTED_PROXY_COUNT = 0
    for n in range(axes_on.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "cllr.khan", "password": "guess"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        reverse("login"),
        {"username": "cllr.khan", "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR=COUNCILLOR,
    )
    assert locked(response)


@pytest.mark.parametrize(
    ("count", "remote", "header", "expected"),
    [
        (0, "10.0.0.1", "203.0.113.9", "10.0.0.1"),
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "2001:DB8::1", "2001:db8::"),
        (1, "10.0.0.1", "2001:db8:0:0:ffff:1:2:3", "2001:db8::"),
        (1, "10.0.0.1", "2001:db8:0:1::1", "2001:db8:0:1::"),
        (1, "10.0.0.1", "::ffff:203.0.113.9", "203.0.113.9"),
        (0, "2001:db8::42", "", "2001:db8::"),
    ],
)
def test_client_ip(settings, count, remote, header, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_the_setting_comes_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from scrutiny.env import Env

    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    assert Env.from_environ().trusted_proxy_count == 0
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    assert Env.from_environ().trusted_proxy_count == 1
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "-1")
    with pytest.raises(ImproperlyConfigured):
        Env.from_environ()
