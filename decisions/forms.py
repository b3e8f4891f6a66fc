"""Officer forms of the decisions app. They only collect and clean input;
``decisions.services`` writes and checks the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from decisions import rules
from decisions.models import (
    Decision,
    DecisionSettings,
    DelegatedOfficer,
    EntryStatus,
    ExceptionKind,
    ForwardPlanEntry,
    PortfolioHolder,
    Ward,
)
from meetings.models import PARAGRAPH_CHOICES, AgendaItem, Document
from scrutiny.forms import BaseForm, BaseModelForm
from scrutiny.models import Committee, Person


def _threshold_hint() -> str:
    rules = DecisionSettings.current()
    return (
        f"A key decision spends or saves £{rules.key_decision_amount:,.0f} or more, or is "
        f"significant for communities in {rules.key_decision_wards} or more wards."
    )


class _MakerMixin:
    def _limit_makers(self):
        self.fields["cabinet"].queryset = Committee.objects.filter(kind=Committee.Kind.CABINET)
        self.fields["portfolio_holder"].queryset = PortfolioHolder.objects.select_related(
            "person"
        ).order_by("portfolio", "-start_date")
        self.fields["officer"].queryset = DelegatedOfficer.objects.filter(is_active=True)
        self.fields["cabinet"].help_text = "If the Cabinet takes the decision."
        self.fields["portfolio_holder"].help_text = "If a portfolio holder takes it."
        self.fields["officer"].help_text = "If an officer takes it under delegated powers."
        if "wards" in self.fields:
            self.fields["wards"].queryset = Ward.objects.all()

    maker_date_field: str | None = None  # the date a portfolio holder must be in office

    def _clean_maker(self, data) -> None:
        """The service's own check (``decisions.rules.maker_problems``), its message on the
        field it is about."""
        if any(name in self.errors for name in ("maker_kind", *rules.MAKER_FIELDS.values())):
            return
        on = data.get(self.maker_date_field) if self.maker_date_field else None
        problems = rules.maker_problems(
            kind=data.get("maker_kind"),
            cabinet=data.get("cabinet"),
            portfolio_holder=data.get("portfolio_holder"),
            officer=data.get("officer"),
            on=on,
        )
        for field, message in problems.items():
            self.add_error(field, message)
        if not problems:  # as the service does: only the chosen kind's field is kept
            for kind, field in rules.MAKER_FIELDS.items():
                if kind != data.get("maker_kind"):
                    data[field] = None


class SettingsForm(BaseModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DecisionSettings
        fields = [
            "key_decision_amount",
            "key_decision_wards",
            "forward_plan_notice_days",
            "general_exception_days",
            "call_in_working_days",
            "call_in_who",
            "call_in_signatures",
            "scrutiny_committee",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scrutiny_committee"].queryset = Committee.objects.exclude(
            kind__in=[Committee.Kind.CABINET, Committee.Kind.COUNCIL]
        )
        self.initial.setdefault("version", self.instance.version)


class PortfolioHolderForm(BaseModelForm):
    class Meta:
        model = PortfolioHolder
        fields = ["person", "portfolio", "title", "cabinet", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.councillors()
        self.fields["cabinet"].queryset = Committee.objects.filter(kind=Committee.Kind.CABINET)


class DelegatedOfficerForm(BaseModelForm):
    class Meta:
        model = DelegatedOfficer
        fields = ["name", "post", "is_active"]


class WardsForm(BaseForm):
    names = forms.CharField(
        label="Ward names", widget=forms.Textarea(attrs={"rows": 6}), help_text="One a line."
    )


class EntryForm(_MakerMixin, BaseModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ForwardPlanEntry
        fields = [
            "reference",
            "matter",
            "summary",
            "maker_kind",
            "cabinet",
            "portfolio_holder",
            "officer",
            "portfolio",
            "is_key_decision",
            "key_grounds",
            "estimated_value",
            "planned_decision_date",
            "wards",
            "all_wards",
            "documents",
            "representations",
            "contact_name",
            "contact_post",
            "contact_email",
            "contact_phone",
            "is_private",
            "exempt_paragraph",
            "private_reasons",
            "exception",
            "exception_reasons",
            "scrutiny_chair",
            "chair_informed_on",
            "exception_notice_published_on",
            "chair_agreed_on",
            "scrutiny_committee",
        ]
        widgets = {
            "wards": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "documents": forms.Textarea(attrs={"rows": 3}),
            "representations": forms.Textarea(attrs={"rows": 3}),
            "private_reasons": forms.Textarea(attrs={"rows": 3}),
            "exception_reasons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_makers()
        self.fields["is_key_decision"].help_text = _threshold_hint()
        self.fields["scrutiny_chair"].queryset = Person.objects.councillors()
        committee = DecisionSettings.current().scrutiny_committee
        self.fields["scrutiny_chair"].help_text = (
            f"For an exception: the chair of {committee} on the day they were informed or "
            "agreed (their membership on the committee says so)."
            if committee
            else "For an exception: first choose the overview and scrutiny committee in the "
            "decisions settings."
        )
        self.fields["scrutiny_committee"].label = "Pre-decision scrutiny by"
        self.fields["scrutiny_committee"].queryset = Committee.objects.exclude(
            kind__in=[Committee.Kind.CABINET, Committee.Kind.COUNCIL]
        )
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        self._clean_maker(data)
        self._clean_exception(data)
        return data

    def _clean_exception(self, data) -> None:
        """The service's check of a general exception or special urgency
        (``decisions.rules.exception_problems``), each message on its field."""
        kind = data.get("exception") or ExceptionKind.NONE
        if kind == ExceptionKind.NONE:
            return
        settings = DecisionSettings.current()
        problems = rules.exception_problems(
            kind=kind,
            chair=data.get("scrutiny_chair"),
            informed_on=data.get("chair_informed_on"),
            notice_on=data.get("exception_notice_published_on"),
            agreed_on=data.get("chair_agreed_on"),
            decision_date=data.get("planned_decision_date"),
            committee=settings.scrutiny_committee,
            notice_days=settings.general_exception_days,
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)


class EntryStatusForm(BaseForm):
    status = forms.ChoiceField(
        choices=[(v, label) for v, label in EntryStatus.choices if v != EntryStatus.DRAFT]
    )


class EditionForm(BaseForm):
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown at the top of the edition (optional).",
    )


class DecisionForm(_MakerMixin, BaseModelForm):
    maker_date_field = "decision_date"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Decision
        fields = [
            "reference",
            "title",
            "maker_kind",
            "cabinet",
            "portfolio_holder",
            "officer",
            "portfolio",
            "decision_date",
            "decision",
            "reasons",
            "alternatives",
            "interests",
            "dispensations",
            "is_key_decision",
            "forward_plan_entry",
            "wards",
            "is_urgent",
            "urgency_reason",
            "is_private",
            "exempt_paragraph",
            "private_reasons",
            "agenda_item",
            "documents",
        ]
        widgets = {
            "wards": forms.CheckboxSelectMultiple,
            "documents": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_makers()
        self.fields["is_key_decision"].help_text = _threshold_hint()
        self.fields["forward_plan_entry"].queryset = ForwardPlanEntry.all_objects.order_by(
            "-planned_decision_date"
        )
        # The reports it was taken on: items and papers of Cabinet meetings (officers see
        # every issued paper, exempt ones included; the public page applies the rule).
        cabinet_items = AgendaItem.all_objects.filter(
            meeting__committee__kind=Committee.Kind.CABINET
        ).select_related("meeting__committee")
        self.fields["agenda_item"].queryset = cabinet_items
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.meeting.committee.name}, "
            f"{timezone.localtime(item.meeting.start):%-d %B %Y}: {item.title}"
        )
        self.fields["agenda_item"].help_text = "The Cabinet agenda item it was taken on, if any."
        self.fields["documents"].queryset = (
            Document.all_objects.issued()
            .filter(agenda_item__meeting__committee__kind=Committee.Kind.CABINET)
            .order_by("-agenda_item__meeting__start", "title")
        )
        self.fields["documents"].help_text = "The report(s) and appendices it was taken on."
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        self._clean_maker(data)
        return data


class DelegatedReportForm(BaseForm):
    """A report the decision was taken on that was on no agenda (checked and sanitised like
    a paper by ``services.add_delegated_report``)."""

    title = forms.CharField(max_length=300)
    file = forms.FileField(
        label="Report",
        help_text="A PDF, or a Word, OpenDocument, RTF or Excel file (converted to PDF). Active "
        "content (scripts, embedded files, unsafe links) is removed.",
    )
    is_exempt = forms.BooleanField(
        label="Exempt information (Schedule 12A): never public",
        required=False,
    )
    exempt_paragraph = forms.TypedChoiceField(
        label="Schedule 12A paragraph",
        choices=[("", "Not exempt"), *PARAGRAPH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
