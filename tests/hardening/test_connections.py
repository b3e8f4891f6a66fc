"""Issue 14, finding 7: ``make run`` (runserver) never keeps a connection per dev-server
thread; gunicorn's config says how many connections its workers use."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from scrutiny.env import conn_max_age, runs_dev_server
from tests.hardening.child_env import child_env
from tests.hardening.servers import free_port, running

ROOT = Path(__file__).resolve().parents[2]


def test_runserver_settings_close_connections_after_each_request():
    assert runs_dev_server(["manage.py", "runserver", "127.0.0.1:8000"])
    assert runs_dev_server(["/srv/portal/manage.py", "runserver"])
    assert not runs_dev_server(["manage.py", "db_worker"])
    assert not runs_dev_server(["gunicorn", "--config", "gunicorn.conf.py"])
    assert conn_max_age(60, ["manage.py", "runserver"]) == 0
    assert conn_max_age(60, ["gunicorn"]) == 60


def test_settings_loaded_by_runserver_have_conn_max_age_0():
    """The settings module itself, loaded as ``manage.py runserver`` loads it, against a
    PostgreSQL URL (SQLite is always 0)."""
    code = (
        "import sys; sys.argv = ['manage.py', 'runserver']\n"
        "from django.conf import settings\n"
        "print(settings.DATABASES['default']['CONN_MAX_AGE'],"
        " settings.DATABASES['default']['CONN_HEALTH_CHECKS'])\n"
    )
    env = child_env(
        DJANGO_SETTINGS_MODULE="scrutiny.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        DATABASE_CONN_MAX_AGE="600",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["0", "True"]
    code = code.replace("'runserver'", "'db_worker'")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["600", "True"]


def test_gunicorn_config_states_its_database_connections(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["database_connections"] == 20
    assert config["worker_class"] == "gthread"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_runserver_does_not_pile_up_postgresql_connections(tmp_path):
    """60 requests from 6 threads of a client against ``manage.py runserver`` on PostgreSQL:
    afterwards the server holds no connection (before the fix: one per request thread)."""
    if connection.vendor != "postgresql":
        message = "needs PostgreSQL (make test-postgres)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"runserver-{uuid.uuid4().hex[:12]}"
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        f"?application_name={name}"
    )
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    env = {
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "scrutiny.settings",
    }

    def held() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]
            )
            return cursor.fetchone()[0]

    with running(
        command, url=f"http://127.0.0.1:{port}", env=env, log_path=tmp_path / "runserver.log"
    ) as server:

        def get(_=None) -> int:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as r:  # noqa: S310
                return r.status

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(6) as pool:
            assert set(pool.map(get, range(60))) == {200}
        time.sleep(0.5)
        assert held() == 0, server.log()[-2000:]
