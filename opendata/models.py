"""Records the search, feeds and open data app keeps for itself.

- ``SearchDocument``: one row per searchable public object (meeting, agenda item, report,
  uploaded PDF, minutes, resolution). Rows are derived data: ``opendata.indexing`` rebuilds a
  meeting's rows from scratch whenever the meeting changes, and ``manage.py
  rebuild_search_index`` rebuilds them all. Exempt and confidential material is never written
  here; searches also re-check the meeting and agenda item at query time.
- ``Tombstone``: an object of the open data API that was deleted, so that OParl clients
  syncing with ``modified_since`` learn about it (``deleted: true``).
- ``CalendarEntry``: the iCalendar SEQUENCE of a meeting, bumped when what a calendar shows
  (time, place, status, title) changes.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from meetings.models import AgendaItem, Meeting
from scrutiny.models import Committee


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        AGENDA_ITEM = "agenda_item", "Agenda item"
        REPORT = "report", "Report"
        DOCUMENT = "document", "Document (PDF)"
        MINUTES = "minutes", "Minutes"
        RESOLUTION = "resolution", "Resolution"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(db_index=True, help_text="The meeting's date.")
    title = models.CharField(max_length=400)
    summary = models.TextField(blank=True, help_text="Description or purpose (weight B).")
    body = models.TextField(blank=True, help_text="Full text (weight C).")
    url = models.CharField(max_length=400)
    search_vector = SearchVectorField(null=True, editable=False)
    # Title, summary and the opening of the body only: small enough to stay in the row, so
    # ranking thousands of matches never reads the large vectors (see opendata.search).
    rank_vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="search_document_unique",
                violation_error_message="This record is already in the search index.",
            )
        ]
        indexes = [
            # Created on PostgreSQL only (see migration 0001): SQLite has no GIN.
            GinIndex(fields=["search_vector"], name="search_document_vector"),
            models.Index(fields=["committee", "date"], name="search_document_committee"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Tombstone(models.Model):
    """A deleted object of the open data API (OParl ``deleted: true``)."""

    oparl_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    deleted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["oparl_type", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["oparl_type", "object_id"],
                name="tombstone_unique",
                violation_error_message=(
                    "This record is already marked as deleted in the open data."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.oparl_type} {self.object_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"


class CalendarEntry(models.Model):
    """What a meeting's calendar event looked like last time, and its SEQUENCE number."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "calendar entries"

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id} sequence {self.sequence}"
