"""Issue 14, finding 6: with the database down, pages answer 503 with the portal's own static
error page and Retry-After, and the API answers 503 JSON.

The real path: gunicorn with the project's config, its database a PostgreSQL URL on a port
where nothing listens (the database is "down" from the first request on). Plus the same
through the test client with the live connection broken mid-session, on the suite's own
database (SQLite or PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from scrutiny.errors import RETRY_AFTER_SECONDS
from tests.hardening.servers import fetch, free_port, gunicorn


def test_gunicorn_with_the_database_down_answers_503(tmp_path):
    dead = free_port()  # nothing listens there
    with gunicorn(
        tmp_path,
        workers=1,
        database_url=f"postgres://postgres@127.0.0.1:{dead}/portal",
        DEBUG="false",
    ) as server:
        status, _, _ = fetch(f"{server.url}/healthz")
        assert status == 503
        for path in ("/", "/committees/", "/meetings/", "/committees/x/work-programme/"):
            status, headers, body = fetch(f"{server.url}{path}")
            assert status == 503, path
            assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert headers["Content-Type"].startswith("text/html")
            text = body.decode()
            assert "Sorry, the service is unavailable" in text, text[:500]
            assert "Server Error (500)" not in text
            assert "/static/" in text  # the portal's own stylesheet, not Django's bare page
        status, headers, body = fetch(f"{server.url}/api/oparl/v1/system")
        assert status == 503
        assert headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert json.loads(body)["status"] == 503


@pytest.fixture
def broken_database(transactional_db):
    """The database cannot be reached, restored after. PostgreSQL: the live connection is
    closed and pointed at a port where nothing listens. SQLite's test database lives in
    memory and Django never closes it, so there the driver is made to fail as it does when
    the file cannot be opened."""
    if connection.vendor == "postgresql":
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
        yield
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    else:
        driver_error = connection.Database.OperationalError("unable to open database file")

        def fail(*args, **kwargs):
            raise driver_error

        connection.create_cursor = fail
        try:
            yield
        finally:
            del connection.create_cursor  # the class's method again


def test_pages_and_api_answer_503_while_the_connection_is_broken(client, broken_database):
    client.raise_request_exception = False  # answer as in production, not re-raise
    response = client.get("/committees/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Sorry, the service is unavailable" in response.content.decode()
    response = client.get("/api/oparl/v1/body/1")
    assert response.status_code == 503
    assert response.json()["error"].startswith("The service cannot reach its database")


def test_other_errors_are_the_portals_own_500_not_a_503(rf):
    from scrutiny.errors import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        answer = server_error(rf.get("/committees/"))
    assert answer.status_code == 500
    assert "Retry-After" not in answer
    assert "Sorry, there is a problem with the service" in answer.content.decode()
