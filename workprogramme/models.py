"""Work programmes, improvement plans, inspections, scrutiny reviews and lead member reports.

These are how a scrutiny panel plans its year and holds the executive to account over time.
Everything here is public business: none of it is exempt. Where a record points at a meeting or
an agenda item (``Consideration``), public pages read meetings and items only through their
public managers (``Meeting.objects``/``AgendaItem.objects``) — see ``workprogramme.selectors``.

Records officers change in the portal carry ``history = HistoricalRecords()``; those two
officers could edit at once carry a ``version`` (optimistic locking, checked in the services).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from decisions.models import ForwardPlanEntry
from meetings.models import AgendaItem, Meeting
from scrutiny.models import Committee, MunicipalYear, Person, TimeStamped

# --- Shared vocabularies -------------------------------------------------------------------


class Rag(models.TextChoices):
    """Red/amber/green, always shown as text and a symbol (never colour alone)."""

    GREEN = "green", "Green – on track"
    AMBER = "amber", "Amber – at risk"
    RED = "red", "Red – off track"
    NONE = "none", "Not rated"


RAG_SYMBOLS = {"green": "✓", "amber": "!", "red": "✗", "none": "–"}
RAG_CSS = {"green": "green", "amber": "amber", "red": "red", "none": "grey"}


def today() -> dt.date:
    return timezone.localdate()


# --- Work programme --------------------------------------------------------------------------


class WorkProgramme(TimeStamped):
    """A committee's work programme for one municipal year."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="work_programmes"
    )
    year = models.ForeignKey(MunicipalYear, on_delete=models.PROTECT, related_name="+")
    introduction = models.TextField(blank=True)
    notes = models.TextField(
        blank=True, help_text='Standing notes, e.g. "Chairs briefings – pre-decision items".'
    )

    class Meta:
        ordering = ["-year__start_date", "committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"],
                name="one_programme_per_year",
                violation_error_message=(
                    "This committee already has a work programme for this municipal year."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee.name} work programme {self.year.name}"

    def get_absolute_url(self) -> str:
        return (
            reverse("committee-workprogramme", kwargs={"slug": self.committee.slug})
            + f"?year={self.year.name}"
        )


class Method(models.TextChoices):
    FULL_PANEL = "full_panel", "Full panel discussion"
    INFORMAL = "informal", "Informal meeting"
    VISIT = "visit", "Visit"
    BRIEFING_NOTE = "briefing_note", "Briefing note"
    AD_HOC_PANEL = "ad_hoc_panel", "Ad hoc panel"
    LEAD_MEMBER_BRIEFING = "lead_member_briefing", "Lead member briefing"


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DROPPED = "dropped", "Dropped"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    NONE = "", "Not set"


# CfGS-style "PAPER" prioritisation: each criterion is scored 0 (no) to 3 (strongly).
PRIORITY_CRITERIA = [
    ("score_public_interest", "Public interest", "Is it a concern to local people?"),
    ("score_ability_to_change", "Ability to change", "Can scrutiny influence the outcome?"),
    ("score_performance", "Performance", "Is the service or outcome performing poorly?"),
    ("score_extent", "Extent", "Does it affect many people or a large part of the area?"),
    ("score_replication", "Replication", "Is it NOT already being looked at elsewhere?"),
]
SCORE_CHOICES = [(n, str(n)) for n in range(4)]


def priority_from_score(score: int) -> str:
    """Suggested priority from a PAPER total (0–15): 11+ high, 6–10 medium, else low."""
    if score >= 11:
        return Priority.HIGH
    if score >= 6:
        return Priority.MEDIUM
    return Priority.LOW


class WorkProgrammeItemQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[ItemStatus.COMPLETED, ItemStatus.DROPPED])

    def overdue(self, on: dt.date | None = None):
        """Open items whose target meeting has passed."""
        return self.open().filter(target_meeting__start__date__lt=on or today())


class WorkProgrammeItem(TimeStamped):
    """An issue on a work programme (the programme's "topic"; one row per issue)."""

    programme = models.ForeignKey(WorkProgramme, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    issue = models.CharField(max_length=300)
    put_forward_by = models.CharField(max_length=200, blank=True)
    approach = models.TextField("Approach and areas of focus", blank=True)
    outcomes = models.TextField("Intended outcomes", blank=True)
    lead_officers = models.ManyToManyField(Person, blank=True, related_name="+")
    lead_officers_text = models.CharField("Lead officers (as written)", max_length=300, blank=True)
    comments = models.TextField("Officer/partner comments", blank=True)
    method = models.CharField(max_length=30, choices=Method.choices, default=Method.FULL_PANEL)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    score_public_interest = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=SCORE_CHOICES
    )
    score_ability_to_change = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=SCORE_CHOICES
    )
    score_performance = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=SCORE_CHOICES
    )
    score_extent = models.PositiveSmallIntegerField(null=True, blank=True, choices=SCORE_CHOICES)
    score_replication = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=SCORE_CHOICES
    )
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.PROPOSED, db_index=True
    )
    target_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_text = models.CharField(
        "Target (as written)", max_length=200, blank=True, help_text='e.g. "Quarterly"'
    )
    forward_plan_entry = models.ForeignKey(
        ForwardPlanEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_programme_items",
        help_text="Pre-decision scrutiny: the forward plan entry this item looks at.",
    )
    version = models.PositiveIntegerField(default=1)

    objects = WorkProgrammeItemQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="wp_item_number_unique",
                violation_error_message="This work programme already has an item with this number.",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": 3}),
                    name=f"wp_{field}_range",
                    violation_error_message=f"The {label.lower()} score must be from 0 to 3.",
                )
                for field, label, _ in PRIORITY_CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.issue}"

    def get_absolute_url(self) -> str:
        return reverse("workprogramme-item", kwargs={"pk": self.pk})

    @property
    def score(self) -> int | None:
        values = [getattr(self, f) for f, _, _ in PRIORITY_CRITERIA]
        if all(v is None for v in values):
            return None
        return sum(v or 0 for v in values)

    @property
    def is_open(self) -> bool:
        return self.status not in (ItemStatus.COMPLETED, ItemStatus.DROPPED)

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return bool(
            self.is_open and self.target_meeting_id and self.target_meeting.date < (on or today())
        )


class Consideration(TimeStamped):
    """A meeting at which a work-programme item is (to be) considered.

    The agenda plan is the considerations at coming meetings; the issue history is those at
    past meetings. ``agenda_item`` links the topic and the meeting's agenda both ways.
    """

    item = models.ForeignKey(
        WorkProgrammeItem, on_delete=models.CASCADE, related_name="considerations"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    agenda_item = models.OneToOneField(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_programme_consideration",
    )
    presenter = models.CharField(max_length=300, blank=True)
    presenter_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_deadline = models.DateField(
        null=True, blank=True, help_text="Leave empty to use the meeting's report deadline."
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting__start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "meeting"],
                name="one_consideration_per_meeting",
                violation_error_message="This item is already scheduled for this meeting.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.issue} at {self.meeting}"

    @property
    def deadline(self) -> dt.date | None:
        return self.report_deadline or self.meeting.report_deadline


# --- Inspections and improvement plans -------------------------------------------------------


class Inspection(TimeStamped):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    inspectorate = models.CharField(max_length=100, default="Ofsted")
    published_on = models.DateField(null=True, blank=True)
    code_prefix = models.CharField(
        max_length=5, default="O", help_text='Prefix used in plans, e.g. "O" for "(O12)".'
    )
    summary = models.TextField(blank=True)
    report_url = models.URLField(blank=True)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspection-detail", kwargs={"slug": self.slug})


class InspectionRecommendation(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                name="inspection_rec_number_unique",
                violation_error_message=(
                    "This inspection already has a recommendation with this number."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"({self.code}) {self.text[:80]}"

    @property
    def code(self) -> str:
        return f"{self.inspection.code_prefix}{self.number}"


class ImprovementPlan(TimeStamped):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    body = models.TextField(blank=True, help_text="Context and approach of the plan.")
    period_start = models.DateField()
    period_end = models.DateField()
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_plans",
        help_text="The committee that scrutinises the plan.",
    )
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        help_text='The inspection whose recommendations the "(O12)" references name.',
    )
    demo_note = models.TextField(blank=True, help_text="Shown on the page (demo data notes).")

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_end_after_start",
                violation_error_message="The plan's period must end on or after the day it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("improvement-plan", kwargs={"slug": self.slug})


class PlanPriority(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    rationale = models.TextField(blank=True)
    aims = models.TextField(blank=True, help_text="One aim per line.")

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "plan priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plan_priority_number_unique",
                violation_error_message="This plan already has a priority with this number.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def aim_list(self) -> list[str]:
        return [a.strip() for a in self.aims.splitlines() if a.strip()]


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DELAYED = "delayed", "Delayed"


class ImprovementActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ActionStatus.COMPLETED)

    def overdue(self, on: dt.date | None = None):
        return self.open().filter(due_date__lt=on or today())


class ImprovementAction(TimeStamped):
    priority = models.ForeignKey(PlanPriority, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_text = models.CharField("Owner (as written)", max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, default=Rag.NONE)
    inspection_recommendations = models.ManyToManyField(
        InspectionRecommendation, blank=True, related_name="actions"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ImprovementActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__plan", "priority__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "number"],
                name="action_number_unique",
                violation_error_message="This priority already has an action with this number.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:80]}"

    @property
    def reference(self) -> str:
        return f"{self.priority.number}.{self.number}"

    @property
    def owner_name(self) -> str:
        return self.owner.display_name if self.owner_id else self.owner_text

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return bool(
            self.status != ActionStatus.COMPLETED
            and self.due_date
            and self.due_date < (on or today())
        )

    def get_absolute_url(self) -> str:
        return reverse("improvement-action", kwargs={"pk": self.pk})


class Deliverable(models.Model):
    priority = models.ForeignKey(
        PlanPriority, on_delete=models.CASCADE, related_name="deliverables"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    due_date = models.DateField(null=True, blank=True)
    due_text = models.CharField("Due (as written)", max_length=100, blank=True)
    done_date = models.DateField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "number"]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return bool(not self.done_date and self.due_date and self.due_date < (on or today()))


class SuccessMeasure(models.Model):
    priority = models.ForeignKey(
        PlanPriority, on_delete=models.CASCADE, related_name="success_measures"
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    kpi = models.ForeignKey(
        "performance.KPI",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="success_measures",
        verbose_name="KPI",
        help_text="The performance indicator that measures this, where one exists.",
    )
    kpi_reference = models.CharField(
        "KPI reference",
        max_length=50,
        blank=True,
        help_text='As written, when the KPI is not in the portal, e.g. "KI 397".',
    )

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "number"]

    def __str__(self) -> str:
        return self.text[:80]


class MeasureTarget(models.Model):
    """A dated target of a success measure ("70% by July 2018")."""

    measure = models.ForeignKey(SuccessMeasure, on_delete=models.CASCADE, related_name="targets")
    target_date = models.DateField()
    target = models.CharField(max_length=100)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "target_date"]

    def __str__(self) -> str:
        return f"{self.target} by {self.target_date:%B %Y}"


class ProgressUpdate(TimeStamped):
    """A dated progress update on an improvement action: RAG and narrative."""

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.CASCADE, related_name="progress_updates"
    )
    date = models.DateField()
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    narrative = models.TextField()
    is_invented = models.BooleanField(
        default=False, help_text="Demo data: this update was invented for the demonstration."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.action.reference} {self.date}: {self.get_rag_display()}"


# --- Scrutiny reviews --------------------------------------------------------------------------


class ScrutinyReview(TimeStamped):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    panel = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="reviews")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    report_date = models.DateField(
        help_text="When the report went to the executive: responses are due two months later."
    )
    terms_of_reference = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    report_url = models.URLField(blank=True)
    demo_note = models.TextField(blank=True, help_text="Shown on the page (demo data notes).")

    forward_plan_entry = models.ForeignKey(
        ForwardPlanEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pre_decision_reviews",
        help_text="Pre-decision scrutiny: the recommendations are made to this entry's decision "
        "maker.",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-report_date"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("review-detail", kwargs={"slug": self.slug})

    @property
    def response_due(self) -> dt.date:
        return self.report_date + relativedelta(months=2)


class ImplementationStatus(models.TextChoices):
    """The CfGS colours for implementation, shown as text and a symbol."""

    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    ACHIEVED = "achieved", "Achieved (green)"
    ACCEPTABLE = "acceptable", "Acceptable progress (amber)"
    UNACCEPTABLE = "unacceptable", "Unacceptable progress (red)"
    NOT_APPLICABLE = "not_applicable", "No longer applicable (rejected)"


STATUS_SYMBOLS = {
    "not_assessed": "–",
    "achieved": "✓",
    "acceptable": "!",
    "unacceptable": "✗",
    "not_applicable": "○",
}
STATUS_CSS = {
    "not_assessed": "grey",
    "achieved": "green",
    "acceptable": "amber",
    "unacceptable": "red",
    "not_applicable": "grey",
}


class ReviewRecommendation(TimeStamped):
    review = models.ForeignKey(
        ScrutinyReview, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveIntegerField(help_text="Number in the report's final list.")
    body_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text='Where it appears in the report body, e.g. "5.10 (17)".',
    )
    theme = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    status = models.CharField(
        "Implementation status",
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_ASSESSED,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"],
                name="review_rec_number_unique",
                violation_error_message=(
                    "This review already has a recommendation with this number."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "review-recommendation", kwargs={"slug": self.review.slug, "number": self.number}
        )

    @property
    def status_symbol(self) -> str:
        return STATUS_SYMBOLS[self.status]

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]


class ResponseDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    REJECTED = "rejected", "Rejected"


class ExecutiveResponse(TimeStamped):
    recommendation = models.OneToOneField(
        ReviewRecommendation, on_delete=models.CASCADE, related_name="response"
    )
    decision = models.CharField(max_length=20, choices=ResponseDecision.choices)
    reasons = models.TextField(blank=True)
    response_date = models.DateField()
    responder = models.CharField(max_length=200, blank=True, help_text="e.g. Cabinet")
    is_invented = models.BooleanField(
        default=False, help_text="Demo data: this response was invented for the demonstration."
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.response_date})"

    @property
    def is_late(self) -> bool:
        return self.response_date > self.recommendation.review.response_due


class ActionPlanItem(TimeStamped):
    recommendation = models.ForeignKey(
        ReviewRecommendation, on_delete=models.CASCADE, related_name="plan_items"
    )
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    done_date = models.DateField(null=True, blank=True)
    is_invented = models.BooleanField(default=False)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "due_date", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return bool(not self.done_date and self.due_date and self.due_date < (on or today()))


class FollowUp(TimeStamped):
    """A later consideration of a recommendation's implementation, usually at a meeting."""

    recommendation = models.ForeignKey(
        ReviewRecommendation, on_delete=models.CASCADE, related_name="follow_ups"
    )
    date = models.DateField()
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ImplementationStatus.choices)
    narrative = models.TextField(blank=True)
    is_invented = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.recommendation} {self.date}: {self.get_status_display()}"

    @property
    def status_symbol(self) -> str:
        return STATUS_SYMBOLS[self.status]

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]


# --- Lead member reports ----------------------------------------------------------------------


class LeadMemberReport(TimeStamped):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="lead_member_reports"
    )
    lead_member = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_member_name = models.CharField(max_length=200, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    general_comments = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="lead_report_end_after_start",
                violation_error_message=(
                    "The report's period must end on or after the day it starts."
                ),
            )
        ]

    def __str__(self) -> str:
        return (
            f"Lead member report, {self.committee.name}, "
            f"{self.period_start:%B %Y} – {self.period_end:%B %Y}"
        )

    def get_absolute_url(self) -> str:
        return reverse("lead-member-report", kwargs={"pk": self.pk})

    @property
    def member_name(self) -> str:
        return self.lead_member.display_name if self.lead_member_id else self.lead_member_name


class HighlightKind(models.TextChoices):
    BRIEFING = "briefing", "Briefings"
    ACTIVITY = "activity", "Panel activity and meetings"
    VISIT = "visit", "Visits"
    OUTCOME = "outcome", "Outcomes"
    LOOKING_AHEAD = "looking_ahead", "Looking ahead"


class Highlight(models.Model):
    report = models.ForeignKey(
        LeadMemberReport, on_delete=models.CASCADE, related_name="highlights"
    )
    kind = models.CharField(max_length=20, choices=HighlightKind.choices)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Paragraphs; lines starting '- ' are a list.")
    date = models.DateField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "order", "pk"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()
