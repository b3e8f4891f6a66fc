"""What the importer remembers: each run (its progress and end report) and, for every record
it wrote, where the record came from (site, kind, source id) and what it looked like when
the importer last wrote it. A re-run compares the record's ``version`` (or ``modified_at``
where the model has no version) with what is stored here: a difference means an officer
edited the record since, and the importer leaves it alone and reports it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    site = models.URLField(max_length=300)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="The last progress the worker wrote."
    )
    meetings_total = models.PositiveIntegerField(default=0)
    meetings_done = models.PositiveIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    # The end report: {"counts": {kind: {"created": n, "updated": n, "unchanged": n}},
    # "skipped": [{"kind", "source_id", "why"}], "problems": [...]}.
    report = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import from {self.site} ({self.get_status_display()})"

    STALLED_AFTER = dt.timedelta(minutes=10)

    def is_stalled(self, now: dt.datetime) -> bool:
        """A run whose worker stopped writing progress (killed): start the import again and
        it carries on from the last whole meeting."""
        last = self.progress_at or self.started_at
        return (
            self.status == self.Status.RUNNING
            and last is not None
            and (now - last > self.STALLED_AFTER)
        )


class ImportedRecord(models.Model):
    """One record brought in from a source system, and where it came from."""

    site = models.CharField(max_length=300, help_text="The source site's address.")
    kind = models.CharField(max_length=30, help_text="committee, person, meeting, item, …")
    source_id = models.CharField(max_length=100)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # What the source said last time (a digest of the fields used) and the record's version
    # (or modified_at, as ISO text) right after the importer wrote it.
    source_digest = models.CharField(max_length=64, blank=True)
    local_stamp = models.CharField(max_length=40, blank=True)
    # Documents: the validators for a conditional GET.
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "source_id"], name="imported_record_one_per_source"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} from {self.site}"
