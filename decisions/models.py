"""Executive decisions: who takes them, the forward plan that announces them, the register
that records them, and call-in (issue 17).

The law: the Local Authorities (Executive Arrangements) (Meetings and Access to Information)
(England) Regulations 2012 — reg. 9 (notice of key decisions: the forward plan, 28 clear
days), reg. 10 (general exception), reg. 11 (special urgency), reg. 5 (notice of a private
meeting, with its Schedule 12A paragraph), regs. 12–13 (the record of executive decisions);
and the Local Government Act 2000 s9F (call-in by overview and scrutiny).

Managers (docs/architecture.md, "which manager holds what"): ``objects`` is the public manager
where a model has one (``ForwardPlanEntry``, ``Decision``, ``CallInRequest``),
``all_objects`` holds everything and is used by name after ``scrutiny.permissions``. The
public rule is ``scrutiny.visibility`` (``decision_listed``/``decision_public``,
``forward_plan_entry_public``, ``call_in_public``); the querysets here only delegate to it.

Texts are plain text (shown with ``linebreaks``, escaped), never HTML: nothing here is marked
safe.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from meetings.minutes.models import Minute
from meetings.models import PARAGRAPH_CHOICES, SCHEDULE_12A_PARAGRAPHS, AgendaItem, Document
from scrutiny import visibility
from scrutiny.models import Committee, Person, TimeStamped

# --- settings ------------------------------------------------------------------------------


class CallInWho(models.TextChoices):
    ANY_MEMBERS = "any_members", "Any councillors (the number of signatures below)"
    SCRUTINY_MEMBERS = (
        "scrutiny_members",
        "Members of the overview and scrutiny committee (the number of signatures below)",
    )
    CHAIR = "chair", "The chair of the overview and scrutiny committee alone"
    CHAIR_OR_MEMBERS = (
        "chair_or_members",
        "The chair of the overview and scrutiny committee, or any councillors (the number of "
        "signatures below)",
    )


class DecisionSettings(TimeStamped):
    """The council's rules for key decisions, the forward plan and call-in. One row, edited
    by officers (``DecisionSettings.current()`` gives it, or the defaults unsaved)."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    key_decision_amount = models.DecimalField(
        "key decision: money",
        max_digits=14,
        decimal_places=2,
        default=Decimal("250000"),
        help_text="A decision that spends or saves this much or more (£) is a key decision.",
    )
    key_decision_wards = models.PositiveSmallIntegerField(
        "key decision: wards",
        default=2,
        help_text="A decision significant for this many wards or more is a key decision.",
    )
    forward_plan_notice_days = models.PositiveSmallIntegerField(
        default=28,
        help_text="Clear days between first publication on the forward plan and the decision "
        "(reg. 9).",
    )
    general_exception_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="Clear working days between the general exception notice and the decision "
        "(reg. 10).",
    )
    call_in_working_days = models.PositiveSmallIntegerField(
        "call-in period",
        default=5,
        help_text="Clear working days after publication during which a decision may be called in.",
    )
    call_in_who = models.CharField(
        "who may call in", max_length=30, choices=CallInWho.choices, default=CallInWho.ANY_MEMBERS
    )
    call_in_signatures = models.PositiveSmallIntegerField(
        "signatures needed",
        default=5,
        help_text="Councillors who must sign a call-in request (the requester included).",
    )
    scrutiny_committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The overview and scrutiny committee: its chair is told of general "
        "exceptions, agrees special urgency and may call in; it hears call-ins.",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "decision settings"
        verbose_name_plural = "decision settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(singleton=1),
                name="decision_settings_one_row",
                violation_error_message="There is one set of decision settings.",
            ),
            models.CheckConstraint(
                condition=Q(call_in_signatures__gte=1),
                name="decision_settings_signatures_at_least_one",
                violation_error_message="A call-in needs at least one signature.",
            ),
        ]

    def __str__(self) -> str:
        return "Decision settings"

    @classmethod
    def current(cls) -> DecisionSettings:
        return cls.objects.filter(singleton=1).first() or cls()


# --- decision makers -----------------------------------------------------------------------


class Ward(models.Model):
    """An electoral ward, for "wards affected" and the forward plan's ward filter."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class PortfolioHolderQuerySet(models.QuerySet):
    def in_office_on(self, day: dt.date):
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class PortfolioHolder(TimeStamped):
    """A cabinet member holding a portfolio, from one date to another (an individual
    executive decision maker)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portfolios")
    portfolio = models.CharField(max_length=200, help_text="For example Children's Services.")
    title = models.CharField(
        max_length=200, blank=True, help_text='As printed, for example "Cabinet Member – Children".'
    )
    cabinet = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portfolio_holders",
        limit_choices_to={"kind": Committee.Kind.CABINET},
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = PortfolioHolderQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="portfolio_holder_end_after_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.display_name}, {self.title or 'Portfolio Holder'} ({self.portfolio})"


class DelegatedOfficer(TimeStamped):
    """An officer taking decisions under delegated powers (by post, as the scheme of
    delegation names them)."""

    name = models.CharField(max_length=200)
    post = models.CharField(max_length=200, help_text="For example Strategic Director, Children.")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["post", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.post}"


class MakerKind(models.TextChoices):
    CABINET = "cabinet", "Cabinet"
    PORTFOLIO_HOLDER = "portfolio_holder", "Portfolio holder"
    OFFICER = "officer", "Officer under delegated powers"


class DecisionMaker(models.Model):
    """Who takes the decision: the Cabinet (a committee of kind cabinet), a portfolio holder
    or an officer under delegation. Exactly the field of ``maker_kind`` is set."""

    maker_kind = models.CharField(
        "decision maker", max_length=20, choices=MakerKind.choices, default=MakerKind.CABINET
    )
    cabinet = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Committee.Kind.CABINET},
    )
    portfolio_holder = models.ForeignKey(
        PortfolioHolder, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        DelegatedOfficer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    portfolio = models.CharField(
        max_length=200,
        blank=True,
        help_text="The portfolio the decision falls in (a portfolio holder's by default).",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        maker_kind="cabinet",
                        cabinet__isnull=False,
                        portfolio_holder__isnull=True,
                        officer__isnull=True,
                    )
                    | Q(
                        maker_kind="portfolio_holder",
                        cabinet__isnull=True,
                        portfolio_holder__isnull=False,
                        officer__isnull=True,
                    )
                    | Q(
                        maker_kind="officer",
                        cabinet__isnull=True,
                        portfolio_holder__isnull=True,
                        officer__isnull=False,
                    )
                ),
                name="%(class)s_one_decision_maker",
                violation_error_message="Choose the decision maker of the kind chosen.",
            ),
        ]

    @property
    def decision_maker_name(self) -> str:
        if self.maker_kind == MakerKind.CABINET and self.cabinet_id:
            return self.cabinet.name
        if self.maker_kind == MakerKind.PORTFOLIO_HOLDER and self.portfolio_holder_id:
            return str(self.portfolio_holder)
        if self.maker_kind == MakerKind.OFFICER and self.officer_id:
            return str(self.officer)
        return ""

    def save(self, *args, **kwargs):
        if not self.portfolio and self.portfolio_holder_id:
            self.portfolio = self.portfolio_holder.portfolio
        super().save(*args, **kwargs)


class Privacy(models.Model):
    """Taken in private (reg. 5): the Schedule 12A paragraph and the public reasons."""

    is_private = models.BooleanField(
        "taken in private", default=False, help_text="Exempt information (Schedule 12A)."
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=PARAGRAPH_CHOICES
    )
    private_reasons = models.TextField(
        blank=True, help_text="Why it is private, including the public interest test (public)."
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(is_private=False)
                | Q(
                    exempt_paragraph__isnull=False,
                    exempt_paragraph__gte=1,
                    exempt_paragraph__lte=7,
                ),
                name="%(class)s_private_has_paragraph",
                violation_error_message=(
                    "A private decision needs the paragraph of Schedule 12A (1 to 7)."
                ),
            ),
        ]

    @property
    def exempt_paragraph_text(self) -> str:
        return SCHEDULE_12A_PARAGRAPHS.get(self.exempt_paragraph or 0, "")


# --- the forward plan ----------------------------------------------------------------------


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    DEFERRED = "deferred", "Deferred"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Entries shown on the current plan (the others are history: decided or withdrawn).
CURRENT_ENTRY_STATUSES = (EntryStatus.PUBLISHED, EntryStatus.DEFERRED)


class ExceptionKind(models.TextChoices):
    NONE = "none", "None: published 28 clear days ahead"
    GENERAL = "general", "General exception (reg. 10)"
    SPECIAL_URGENCY = "special_urgency", "Special urgency (reg. 11)"


class KeyGrounds(models.TextChoices):
    NOT_KEY = "", "Not a key decision"
    MONEY = "money", "Spending or savings at or above the threshold"
    WARDS = "wards", "Significant effect on communities in two or more wards"
    BOTH = "both", "Both"


class ForwardPlanQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility.forward_plan_entry_public())

    def current(self):
        return self.public().filter(status__in=CURRENT_ENTRY_STATUSES)


class PublicForwardPlanManager(models.Manager.from_queryset(ForwardPlanQuerySet)):
    def get_queryset(self):
        return super().get_queryset().public()


class ForwardPlanEntry(DecisionMaker, Privacy, TimeStamped):
    """One notice of a key decision (reg. 9), or of a private decision (reg. 5)."""

    reference = models.CharField(max_length=40, blank=True, help_text="For example FP/2017/14.")
    matter = models.CharField("matter for decision", max_length=300)
    summary = models.TextField(blank=True)
    is_key_decision = models.BooleanField(default=True)
    key_grounds = models.CharField(
        max_length=10, choices=KeyGrounds.choices, blank=True, default=KeyGrounds.MONEY
    )
    estimated_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="£, if known."
    )
    planned_decision_date = models.DateField()
    wards = models.ManyToManyField(Ward, blank=True, related_name="forward_plan_entries")
    all_wards = models.BooleanField(default=False, help_text="Affects every ward.")
    documents = models.TextField(
        "documents to be considered",
        blank=True,
        help_text="The documents submitted to the decision maker, and how to get them.",
    )
    representations = models.TextField(
        "how to make representations",
        blank=True,
        help_text="How and by when to make representations about the matter (or about taking "
        "it in private).",
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_post = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    first_published_on = models.DateField(
        "date first published", null=True, blank=True, editable=False
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reg. 10 / reg. 11 when 28 clear days' notice was not given.
    exception = models.CharField(
        max_length=20, choices=ExceptionKind.choices, default=ExceptionKind.NONE
    )
    exception_reasons = models.TextField(
        blank=True, help_text="Why the decision cannot wait (published with the notice)."
    )
    scrutiny_chair = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The chair of the overview and scrutiny committee informed (reg. 10) or who "
        "agreed (reg. 11).",
    )
    chair_informed_on = models.DateField(null=True, blank=True, help_text="Reg. 10.")
    exception_notice_published_on = models.DateField(null=True, blank=True, help_text="Reg. 10.")
    chair_agreed_on = models.DateField(null=True, blank=True, help_text="Reg. 11.")
    # Pre-decision scrutiny (issue 17 deliver 5): the committee looking at it before the
    # decision is taken, if any.
    scrutiny_committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pre_decision_entries",
    )
    version = models.PositiveIntegerField(default=1)

    objects = PublicForwardPlanManager()
    all_objects = ForwardPlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[wards])

    class Meta:
        ordering = ["planned_decision_date", "pk"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        verbose_name = "forward plan entry"
        verbose_name_plural = "forward plan entries"
        constraints = [
            *DecisionMaker.Meta.constraints,
            *Privacy.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status="draft") | Q(first_published_on__isnull=False),
                name="published_entry_has_a_date",
                violation_error_message="A published entry needs the date it was first published.",
            ),
            models.CheckConstraint(
                condition=~Q(exception="general")
                | Q(chair_informed_on__isnull=False, exception_notice_published_on__isnull=False),
                name="general_exception_recorded",
                violation_error_message="A general exception needs the date the chair of "
                "overview and scrutiny was informed and the date the notice was published.",
            ),
            models.CheckConstraint(
                condition=~Q(exception="special_urgency") | Q(chair_agreed_on__isnull=False),
                name="special_urgency_recorded",
                violation_error_message="Special urgency needs the date the chair of overview "
                "and scrutiny agreed.",
            ),
        ]
        indexes = [models.Index(fields=["status", "planned_decision_date"])]

    def __str__(self) -> str:
        return self.matter

    def get_absolute_url(self) -> str:
        return reverse("forward-plan-entry", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return visibility.is_forward_plan_entry_public(self)


class ForwardPlanEdition(TimeStamped):
    """A published edition of the forward plan: what was known when. Its entries are
    snapshots, kept as they were on the day."""

    number = models.PositiveIntegerField(unique=True)
    published_on = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_start = models.DateField(help_text="The first decision date the edition covers.")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-number"]

    def __str__(self) -> str:
        return f"Forward plan, edition {self.number}, published {self.published_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("forward-plan-edition", kwargs={"number": self.number})


class ForwardPlanEditionEntry(models.Model):
    """One entry as an edition published it. The filter columns are copied out of ``data``
    (the entry's public fields, as ``decisions.services.entry_snapshot`` writes them)."""

    edition = models.ForeignKey(
        ForwardPlanEdition, on_delete=models.CASCADE, related_name="entries"
    )
    entry = models.ForeignKey(
        ForwardPlanEntry, null=True, on_delete=models.SET_NULL, related_name="edition_rows"
    )
    matter = models.CharField(max_length=300)
    maker_kind = models.CharField(max_length=20, choices=MakerKind.choices)
    decision_maker = models.CharField(max_length=300)
    portfolio = models.CharField(max_length=200, blank=True)
    planned_decision_date = models.DateField()
    ward_slugs = models.CharField(
        max_length=2000, blank=True, help_text="Space-separated, with one at each end."
    )
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["edition", "planned_decision_date", "pk"]

    def __str__(self) -> str:
        return self.matter


# --- the decisions register ----------------------------------------------------------------


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CALL_IN_OPEN = "call_in_open", "Published: call-in open"
    CALLED_IN = "called_in", "Called in"
    SUSPENDED = "suspended", "Suspended pending call-in"
    EFFECTIVE = "effective", "Effective"
    IMPLEMENTED = "implemented", "Implemented"
    REFERRED_BACK = "referred_back", "Referred back to the decision maker"
    REFERRED_TO_COUNCIL = "referred_to_council", "Referred to full council"
    # Published and exempt from call-in, or not subject to it: effective at once.
    PUBLISHED = "published", "Published"


class DecisionQuerySet(models.QuerySet):
    def listed(self):
        """Published decisions (private ones by title, maker, date and paragraph only)."""
        return self.filter(visibility.decision_listed())

    def open(self):
        """Not taken in private (whatever their publication: combine with ``listed()``)."""
        return self.filter(visibility.decision_open())

    def public(self):
        """Published and open: shown in full."""
        return self.filter(visibility.decision_public())


class PublicDecisionManager(models.Manager.from_queryset(DecisionQuerySet)):
    def get_queryset(self):
        return super().get_queryset().listed()


class Decision(DecisionMaker, Privacy, TimeStamped):
    """An executive decision (regs. 12–13). ``Decision.objects`` holds published decisions,
    private ones included (by their public record only: ``public_record``)."""

    reference = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    decision_date = models.DateField()
    decision = models.TextField("the decision")
    reasons = models.TextField("reasons for the decision", blank=True)
    alternatives = models.TextField("alternatives considered and rejected", blank=True)
    interests = models.TextField(
        "interests declared", blank=True, help_text="Any conflict of interest declared."
    )
    dispensations = models.TextField(
        blank=True, help_text="Any dispensation granted by the head of paid service."
    )
    is_key_decision = models.BooleanField(default=False)
    is_urgent = models.BooleanField(
        "urgent (exempt from call-in)",
        default=False,
        help_text="Call-in would seriously prejudice the council's or the public's interests.",
    )
    urgency_reason = models.TextField(blank=True, help_text="Shown on the decision page.")
    # The report(s) it was taken on: a cabinet agenda item, and/or documents.
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    minute = models.OneToOneField(
        Minute,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision",
        help_text="The cabinet minute the decision came from.",
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="decisions")
    forward_plan_entry = models.ForeignKey(
        ForwardPlanEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    wards = models.ManyToManyField(Ward, blank=True, related_name="decisions")
    status = models.CharField(
        max_length=30, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_in_closes_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Empty if not subject to call-in."
    )
    effective_at = models.DateTimeField(null=True, blank=True, editable=False)
    implemented_at = models.DateTimeField(null=True, blank=True, editable=False)
    implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = PublicDecisionManager()
    all_objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[documents, wards])

    class Meta:
        ordering = ["-decision_date", "-pk"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        constraints = [
            *DecisionMaker.Meta.constraints,
            *Privacy.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_decision_has_a_date",
                violation_error_message="A published decision needs its publication date.",
            ),
            models.CheckConstraint(
                condition=Q(is_urgent=False) | ~Q(urgency_reason=""),
                name="urgent_decision_has_reason",
                violation_error_message="An urgent decision needs the reason it is exempt "
                "from call-in.",
                violation_error_code="urgency_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "decision_date"]),
            models.Index(fields=["maker_kind", "decision_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decision-detail", kwargs={"pk": self.pk})

    @property
    def is_listed(self) -> bool:
        return visibility.is_decision_listed(self)

    @property
    def is_public(self) -> bool:
        return visibility.is_decision_public(self)

    @property
    def subject_to_call_in(self) -> bool:
        return self.call_in_closes_at is not None


def delegated_report_upload_to(instance, filename: str) -> str:
    # A random name: the stored path says nothing of the report, exempt or not.
    return f"decisions/reports/{uuid.uuid4().hex}.pdf"


class DelegatedReportQuerySet(models.QuerySet):
    def public(self):
        """Reports the public may read: the decision is public and the report not exempt
        (``decisions.selectors.delegated_report_public``)."""
        from decisions.selectors import delegated_report_public

        return self.filter(delegated_report_public())


class DelegatedReport(TimeStamped):
    """A report a portfolio holder's or officer's decision was taken on that was on no agenda
    (issue 17): uploaded on the decision's officer page through the papers' checks
    (``meetings.uploads``: PDFs sanitised with pikepdf; Word and the like converted to PDF
    first). Public only when the decision is public and the report is not exempt."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="delegated_reports"
    )
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=delegated_report_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    removed = models.TextField(
        blank=True, help_text="Active content removed by the upload checks, for the officer."
    )
    is_exempt = models.BooleanField(
        "exempt", default=False, help_text="Exempt information (Schedule 12A): never public."
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=PARAGRAPH_CHOICES
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DelegatedReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_exempt=False)
                | Q(
                    exempt_paragraph__isnull=False, exempt_paragraph__gte=1, exempt_paragraph__lte=7
                ),
                name="delegatedreport_exempt_has_paragraph",
                violation_error_message="An exempt report needs the paragraph of Schedule 12A.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decision-report", kwargs={"decision_pk": self.decision_id, "pk": self.pk})

    @property
    def download_name(self) -> str:
        return f"{slugify(self.title)[:80] or 'report'}.pdf"


# --- call-in -------------------------------------------------------------------------------


class CallInStatus(models.TextChoices):
    OPEN = "open", "Collecting signatures"
    SUBMITTED = "submitted", "Submitted for validation"
    VALIDATED = "validated", "Valid: decision suspended"
    REJECTED = "rejected", "Not valid"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECIDED = "decided", "Considered: outcome recorded"


LAPSED_LABEL = "Lapsed: not enough signatures in time"


class CallInQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility.call_in_public())

    def collecting(self, now: dt.datetime | None = None):
        """Requests still collecting signatures whose decision's call-in window is open at
        ``now``: the only ones anyone may sign. Filtered by the window itself, so a request
        lapses the moment call-in closes, whether or not a periodic job has run since."""
        return self.filter(
            status=CallInStatus.OPEN, decision__call_in_closes_at__gt=now or timezone.now()
        )

    def lapsed(self, now: dt.datetime | None = None):
        """Requests still collecting signatures when call-in closed (``is_lapsed``)."""
        return self.filter(
            status=CallInStatus.OPEN, decision__call_in_closes_at__lte=now or timezone.now()
        )


class PublicCallInManager(models.Manager.from_queryset(CallInQuerySet)):
    def get_queryset(self):
        return super().get_queryset().public()


class CallInRequest(TimeStamped):
    """A request by councillors to call in a decision (LGA 2000 s9F(2)(a))."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="call_ins")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(help_text="Why the decision should be reconsidered.")
    status = models.CharField(
        max_length=20, choices=CallInStatus.choices, default=CallInStatus.OPEN
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    validated_at = models.DateTimeField(null=True, blank=True, editable=False)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejection_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    hearing_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_ins_heard",
        help_text="The scrutiny committee's agenda item that hears the call-in.",
    )
    version = models.PositiveIntegerField(default=1)

    objects = PublicCallInManager()
    all_objects = CallInQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        verbose_name = "call-in request"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejected_call_in_has_reason",
                violation_error_message="Say why the call-in request is not valid.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["validated", "decided"]) | Q(validated_at__isnull=False),
                name="validated_call_in_has_a_date",
                violation_error_message="A valid call-in request needs its validation date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Call-in of {self.decision}"

    def get_absolute_url(self) -> str:
        return reverse("callin-detail", kwargs={"pk": self.pk})

    def is_lapsed(self, now: dt.datetime | None = None) -> bool:
        """Still collecting signatures when the decision's call-in window closed: it can no
        longer be signed or validated (``CallInQuerySet.lapsed`` is the same rule)."""
        closes = self.decision.call_in_closes_at
        return (
            self.status == CallInStatus.OPEN
            and closes is not None
            and closes <= (now or timezone.now())
        )

    @property
    def status_label(self) -> str:
        """The status as shown: a lapsed request says so, whatever is stored."""
        return LAPSED_LABEL if self.is_lapsed() else self.get_status_display()

    @property
    def is_public(self) -> bool:
        return visibility.is_call_in_public(self)


class CallInSignature(models.Model):
    """A councillor's name on a call-in request (the requester signs first)."""

    request = models.ForeignKey(CallInRequest, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "person"],
                name="call_in_signed_once",
                violation_error_message="This councillor has already signed the request.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.request}"


class CallInResult(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action: the decision takes effect"
    REFERRED_BACK = "referred_back", "Referred back to the decision maker with concerns"
    REFERRED_TO_COUNCIL = "referred_to_council", "Referred to full council"


class CallInOutcome(TimeStamped):
    """What the scrutiny committee resolved on a call-in, and the decision maker's
    response."""

    request = models.OneToOneField(CallInRequest, on_delete=models.CASCADE, related_name="outcome")
    result = models.CharField(max_length=30, choices=CallInResult.choices)
    decided_on = models.DateField(help_text="The date of the call-in meeting.")
    concerns = models.TextField(blank=True, help_text="The committee's concerns, if referred.")
    council_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_in_referrals",
        help_text="Full council's agenda item, if referred to council.",
    )
    response = models.TextField("the decision maker's response", blank=True)
    response_on = models.DateField(null=True, blank=True)
    final_decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The decision taken again after a referral, if a new record.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(result="no_further_action") | ~Q(concerns=""),
                name="referral_states_concerns",
                violation_error_message="A referral needs the committee's concerns.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()}: {self.request.decision}"
