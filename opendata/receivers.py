"""Signal receivers (connected in ``OpendataConfig.ready``).

- ``meeting_published`` / ``meeting_changed`` (sent by ``meetings.services`` after commit):
  enqueue ``refresh_meeting``, which reads new PDFs' text, bumps the calendar SEQUENCE and
  rebuilds the meeting's search rows in the background.
- ``post_delete`` of every model the OParl API publishes: record a tombstone so clients
  syncing with ``modified_since`` see ``deleted: true``.
"""

from __future__ import annotations

from django.db.models.signals import post_delete

from meetings.models import AgendaItem, Document, Meeting, Report
from meetings.signals import meeting_changed, meeting_published
from scrutiny.models import Committee, Membership, MunicipalYear, Person

OPARL_TYPES = {
    Committee: "Organization",
    Person: "Person",
    Membership: "Membership",
    MunicipalYear: "LegislativeTerm",
    Meeting: "Meeting",
    AgendaItem: "AgendaItem",
    Report: "Paper",
    Document: "File",
}


def on_meeting_event(sender, meeting, **kwargs):
    from opendata.tasks import refresh_meeting

    refresh_meeting.enqueue(meeting.pk)


def on_delete(sender, instance, **kwargs):
    from opendata.services import record_tombstone

    record_tombstone(oparl_type=OPARL_TYPES[sender], object_id=instance.pk)


def connect() -> None:
    meeting_published.connect(on_meeting_event, dispatch_uid="opendata-published")
    meeting_changed.connect(on_meeting_event, dispatch_uid="opendata-changed")
    for model in OPARL_TYPES:
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"opendata-tomb-{model.__name__}")
