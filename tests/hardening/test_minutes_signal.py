"""Issue 22 item 5: the minutes services announce what they change on a meeting.

They send ``meeting_changed`` (``sender=MinutesSet``) after commit rather than relying on
``post_save``, which their ``QuerySet.update()`` (the version bump of attendance and
declarations) does not send. The agenda pack has no minutes in it, so the packs listener
ignores that sender and no pack is rebuilt for a minutes change.
"""

from __future__ import annotations

import pytest

from meetings.minutes import services
from meetings.minutes.models import MinutesSet
from meetings.models import Meeting
from meetings.packs.models import PackBuild
from meetings.signals import meeting_changed
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    seen = []

    def listener(sender, meeting, **kwargs):
        seen.append((sender, meeting.pk))

    meeting_changed.connect(listener)
    yield seen
    meeting_changed.disconnect(listener)


def _absent_all(minutes):
    services.save_attendance(
        minutes=minutes,
        statuses={a.pk: "absent" for a in minutes.attendance.all()},
        version=minutes.version,
    )


def test_minutes_changes_send_meeting_changed(announced, django_capture_on_commit_callbacks):
    meeting = make_meeting_with_items()
    minutes = services.start_minutes(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        _absent_all(minutes)
    assert announced == [], "draft minutes are not public: nothing changed on the meeting"

    with django_capture_on_commit_callbacks(execute=True):
        minutes = services.publish_minutes(minutes=minutes)
    assert announced == [(MinutesSet, meeting.pk)]

    # The attendance change only bumps the set with QuerySet.update() (no post_save).
    minutes.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_attendance(
            minutes=minutes,
            statuses={a.pk: "present" for a in minutes.attendance.all()},
            version=minutes.version,
        )
    assert announced == [(MinutesSet, meeting.pk)] * 2


def test_a_minutes_change_queues_no_agenda_pack(django_capture_on_commit_callbacks):
    meeting = make_meeting_with_items()
    minutes = services.start_minutes(meeting=meeting)
    before = PackBuild.objects.filter(meeting=meeting).count()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_minutes(minutes=minutes)
    assert PackBuild.objects.filter(meeting=meeting).count() == before
    # ... while a change announced by the meetings app still queues one.
    with django_capture_on_commit_callbacks(execute=True):
        meeting_changed.send(sender=Meeting, meeting=meeting)
    assert PackBuild.objects.filter(meeting=meeting).count() == before + 1
