"""Performance indicators (KPIs): definitions, reporting periods, figures and imports.

- ``ServiceArea`` groups KPIs the way the corporate performance report does
  ("Children's Services: Family Support & Child Protection").
- ``KPI`` is the definition: reference ("KI 397"), unit, polarity ("good performance shown
  by"), cumulative or not, tolerance band for At Risk, active years.
- ``Period`` is a financial year (April–March), a quarter or a month.
- ``Figure`` is one KPI in one period: target (or "to agree"), actual, comparators and
  commentary. Its RAG status is computed by ``performance.rag`` in ``performance.services``
  and stored in ``computed_rag`` so the dashboard can filter in SQL; officers never type it.
  A manual override needs a reason; every change is kept in ``history``.
- ``ImportRun`` is one CSV/XLSX upload: who, when, what happened, every error.

Nothing here is confidential: KPI figures are published corporate performance.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from performance import rag
from scrutiny.models import TimeStamped


class ServiceArea(TimeStamped):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    NUMBER = "number", "Number"
    DAYS = "days", "Days"
    POUNDS = "pounds", "£"
    RATE_10000 = "rate_10000", "Rate per 10,000"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class ToleranceKind(models.TextChoices):
    ABSOLUTE = "absolute", "In the KPI's own unit"
    PERCENT = "percent", "Per cent of the target"


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


class KPIQuerySet(models.QuerySet):
    def active_in(self, financial_year: int):
        return self.filter(first_year__lte=financial_year).filter(
            Q(last_year__isnull=True) | Q(last_year__gte=financial_year)
        )


class KPI(TimeStamped):
    reference = models.CharField(
        max_length=30, unique=True, help_text='The PI reference, for example "KI 397".'
    )
    slug = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="kpis")
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.PERCENT)
    polarity = models.CharField(
        "good performance shown by",
        max_length=10,
        choices=rag.Polarity.choices,
        default=rag.Polarity.INCREASE,
    )
    is_cumulative = models.BooleanField(
        "cumulative (year to date)",
        default=False,
        help_text="Figures count from the start of the financial year. A quarter with no "
        "target of its own is measured against the year's target, pro rata.",
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    definition = models.TextField(blank=True)
    data_source = models.CharField(max_length=300, blank=True)
    tolerance = models.DecimalField(
        "tolerance band for At Risk",
        max_digits=14,
        decimal_places=4,
        default=Decimal("0"),
        help_text="How far short of target still counts as At Risk rather than Off Track. "
        "0 means any shortfall is Off Track.",
    )
    tolerance_kind = models.CharField(
        max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.PERCENT
    )
    first_year = models.PositiveSmallIntegerField(
        help_text="First financial year reported, by its starting year (2016 for 2016/17)."
    )
    last_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last financial year reported; empty if still active."
    )
    notes = models.TextField(blank=True, help_text="Notes on the definition or its data.")
    version = models.PositiveIntegerField(default=1, help_text="For optimistic locking.")

    objects = KPIQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["service_area__order", "service_area__name", "reference"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="kpi_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="kpi_last_year_after_first",
                violation_error_message=(
                    "The last year must be the same as or after the first year."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("kpi-detail", kwargs={"slug": self.slug})

    @property
    def active_years_text(self) -> str:
        first = financial_year_label(self.first_year)
        if self.last_year is None:
            return f"{first} onwards"
        if self.last_year == self.first_year:
            return first
        return f"{first} to {financial_year_label(self.last_year)}"

    @property
    def tolerance_text(self) -> str:
        if not self.tolerance:
            return "None: any shortfall is Off Track"
        if self.tolerance_kind == ToleranceKind.PERCENT:
            return f"Within {format_number(self.tolerance)}% of the target is At Risk"
        return f"Within {format_value(self.tolerance, self.unit)} of the target is At Risk"

    def format(self, value: Decimal | None) -> str:
        return format_value(value, self.unit)


def format_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    text = format_number(value)
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.POUNDS:
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text


class Period(models.Model):
    class Kind(models.TextChoices):
        YEAR = "year", "Financial year"
        QUARTER = "quarter", "Quarter"
        MONTH = "month", "Month"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    financial_year = models.PositiveSmallIntegerField(
        help_text="Starting year of the financial year (2016 for April 2016 to March 2017)."
    )
    number = models.PositiveSmallIntegerField(
        default=0, help_text="Quarter 1–4 or month 1–12 of the financial year; 0 for the year."
    )
    start_date = models.DateField()
    end_date = models.DateField()
    due_on = models.DateField(
        help_text="When figures are due. Before this a missing figure is Data Not Due; "
        "after it, Not Provided."
    )
    label = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["start_date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "start_date"],
                name="period_unique_start",
                violation_error_message="A period of this kind already starts on this date.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="period_end_after_start",
                violation_error_message="The period must end on or after the day it starts.",
            ),
            models.CheckConstraint(
                condition=Q(kind="year", number=0)
                | Q(kind="quarter", number__gte=1, number__lte=4)
                | Q(kind="month", number__gte=1, number__lte=12),
                name="period_number_fits_kind",
                violation_error_message=(
                    "The period number must fit its kind: 0 for a year, 1 to 4 for a quarter, 1 to"
                    " 12 for a month."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def elapsed_fraction(self) -> Decimal:
        """How much of the financial year has passed at the end of this period."""
        if self.kind == self.Kind.QUARTER:
            return Decimal(self.number) / 4
        if self.kind == self.Kind.MONTH:
            return Decimal(self.number) / 12
        return Decimal(1)

    @property
    def previous_end(self) -> dt.date:
        return self.start_date - dt.timedelta(days=1)


class CommentaryKind(models.TextChoices):
    NONE = "", "No commentary"
    POSITIVE = "positive", "Positive progress"
    CONCERN = "concern", "Area of risk or concern"


class Figure(TimeStamped):
    """One KPI in one period."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="figures")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="figures")
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_to_agree = models.BooleanField(
        "target to agree", default=False, help_text='The target is still "to agree".'
    )
    actual = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    statistical_neighbour = models.DecimalField(
        "statistical neighbour average", max_digits=14, decimal_places=4, null=True, blank=True
    )
    england = models.DecimalField(
        "England average", max_digits=14, decimal_places=4, null=True, blank=True
    )
    region = models.DecimalField(
        "regional average", max_digits=14, decimal_places=4, null=True, blank=True
    )
    commentary_kind = models.CharField(
        "commentary is", max_length=10, choices=CommentaryKind.choices, blank=True
    )
    commentary = models.TextField(blank=True)
    # Computed by performance.services from performance.rag; never typed by anyone.
    effective_target = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, editable=False
    )
    target_is_pro_rata = models.BooleanField(default=False, editable=False)
    computed_rag = models.CharField(
        max_length=20, choices=rag.Rag.choices, blank=True, editable=False, db_index=True
    )
    # A manual override only with a reason (constraint below); kept in history.
    override_rag = models.CharField(
        max_length=20, choices=rag.OVERRIDE_CHOICES, blank=True, db_index=True
    )
    override_reason = models.TextField(blank=True)
    is_demo = models.BooleanField(
        default=False, help_text="A generated demo figure, not from the council's papers."
    )
    version = models.PositiveIntegerField(default=1, help_text="For optimistic locking.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "period__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period"],
                name="figure_one_per_kpi_period",
                violation_error_message="This KPI already has a figure for this period.",
            ),
            models.CheckConstraint(
                condition=Q(override_rag="") | ~Q(override_reason=""),
                name="figure_override_has_reason",
                violation_error_message="Give the reason for overriding the RAG rating.",
            ),
            models.CheckConstraint(
                condition=Q(target_to_agree=False) | Q(target__isnull=True),
                name="figure_target_to_agree_has_no_value",
                violation_error_message="A target still to be agreed cannot have a value.",
            ),
            models.CheckConstraint(
                condition=Q(computed_rag="") | Q(computed_rag__in=rag.STORED_VALUES),
                name="figure_computed_rag_valid",
                violation_error_message="The computed RAG rating is not one of the known ratings.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.reference} {self.period.label}"

    def rag_on(self, today: dt.date) -> rag.Rag:
        """The RAG status shown: the override if any, else the computed status, with a
        missing figure resolved to Data Not Due or Not Provided by the period's due date."""
        if self.override_rag:
            return rag.Rag(self.override_rag)
        if self.computed_rag:
            return rag.Rag(self.computed_rag)
        return rag.missing_status(due_on=self.period.due_on, today=today)

    def label_status(self, today: dt.date) -> Figure:
        """Attach the shown RAG status (for templates) and return self."""
        status = self.rag_on(today)
        self.rag_status = status
        self.rag_label = status.label
        self.rag_symbol = rag.symbol(status)
        self.rag_colour = rag.colour(status)
        return self

    @property
    def actual_text(self) -> str:
        return self.kpi.format(self.actual)

    @property
    def statistical_neighbour_text(self) -> str:
        return self.kpi.format(self.statistical_neighbour)

    @property
    def england_text(self) -> str:
        return self.kpi.format(self.england)

    @property
    def region_text(self) -> str:
        return self.kpi.format(self.region)

    @property
    def target_text(self) -> str:
        if self.target_to_agree:
            return "To agree"
        if self.effective_target is None:
            return ""
        text = self.kpi.format(self.effective_target)
        if self.target_is_pro_rata:
            text += " (year target pro rata)"
        return text


def import_upload_to(instance: ImportRun, filename: str) -> str:
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"performance/imports/{uuid.uuid4().hex}{suffix}"


class ImportRun(TimeStamped):
    """One upload of a period's figures, with its outcome and every error found."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        VALIDATING = "validating", "Checking the file"
        WRITING = "writing", "Saving the figures"
        FAILED = "failed", "Not imported: errors found"
        SUCCEEDED = "succeeded", "Imported"

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(upload_to=import_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    in_background = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_filename} for {self.period} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("officer-performance-import", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.FAILED, self.Status.SUCCEEDED}

    @property
    def percent_done(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))
