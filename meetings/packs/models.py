"""Agenda packs: the last good PDF of each kind per meeting, and a record of every build.

- ``Pack`` is what the public (or members) download: one row per meeting and kind, pointing
  at a file ``packs/<meeting>/<kind>-<unique>.pdf`` in the default storage (the file system
  or S3). It changes only when a build succeeds, so a failed build leaves the previous good
  pack in place; each build writes a new file and the row is switched to it.
- ``PackBuild`` records each build request: queued, building, ok or failed, with the error
  (naming the document and the reason) that officers see. A running build holds a lease
  (``lease_until``, renewed by a heartbeat while its worker lives, ``scrutiny.leases``); a
  build whose lease ran out lost its worker (killed, crashed, machine restarted). The build's
  own task, scheduled again for when the lease ends, then takes it over: it is retried up to
  ``MAX_ATTEMPTS`` times in all and then recorded as failed with the reason
  (``services.run_build``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
        pages = self.pages_of(item_id=item_id)
        return (pages.first, pages.last) if pages else None

    def pages_of(self, *, item_id: int | None = None, paper=None) -> PackPages | None:
        """Where an agenda item's papers, or one paper (a ``Document`` or ``Report``), sit
        in this pack, from what the builder recorded (``contents``); None if not in it.
        The one place a page range in a pack is worked out: the meeting page's "Pages 5–7"
        under each item and /my/'s late paper line both come from here (issue 23)."""
        contents = self.contents or {}
        if paper is not None:
            key = f"{paper._meta.model_name}-{paper.pk}"
            for entry in contents.get("papers", []):
                if entry.get("key") == key:
                    return PackPages(self, entry["first"], entry["last"])
            return None
        found = contents.get("items", {}).get(str(item_id))
        return PackPages(self, found[0], found[1]) if found else None


@dataclass(frozen=True)
class PackPages:
    """A page range in a pack, as printed on its pages ("Page 10": a supplementary pack is
    numbered on from the agenda pack), with the link that opens the pack there.

    ``#page=N`` counts the file's own pages (PDF viewers ignore printed page labels), so
    page 10 of a supplementary pack numbered from 9 is ``#page=2``."""

    pack: Pack
    first: int
    last: int

    @property
    def text(self) -> str:
        """ "page 10" or "pages 10–11"."""
        return (
            f"page {self.first}" if self.first == self.last else f"pages {self.first}–{self.last}"
        )

    @property
    def file_page(self) -> int:
        return max(self.first - self.pack.first_page + 1, 1)

    @property
    def url(self) -> str:
        return f"{self.pack.get_absolute_url()}#page={self.file_page}"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    OK = "ok", "Built"
    FAILED = "failed", "Failed"


def lease_seconds() -> float:
    """How long a build's lease lasts without a heartbeat (``PACK_BUILD_LEASE_SECONDS``,
    60 by default): a killed worker's build is taken over at most this long after it died.
    The heartbeat renews it every third of that, so a live build never loses it."""
    return float(getattr(settings, "PACK_BUILD_LEASE_SECONDS", 60))


# A build is tried at most this many times in all when its worker keeps dying (a paper that
# makes the worker run out of memory would otherwise kill every worker in turn, for ever).
MAX_ATTEMPTS = 3
INTERRUPTED_ERROR = (
    "Interrupted: this build was started {attempts} times and its worker stopped each time "
    "before it finished (killed, out of memory or the machine restarted), so it is not tried "
    "again automatically. A very large or malformed paper can cause this: check the papers, "
    "then use Rebuild."
)
SUPERSEDED_ERROR = (
    "Interrupted: this build's worker stopped before it finished; the newer build requested "
    "after it includes its changes."
)


def _lost():
    """Building, and its lease has run out (rows from before leases: started a lease ago)."""
    now = timezone.now()
    return Q(status=BuildStatus.BUILDING) & (
        Q(lease_until__lt=now)
        | Q(lease_until__isnull=True, started_at__lt=now - dt.timedelta(seconds=lease_seconds()))
    )


def in_progress_q() -> Q:
    """Queued, or building with a live lease or lost less than a lease ago."""
    grace = timezone.now() - dt.timedelta(seconds=lease_seconds())
    return (
        Q(status=BuildStatus.QUEUED)
        | Q(status=BuildStatus.BUILDING, lease_until__gte=grace)
        | Q(status=BuildStatus.BUILDING, lease_until__isnull=True, started_at__gte=grace)
    )


class PackBuildQuerySet(models.QuerySet):
    def in_progress(self):
        """Queued, or building: with a live lease, or lost less than a lease ago (its task,
        scheduled for when the lease ends, is about to retry it or record the failure)."""
        return self.filter(in_progress_q())

    def lost(self):
        return self.filter(_lost())


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
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has started this build."
    )
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While building: the worker renews this; once it has passed, the worker died.",
    )

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
    def is_lost(self) -> bool:
        """Building, but its worker stopped renewing the lease: it died."""
        if self.status != BuildStatus.BUILDING:
            return False
        now = timezone.now()
        if self.lease_until is not None:
            return self.lease_until < now
        return self.started_at is not None and self.started_at < now - dt.timedelta(
            seconds=lease_seconds()
        )

    @property
    def shown_label(self) -> str:
        if self.is_lost:
            return "Interrupted, being retried"
        if self.status == BuildStatus.BUILDING and self.attempts > 1:
            return f"Building (attempt {self.attempts} of {MAX_ATTEMPTS})"
        return self.get_status_display()

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
