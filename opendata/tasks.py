"""Background work (django-tasks). Every task is idempotent: running it twice leaves the
same result, and each write happens in one transaction."""

from __future__ import annotations

from django_tasks import task

from meetings.models import Document, Meeting
from opendata import indexing, services


@task()
def refresh_meeting(meeting_id: int) -> int:
    """After a meeting is published or changed: read the text of its new PDFs, update its
    calendar entry and rebuild its search rows. Returns the number of search rows."""
    meeting = Meeting.all_objects.select_related("committee").filter(pk=meeting_id).first()
    if meeting is None:
        return indexing.index_meeting(meeting_id)
    for document in Document.all_objects.filter(
        agenda_item__meeting_id=meeting_id, text_extracted_at__isnull=True
    ):
        services.extract_document_text(document=document)
    services.record_calendar_state(meeting=meeting)
    return indexing.index_meeting(meeting_id)


@task()
def extract_text(document_id: int) -> bool | None:
    """Read one PDF's text (again) and re-index its meeting. Returns has_text_layer."""
    document = Document.all_objects.select_related("agenda_item").filter(pk=document_id).first()
    if document is None:
        return None
    services.extract_document_text(document=document)
    indexing.index_meeting(document.agenda_item.meeting_id)
    return document.has_text_layer
