"""What the decisions app shows on the meetings app's pages (through its extension points,
``decisions.apps``)."""

from __future__ import annotations

from decisions.models import Decision, DecisionSettings
from meetings.minutes.models import MinutesSet
from scrutiny.models import Committee


def officer_meeting_decisions_panel(request, meeting):
    """On a Cabinet meeting's officer page: its decision records, and the button that makes
    them from the minutes."""
    if meeting.committee.kind != Committee.Kind.CABINET:
        return None
    return "decisions/panels/officer_meeting_decisions.html", {
        "meeting": meeting,
        "count": Decision.all_objects.filter(agenda_item__meeting=meeting).count(),
        "has_minutes": MinutesSet.all_objects.filter(meeting=meeting).exists(),
    }


def constitution_decisions_panel(request):
    """On the administrators' constitution settings page (issue 21): the key-decision
    thresholds and call-in rules as they stand, and the link to the page that edits them. The
    rules stay in ``DecisionSettings`` (one home); the constitution page only shows them."""
    return "decisions/panels/constitution_decisions.html", {"rules": DecisionSettings.current()}
