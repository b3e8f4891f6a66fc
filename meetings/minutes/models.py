"""Minutes, attendance, declarations of interest, resolutions and actions.

One ``MinutesSet`` per meeting holds the day's record: who attended (``Attendance``), one
``Minute`` per agenda item with its numbered ``Resolution``s and ``Declaration``s of interest,
and the amendments made when the minutes were approved or corrected later
(``MinutesAmendment``). ``Action``s follow resolutions up (or stand alone).

Access rules: the default managers return everything (officer pages use them after a
permission check); public reads go through ``meetings.minutes.selectors`` which keep draft
minutes, exempt minute text and private actions off public pages.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from meetings.models import AgendaItem, Meeting
from scrutiny import visibility
from scrutiny.models import Committee, Constitution, MunicipalYear, Person, TimeStamped


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft (not published)"
    PUBLISHED = "published", "Draft – to be approved"
    APPROVED = "approved", "Approved as a correct record"


# The rule lives in ``scrutiny.visibility`` (a test checks the values match these choices).
PUBLIC_MINUTES_STATUSES = tuple(MinutesStatus(v) for v in visibility.PUBLIC_MINUTES_STATUSES)


class MinutesSetQuerySet(models.QuerySet):
    def public(self):
        """Minutes the public may read: published or approved, of a published meeting."""
        return self.filter(visibility.minutes_public())


class MinutesSet(TimeStamped):
    """The minutes of one meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    no_interests_declared = models.BooleanField(
        default=False, help_text='Record "No interests were declared".'
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approves_minutes",
        help_text='The "minutes of the previous meeting" item at which they were approved.',
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_text = models.TextField(blank=True, help_text="The resolution as minuted.")
    version = models.PositiveIntegerField(default=1, help_text="For optimistic locking.")

    # No ``objects``: it meant "public" on Meeting/Report/Document and "everything" here
    # (issue 22). ``all_objects`` is everything; ``all_objects.public()`` asks the one rule.
    all_objects = MinutesSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "set of minutes"
        verbose_name_plural = "sets of minutes"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at_item__isnull=False),
                name="approved_minutes_name_the_approving_item",
                violation_error_message=(
                    "Approved minutes must name the agenda item of the meeting that approved them."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_minutes_have_a_date",
                violation_error_message="Published minutes need the date they were published.",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes: {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-minutes", kwargs={"pk": self.meeting_id})

    @property
    def is_public(self) -> bool:
        return visibility.are_minutes_public(self)

    @property
    def is_locked(self) -> bool:
        return self.status == MinutesStatus.APPROVED

    @property
    def status_text(self) -> str:
        if self.status == MinutesStatus.APPROVED and self.approved_at_item_id:
            return (
                "Approved as a correct record at the meeting of "
                f"{self.approved_at_item.meeting.date:%-d %B %Y}"
            )
        return self.get_status_display()


class AttendanceKind(models.TextChoices):
    MEMBER = "member", "Member"
    SUBSTITUTE = "substitute", "Substitute"
    OTHER_PRESENT = "other_present", "Also present"
    IN_ATTENDANCE = "in_attendance", "In attendance"
    OBSERVER = "observer", "Observer"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


# Who else attended: everyone who is neither a member nor a substitute.
OTHER_ATTENDANCE_KINDS = (
    AttendanceKind.IN_ATTENDANCE,
    AttendanceKind.OTHER_PRESENT,
    AttendanceKind.OBSERVER,
)
# A member's mark on the attendance register besides the three statuses: they sent apologies
# and a substitute attended in their place (the member is printed under apologies, the
# substitute under present, "substitute for …").
REGISTER_SUBSTITUTE = "substitute"


class Attendance(models.Model):
    """One person at (or expected at) a meeting."""

    minutes = models.ForeignKey(MinutesSet, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances"
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="For someone not in the list of people."
    )
    kind = models.CharField(
        max_length=20, choices=AttendanceKind.choices, default=AttendanceKind.MEMBER
    )
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    substitute_for = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role_text = models.CharField(
        max_length=200, blank=True, help_text='As the minutes print it: "Cabinet Member – Children"'
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["minutes", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "person"],
                condition=Q(person__isnull=False),
                name="one_attendance_row_per_person",
                violation_error_message="This person is already in the attendance list.",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="attendance_names_someone",
                violation_error_message="Choose a person or enter a name for the attendance row.",
            ),
            models.CheckConstraint(
                condition=Q(kind="substitute") | Q(substitute_for__isnull=True),
                name="only_substitutes_substitute",
                violation_error_message="Only a substitute can stand in for another member.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.get_status_display()}"

    @property
    def display_name(self) -> str:
        return self.person.display_name if self.person_id else self.name

    @property
    def printed(self) -> str:
        """The line as the minutes print it."""
        text = self.display_name
        if self.kind == AttendanceKind.MEMBER and self.role_text:
            text += f" ({self.role_text})"
        elif self.role_text:
            text += f", {self.role_text}"
        if self.kind == AttendanceKind.SUBSTITUTE and self.substitute_for_id:
            text += f" (substitute for {self.substitute_for.display_name})"
        return text


class MinuteOutcome(models.TextChoices):
    CONSIDERED = "considered", "Considered"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Minute(TimeStamped):
    """The minute of one agenda item.

    ``text`` is sanitised HTML. For an exempt or confidential item it is the full minute and
    members-only; the public sees the item's reasons for exclusion and ``public_summary``
    (s100C of the Local Government Act 1972). ``number`` runs per committee per municipal
    year, or from 1 at each meeting (``numbering``, from the constitution settings), and is
    given when the minutes are first published.
    """

    minutes = models.ForeignKey(MinutesSet, on_delete=models.CASCADE, related_name="items")
    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="minute")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    municipal_year = models.ForeignKey(
        MunicipalYear, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(null=True, blank=True)
    # How ``number`` was given (the constitution settings at the time, issue 21): through the
    # committee's municipal year, or from 1 at each meeting. Kept per minute so a change of
    # rule never makes earlier numbers clash.
    numbering = models.CharField(
        max_length=10,
        choices=Constitution.MinuteNumbering.choices,
        default=Constitution.MinuteNumbering.YEAR,
        editable=False,
    )
    outcome = models.CharField(
        max_length=20, choices=MinuteOutcome.choices, default=MinuteOutcome.CONSIDERED
    )
    text = models.TextField(blank=True)
    public_summary = models.TextField(
        blank=True,
        help_text="Exempt items only: a summary that reveals nothing exempt (s100C).",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["minutes", "agenda_item__order", "agenda_item__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "municipal_year", "number"],
                condition=Q(number__isnull=False, numbering="year"),
                name="minute_number_unique_per_committee_year",
                violation_error_message=(
                    "This committee already has a minute with this number in this municipal year."
                ),
            ),
            models.UniqueConstraint(
                fields=["minutes", "number"],
                condition=Q(number__isnull=False),
                name="minute_number_unique_per_meeting",
                violation_error_message="These minutes already have a minute with this number.",
            ),
        ]

    def __str__(self) -> str:
        label = f"Minute {self.number}" if self.number else "Minute"
        return f"{label}: {self.agenda_item.title}"

    @property
    def is_private(self) -> bool:
        return self.agenda_item.is_exempt or self.agenda_item.is_confidential


class Resolution(models.Model):
    """One numbered resolution within a minute ("RESOLVED – 1) That…")."""

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["minute", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minute", "number"],
                name="resolution_number_unique_in_minute",
                violation_error_message="This minute already has a resolution with this number.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="resolution_number_from_1",
                violation_error_message="Resolution numbers start at 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}) {self.text}"


class InterestType(models.TextChoices):
    DPI = "dpi", "Disclosable pecuniary interest"
    OTHER = "other", "Other interest"


class Declaration(models.Model):
    """A member's declaration of interest in an agenda item."""

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    interest_type = models.CharField(max_length=10, choices=InterestType.choices)
    withdrew = models.BooleanField(
        default=False, help_text="Left the meeting while the item was considered."
    )
    description = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["minute", "pk"]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_interest_type_display()} in {self.minute.agenda_item}"


class MinutesAmendment(models.Model):
    """A change to minutes once published: made on approval ("subject to the amendment of
    Minute 9 from … to …") or a later correction of approved minutes."""

    class Kind(models.TextChoices):
        ON_APPROVAL = "on_approval", "Amended on approval"
        CORRECTION = "correction", "Correction after approval"

    minutes = models.ForeignKey(MinutesSet, on_delete=models.CASCADE, related_name="amendments")
    minute = models.ForeignKey(Minute, on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    before = models.TextField(help_text="The words as they stood.")
    after = models.TextField(help_text="The words that replace them.")
    reason = models.TextField(blank=True)
    made_at_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["minutes", "made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.minute}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def overdue_q(today: dt.date | None = None) -> Q:
    """An action is overdue: open or in progress after its due date, or with no due date after
    its target meeting (what ``Action.is_overdue`` says of one loaded action). A condition, so
    that a count of overdue actions can be an aggregate of the same query as the total."""
    today = today or timezone.localdate()
    return Q(status__in=OPEN_ACTION_STATUSES) & (
        Q(due_date__lt=today) | Q(due_date__isnull=True, target_meeting__start__date__lt=today)
    )


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: dt.date | None = None):
        return self.filter(overdue_q(today))

    def in_year(self, year: MunicipalYear):
        return self.filter(raised_on__gte=year.start_date, raised_on__lte=year.end_date)

    def for_list(self):
        return self.select_related(
            "committee",
            "owner_person",
            "target_meeting__committee",
            "dealt_with_item__meeting",
            "resolution__minute__agenda_item__meeting",
        )


class Action(TimeStamped):
    """Something agreed to happen: from a resolution or on its own."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="actions")
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner_text = models.CharField(
        max_length=200, blank=True, help_text="A service or team, if not a named person."
    )
    raised_on = models.DateField(help_text="The meeting's date, or the day it was recorded.")
    due_date = models.DateField(null=True, blank=True)
    target_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    dealt_with_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_dealt_with",
        help_text="The later agenda item where it was dealt with.",
    )
    is_public = models.BooleanField(
        default=True, help_text="Untick for an action that reveals exempt information."
    )
    # The stored answer of ``scrutiny.visibility.action_public`` (issue 20): kept right by
    # ``meetings.minutes.action_flags`` after every save and delete of the action and of the
    # resolution, minute, minutes, agenda item and meeting it depends on. The tracker counts
    # and pages by it; what it prints is read through the rule itself. Never edited by hand.
    publicly_visible = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    # No ``objects`` (issue 22): ``all_objects`` is everything, drafts included.
    all_objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["publicly_visible"])

    class Meta:
        ordering = ["committee", "-raised_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The public tracker's ids and counts (all committees, or one), in its order.
            models.Index(
                fields=["publicly_visible", "committee", "-raised_on", "id"],
                name="minutes_action_public_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("action-detail", kwargs={"pk": self.pk})

    @property
    def owner_display(self) -> str:
        if self.owner_person_id and self.owner_text:
            return f"{self.owner_person.display_name} ({self.owner_text})"
        if self.owner_person_id:
            return self.owner_person.display_name
        return self.owner_text

    def is_overdue(self, today: dt.date | None = None) -> bool:
        if self.status not in OPEN_ACTION_STATUSES:
            return False
        today = today or timezone.localdate()
        if self.due_date:
            return self.due_date < today
        if self.target_meeting_id:
            return self.target_meeting.date < today
        return False

    @property
    def due_text(self) -> str:
        return self.due_label("%-d %B %Y")

    def due_label(self, date_format: str) -> str:
        """When it is due, in words, dates in ``date_format`` (pages: "5 March 2024"; CSV:
        ``scrutiny.csvexport.DATE_FORMAT``)."""
        if self.due_date:
            return f"{self.due_date:{date_format}}"
        if self.target_meeting_id:
            return f"Meeting of {self.target_meeting.date:{date_format}}"
        return "No date set"

    # Said instead of the date of a target meeting the viewer may not see (not yet published).
    UNPUBLISHED_TARGET_TEXT = "A later meeting (its date is not yet published)"

    @property
    def shown_due_text(self) -> str:
        return self.shown_due_label("%-d %B %Y")

    def shown_due_label(self, date_format: str) -> str:
        """``due_label`` as a page or CSV may print it: the target meeting is named only when
        the selectors marked it visible to the viewer (``target_is_public``, set by
        ``meetings.minutes.selectors.actions_for``/``public_actions``; absent means no)."""
        if (
            not self.due_date
            and self.target_meeting_id
            and not getattr(self, "target_is_public", False)
        ):
            return self.UNPUBLISHED_TARGET_TEXT
        return self.due_label(date_format)

    @property
    def shown_dealt_with_item(self):
        """The agenda item it was dealt with at, if the viewer may see it
        (``dealt_with_is_public`` from the selectors; absent means no), else None."""
        if self.dealt_with_item_id and getattr(self, "dealt_with_is_public", False):
            return self.dealt_with_item
        return None


class ActionNote(models.Model):
    """A dated progress note on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(default=timezone.localdate)
    text = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:60]}"
