"""Panels other apps' pages show: the officer meeting page's email panel
(``meetings.extensions.officer_meeting_panels``) and "Get email alerts" on a committee's page
(``scrutiny.extensions.committee_panels``) and a meeting's page
(``meetings.extensions.meeting_panels``)."""

from __future__ import annotations

from django.urls import reverse

from scrutiny.permissions import is_officer

from .models import Outbox


def committee_alerts_panel(request, committee):
    return (
        "notifications/alerts_panel.html",
        {
            "alerts_url": f"{reverse('alerts-subscribe')}?committee={committee.pk}",
            "committee_name": committee.name,
        },
    )


def meeting_alerts_panel(request, meeting):
    return committee_alerts_panel(request, meeting.committee)


def officer_email_panel(request, meeting):
    if not is_officer(request.user):
        return None
    rows = Outbox.objects.filter(
        meeting=meeting, kind__in=[Outbox.Kind.SUMMONS, Outbox.Kind.CHANGE]
    )
    return (
        "notifications/officer_panel.html",
        {
            "email_url": reverse("officer-meeting-email", kwargs={"pk": meeting.pk}),
            "email_sent": rows.filter(status=Outbox.Status.SENT).count(),
            "email_total": rows.count(),
        },
    )
