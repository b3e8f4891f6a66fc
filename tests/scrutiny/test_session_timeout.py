"""The session warning's server side (issue 16, finding 7): the deadline a page shows, the
"Stay signed in" endpoint (CSRF-protected, repeatable) and what it does to the session."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from scrutiny.session_timeout import DEADLINE_KEY
from tests.factories import make_user

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def sign_in(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": "test-password-1"})


def expiry(client, settings) -> dt.datetime:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_pages_of_a_signed_in_user_carry_the_warning_and_the_public_pages_do_not(client, db):
    assert "session-timeout" not in client.get("/").content.decode()
    officer = make_user("officer")
    with time_machine.travel(START, tick=False) as t:
        sign_in(client, officer)
        t.shift(dt.timedelta(minutes=30))
        html = client.get("/officer/").content.decode()
    seconds = int(re.search(r'data-expires-in="(\d+)"', html).group(1))
    assert seconds == 8 * 3600 - 30 * 60
    assert 'data-warn-before="600"' in html
    assert "js/session-timeout.mjs" in html
    assert 'aria-labelledby="session-timeout-title"' in html and "Stay signed in" in html


def test_stay_signed_in_renews_the_session_each_time_it_is_asked(client, db, settings):
    settings.SESSION_COOKIE_AGE = 600
    officer = make_user("officer")
    with time_machine.travel(START, tick=False) as t:
        sign_in(client, officer)
        assert client.session[DEADLINE_KEY] == int(START.timestamp()) + 600
        assert expiry(client, settings) == START + dt.timedelta(seconds=600)
        for minutes in (8, 16, 24):  # each time, past the previous sign-in's end
            t.move_to(START + dt.timedelta(minutes=minutes))
            assert client.get("/accounts/session/").json()["expires_in"] == 120
            response = client.post("/accounts/session/")
            assert response.json() == {"expires_in": 600, "warn_before": 600}
            now = START + dt.timedelta(minutes=minutes)
            assert expiry(client, settings) == now + dt.timedelta(seconds=600)
            assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 600
        t.move_to(START + dt.timedelta(minutes=33))
        assert client.get("/officer/").status_code == 200  # 9 minutes after the last renewal
        t.move_to(START + dt.timedelta(minutes=35))
        assert client.get("/officer/").status_code == 302  # ended: back to sign in


def test_stay_signed_in_needs_the_csrf_token_and_a_sign_in(db, client):
    assert client.post("/accounts/session/").status_code == 302  # signed out: sign in
    assert client.get("/accounts/session/").status_code == 302
    officer = make_user("officer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post("/accounts/session/").status_code == 403
    html = client.get("/officer/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post("/accounts/session/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and response.json()["expires_in"] > 0
