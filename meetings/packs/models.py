"""Agenda packs: the last good PDF of each kind per meeting, and a record of every build.

- ``Pack`` is what the public (or members) download: one row per meeting and kind, pointing
  at a file ``packs/<meeting>/<kind>-<unique>.pdf`` in the default storage (the file system
  or S3). It changes only when a build succeeds, so a failed build leaves the previous good
  pack in place; each build writes a new file and the row is switched to it.
- ``PackBuild`` records each build request: queued, building, ok or failed, with the error
  (naming the document and the reason) that officers see. A build still "building" after
  ``BUILD_STALE_AFTER`` lost its worker (killed, crashed, machine restarted): it is shown as
  interrupted, no longer counts as in progress, and the next build request for the meeting
  records it as failed (``services.close_interrupted``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting


class PackKind(models.TextChoices):
    PUBLIC = "public", "Agenda pack"
    SUPPLEMENTARY = "supplementary", "Supplementary agenda pack"
    MEMBERS = "members", "Members' pack (includes exempt papers)"


URL_NAMES = {
    PackKind.PUBLIC: "meeting-pack",
    PackKind.SUPPLEMENTARY: "meeting-supplementary-pack",
    PackKind.MEMBERS: "meeting-members-pack",
}


class Pack(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField(max_length=20, choices=PackKind.choices)
    file_name = models.CharField(max_length=300, help_text="Relative to MEDIA_ROOT.")
    input_hash = models.CharField(
        max_length=64, help_text="SHA-256 of everything that went into the pack."
    )
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    first_page = models.PositiveIntegerField(default=1)
    page_count = models.PositiveIntegerField(default=0)
    front_pages = models.PositiveIntegerField(default=0)
    contents = models.JSONField(
        default=dict,
        blank=True,
        help_text='Page ranges: {"items": {"<item id>": [first, last]}, "papers": [...]}.',
    )
    built_at = models.DateTimeField()
    build = models.ForeignKey(
        "PackBuild", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind"],
                name="one_pack_per_meeting_kind",
                violation_error_message="This meeting already has a pack of this kind.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.meeting}"

    @property
    def storage(self):
        """Where ``file_name`` is kept: the default storage (file system or S3)."""
        return default_storage

    def file_exists(self) -> bool:
        return bool(self.file_name) and self.storage.exists(self.file_name)

    @property
    def path(self) -> Path:
        """The file's local path: file-system storage only (tests, tools); the portal's own
        code goes through ``storage``."""
        return Path(self.storage.path(self.file_name))

    @property
    def last_page(self) -> int:
        return self.first_page + self.page_count - 1

    @property
    def is_private(self) -> bool:
        return self.kind == PackKind.MEMBERS

    def get_absolute_url(self) -> str:
        return reverse(URL_NAMES[self.kind], kwargs={"pk": self.meeting_id})

    def item_range(self, item_id: int) -> tuple[int, int] | None:
        found = (self.contents or {}).get("items", {}).get(str(item_id))
        return (found[0], found[1]) if found else None


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    OK = "ok", "Built"
    FAILED = "failed", "Failed"


# A build takes seconds (a 203-page pack under half a second, bench/pack_build.py); one still
# building after this long has lost its worker and will never finish.
BUILD_STALE_AFTER = dt.timedelta(minutes=30)
INTERRUPTED_ERROR = (
    "Interrupted: this build started but never finished (its worker was stopped or "
    "crashed). The packs published before it stayed in place."
)


class PackBuildQuerySet(models.QuerySet):
    def in_progress(self):
        """Queued, or building and not yet given up on."""
        cutoff = timezone.now() - BUILD_STALE_AFTER
        return self.filter(
            Q(status=BuildStatus.QUEUED) | Q(status=BuildStatus.BUILDING, started_at__gte=cutoff)
        )

    def interrupted(self):
        cutoff = timezone.now() - BUILD_STALE_AFTER
        return self.filter(status=BuildStatus.BUILDING, started_at__lt=cutoff)


class PackBuild(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pack_builds")
    status = models.CharField(
        max_length=20, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    reason = models.CharField(max_length=200, blank=True, help_text="Why the build was asked for.")
    force = models.BooleanField(default=False, help_text="Rebuild even if nothing changed.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="What was built or left unchanged.")
    input_hashes = models.JSONField(default=dict, blank=True)

    objects = PackBuildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""),
                name="failed_build_has_error",
                violation_error_message="A failed pack build must record what went wrong.",
            )
        ]

    def __str__(self) -> str:
        return f"Pack build {self.pk} for {self.meeting}: {self.get_status_display()}"

    @property
    def is_interrupted(self) -> bool:
        return (
            self.status == BuildStatus.BUILDING
            and self.started_at is not None
            and self.started_at < timezone.now() - BUILD_STALE_AFTER
        )

    @property
    def shown_status(self) -> str:
        """The status as officers see it: an interrupted build is a failure."""
        return BuildStatus.FAILED if self.is_interrupted else self.status

    @property
    def shown_label(self) -> str:
        return "Interrupted" if self.is_interrupted else self.get_status_display()

    @property
    def shown_error(self) -> str:
        return INTERRUPTED_ERROR if self.is_interrupted else self.error

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
