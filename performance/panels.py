"""What the performance app adds to the meetings app's officer meeting page."""

from __future__ import annotations

from scrutiny.permissions import is_officer


def officer_meeting_performance(request, meeting):
    """Performance reports on this meeting's agenda, and a link to add one."""
    if not is_officer(request.user):
        return None
    from meetings.models import Report
    from performance.services import REPORT_GENERATOR

    reports = list(
        Report.all_objects.filter(
            agenda_item__meeting=meeting, generator=REPORT_GENERATOR
        ).select_related("agenda_item")
    )
    return ("performance/panels/officer_meeting.html", {"meeting": meeting, "reports": reports})
