"""A Cabinet meeting's minutes produce its decisions (issue 17).

Listens to ``meeting_changed`` as the minutes services send it (``sender=MinutesSet``, after
commit, whenever public minutes change: published, approved, corrected): for a Cabinet
meeting, the draft decision records are made or brought up to date
(``services.decisions_from_minutes``; published records are never touched). The decisions
app may import ``meetings.minutes``; the minutes app knows nothing of decisions.
"""

from __future__ import annotations

from meetings.minutes.models import MinutesSet
from scrutiny import visibility
from scrutiny.models import Committee
from scrutiny.signals import meeting_changed


def on_minutes_changed(sender, meeting, **kwargs):
    if sender is not MinutesSet or meeting.committee.kind != Committee.Kind.CABINET:
        return
    minutes = MinutesSet.all_objects.filter(meeting=meeting).select_related("meeting").first()
    if minutes is None or not visibility.are_minutes_public(minutes):
        return
    from decisions import services

    services.decisions_from_minutes(minutes=minutes, by=None)


def connect() -> None:
    meeting_changed.connect(on_minutes_changed, dispatch_uid="decisions-from-minutes")
