"""The optional read replica: the anonymous public's page reads go to the ``replica``
database; writes, signed-in users, form posts, transactions and the seconds after a change
stay on the primary.

``make test-postgres`` sets ``DATABASE_REPLICA_URL`` to the primary's own URL, so the
``replica`` alias is a second, separate connection to the test database (a test mirror).
The tests commit their data (``transaction=True``) so that connection sees it, and count
the queries each connection actually ran.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from scrutiny.db_router import PrimaryReplicaRouter, ReplicaReadsMiddleware, _replica_reads
from scrutiny.env import Env
from tests.factories import make_user
from tests.factories.meetings import AgendaItemFactory

PG = "postgres://postgres@127.0.0.1:5432/portal"


def needs_replica(function):
    """PostgreSQL with the ``replica`` alias, data committed; without it: skipped on a
    developer's machine, a failure in CI (where ``make test-postgres`` must provide it)."""
    if "replica" in connections.settings:
        function = pytest.mark.django_db(transaction=True, databases=["default", "replica"])(
            function
        )
    else:

        def function(*args, **kwargs):
            message = "needs DATABASE_REPLICA_URL (make test-postgres sets it)"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)

    return pytest.mark.postgres(function)


@pytest.fixture
def replica(settings):
    settings.READ_REPLICA = "replica"
    settings.REPLICA_PAUSE_SECONDS = 5
    return settings


@pytest.fixture
def meeting(replica):
    item = AgendaItemFactory(title="Children's social care workforce")
    # Let the pause after this change run out.
    traveller = time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6))
    traveller.start()
    yield item.meeting
    traveller.stop()


def _selects(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def _run(request):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        response = request()
    return response, _selects(primary), _selects(copy)


@needs_replica
def test_anonymous_public_pages_read_the_replica(client, meeting):
    response, primary, copy = _run(lambda: client.get(meeting.get_absolute_url()))
    assert response.status_code == 200
    assert "Children&#x27;s social care workforce" in response.content.decode()
    assert any("meetings_meeting" in sql for sql in copy), copy
    assert primary == []


@needs_replica
def test_signed_in_users_and_form_posts_read_the_primary(client, meeting):
    officer = make_user("officer")
    client.force_login(officer)
    response, primary, copy = _run(lambda: client.get(meeting.get_absolute_url()))
    assert response.status_code == 200
    assert copy == [] and primary

    client.logout()
    client.cookies.clear()
    response, primary, copy = _run(
        lambda: client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    )
    assert response.status_code == 200
    assert copy == []


@needs_replica
def test_officer_area_reads_the_primary_even_without_a_session(client, meeting):
    response, _, copy = _run(lambda: client.get("/officer/"))
    assert response.status_code == 302
    assert copy == []


@needs_replica
def test_reads_stay_on_the_primary_just_after_a_change(client, meeting):
    url = meeting.get_absolute_url()
    Meeting.all_objects.filter(pk=meeting.pk).get().save()  # a change: its time is recorded
    response, primary, copy = _run(lambda: client.get(url))
    assert response.status_code == 200
    assert copy == [] and primary
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)):
        response, primary, copy = _run(lambda: client.get(url))
    assert copy and primary == []


@needs_replica
def test_router_keeps_transactions_and_writes_on_the_primary(replica):
    router = PrimaryReplicaRouter()
    token = _replica_reads.set(True)
    try:
        assert router.db_for_read(Meeting) == "replica"
        assert router.db_for_write(Meeting) == "default"
        with transaction.atomic():
            assert router.db_for_read(Meeting) == "default"
        assert router.allow_migrate("replica", "meetings") is False
        assert router.allow_migrate("default", "meetings") is True
    finally:
        _replica_reads.reset(token)
    # Outside a marked request (tasks, commands, shell): the primary.
    assert router.db_for_read(Meeting) == "default"


@needs_replica
def test_a_streamed_body_and_the_next_request_are_not_left_marked(replica, rf):
    seen = []

    def view(request):
        seen.append(PrimaryReplicaRouter().db_for_read(Meeting))
        return None

    ReplicaReadsMiddleware(view)(rf.get("/meetings/"))
    assert seen == ["replica"]
    assert PrimaryReplicaRouter().db_for_read(Meeting) == "default"


def test_without_a_replica_every_read_goes_to_the_primary(settings):
    settings.READ_REPLICA = None
    token = _replica_reads.set(True)
    try:
        assert PrimaryReplicaRouter().db_for_read(Meeting) == "default"
    finally:
        _replica_reads.reset(token)


def test_replica_configuration_is_checked(monkeypatch):
    monkeypatch.delenv("PRODUCTION", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/x.sqlite3")
    monkeypatch.setenv("DATABASE_REPLICA_URL", PG)
    with pytest.raises(ImproperlyConfigured, match="needs DATABASE_URL to be a postgres"):
        Env.from_environ()
    monkeypatch.setenv("DATABASE_URL", PG)
    monkeypatch.setenv("DATABASE_REPLICA_URL", "mysql://replica/portal")
    with pytest.raises(ImproperlyConfigured, match="must be a postgres:// URL"):
        Env.from_environ()
    monkeypatch.setenv("DATABASE_REPLICA_URL", PG)
    monkeypatch.setenv("REPLICA_PAUSE_SECONDS", "soon")
    with pytest.raises(ImproperlyConfigured, match="REPLICA_PAUSE_SECONDS must be a whole"):
        Env.from_environ()
    monkeypatch.setenv("REPLICA_PAUSE_SECONDS", "3")
    env = Env.from_environ()
    assert env.database_replica_url == PG and env.replica_pause_seconds == 3

    monkeypatch.setenv("PRODUCTION", "true")
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    with pytest.raises(ImproperlyConfigured, match="needs REDIS_URL in production"):
        Env.from_environ()
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert Env.from_environ().database_replica_url == PG
