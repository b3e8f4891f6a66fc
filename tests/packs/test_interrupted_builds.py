"""A build whose worker was killed stays "building" (tests/hardening/test_tasks.py proves
that is what a killed worker leaves). After ``BUILD_STALE_AFTER`` it is shown as interrupted,
the public page stops saying the pack is being prepared, and the next build request records
it as failed; a build that is merely slow is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.packs import services
from meetings.packs.models import BUILD_STALE_AFTER, INTERRUPTED_ERROR, BuildStatus, PackBuild
from scrutiny.models import Council
from tests.factories import make_user
from tests.factories.packs import make_pack_meeting

from .helpers import ok_build

pytestmark = pytest.mark.django_db

PREPARING = "The agenda pack is being prepared"


@pytest.fixture
def meeting():
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    return make_pack_meeting().meeting


def killed_build(meeting, *, started_ago: dt.timedelta) -> PackBuild:
    """The row a build leaves when its worker dies after claiming it."""
    return PackBuild.objects.create(
        meeting=meeting,
        reason="Agenda published",
        status=BuildStatus.BUILDING,
        started_at=timezone.now() - started_ago,
    )


def test_an_interrupted_build_is_shown_as_such_and_closed_by_the_next_request(client, meeting):
    stale = killed_build(meeting, started_ago=BUILD_STALE_AFTER + dt.timedelta(minutes=1))
    # The public page no longer promises a pack that will never come.
    assert PREPARING not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(make_user("officer"))
    for url in (reverse("officer-meeting", args=[meeting.pk]), reverse("officer-packs")):
        page = client.get(url).content.decode()
        assert "Interrupted" in page and "never finished" in page, url
    # The next request (a change, or the officer's Rebuild) records it and builds.
    build = ok_build(meeting)
    stale.refresh_from_db()
    assert stale.status == BuildStatus.FAILED and stale.error == INTERRUPTED_ERROR
    assert stale.finished_at is not None
    assert build.pk != stale.pk and build.status == BuildStatus.OK


def test_a_build_still_within_its_time_is_in_progress(client, meeting):
    running = killed_build(meeting, started_ago=dt.timedelta(minutes=2))
    assert PREPARING in client.get(meeting.get_absolute_url()).content.decode()
    assert services.close_interrupted(meeting) == 0
    running.refresh_from_db()
    assert running.status == BuildStatus.BUILDING and not running.is_interrupted
    client.force_login(make_user("officer"))
    assert "Interrupted" not in client.get(reverse("officer-packs")).content.decode()
