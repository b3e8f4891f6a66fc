"""The outbox, public alert subscriptions and what the notifications app remembers.

Every message the portal sends is one ``Outbox`` row per recipient, written before anything is
sent; ``(key, recipient)`` is unique, so a listener or task that runs twice queues nothing new,
and a row once ``sent`` is never sent again (``notifications.sending``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Outbox(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent: address suspended"

    class Kind(models.TextChoices):
        SUMMONS = "summons", "Summons"
        CHANGE = "change", "Change to a published meeting"
        ALERT = "alert", "Public alert"
        DIGEST = "digest", "Weekly digest"
        CONFIRM = "confirm", "Confirm subscription"
        MANAGE = "manage", "Manage alerts link"
        NOTICE = "notice", "Officer or councillor notice"
        ACCOUNT = "account", "Set-password link"

    MAX_ATTEMPTS = 5

    key = models.CharField(max_length=200, help_text="What the message is (one per recipient).")
    recipient = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "scrutiny.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subscriber = models.ForeignKey(
        "notifications.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="outbox_once_per_recipient")
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient} ({self.status})"


class Topic(models.TextChoices):
    AGENDAS = "agendas", "New agendas"
    MINUTES = "minutes", "Minutes"
    DECISIONS = "decisions", "Decisions"
    FORWARD_PLAN = "forward_plan", "Forward plan entries"
    CALL_INS = "call_ins", "Call-ins"


# Every topic fires: meetings (agendas, minutes) and the decisions app (docs/email.md).
LIVE_TOPICS = frozenset(Topic)


class Subscriber(models.Model):
    """One address that asked for public alerts. Only the address, the choices and the dates
    are kept (docs/email.md, "Privacy"); unconfirmed rows are deleted after
    ``SUBSCRIPTION_CONFIRM_DAYS``."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "As soon as something is published"
        WEEKLY = "weekly", "A weekly digest"

    email = models.EmailField(unique=True)
    all_committees = models.BooleanField(default=False)
    committees = models.ManyToManyField("scrutiny.Committee", blank=True, related_name="+")
    topics = models.JSONField(default=list)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Bumped on unsubscribe, so old links stop working once the address has gone.
    token_version = models.PositiveIntegerField(default=1)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        indexes = [models.Index(fields=["confirmed_at", "created_at"])]

    def __str__(self) -> str:
        return self.email


class DigestEntry(models.Model):
    """Something a weekly subscriber will be told about in their next digest."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=200)
    line = models.CharField(max_length=500)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "key"], name="digest_entry_once")
        ]

    def __str__(self) -> str:
        return self.line


class Suppression(models.Model):
    """An address the mail server reported as bouncing or complaining: nothing more is sent
    to it (its outbox rows become ``suppressed``) until an officer lifts it (the officer page
    "Suspended email addresses"; the history records who lifted it, and when)."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Complaint (marked as spam)"

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"


class Attempt(models.Model):
    """A subscription form submitted: for the per-address and per-IP rate limits (hashed, and
    deleted after a day)."""

    scope = models.CharField(max_length=10)  # "ip" or "email"
    digest = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "digest", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M}"


class MeetingState(models.Model):
    """What members were last told about a published meeting: the last recorded change
    (``meetings.MeetingChange`` id) the summons or a change notice covered. ``None``: members
    were never summoned through the portal, so no change notice is sent."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    noticed_up_to = models.PositiveBigIntegerField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    minutes_alerted = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"meeting {self.meeting_id}, revision {self.revision}"
