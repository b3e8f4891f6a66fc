"""The officer meeting page's email panel (``meetings.extensions.officer_meeting_panels``)."""

from __future__ import annotations

from django.urls import reverse

from .models import Outbox


def officer_email_panel(request, meeting):
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
