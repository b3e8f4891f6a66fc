"""Core records: people, committees, municipal years and memberships.

Everything else in the portal hangs off these. Reads that the public may see go
through the default managers; nothing here is confidential.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


class TimeStamped(models.Model):
    """Created/modified stamps: the open data API filters on them."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


DEFAULT_BRAND_COLOUR = "#00594f"
OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def council_logo_upload_to(instance: Council, filename: str) -> str:
    # A new name for every upload, so the logo's address changes with it (cache busting).
    import secrets

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"brand/logo-{secrets.token_hex(8)}.{extension}"


class Council(TimeStamped):
    """The local authority running the portal (OParl's Body). One row.

    Its brand (logo, colour, header and footer links) is set by administrators on the council
    settings page (``scrutiny/council_views.py``); every write goes through
    ``scrutiny.council.save_council``, which validates the colour's contrast and cleans the logo.
    """

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    # The brand. The logo is a cleaned SVG or a checked PNG in the default storage; it is
    # public (pages and PDFs show it), served by ``council-logo``.
    logo = models.FileField(upload_to=council_logo_upload_to, max_length=200, blank=True)
    logo_alt = models.CharField("logo alt text", max_length=200, blank=True)
    brand_colour = models.CharField(max_length=7, default=DEFAULT_BRAND_COLOUR)
    # [{"text": "Council tax", "url": "https://..."}], in order.
    header_links = models.JSONField(default=list, blank=True)
    privacy_url = models.URLField("privacy notice", blank=True)
    cookies_url = models.URLField("cookies", blank=True)
    contact_url = models.URLField("contact us", blank=True)
    accessibility_contact = models.EmailField("accessibility statement contact", blank=True)
    open_data_licence_name = models.CharField(
        max_length=200, default="Open Government Licence v3.0"
    )
    open_data_licence_url = models.URLField(default=OGL_V3)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Council:
        council = cls.objects.order_by("pk").first()
        if council is None:
            council = cls(name=settings.COUNCIL_NAME, website=settings.COUNCIL_WEBSITE)
        return council

    @property
    def is_set_up(self) -> bool:
        return self.pk is not None

    @property
    def logo_is_svg(self) -> bool:
        return bool(self.logo) and self.logo.name.endswith(".svg")

    @property
    def accessibility_email(self) -> str:
        """Where the accessibility statement sends requests and problems."""
        return self.accessibility_contact or self.email

    @property
    def logo_print_url(self) -> str:
        """The logo's address inside a print document: ``scrutiny.printing`` serves it from
        the storage (render_document names it)."""
        return f"{settings.MEDIA_URL}{self.logo.name}" if self.logo else ""

    @property
    def brand_colour_css(self) -> str:
        """The brand colour, safe to write into a stylesheet (the default if it is not #rrggbb)."""
        import re

        colour = self.brand_colour or ""
        return colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else DEFAULT_BRAND_COLOUR

    @property
    def logo_path(self) -> str:
        """The logo's address on the portal (``council-logo``), or "" when there is none."""
        if not self.logo:
            return ""
        return reverse("council-logo", args=[self.logo.name.rsplit("/", 1)[-1]])


class PersonQuerySet(models.QuerySet):
    def councillors(self):
        return self.filter(kind=Person.Kind.COUNCILLOR)

    def public(self):
        """People shown on public pages: councillors, co-optees and named partners/officers."""
        return self.filter(is_active=True)


class Person(TimeStamped):
    class Kind(models.TextChoices):
        COUNCILLOR = "councillor", "Councillor"
        COOPTEE = "cooptee", "Co-optee"
        OFFICER = "officer", "Officer"
        PARTNER = "partner", "External partner"

    # The title shown before the name when none is entered: every councillor is "Councillor"
    # unless the officer gives another title (Mayor, Alderman, Councillor Dr).
    DEFAULT_TITLES = {Kind.COUNCILLOR: "Councillor"}

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCILLOR)
    honorific = models.CharField(
        "title",
        max_length=30,
        blank=True,
        help_text='For example Dr or Mayor. Leave blank for a councillor to show "Councillor".',
    )
    name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200, blank=True, editable=False)
    slug = models.SlugField(max_length=220, unique=True)
    party = models.CharField(max_length=100, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    service = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # The member's consent to receive the summons electronically (LGA 1972 Sch. 12 para. 4):
    # the notifications app emails the summons only to people with an address and consent.
    email_consent = models.BooleanField(
        "agrees to receive the summons by email",
        default=False,
        help_text="Tick only when the member has agreed in writing; the date is recorded.",
    )
    email_consent_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["kind", "sort_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def title(self) -> str:
        """The title shown before the name: the one entered, or the kind's default."""
        return self.honorific or self.DEFAULT_TITLES.get(self.kind, "")

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}".strip()

    @property
    def role_text(self) -> str:
        """The description minutes print after a name ("Cabinet Member - Children")."""
        parts = [p for p in (self.job_title, self.organisation or self.service) if p]
        return ", ".join(parts)

    def get_absolute_url(self) -> str:
        return reverse("person-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        self.sort_name = (
            self.name.split()[-1].lower() + " " + self.name.lower() if self.name else ""
        )[: Person._meta.get_field("sort_name").max_length]
        if not self.slug:
            self.slug = unique_slug(Person, self.name)
        if self.email_consent and self.email_consent_at is None:
            self.email_consent_at = timezone.now()
        elif not self.email_consent:
            self.email_consent_at = None
        super().save(*args, **kwargs)


class AccountEvent(models.Model):
    """One thing done to a person's login (``scrutiny.accounts``): who did it, and when.

    The audit trail of logins. It holds no password and no link: only what happened."""

    class Action(models.TextChoices):
        CREATED = "created", "Login created, set-password link issued"
        RESET = "reset", "Login reset, new set-password link issued"
        PASSWORD_SET = "password_set", "Password set from the link"
        DISABLED = "disabled", "Login disabled"
        ENABLED = "enabled", "Login enabled"
        # Officers' and administrators' logins (issue 21): an administrator's page.
        INVITED = "invited", "Invited, set-password link emailed"
        ROLE_CHANGED = "role_changed", "Role changed"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="account_events")
    username = models.CharField(max_length=150, help_text="The login's username at the time.")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did it (empty: a task or command).",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    detail = models.CharField(
        max_length=200,
        blank=True,
        help_text='What changed, for example "Democracy officer to Administrator".',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.username}"


class Constitution(TimeStamped):
    """The rules the council's constitution sets for committee business (issue 21). One row,
    edited by administrators (``scrutiny.constitution``); ``current()`` gives it, or the
    defaults unsaved. Each rule is read where it is applied: the standard agenda items and the
    meeting defaults by ``meetings.services.create_meeting``, the report deadline there too,
    the clear days by the publication warnings, the minute numbering by
    ``meetings.minutes.services.number_minutes``, the session length by
    ``scrutiny.session_timeout``. The key-decision and call-in rules are the decisions app's
    (``decisions.models.DecisionSettings``), shown on the same page through
    ``scrutiny.extensions.constitution_panels``."""

    class MinuteNumbering(models.TextChoices):
        YEAR = "year", "Through the municipal year: each committee's minutes run on from May"
        MEETING = "meeting", "From 1 again at each meeting"

    # The law's minimum (Local Government Act 1972 s100B); a constitution may ask for more.
    LEGAL_CLEAR_DAYS = 5
    SHORTEST_SESSION_MINUTES = 15
    LONGEST_SESSION_MINUTES = 24 * 60

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    standard_items = models.JSONField(
        null=True,
        blank=True,
        help_text="The opening items of a new meeting's agenda (kind, title, description), "
        "for committees that have not chosen their own. Empty: the portal's built-in list.",
    )
    default_venue = models.CharField(
        max_length=255, blank=True, help_text="A new meeting's venue unless the officer enters one."
    )
    default_start_time = models.TimeField(
        null=True, blank=True, help_text="The time a new meeting form offers, for example 10:00."
    )
    default_end_time = models.TimeField(
        null=True,
        blank=True,
        help_text="A new meeting's expected end on its day, unless the officer enters one.",
    )
    report_deadline_working_days = models.PositiveSmallIntegerField(
        "report deadline: working days before the meeting",
        null=True,
        blank=True,
        help_text="A new meeting's report deadline unless the officer enters one. Empty: "
        "officers enter each deadline.",
    )
    publication_clear_days = models.PositiveSmallIntegerField(
        "agenda publication: clear working days",
        default=LEGAL_CLEAR_DAYS,
        help_text="Clear working days between publishing an agenda and the meeting. The law "
        "asks for at least five.",
    )
    minute_numbering = models.CharField(
        max_length=10, choices=MinuteNumbering.choices, default=MinuteNumbering.YEAR
    )
    officer_session_minutes = models.PositiveIntegerField(
        "officers' sign-in length (minutes)",
        null=True,
        blank=True,
        help_text="How long a democracy officer's or administrator's sign-in lasts before they "
        "must sign in again. Empty: the server's setting (SESSION_AGE_MINUTES).",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "constitution settings"
        verbose_name_plural = "constitution settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(singleton=1),
                name="constitution_one_row",
                violation_error_message="There is one set of constitution settings.",
            ),
            models.CheckConstraint(
                condition=Q(publication_clear_days__gte=5),
                name="constitution_publication_days_at_least_legal",
                violation_error_message="The law asks for at least five clear working days.",
            ),
            models.CheckConstraint(
                condition=Q(officer_session_minutes__isnull=True)
                | Q(officer_session_minutes__gte=15, officer_session_minutes__lte=24 * 60),
                name="constitution_session_length_in_range",
                violation_error_message="A sign-in lasts between 15 minutes and 24 hours.",
            ),
        ]

    def __str__(self) -> str:
        return "Constitution settings"

    @classmethod
    def current(cls) -> Constitution:
        return cls.objects.filter(singleton=1).first() or cls()


def unique_slug(model: type[models.Model], text: str, field: str = "slug") -> str:
    base = slugify(text)[:200] or "item"
    slug, n = base, 2
    while model._default_manager.filter(**{field: slug}).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class CommitteeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Committee(TimeStamped):
    class Kind(models.TextChoices):
        SCRUTINY_PANEL = "scrutiny_panel", "Scrutiny panel"
        SCRUTINY_COMMITTEE = "scrutiny_committee", "Scrutiny committee"
        AD_HOC_PANEL = "ad_hoc_panel", "Ad hoc panel"
        BOARD = "board", "Board"
        CABINET = "cabinet", "Cabinet"
        COUNCIL = "council", "Council"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.SCRUTINY_PANEL)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    purpose = models.TextField(blank=True, help_text="One or two sentences for the public.")
    terms_of_reference = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    contact_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_business", "Can use the officer pages (democracy officer)"),
            ("view_exempt_all", "Can read exempt papers of every committee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="committee_end_after_start",
                violation_error_message=(
                    "The committee's end date must be on or after its start date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("committee-detail", kwargs={"slug": self.slug})

    def members_on(self, day: dt.date):
        """Memberships in force on ``day``, chair first."""
        return (
            self.memberships.in_force_on(day)
            .select_related("person")
            .order_by("role_order", "person__sort_name")
        )


class MunicipalYearQuerySet(models.QuerySet):
    def containing(self, day: dt.date):
        return self.filter(start_date__lte=day, end_date__gte=day)


class MunicipalYear(TimeStamped):
    """A council year, from the annual meeting in May to the next May."""

    name = models.CharField(max_length=20, unique=True, help_text="For example 2017/18")
    start_date = models.DateField(unique=True)
    end_date = models.DateField()

    objects = MunicipalYearQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="year_end_after_start",
                violation_error_message="The municipal year must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_date(cls, day: dt.date) -> MunicipalYear | None:
        return cls.objects.containing(day).first()

    @staticmethod
    def label_for(start: dt.date) -> str:
        return f"{start.year}/{str(start.year + 1)[-2:]}"


def in_force_q(day: dt.date) -> Q:
    """A membership in force on ``day`` (started, not ended), as a condition to combine."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


class MembershipQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date):
        return self.filter(in_force_q(day))

    def overlapping(self, start: dt.date, end: dt.date | None):
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs


class Membership(TimeStamped):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        COOPTEE = "cooptee", "Co-optee"
        SUBSTITUTE = "substitute", "Substitute"

    ROLE_ORDER = {"chair": 0, "vice_chair": 1, "member": 2, "cooptee": 3, "substitute": 4}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    role_order = models.PositiveSmallIntegerField(default=2, editable=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    voting = models.BooleanField(default=True)
    notes = models.CharField(max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()
    # Who started or ended a membership, and when (issue 15): the officer history pages.
    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "role_order", "person__sort_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
                violation_error_message=(
                    "The membership's end date must be on or after its start date."
                ),
            ),
        ]
        indexes = [models.Index(fields=["committee", "start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.committee}"

    def save(self, *args, **kwargs):
        self.role_order = self.ROLE_ORDER.get(self.role, 2)
        super().save(*args, **kwargs)


class StoredPdf(models.Model):
    """A public PDF (minutes, trackers) rendered once per content version and kept in the
    default storage (``scrutiny.stored_pdfs``).

    ``fingerprint`` is the SHA-256 of what the PDF prints (the print template's HTML, its
    title and the print format), so a row is one content version: a change to what is printed
    is a new fingerprint and a new row, and only the row of the current fingerprint is ever
    served. A ``pending`` row is a build that was asked for (at most one per content version:
    the unique constraint deduplicates a flood of requests); ``ready`` rows name their file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"

    kind = models.CharField(max_length=40, help_text='"minutes" or a tracker kind.')
    key = models.CharField(max_length=200, help_text="The printed object: a meeting id, a slug.")
    query = models.TextField(
        blank=True, help_text="The filters of a filtered export, canonical; empty: the whole."
    )
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=300, blank=True, help_text="In the default storage.")
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "fingerprint"],
                name="one_stored_pdf_per_content",
                violation_error_message="This version of the PDF is already stored.",
            )
        ]
        indexes = [models.Index(fields=["kind", "key", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class AccessibilityAudit(models.Model):
    """One run of ``manage.py accessibility_audit``: the PDF structure check
    (``scrutiny.pdfcheck``) over every public paper and public agenda pack.

    Only counts are kept (never a title), so the accessibility statement can say how many
    published papers are tagged and when they were last checked without naming any paper.
    """

    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    papers_checked = models.PositiveIntegerField(default=0)
    papers_tagged = models.PositiveIntegerField(
        default=0, help_text="Papers with every page in the structure tree."
    )
    papers_passed = models.PositiveIntegerField(
        default=0, help_text="Papers that pass the whole structure check."
    )
    papers_failed_before_regulations = models.PositiveIntegerField(
        default=0,
        help_text="Failing papers of meetings before 23 September 2018 (outside the "
        "regulations unless needed for a service).",
    )
    papers_unreadable = models.PositiveIntegerField(default=0)
    packs_checked = models.PositiveIntegerField(default=0)
    packs_tagged = models.PositiveIntegerField(default=0)
    packs_passed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"Accessibility audit {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def papers_untagged(self) -> int:
        return self.papers_checked - self.papers_tagged

    @property
    def packs_untagged(self) -> int:
        return self.packs_checked - self.packs_tagged

    @property
    def papers_failed(self) -> int:
        return self.papers_checked - self.papers_passed

    @property
    def packs_failed(self) -> int:
        return self.packs_checked - self.packs_passed

    @property
    def all_pass(self) -> bool:
        return self.papers_passed == self.papers_checked and self.packs_passed == self.packs_checked
