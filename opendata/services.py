"""Writes of the opendata app: extracted PDF text, calendar SEQUENCE numbers (the public
records of the API are written by ``opendata.records``)."""

from __future__ import annotations

import hashlib
import io
import json
import logging

from django.db import transaction
from django.utils import timezone

from meetings.models import Document, Meeting
from opendata import ics
from opendata.models import CalendarEntry

log = logging.getLogger(__name__)

# Fewer non-blank characters than this in the whole file: treated as having no text layer
# (a scan), and listed for officers.
MIN_TEXT_CHARACTERS = 20


def read_pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page by page (pypdf)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\f".join((page.extract_text() or "") for page in reader.pages)


@transaction.atomic
def extract_document_text(*, document: Document) -> Document:
    """Read the PDF's text into ``Document.text`` and record whether it has a text layer.

    A file that is missing or that cannot be parsed is recorded as having no text layer, so
    officers see it. A failure to read an existing file from the storage (an outage) is
    raised and nothing is written, so the text read before is kept and a retry reads the
    file again. Reading a file again that gives the text already recorded writes nothing.
    """
    data = None
    if document.file and document.file.storage.exists(document.file.name):
        with document.file.open("rb") as handle:
            data = handle.read()
    try:
        text = read_pdf_text(data) if data is not None else ""
    except Exception:  # noqa: BLE001 - any unparsable file is flagged, not fatal
        log.warning("Could not read text from document %s", document.pk, exc_info=True)
        text = ""
    text = text.replace("\x00", "")
    has_text_layer = len("".join(text.split())) >= MIN_TEXT_CHARACTERS
    if document.text_extracted_at is not None and (document.text, document.has_text_layer) == (
        text,
        has_text_layer,
    ):
        return document  # already recorded: no new version, no history row
    document.text = text
    document.has_text_layer = has_text_layer
    document.text_extracted_at = timezone.now()
    document.save(update_fields=["text", "has_text_layer", "text_extracted_at", "modified_at"])
    return document


def calendar_fingerprint(meeting: Meeting) -> str:
    """What a calendar shows of a meeting; a change bumps the event's SEQUENCE."""
    shown = [
        meeting.start.isoformat(),
        meeting.end.isoformat() if meeting.end else "",
        meeting.venue,
        meeting.status,
        meeting.status_notice,
        meeting.committee.name,
        meeting.webcast_url,
        # The agenda's public item titles are in the DESCRIPTION: a retitle is a change.
        ics.public_item_titles([meeting.pk]).get(meeting.pk, []),
    ]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


@transaction.atomic
def record_calendar_state(*, meeting: Meeting) -> CalendarEntry:
    """Create or update the meeting's calendar entry; SEQUENCE goes up when it changed."""
    fingerprint = calendar_fingerprint(meeting)
    entry = CalendarEntry.objects.select_for_update().filter(meeting=meeting).first()
    if entry is None:
        return CalendarEntry.objects.create(
            meeting=meeting, sequence=0, fingerprint=fingerprint, changed_at=timezone.now()
        )
    if entry.fingerprint != fingerprint:
        entry.sequence += 1
        entry.fingerprint = fingerprint
        entry.changed_at = timezone.now()
        entry.save(update_fields=["sequence", "fingerprint", "changed_at"])
    return entry
