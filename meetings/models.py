"""Meetings, agenda items, reports and documents: the spine of the portal.

Access rules live in the managers, so the safe query is the default one:

- ``Meeting.objects`` / ``AgendaItem.objects`` / ``Report.objects`` / ``Document.objects``
  return only what the public may see: published meetings (agenda published, held, cancelled
  or postponed after publication), and of those only items that are neither exempt nor
  confidential, and their papers.
- ``<Model>.all_objects`` returns everything; officer pages and members-only views use it by
  name, after checking ``scrutiny.permissions`` (``Report/Document.all_objects.issued()``
  for members: exempt papers yes, drafts never).

The rule itself lives in ``scrutiny.visibility``; the querysets here only delegate to it.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from scrutiny import visibility
from scrutiny.models import Committee, MunicipalYear, Person, TimeStamped

SCHEDULE_12A_PARAGRAPHS = {
    1: "Information relating to any individual",
    2: "Information which is likely to reveal the identity of an individual",
    3: "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information)",
    4: "Information relating to any consultations or negotiations, or contemplated "
    "consultations or negotiations, in connection with any labour relations matter",
    5: "Information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings",
    6: "Information which reveals that the authority proposes to give a notice, make an order "
    "or direction under any enactment",
    7: "Information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime",
}
PARAGRAPH_CHOICES = [(n, f"Paragraph {n} – {text}") for n, text in SCHEDULE_12A_PARAGRAPHS.items()]


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    POSTPONED = "postponed", "Postponed"


class MeetingQuerySet(models.QuerySet):
    def published(self):
        """Meetings whose agenda the public may see."""
        return self.filter(visibility.meeting_public())

    def upcoming(self, now):
        return self.filter(start__gte=now).order_by("start")

    def past(self, now):
        return self.filter(start__lt=now).order_by("-start")

    def in_year(self, year: MunicipalYear):
        return self.filter(start__date__gte=year.start_date, start__date__lte=year.end_date)


class PublicMeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    def get_queryset(self):
        return super().get_queryset().published()


class Meeting(TimeStamped):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=255, blank=True)
    is_public = models.BooleanField(
        default=True, help_text="A formal meeting in public; untick for an informal meeting."
    )
    webcast_url = models.URLField(blank=True)
    is_hybrid = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    status_notice = models.TextField(
        blank=True, help_text="Shown publicly when the meeting is cancelled or postponed."
    )
    report_deadline = models.DateField(null=True, blank=True)
    contact_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publication_entered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="For an agenda despatched before it was entered here (a past meeting "
        "entered after the fact): when the officer entered it. ``published_at`` is then the "
        "real despatch date.",
    )
    published_late = models.BooleanField(default=False)
    late_publication_reason = models.TextField(blank=True)
    papers_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When anything public on the published agenda last changed.",
    )
    version = models.PositiveIntegerField(default=1, help_text="For optimistic locking.")

    objects = PublicMeetingManager()
    all_objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="meeting_end_after_start",
                violation_error_message="The meeting must end after it starts.",
            ),
        ]
        indexes = [models.Index(fields=["committee", "start"])]

    def __str__(self) -> str:
        return f"{self.committee.name} – {self.start:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        """The agenda is published: the meeting is public (``scrutiny.visibility``)."""
        return visibility.is_meeting_public(self)

    @property
    def date(self):
        from django.utils import timezone

        return timezone.localtime(self.start).date()


class ItemKind(models.TextChoices):
    MEMBERSHIP = "membership", "Membership of the committee / apologies"
    MINUTES = "minutes", "Minutes of the previous meeting"
    INTERESTS = "interests", "Declarations of interest"
    ADMISSION = "admission", "Admission of the public"
    DEPUTATIONS = "deputations", "Deputations and petitions"
    QUESTIONS = "questions", "Public question time"
    BUSINESS = "business", "Business item"


class AgendaItemQuerySet(models.QuerySet):
    def public(self):
        """Items neither exempt nor confidential (whatever their meeting: combine with
        ``AgendaItem.objects`` or ``listed()``)."""
        return self.filter(visibility.item_open())

    def private(self):
        return self.filter(visibility.item_private())

    def listed(self):
        """Items on a published agenda (exempt ones included, by title and paragraph)."""
        return self.filter(visibility.item_listed())

    def linkable(self):
        """Items another public record may name (an action "dealt with at"): listed and
        open."""
        return self.filter(visibility.item_public())


class PublicAgendaItemManager(models.Manager.from_queryset(AgendaItemQuerySet)):
    def get_queryset(self):
        return super().get_queryset().listed()


class AgendaItem(TimeStamped):
    """An item on a meeting's agenda.

    ``AgendaItem.objects`` returns items of published meetings, exempt ones included, because
    the public agenda lists exempt items by title and paragraph; their papers are what stays
    private (see ``Report.objects`` and ``Document.objects``).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    number = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.BUSINESS)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, help_text='For example "To receive a report on…"')
    contact_officers = models.ManyToManyField(Person, blank=True, related_name="agenda_items")
    contact_text = models.CharField(
        max_length=300, blank=True, help_text="Contact line as printed, if not only names."
    )
    previous_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_at_items",
        help_text="For the minutes item: the meeting whose minutes are approved.",
    )
    is_exempt = models.BooleanField(default=False)
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=PARAGRAPH_CHOICES
    )
    exempt_reasons = models.TextField(
        blank=True, help_text="Public reasons, including the public interest test."
    )
    is_confidential = models.BooleanField(
        default=False, help_text="Confidential information (s100A): always excluded."
    )
    is_late = models.BooleanField(default=False, help_text="Added after the agenda was published.")
    urgency_reasons = models.TextField(blank=True, help_text="The chair's reasons for urgency.")
    version = models.PositiveIntegerField(default=1)

    objects = PublicAgendaItemManager()
    all_objects = AgendaItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_exempt=False) | Q(exempt_paragraph__gte=1, exempt_paragraph__lte=7),
                name="exempt_item_has_paragraph",
                violation_error_message=(
                    "An exempt item needs the paragraph of Schedule 12A (1 to 7) that makes it "
                    "exempt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_late=False) | ~Q(urgency_reasons=""),
                name="late_item_has_urgency_reasons",
                violation_error_message="A late item needs the reasons it is urgent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}" if self.number else self.title

    @property
    def is_private(self) -> bool:
        return visibility.is_item_private(self)

    @property
    def public_description(self) -> str:
        """The description the public may read: none for an exempt or confidential item."""
        return visibility.public_description(self)

    @property
    def public_previous_meeting(self) -> Meeting | None:
        """The minutes item's previous meeting, if the public may see it (its agenda is
        published); templates link to it through this, never by testing ``published_at``."""
        previous = self.previous_meeting
        return previous if visibility.is_meeting_public(previous) else None

    @property
    def exempt_paragraph_text(self) -> str:
        """What the item's Schedule 12A paragraph covers ("Information relating to any
        individual"), without the paragraph's number (shown next to it already)."""
        return SCHEDULE_12A_PARAGRAPHS.get(self.exempt_paragraph or 0, "")

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"


class PaperQuerySet(models.QuerySet):
    def public(self):
        """Issued papers of open items on published agendas."""
        return self.filter(visibility.paper_public())

    def issued(self):
        """Every paper except drafts (members' view of exempt papers, packs)."""
        return self.filter(visibility.paper_issued())

    def drafts(self):
        return self.filter(visibility.paper_draft())

    def current(self):
        """Papers neither withdrawn nor superseded (drafts included): the officer's agenda."""
        return self.filter(visibility.paper_current())

    def withdrawal_notes(self):
        """Papers issued and then withdrawn whose note the public may read (title, date,
        reason; never the paper)."""
        return self.filter(visibility.paper_withdrawal_noted())


class PublicPaperManager(models.Manager.from_queryset(PaperQuerySet)):
    def get_queryset(self):
        return super().get_queryset().public()


class PaperLifecycle(models.Model):
    """What happens to a paper after it is issued (issue 15): it may be withdrawn (with a
    public note), or replaced by a new version (``superseded_by``; the earlier versions stay
    for officers), or moved to another item (its history says so). Withdrawn and superseded
    papers are not public (``scrutiny.visibility.paper_issued``)."""

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(
        blank=True, help_text="Shown publicly: “Withdrawn on <date>: <reason>”."
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="previous_version",
        help_text="The newer version that replaced this one.",
    )
    version_note = models.TextField(
        blank=True, help_text="For a new version: what changed (shown with it)."
    )

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None


class Report(PaperLifecycle, TimeStamped):
    """A report on an agenda item: authored in the portal (cover sheet and numbered sections)
    or uploaded as a PDF (``document``)."""

    class Source(models.TextChoices):
        AUTHORED = "authored", "Written in the portal"
        UPLOADED = "uploaded", "Uploaded PDF"
        GENERATED = "generated", "Generated (for example a performance report)"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reports")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.AUTHORED)
    title = models.CharField(max_length=300)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    purpose = models.TextField(blank=True, help_text="Purpose of report")
    # The cover sheet's fixed questions.
    is_key_decision = models.BooleanField(default=False)
    key_decision_reason = models.TextField(blank=True)
    in_forward_plan = models.BooleanField(default=False)
    forward_plan_reference = models.CharField(max_length=100, blank=True)
    eligible_for_call_in = models.BooleanField(default=False)
    call_in_reason = models.TextField(blank=True)
    signed_off_by = models.CharField(
        max_length=300, blank=True, help_text="Strategic director / service director and role"
    )
    signed_off_on = models.DateField(null=True, blank=True)
    finance_signed_off_by = models.CharField(max_length=300, blank=True)
    legal_signed_off_by = models.CharField(max_length=300, blank=True)
    cabinet_portfolio = models.CharField(max_length=300, blank=True)
    wards_affected = models.CharField(max_length=300, blank=True)
    ward_councillors_consulted = models.CharField(max_length=300, blank=True)
    is_public_report = models.BooleanField(
        default=True, help_text="Public or private (the item's exemption decides publication)."
    )
    document = models.ForeignKey(
        "Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For an uploaded report: the PDF.",
    )
    generator = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a generated report: the name registered in meetings.extensions.",
    )
    generator_params = models.JSONField(default=dict, blank=True)
    is_late = models.BooleanField(default=False)
    urgency_reasons = models.TextField(blank=True)
    is_draft = models.BooleanField(
        default=False,
        help_text="Added to a published agenda and not yet published as a late paper: "
        "officers only (not on the public or members' pages, nor in packs).",
    )
    version = models.PositiveIntegerField(default=1)

    objects = PublicPaperManager()
    all_objects = PaperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "order", "pk"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("report-detail", kwargs={"pk": self.pk})

    @property
    def is_signed_off(self) -> bool:
        return bool(self.signed_off_by and self.signed_off_on)


class ReportSection(models.Model):
    """A numbered section of an authored report; ``body`` is sanitised HTML."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    heading = models.CharField(max_length=300)
    body = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "order", "pk"]

    def __str__(self) -> str:
        return self.heading

    @property
    def number(self) -> int:
        return self.order


STANDARD_SECTIONS = [
    "Summary",
    "Information required to take a decision",
    "Implications for the Council",
    "Consultees and their opinions",
    "Next steps",
    "Officer recommendations and reasons",
    "Cabinet portfolio holder's recommendations",
    "Contact officer",
    "Background papers and history of decisions",
    "Service Director responsible",
]


def document_upload_to(instance: Document, filename: str) -> str:
    # Non-guessable storage name; the original name is kept on the record for downloads.
    return f"documents/{uuid.uuid4().hex}.pdf"


class Document(PaperLifecycle, TimeStamped):
    """An uploaded PDF attached to an agenda item (an appendix, or an uploaded report)."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=document_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100, default="application/pdf")
    page_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    sha512 = models.CharField(max_length=128, blank=True)
    sanitised = models.TextField(
        blank=True, help_text="What was removed from the upload (JavaScript, embedded files…)."
    )
    text = models.TextField(blank=True, help_text="Extracted text, for search.")
    text_extracted_at = models.DateTimeField(null=True, blank=True)
    has_text_layer = models.BooleanField(null=True, blank=True)
    # Issue 16: is the PDF tagged all through (scrutiny.pdfcheck.is_tagged)? Set at upload
    # (and by conversion, which uploads through the same path); None: not checked yet
    # (``manage.py record_pdf_tagging`` checks existing files).
    is_tagged = models.BooleanField(null=True, blank=True)
    # The headings of a tagged PDF's structure tree ([[level, text], …]), for its HTML version.
    headings = models.JSONField(default=list, blank=True)
    is_late = models.BooleanField(default=False)
    urgency_reasons = models.TextField(blank=True)
    is_draft = models.BooleanField(
        default=False,
        help_text="Added to a published agenda and not yet published as a late paper: "
        "officers only (not on the public or members' pages, nor in packs).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PublicPaperManager()
    all_objects = PaperQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["text", "headings"])

    class Meta:
        ordering = ["agenda_item", "order", "pk"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("document-download", kwargs={"pk": self.pk})

    @property
    def is_pdf(self) -> bool:
        """Only a PDF is ever shown in the browser; anything else is served as a download."""
        return self.mime_type == "application/pdf" and (self.file.name or "").lower().endswith(
            ".pdf"
        )

    @property
    def download_name(self) -> str:
        """The name the paper is saved under: the meeting's date and the paper's title
        ("2017-10-09-appendix-a-workforce-figures.pdf"), so a member's downloads sort by
        meeting and say what they are; never the uploaded file's own name ("exempt.pdf",
        "Copy of draft v3 FINAL.pdf"). Reads the item's meeting: select it with the paper."""
        meeting = self.agenda_item.meeting
        stem = slugify(f"{meeting.date:%Y-%m-%d} {self.title}")[:100].rstrip("-")
        extension = ".pdf" if self.is_pdf else PurePath(self.original_filename).suffix.lower()
        return f"{stem or f'document-{self.pk}'}{extension if extension[1:].isalnum() else ''}"


class ExemptAccess(models.Model):
    """Every read of an exempt paper, and every refused attempt at one: who and when
    (``user`` is empty for a visitor who was not signed in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL)
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting whose exempt material it was (for the officer's log).",
    )
    what = models.CharField(max_length=300, help_text="What was read, as text (kept if deleted).")
    refused = models.BooleanField(
        default=False, help_text="The attempt was refused: the reader may not see it."
    )

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "exempt accesses"

    def __str__(self) -> str:
        who = self.user or "A visitor who was not signed in"
        verb = "was refused" if self.refused else "read"
        return f"{who} {verb} {self.what} at {self.at:%Y-%m-%d %H:%M}"


def original_upload_to(instance: Conversion, filename: str) -> str:
    # Non-guessable storage name that keeps the format's extension (the converter needs it).
    suffix = PurePath(filename).suffix.lower()
    return f"originals/{uuid.uuid4().hex}{suffix}"


class Conversion(TimeStamped):
    """A Word, OpenDocument, RTF or Excel upload being turned into a PDF paper (issue 15,
    item 7; ``meetings.conversion``). The original is kept, for officers only (it may hold
    hidden text, comments or tracked changes): once converted, ``document`` is the PDF
    (checked and sanitised like any upload). Until then the upload is no paper at all."""

    class Status(models.TextChoices):
        CONVERTING = "converting", "Converting"
        CONVERTED = "converted", "Converted"
        FAILED = "failed", "Failed"

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="conversions"
    )
    title = models.CharField(max_length=300)
    is_report = models.BooleanField(
        default=False, help_text="The converted PDF is the report itself (not an appendix)."
    )
    urgency_reasons = models.TextField(blank=True)
    original = models.FileField(upload_to=original_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONVERTING)
    failure = models.TextField(blank=True, help_text="Why the conversion failed, for the officer.")
    attempt = models.PositiveIntegerField(
        default=1, help_text="Raised by each retry: a stale run's result is ignored."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    document = models.OneToOneField(
        Document,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversion",
        help_text="The PDF made from the original.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.original_filename}: {self.get_status_display().lower()})"

    @property
    def download_name(self) -> str:
        return PurePath(self.original_filename).name or f"original-{self.pk}"


# The standard opening items a new meeting gets, in order. Committees can change theirs
# (``CommitteeAgendaSettings``); these are the council's defaults, worded as in seed 000.
DEFAULT_STANDARD_ITEMS: list[dict[str, str]] = [
    {
        "kind": ItemKind.MEMBERSHIP,
        "title": "Membership of the Committee",
        "description": "This is where Councillors who are attending as substitutes will say "
        "for whom they are attending.",
    },
    {
        "kind": ItemKind.MINUTES,
        "title": "Minutes of the Previous Meeting",
        "description": "To approve the minutes of the previous meeting.",
    },
    {
        "kind": ItemKind.INTERESTS,
        "title": "Interests",
        "description": "The Councillors will be asked to say if there are any items on the "
        "Agenda in which they have disclosable pecuniary interests, which would prevent them "
        "from participating in any discussion of the items or participating in any vote upon "
        "the items, or any other interests.",
    },
    {
        "kind": ItemKind.ADMISSION,
        "title": "Admission of the Public",
        "description": "Most debates take place in public. This only changes when there is a "
        "need to consider certain issues, for instance, commercially sensitive information or "
        "details concerning an individual. You will be told at this point whether there are "
        "any items on the Agenda which are to be discussed in private.",
    },
    {
        "kind": ItemKind.DEPUTATIONS,
        "title": "Deputations/Petitions",
        "description": "The Committee will receive any petitions and hear any deputations from "
        "members of the public.",
    },
    {
        "kind": ItemKind.QUESTIONS,
        "title": "Public Question Time",
        "description": "The Committee will hear any questions from the general public.",
    },
]


class CommitteeAgendaSettings(TimeStamped):
    """A committee's own choice of standard opening items (kind, title, description each).

    Without a row, ``DEFAULT_STANDARD_ITEMS`` apply."""

    committee = models.OneToOneField(
        Committee, on_delete=models.CASCADE, related_name="agenda_settings"
    )
    standard_items = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "committee agenda settings"

    def __str__(self) -> str:
        return f"Standard items of {self.committee}"


class ChangeKind(models.TextChoices):
    """What changed on a published meeting (``meetings.changes``; docs/meetings.md)."""

    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    ITEM_ADDED = "item_added", "Item added"
    ITEM_RETITLED = "item_retitled", "Item retitled"
    ITEM_MOVED = "item_moved", "Item moved"
    LATE_PAPER = "late_paper", "Late paper added"
    PAPER_REPLACED = "paper_replaced", "Paper replaced"
    PAPER_WITHDRAWN = "paper_withdrawn", "Paper withdrawn"
    PAPER_RETITLED = "paper_retitled", "Paper retitled"
    PAPER_MOVED = "paper_moved", "Paper moved"
    SUPPLEMENTARY_PACK = "supplementary_pack", "Supplementary pack"
    DATE_CHANGED = "date_changed", "Date or time changed"
    VENUE_CHANGED = "venue_changed", "Venue changed"
    POSTPONED = "postponed", "Meeting postponed"
    CANCELLED = "cancelled", "Meeting cancelled"


class MeetingChangeQuerySet(models.QuerySet):
    def public(self):
        """Changes the public may read: recorded as public, of a public meeting, and about an
        item (and paper) that is still open now (an item made exempt later takes its earlier
        changes out of the public's sight too)."""
        return self.filter(
            visibility.meeting_public("meeting"),
            Q(is_public=True),
            Q(item__isnull=True) | visibility.item_open("item"),
            Q(document__isnull=True) | visibility.item_open("document__agenda_item"),
            Q(report__isnull=True) | visibility.item_open("report__agenda_item"),
        )


class MeetingChange(models.Model):
    """One change to a published meeting, with what it was before and after, recorded by the
    service that made it in the same transaction (``meetings.changes.record``). Members read
    them on ``/my/`` and in the change notice; ``is_public`` is False for a change about an
    exempt or confidential item or its papers (members of the committee only)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=30, choices=ChangeKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item_number = models.CharField(
        max_length=10, blank=True, help_text="The item's number when the change was made."
    )
    subject = models.CharField(
        max_length=300, blank=True, help_text="The title of what moved, when the change was made."
    )
    before = models.CharField(max_length=500, blank=True)
    after = models.CharField(max_length=500, blank=True)
    is_public = models.BooleanField(default=True)

    all_objects = MeetingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["meeting", "id"])]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_kind_display()}"


class ChangeAcknowledgement(models.Model):
    """The changes of a meeting a member has said they have seen ("I've seen these" on
    ``/my/``): every change up to ``up_to`` (a ``MeetingChange`` id). Kept per member and
    meeting, so it holds on every device and sign-in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="change_acknowledgements"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    up_to = models.PositiveBigIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "meeting"],
                name="one_acknowledgement_per_meeting",
                violation_error_message="You have already marked this meeting's changes as seen.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} saw the changes of {self.meeting} up to {self.up_to}"


class PrivateNote(models.Model):
    """A signed-in member's own note on an agenda item or on one of its papers (issue 23).

    Private to ``author``: read only through ``meetings.notes`` (always filtered by the author
    and, for an exempt or confidential item, by whether the author may still read it). The
    text is stored encrypted (``meetings.notes.seal``, a key derived from ``SECRET_KEY``), so
    the database and its backups never hold it in the clear. No history, no admin, no export.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="private_notes"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="private_notes"
    )
    sealed_text = models.TextField(help_text="The note, encrypted (meetings.notes.seal).")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agenda_item", "document", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "agenda_item"],
                condition=Q(document__isnull=True),
                name="one_item_note_per_author",
                violation_error_message="You already have a note on this agenda item.",
            ),
            models.UniqueConstraint(
                fields=["author", "document"],
                condition=Q(document__isnull=False),
                name="one_paper_note_per_author",
                violation_error_message="You already have a note on this paper.",
            ),
        ]

    def __str__(self) -> str:
        return f"Private note {self.pk}"
