"""Listeners to the portal's meeting signals (docs/architecture.md, "Signals"). Each only
enqueues ``notifications.tasks.fan_out``: the work (and the sending) is in the background."""

from __future__ import annotations

from meetings.models import Meeting


def on_meeting_published(sender, meeting, **kwargs) -> None:
    from .tasks import fan_out

    fan_out.enqueue("published", meeting.pk)


def on_meeting_changed(sender, meeting, **kwargs) -> None:
    from .tasks import fan_out

    if sender is Meeting:
        fan_out.enqueue("changed", meeting.pk)
    else:  # meetings.minutes (MinutesSet): public minutes changed
        fan_out.enqueue("minutes", meeting.pk)
