"""Issue 20: ``Action.publicly_visible``, the stored answer of
``scrutiny.visibility.action_public`` the tracker counts and pages by, equals the rule after
every kind of change (publish, unpublish, approve, mark exempt or confidential, untick,
reattach, delete, import), and a change shows on the very next request of the tracker, the
committee's actions and the CSV (the public's unfiltered CSV is kept per content generation:
it never holds a private row either)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.minutes import action_flags, services
from meetings.minutes.models import Action, Minute, MinutesSet, MinutesStatus, Resolution
from meetings.models import AgendaItem, Meeting
from scrutiny import bulk, visibility
from tests.factories.minutes import ActionFactory
from tests.minutes.test_pages import _business, make_meeting_with_items

pytestmark = pytest.mark.django_db


def assert_stored_equals_rule():
    stored = set(Action.all_objects.filter(publicly_visible=True).values_list("pk", flat=True))
    rule = set(Action.all_objects.filter(visibility.action_public()).values_list("pk", flat=True))
    assert stored == rule


@pytest.fixture
def minuted():
    """Published minutes with two resolutions, one action each, and one standalone action."""
    meeting = make_meeting_with_items()
    minutes = services.start_minutes(meeting=meeting)
    first, second = _business(minutes)
    for n, minute in enumerate((first, second)):
        services.save_minute(
            minute=minute,
            text="Narrative.",
            resolutions=[f"That report {n} be noted."],
            version=minute.version,
        )
    actions = [
        services.create_action(
            committee=meeting.committee,
            description=f"Follow-up {n} (flagtest)",
            owner_text="Team",
            resolution=minute.resolutions.get(),
        )
        for n, minute in enumerate((first, second))
    ]
    standalone = ActionFactory(committee=meeting.committee, description="Standalone (flagtest)")
    return meeting, minutes, actions, standalone


def _shown(client, meeting) -> dict[str, set[str]]:
    """Which "(flagtest)" descriptions each public surface shows, read fresh."""
    import re

    found = {}
    urls = {
        "tracker": reverse("action-tracker"),
        "committee": reverse("committee-actions", args=[meeting.committee.slug]),
        "csv": reverse("action-tracker-csv"),
        "committee-csv": reverse("committee-actions-csv", args=[meeting.committee.slug]),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        found[name] = set(re.findall(r"(Follow-up \d|Standalone) \(flagtest\)", body))
    return found


def _everywhere(client, meeting, expected: set[str]):
    for name, shown in _shown(client, meeting).items():
        assert shown == expected, name


def test_every_kind_of_change_keeps_the_stored_answer(client, minuted, fragments_on):
    meeting, minutes, (a0, a1), standalone = minuted
    # Draft minutes: only the standalone action.
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone"})

    services.publish_minutes(minutes=minutes)
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 0", "Follow-up 1"})

    # Mark the second item exempt, then confidential only, then open again.
    item = a1.resolution.minute.agenda_item
    item.is_exempt, item.exempt_paragraph = True, 3
    item.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 0"})
    item.is_exempt, item.exempt_paragraph, item.is_confidential = False, None, True
    item.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 0"})
    item.is_confidential = False
    item.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 0", "Follow-up 1"})

    # Untick an action; tick it again.
    a0.refresh_from_db()
    a0.is_public = False
    a0.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 1"})
    a0.is_public = True
    a0.save()
    assert_stored_equals_rule()

    # Unpublish the agenda (withdrawn from public view), publish it again.
    published_at = meeting.published_at
    meeting.published_at = None
    meeting.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone"})
    meeting.published_at = published_at
    meeting.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 0", "Follow-up 1"})

    # Minutes back to draft (withdrawn), then published again.
    minutes.refresh_from_db()
    minutes.status = MinutesStatus.DRAFT
    minutes.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone"})
    minutes.status = MinutesStatus.PUBLISHED
    minutes.save()
    assert_stored_equals_rule()

    # An action reattached to a resolution of draft minutes, and back to none.
    other = make_meeting_with_items(committee=meeting.committee)
    draft = services.start_minutes(meeting=other)
    minute, _ = _business(draft)
    services.save_minute(
        minute=minute, text="x", resolutions=["That it be noted."], version=minute.version
    )
    standalone.refresh_from_db()
    standalone.resolution = Resolution.objects.get(minute=minute)
    standalone.save()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Follow-up 0", "Follow-up 1"})

    # The draft's resolution deleted: the action (SET_NULL, no signal) is standalone again.
    Resolution.objects.filter(minute=minute).delete()
    assert_stored_equals_rule()
    _everywhere(client, meeting, {"Standalone", "Follow-up 0", "Follow-up 1"})

    # A minute deleted with its resolution (cascade).
    Minute.objects.filter(pk=a1.resolution.minute_id).delete()
    assert_stored_equals_rule()


def test_a_stale_stored_answer_never_shows_a_private_row(client, minuted):
    """Were the stored answer ever wrong (a write that sent no signal), the rows printed are
    still read through the rule: the page and the CSV never show the private action."""
    meeting, minutes, (a0, a1), standalone = minuted
    assert minutes.status == MinutesStatus.DRAFT
    Action.all_objects.update(publicly_visible=True)  # wrong on purpose, no signal
    _everywhere(client, meeting, {"Standalone"})


def test_bulk_writes_recompute_once_per_meeting(minuted):
    meeting, minutes, (a0, a1), standalone = minuted
    with bulk.meeting_records_deferred():
        MinutesSet.all_objects.filter(pk=minutes.pk).update(
            status=MinutesStatus.PUBLISHED, published_at=timezone.now()
        )
        minutes.refresh_from_db()
        minutes.save()  # deferred: the receiver waits for the writer's promise
        assert not Action.all_objects.get(pk=a0.pk).publicly_visible
        bulk.meeting_written(meeting.pk)
    assert_stored_equals_rule()
    assert Action.all_objects.get(pk=a0.pk).publicly_visible


def test_resync_repairs_everything(minuted):
    Action.all_objects.update(publicly_visible=True)
    assert action_flags.resync() > 0
    assert_stored_equals_rule()
    assert action_flags.resync() == 0


def test_stored_csv_follows_the_next_change(client, minuted, fragments_on):
    """The public's unfiltered CSV is kept per content generation: a change bumps it, and the
    next download is written again (never a private row from before)."""
    meeting, minutes, (a0, a1), standalone = minuted
    services.publish_minutes(minutes=minutes)
    url = reverse("action-tracker-csv")

    def csv(**params) -> str:
        return b"".join(client.get(url, params).streaming_content).decode()

    first = csv()
    assert "Follow-up 1 (flagtest)" in first
    assert csv() == first  # kept
    item = AgendaItem.all_objects.get(pk=a1.resolution.minute.agenda_item_id)
    item.is_exempt, item.exempt_paragraph = True, 3
    item.save()
    again = csv()
    assert "Follow-up 1 (flagtest)" not in again
    assert "Follow-up 0 (flagtest)" in again
    # A filtered download and a page number behave as before (the page number changes
    # nothing: the same file).
    assert csv(page=2) == again


def test_meeting_saves_do_not_touch_other_actions(minuted, django_assert_max_num_queries):
    """A meeting's save recomputes its own actions only (a handful of indexed rows)."""
    meeting, *_ = minuted
    meeting = Meeting.all_objects.get(pk=meeting.pk)
    meeting.modified_at = timezone.now()
    with django_assert_max_num_queries(40):
        meeting.save()
    assert_stored_equals_rule()
