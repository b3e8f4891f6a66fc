"""Signal receivers (connected in ``OpendataConfig.ready``).

- ``meeting_published`` / ``meeting_changed`` (sent by ``meetings.services`` after commit):
  enqueue ``refresh_meeting``, which reads new PDFs' text, bumps the calendar SEQUENCE and
  rebuilds the meeting's search rows in the background; and queue the meeting's public
  records to be compared again (some of its changes are ``QuerySet.update()`` calls, which
  send no ``post_save``).
- ``post_save`` / ``post_delete`` of every model the API, the feeds and the calendars read:
  queue the meeting it belongs to (or the council-wide records) in the same transaction, so
  ``opendata.records.ensure_fresh`` re-stamps, withdraws or records what the public sees.
  Executive decisions (issue 17) queue the ``decisions`` root.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from decisions.models import CallInRequest, Decision, DelegatedReport
from meetings.models import AgendaItem, Document, Meeting, Report
from meetings.signals import meeting_changed, meeting_published
from opendata.models import CalendarEntry, PublicRecord
from scrutiny import bulk
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

OPARL_TYPES = {
    Committee: "Organization",
    Person: "Person",
    Membership: "Membership",
    MunicipalYear: "LegislativeTerm",
    Council: "Body",
    Meeting: "Meeting",
    AgendaItem: "AgendaItem",
    Report: "Paper",
    Document: "File",
}
GLOBAL_MODELS = (Committee, Person, Membership, MunicipalYear, Council)


def on_meeting_event(sender, meeting, **kwargs):
    from opendata.records import mark_dirty, meeting_root
    from opendata.tasks import refresh_meeting
    from scrutiny import bulk

    mark_dirty([meeting_root(meeting.pk)])
    bulk.enqueue(refresh_meeting, meeting.pk)  # once a batch of an import (scrutiny.bulk)


def _meeting_of_item(item_id) -> int | None:
    return AgendaItem.all_objects.filter(pk=item_id).values_list("meeting_id", flat=True).first()


def meeting_id_of(instance) -> int | None:
    """The meeting a row of the meetings app belongs to (None if it cannot be found)."""
    if isinstance(instance, Meeting):
        return instance.pk
    if isinstance(instance, AgendaItem):
        return instance.meeting_id
    if isinstance(instance, Report | Document):
        found = _meeting_of_item(instance.agenda_item_id)
        if found is None:  # the item went first (a cascade): the record remembers
            kind = OPARL_TYPES[type(instance)]
            found = (
                PublicRecord.objects.filter(kind=kind, object_id=instance.pk)
                .values_list("meeting_id", flat=True)
                .first()
            )
        return found
    if isinstance(instance, CalendarEntry):
        return instance.meeting_id
    return None


def on_change(sender, instance, **kwargs):
    from opendata.records import GLOBAL, mark_dirty, meeting_root

    if kwargs.get("raw"):
        return  # loaddata/restore: the public records come from the same data
    if isinstance(instance, GLOBAL_MODELS):
        mark_dirty([GLOBAL])
        return
    if isinstance(instance, DECISIONS_MODELS):
        from opendata.records import DECISIONS

        mark_dirty([DECISIONS])
        return
    if bulk.deferred():
        return  # a bulk writer marks the meeting once: on_meeting_written
    meeting_id = meeting_id_of(instance)
    if meeting_id is not None:
        mark_dirty([meeting_root(meeting_id)])


# The decisions root (issue 17): decisions, the reports they were taken on, call-ins.
DECISIONS_MODELS = (Decision, DelegatedReport, CallInRequest)
WATCHED_MODELS = (*OPARL_TYPES, CalendarEntry, *DECISIONS_MODELS)


def on_meeting_written(meeting_id: int) -> None:
    """What ``on_change`` does for each record of a meeting, once (``scrutiny.bulk``)."""
    from opendata.records import mark_dirty, meeting_root

    mark_dirty([meeting_root(meeting_id)])


def connect() -> None:
    bulk.on_meeting_written(on_meeting_written)
    meeting_published.connect(on_meeting_event, dispatch_uid="opendata-published")
    meeting_changed.connect(on_meeting_event, dispatch_uid="opendata-changed")
    for model in WATCHED_MODELS:
        name = model.__name__
        post_save.connect(on_change, sender=model, dispatch_uid=f"opendata-record-{name}")
        post_delete.connect(on_change, sender=model, dispatch_uid=f"opendata-gone-{name}")
