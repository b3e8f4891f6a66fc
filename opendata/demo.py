"""Demo data: nothing of its own; reads the demo PDFs' text and builds the search index and
calendar entries from the demo meetings loaded by the apps before it."""

from __future__ import annotations

from meetings.models import Document, Meeting
from opendata import indexing, services


def load() -> None:
    for document in Document.all_objects.filter(text_extracted_at__isnull=True):
        services.extract_document_text(document=document)
    for meeting in Meeting.objects.select_related("committee"):
        services.record_calendar_state(meeting=meeting)
    indexing.rebuild_all()
