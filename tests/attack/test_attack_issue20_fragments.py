"""Attack 20: the content-versioned fragments of issue 20 (``scrutiny.fragments``) with the
fragment cache on.

Found with two server processes sharing PostgreSQL and Redis: a service saves inside a
transaction, and ``post_save`` bumped the content generation *before* the commit. Another
process that read the new generation in between rendered the old rows under it (a fragment,
or the council it remembers per generation) and kept serving them after the commit, until the
next change anywhere or the time limit: the old council name in every page's header
indefinitely, an old committee purpose or KPI figure for five minutes. The generation is now
bumped again when the transaction commits. These tests play the other process by storing what
it would have rendered under the generation current between the save and the commit.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from scrutiny import council, fragments, services
from scrutiny.cache import content_generation
from scrutiny.models import Council
from tests.factories import CommitteeFactory, make_user

# Real commits: the fix runs when the transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fragments_on(fragments_on):
    yield


def _committee_view(committee) -> tuple:
    # The committee page's fragment key (scrutiny.views.committee_detail).
    return (committee.pk, committee.get_absolute_url(), timezone.localdate().isoformat())


def test_a_fragment_rendered_before_the_commit_is_not_served_after_it(client):
    committee = CommitteeFactory(name="Canary Panel", purpose="Old purpose")
    officer = make_user("admin")
    with transaction.atomic():
        services.update_committee(committee=committee, by=officer, purpose="New purpose")
        # Another process, between the save and the commit, read the new generation and
        # rendered the rows it could see: the old purpose.
        fragments.cached("committee-body", _committee_view(committee), lambda: "STALEBODY")
        assert "STALEBODY" in fragments.cached(
            "committee-body", _committee_view(committee), lambda: "unused"
        )
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "STALEBODY" not in page
    assert "New purpose" in page


def test_the_remembered_council_is_not_the_one_read_before_the_commit(client):
    admin = make_user("admin")
    council.save_council(by=admin, name="Oldshire Council", short_name="Oldshire")
    stale = Council.current()
    with transaction.atomic():
        council.save_council(by=admin, name="Newshire Council")
        # Another process read the new generation and the old row before the commit.
        read_before_commit = content_generation()
    # What that process remembers (scrutiny.council.current_council): save_council's
    # forget_council after the commit clears this process's memory, not another's.
    council._remembered[council.COUNCIL_CACHE_KEY] = (read_before_commit, stale)
    assert council.current_council().name == "Newshire Council"
    page = client.get("/").content.decode()
    assert "Newshire Council" in page and "Oldshire Council" not in page


def bumps(connection) -> int:
    """How many generation bumps are queued for the transaction's commit."""
    return sum(
        getattr(func, "portal_once", None) == "generation"
        for _sids, func, _robust in connection.run_on_commit
    )


def test_one_bump_after_commit_however_many_rows_a_transaction_saves():
    from django.db import connection

    with transaction.atomic():
        for n in range(5):
            CommitteeFactory(name=f"Committee {n}")
        queued = bumps(connection)
        generation = content_generation()
    assert queued == 1
    assert content_generation() != generation  # bumped once more by the commit


def test_a_rolled_back_savepoint_does_not_take_the_commits_bump_with_it():
    """The importer writes each meeting in a savepoint: when the first one's savepoint rolls
    back, its after-commit callbacks go with it, and a later save must queue the bump again."""
    from django.db import connection

    with transaction.atomic():
        try:
            with transaction.atomic():
                CommitteeFactory(name="Rolled back")
                raise RuntimeError("the meeting failed")
        except RuntimeError:
            pass
        assert bumps(connection) == 0
        CommitteeFactory(name="Kept")
        CommitteeFactory(name="Kept too")
        queued = bumps(connection)
        generation = content_generation()
    assert queued == 1
    assert content_generation() != generation


def test_a_new_transaction_queues_its_own_bump():
    from django.db import connection

    for name in ("First", "Second"):
        with transaction.atomic():
            CommitteeFactory(name=name)
            queued = bumps(connection)
            generation = content_generation()
        assert queued == 1
        assert content_generation() != generation
