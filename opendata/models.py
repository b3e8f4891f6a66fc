"""Records the search, feeds and open data app keeps for itself.

- ``SearchDocument``: one row per searchable public object (meeting, agenda item, report,
  uploaded PDF, minutes, resolution, KPI). Rows are derived data: ``opendata.indexing`` rebuilds a
  meeting's rows from scratch whenever the meeting changes, and ``manage.py
  rebuild_search_index`` rebuilds them all. Exempt and confidential material is never written
  here; searches also re-check the meeting and agenda item at query time.
- ``PublicRecord``: an object of the open data API that has been public at least once, with
  the time its public form last changed and when it was withdrawn or deleted (OParl
  ``deleted: true``); ``DirtyRoot`` and ``RecordState`` keep those rows current.
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
        KPI = "kpi", "Performance indicator"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # Empty for records that belong to no meeting (KPIs, indexed by ``opendata.kpis``).
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(null=True, blank=True, db_index=True, help_text="The meeting's date.")
    reference = models.CharField(
        max_length=40,
        blank=True,
        db_index=True,
        help_text='A record\'s own reference, normalised ("KI397" for "KI 397"): a search '
        "for exactly it ranks the record first.",
    )
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
            # A match on the small vector spares reading the large one (opendata.search,
            # NewestMatches); this index lets a rare word be found that way too.
            GinIndex(fields=["rank_vector"], name="search_document_rank_vector"),
            models.Index(fields=["committee", "date"], name="search_document_committee"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class PublicRecord(models.Model):
    """An object of the open data API that has been public at least once.

    Written only by ``opendata.records`` (never by a request's own code): a row is created
    the first time the object is seen public, ``digest`` is a hash of its public JSON (plus
    what the feeds and calendars show of it) and ``modified`` the moment that digest last
    changed, so a change to a private field never moves it. ``withdrawn_at`` is set when
    the object stops being public (made exempt, meeting unpublished, deleted) and cleared
    when it is public again. Objects that were never public have no row: the API answers
    404 for them, before and after deletion.
    """

    kind = models.CharField(max_length=40, help_text="OParl type (or 'Minutes' for the feeds).")
    object_id = models.PositiveBigIntegerField()
    meeting_id = models.PositiveBigIntegerField(
        null=True, blank=True, db_index=True, help_text="The meeting the object belongs to."
    )
    created = models.DateTimeField(help_text="The object's own creation time.")
    modified = models.DateTimeField(db_index=True)
    digest = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="public_record_unique",
                violation_error_message="This record is already in the open data's public records.",
            )
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "public"
        return f"{self.kind} {self.object_id} ({state})"


class DirtyRoot(models.Model):
    """A meeting (``meeting:<pk>``) or the council-wide records (``global``) whose public
    records must be compared again: written in the same transaction as the change."""

    root = models.CharField(max_length=40)

    def __str__(self) -> str:
        return self.root


class RecordState(models.Model):
    """One row: when the public records were first built, and the lock for rebuilding."""

    seeded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Public records seeded {self.seeded_at}"


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
