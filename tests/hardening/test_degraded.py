"""Issue 14, finding 6: with the database down, pages answer 503 with the portal's own static
error page and Retry-After, and the API answers 503 JSON.

The real path: gunicorn with the project's config, its database a PostgreSQL URL on a port
where nothing listens (the database is "down" from the first request on). Plus the same
through the test client with the live connection broken mid-session, on the suite's own
database (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from scrutiny.errors import RETRY_AFTER_SECONDS
from tests.hardening.child_env import child_env
from tests.hardening.test_gunicorn import free_port

ROOT = Path(__file__).resolve().parents[2]


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback only
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_gunicorn_with_the_database_down_answers_503(tmp_path):
    port, dead = free_port(), free_port()  # nothing listens on ``dead``
    env = child_env(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{dead}/portal",
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="scrutiny.settings",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = fetch(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
                time.sleep(0.5)
        assert status == 503
        for path in ("/", "/committees/", "/meetings/", "/committees/x/work-programme/"):
            status, headers, body = fetch(f"http://127.0.0.1:{port}{path}")
            assert status == 503, path
            assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert headers["Content-Type"].startswith("text/html")
            text = body.decode()
            assert "Sorry, the service is unavailable" in text, text[:500]
            assert "Server Error (500)" not in text
            assert "/static/" in text  # the portal's own stylesheet, not Django's bare page
        status, headers, body = fetch(f"http://127.0.0.1:{port}/api/oparl/v1/system")
        assert status == 503
        assert headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert json.loads(body)["status"] == 503
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


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
