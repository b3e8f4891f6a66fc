"""Officer forms for meetings, agenda items, reports and documents. Forms only collect and
check input; the services write."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.db.models.functions import TruncMonth
from django.template.defaultfilters import filesizeformat

from meetings import conversion
from meetings.extensions import report_generators
from meetings.models import (
    PARAGRAPH_CHOICES,
    AgendaItem,
    ItemKind,
    Meeting,
    Report,
)
from scrutiny import constitution
from scrutiny.filters import GovukFilterSet
from scrutiny.forms import BaseForm, BaseModelForm
from scrutiny.models import Committee, MunicipalYear, Person


def revalidate(form) -> None:
    """``GovukFormMixin.__init__`` validates a bound form while adding CSS classes; these forms
    add and remove fields after that, so validation must run again on the final fields."""
    if form.is_bound:
        form._errors = None
        if hasattr(form, "cleaned_data"):
            del form.cleaned_data


class MeetingForm(BaseModelForm):
    class Meta:
        model = Meeting
        fields = [
            "committee",
            "start",
            "end",
            "venue",
            "is_public",
            "webcast_url",
            "is_hybrid",
            "contact_officer",
            "report_deadline",
        ]
        labels = {
            "start": "Date and time the meeting starts",
            "end": "Date and time it is expected to end",
            "is_public": "Formal meeting held in public",
            "is_hybrid": "Hybrid meeting (some attend online)",
            "webcast_url": "Webcast link",
        }
        error_messages = {
            "committee": {"required": "Choose the committee that is meeting."},
            "start": {
                "required": "Enter the date and time the meeting starts.",
                "invalid": "Enter the start as a date and a time, for example 9 10 2017 and 10:00.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_officer"].queryset = Person.objects.filter(kind=Person.Kind.OFFICER)
        self.fields["committee"].queryset = Committee.objects.order_by("-is_active", "name")
        self.fields["start"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        self.fields["end"].input_formats = self.fields["start"].input_formats
        self.fields["webcast_url"].assume_scheme = "https"
        if self.instance.pk:
            self.fields["committee"].disabled = True
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version
            )
        else:
            self.fields["agenda"] = forms.ChoiceField(
                label="Start the agenda with",
                choices=AGENDA_STARTS,
                initial="standard",
                required=False,
                widget=forms.RadioSelect,
                help_text="The copy takes each item's title, description, kind, contacts, "
                "order and exemption from the committee's latest earlier meeting; its papers "
                "are not copied. The minutes item is linked to that meeting either way.",
            )
            self._style_widget(self.fields["agenda"].widget)
            days = constitution.report_deadline_working_days()
            if days:
                self.fields["report_deadline"].help_text = (
                    f"Leave empty for {days} working day{'s' if days != 1 else ''} before the "
                    "meeting (the constitution settings)."
                )
            if constitution.meeting_defaults().end_time is not None:
                self.fields[
                    "end"
                ].help_text = (
                    "Leave empty for the constitution's usual end time on the meeting's day."
                )
        revalidate(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if self.instance.pk:
            data.pop("committee", None)
        else:
            data["copy_previous_agenda"] = data.pop("agenda", "standard") == "previous"
        return data


AGENDA_STARTS = [
    ("standard", "The committee's standard opening items"),
    ("previous", "A copy of the agenda of the committee's previous meeting"),
]


class AgendaItemForm(BaseModelForm):
    exempt_paragraph = forms.TypedChoiceField(
        label="Schedule 12A paragraph",
        choices=[("", "Not exempt")] + PARAGRAPH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Required when the item is exempt.",
    )

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "description",
            "kind",
            "contact_officers",
            "contact_text",
            "previous_meeting",
            "is_exempt",
            "exempt_paragraph",
            "exempt_reasons",
            "is_confidential",
            "urgency_reasons",
        ]
        labels = {
            "is_exempt": "Exempt: the public will be excluded for this item",
            "exempt_reasons": "Reasons the item is exempt (shown publicly)",
            "is_confidential": "Confidential information (s100A): never published",
            "urgency_reasons": "The chair's reasons for urgency",
            "contact_text": "Contact line as printed",
        }
        help_texts = {
            "title": "Always public, also for an exempt or confidential item: write a title "
            "that reveals nothing exempt.",
            "description": "Public for an ordinary item. For an exempt or confidential item "
            "the description is for members and officers only: the public sees the title, "
            "the Schedule 12A paragraph and the reasons below (and later the minute's public "
            "summary).",
            "exempt_reasons": "Shown publicly with the title and paragraph: give the reasons "
            "and the public interest test without revealing the exempt information.",
            "urgency_reasons": "Required for an item added after the agenda was published.",
            "contact_officers": "Hold Ctrl (Cmd on a Mac) to choose more than one.",
        }
        error_messages = {"title": {"required": "Enter the title of the item."}}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "exempt_reasons": forms.Textarea(attrs={"rows": 3}),
            "urgency_reasons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_officers"].queryset = Person.objects.filter(kind=Person.Kind.OFFICER)
        self.fields["kind"].initial = ItemKind.BUSINESS
        late = meeting.is_published and (not self.instance.pk or self.instance.is_late)
        if not late:
            del self.fields["urgency_reasons"]
        else:
            # A late item cannot be saved without them (the model's constraint): say so.
            self.fields["urgency_reasons"].required = True
            self.fields["urgency_reasons"].error_messages["required"] = (
                "Enter the chair's reasons for considering this item as urgent business."
            )
        _previous_meeting_field(self, meeting)
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version
            )
        revalidate(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["contact_officers"] = list(data.get("contact_officers") or [])
        if "previous_meeting" in data and data.get("kind") != ItemKind.MINUTES:
            data["previous_meeting"] = None  # only a minutes item carries minutes
        return data


def _previous_meeting_field(form, meeting: Meeting) -> None:
    """The minutes item's previous meeting (issue 15 items 4 and 9): an earlier meeting of the
    committee, the latest by default; its minutes go into the agenda pack automatically."""
    from meetings.services import previous_meeting_choices, previous_meeting_of

    if form.instance.pk and form.instance.kind != ItemKind.MINUTES:
        del form.fields["previous_meeting"]
        return
    field = form.fields["previous_meeting"]
    field.queryset = previous_meeting_choices(meeting)
    field.label = "Minutes of the previous meeting: which meeting"
    field.help_text = (
        "For a “Minutes of the previous meeting” item. The minutes of the meeting chosen "
        "here go into the agenda pack automatically, in their current version (draft "
        "minutes once published, approved minutes once approved)."
    )
    field.empty_label = "None (no minutes attached)"
    field.label_from_instance = lambda m: f"{m.date:%-d %B %Y} ({m.get_status_display().lower()})"
    field.error_messages["invalid_choice"] = "Choose an earlier meeting of the same committee."
    if not form.instance.pk:
        field.initial = previous_meeting_of(meeting.committee, meeting.start)


class ReportForm(BaseModelForm):
    """The report's cover sheet; sections come from ``SectionFormSet``."""

    class Meta:
        model = Report
        fields = [
            "title",
            "author",
            "purpose",
            "is_key_decision",
            "key_decision_reason",
            "in_forward_plan",
            "forward_plan_reference",
            "eligible_for_call_in",
            "call_in_reason",
            "signed_off_by",
            "signed_off_on",
            "finance_signed_off_by",
            "legal_signed_off_by",
            "cabinet_portfolio",
            "wards_affected",
            "ward_councillors_consulted",
            "is_public_report",
            "urgency_reasons",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "key_decision_reason": forms.Textarea(attrs={"rows": 2}),
            "call_in_reason": forms.Textarea(attrs={"rows": 2}),
            "urgency_reasons": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "purpose": "Purpose of report",
            "is_key_decision": "Key decision – is it likely to result in spending or saving "
            "£250k or more, or to have a significant effect on two or more electoral wards?",
            "key_decision_reason": "Key decision: reasons",
            "in_forward_plan": "Key decision – is it in the Council's Forward Plan (key "
            "decisions and private reports)?",
            "eligible_for_call_in": "The decision – is it eligible for call in by Scrutiny?",
            "call_in_reason": "Call in: reasons",
            "signed_off_by": "Signed off by (Strategic Director and name)",
            "signed_off_on": "Date signed off",
            "finance_signed_off_by": "Is it also signed off by the Service Director for Finance?",
            "legal_signed_off_by": "Is it also signed off by the Service Director for Legal, "
            "Governance and Commissioning?",
            "cabinet_portfolio": "Cabinet member and portfolio",
            "wards_affected": "Electoral wards affected",
            "ward_councillors_consulted": "Ward councillors consulted",
            "is_public_report": "Public report (untick for private; the item's exemption "
            "decides publication)",
            "urgency_reasons": "The chair's reasons for urgency",
        }
        help_texts = {
            "title": "Public for an ordinary item; for an exempt or confidential item the "
            "report (title included) is for members and officers only.",
            "urgency_reasons": "The agenda is already published: the report is saved as a "
            "draft that only officers see. Publish it as a late paper from the meeting page "
            "with the chair's reasons for urgency (shown publicly); you may write them now.",
        }
        error_messages = {"title": {"required": "Enter the title of the report."}}

    def __init__(self, *args, late: bool, new_version: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = Person.objects.filter(kind=Person.Kind.OFFICER)
        if not late:
            del self.fields["urgency_reasons"]
        elif self.instance.pk and self.instance.is_late and not self.instance.is_draft:
            # A published late report keeps its reasons (update_report refuses it without).
            field = self.fields["urgency_reasons"]
            field.required = True
            field.help_text = "Shown publicly with the late report."
            field.error_messages["required"] = "A late report needs the chair's reasons."
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version
            )
        if new_version:
            self.fields["note"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label="What changed in this version",
                help_text='Shown with the report, for example "Recommendation 2 reworded".',
            )
        revalidate(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class SectionForm(BaseForm):
    heading = forms.CharField(max_length=300, required=False, label="Section heading")
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Text",
        help_text="Separate paragraphs with a blank line. Simple HTML (paragraphs, lists, bold, "
        "links, tables) is kept; anything else is removed.",
    )


SectionFormSet = forms.formset_factory(SectionForm, extra=2, can_delete=False)


class DocumentForm(BaseForm):
    title = forms.CharField(
        max_length=300,
        error_messages={"required": "Enter a title for the document."},
        help_text='For example "Appendix A – Ten Point Improvement Plan".',
    )
    uploaded_file = forms.FileField(
        label="File",
        error_messages={"required": "Choose a file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": conversion.ACCEPT}),
    )
    is_report = forms.BooleanField(
        required=False, label="This file is the report itself (not an appendix)"
    )
    urgency_reasons = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The chair's reasons for urgency",
        help_text="The agenda is already published: the paper is saved as a draft that only "
        "officers see. Publish it as a late paper from the meeting page with the chair's "
        "reasons for urgency (shown publicly); you may write them now.",
    )

    staged_upload = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, late: bool, staged=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uploaded_file"].help_text = (
            f"PDF, Word (.docx, .doc), OpenDocument (.odt), RTF or Excel (.xlsx), up to "
            f"{filesizeformat(settings.MAX_UPLOAD_BYTES)}. Other files are converted to PDF in "
            "the background: the meeting page shows the progress. Password-protected files "
            "cannot be accepted. JavaScript, embedded files and launch actions are removed. "
            "The original of a converted file is kept for officers only: it may hold hidden "
            "text, comments or tracked changes that the PDF does not show."
        )
        if not late:
            del self.fields["urgency_reasons"]
        keep_staged(self, staged)
        revalidate(self)

    def clean(self):
        return use_staged(self, super().clean())


def keep_staged(form, staged) -> None:
    """Offer the file kept from the officer's last attempt (``meetings.uploads``): the file
    input becomes optional and says which file is kept."""
    form.staged = staged
    if staged is None:
        return
    field = form.fields["uploaded_file"]
    field.required = False
    field.help_text = (
        f"“{staged.filename}” is kept from your last attempt: you do not need to "
        f"choose it again. Choose another file only to replace it. {field.help_text}"
    )
    form._bound_fields_cache.clear()  # bound fields copy the help text when first made
    if form.is_bound:
        form.data = form.data.copy()
        form.data["staged_upload"] = staged.token
    else:
        form.initial["staged_upload"] = staged.token


def use_staged(form, data):
    if data is not None and not data.get("uploaded_file") and form.staged is not None:
        data["uploaded_file"] = form.staged.open()
    return data


class WithdrawPaperForm(BaseForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for withdrawing the paper (shown publicly)",
        help_text="The agenda will say “Withdrawn on <today's date>: <this reason>”. "
        "For a paper of an exempt item, write nothing exempt: members read it.",
        error_messages={"required": "Enter the reason the paper is withdrawn."},
    )


class ReplaceDocumentForm(BaseForm):
    uploaded_file = forms.FileField(
        label="PDF file of the new version",
        error_messages={"required": "Choose the PDF of the new version."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="Leave as it is to keep the title."
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What changed in this version",
        help_text='Shown with the paper, for example "Corrected figures in table 2".',
    )
    staged_upload = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staged=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uploaded_file"].help_text = (
            f"PDF only, up to {filesizeformat(settings.MAX_UPLOAD_BYTES)}. The current version "
            "stays in the paper's history for officers; the public and the agenda packs get "
            "the new one."
        )
        keep_staged(self, staged)
        revalidate(self)

    def clean(self):
        return use_staged(self, super().clean())


class MovePaperForm(BaseForm):
    to_item = forms.TypedChoiceField(
        label="Move it to",
        coerce=int,
        error_messages={
            "required": "Choose the item to move the paper to.",
            # Only a tampered form can send another committee's item (attack finding 9).
            "invalid_choice": "Choose an item of this committee's meetings.",
        },
    )
    confirm_public = forms.BooleanField(
        required=False,
        label="I confirm: the paper may become public (it moves from an exempt or "
        "confidential item to an open one)",
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for item in targets:
            label = f"{item.number}: {item.title}"
            if item.is_private:
                label += " (exempt)" if item.is_exempt else " (confidential)"
            groups.setdefault(str(item.meeting), []).append((item.pk, label))
        self.fields["to_item"].choices = [("", "Choose an item")] + list(groups.items())
        revalidate(self)


class PublishForm(BaseForm):
    despatched_on = forms.DateField(
        required=False,
        label="Date the agenda was despatched, if not today",
        help_text="Only for a meeting that is already over, entered after the fact: the date "
        "its agenda was really published. The meeting page will say it was published on that "
        "date and entered here today. Leave empty to publish now.",
    )
    confirm_late = forms.BooleanField(
        required=False, label="I confirm the agenda is being published late"
    )
    late_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the agenda late? (recorded, and shown on the meeting page)",
    )
    confirm_unsigned = forms.BooleanField(
        required=False, label="I confirm the agenda is being published with unsigned reports"
    )

    def __init__(self, *args, warnings: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        if "confirm_late" not in warnings:
            del self.fields["confirm_late"]
            del self.fields["late_reason"]
        else:
            self.fields["confirm_late"].help_text = warnings["confirm_late"]
            if "already over" in warnings["confirm_late"]:
                self.fields[
                    "confirm_late"
                ].label = "I confirm the agenda is being published after the meeting"
                self.fields["late_reason"].label = (
                    "Why is the agenda published after the meeting? (recorded, and shown on "
                    "the meeting page)"
                )
        if "confirm_unsigned" not in warnings:
            del self.fields["confirm_unsigned"]
        else:
            self.fields["confirm_unsigned"].help_text = warnings["confirm_unsigned"]
        revalidate(self)


class NoticeForm(BaseForm):
    notice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notice for the public",
        error_messages={"required": "Enter the notice to show the public."},
    )


class StandardItemForm(BaseForm):
    position = forms.IntegerField(
        label="Position",
        required=False,
        min_value=1,
        max_value=99,
        help_text="1 for the first item. Change the numbers to change the order.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2"}),
    )
    title = forms.CharField(
        max_length=300,
        label="Title",
        error_messages={"required": "Enter a title, or tick “Remove this item from the list”."},
    )
    kind = forms.ChoiceField(
        choices=ItemKind.choices, label="Kind of item", initial=ItemKind.BUSINESS
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Description"
    )
    remove = forms.BooleanField(required=False, label="Remove this item from the list")

    def clean(self):
        data = super().clean()
        # An item being removed needs no title. (Empty extra rows are not checked at all.)
        if data.get("remove") and "title" in self._errors:
            del self._errors["title"]
        return data


class BaseStandardItemFormSet(forms.BaseFormSet):
    def ordered_items(self) -> list[dict]:
        """The rows with a title and not marked for removal, in the order of their
        positions (rows without one keep their place after the numbered ones)."""
        rows = [
            (f.cleaned_data.get("position") or 1000 + n, n, f.cleaned_data)
            for n, f in enumerate(self.forms)
            if f.cleaned_data.get("title", "").strip() and not f.cleaned_data.get("remove")
        ]
        return [
            {k: data.get(k, "") for k in ("kind", "title", "description")}
            for _, _, data in sorted(rows, key=lambda r: (r[0], r[1]))
        ]


StandardItemFormSet = forms.formset_factory(
    StandardItemForm, formset=BaseStandardItemFormSet, extra=3, max_num=40, validate_max=True
)


class ItemRowForm(BaseForm):
    """One row of "Add several items"."""

    title = forms.CharField(
        max_length=300,
        label="Title",
        error_messages={"required": "Enter the title of the item, or leave the whole row empty."},
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Description",
        help_text='Public. For example "To receive a report on…".',
    )
    contact_text = forms.CharField(max_length=300, required=False, label="Contact line")


_ItemRowFormSet = forms.formset_factory(ItemRowForm, extra=0, max_num=50, validate_max=True)


def ItemRowFormSet(*args, **kwargs):  # noqa: N802 (used like the formset class)
    """The rows of "Add several items": every row may stay empty (it is then ignored); a
    row with anything typed in it needs a title."""
    return _ItemRowFormSet(*args, form_kwargs={"empty_permitted": True}, **kwargs)


class SeveralItemsForm(BaseForm):
    """The part of "Add several items" that is not a row: pasted titles, and the chair's
    reasons for urgency once the agenda is published."""

    pasted = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Or paste titles, one per line",
        help_text="Each line becomes an ordinary item with that title, after the rows above. "
        "Add descriptions and contacts afterwards with Edit.",
    )
    urgency_reasons = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The chair's reasons for urgency",
        help_text="The agenda is already published: these items are late items and the "
        "reasons are shown publicly with each of them.",
    )

    def __init__(self, *args, late: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["urgency_reasons"]
        else:
            self.fields["urgency_reasons"].required = True
            self.fields["urgency_reasons"].error_messages["required"] = (
                "The agenda is already published: enter the chair's reasons for urgency."
            )
        revalidate(self)

    def pasted_titles(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("pasted", "").splitlines()
            if line.strip()
        ]


class GeneratedReportForm(BaseForm):
    title = forms.CharField(max_length=300)
    generator = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["generator"].choices = report_generators.choices()


# --- public filters ------------------------------------------------------------------------


def _month_choices():
    months = (
        Meeting.objects.annotate(month=TruncMonth("start"))
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )
    return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months if m]


class MeetingFilter(GovukFilterSet):
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.order_by("name"),
        empty_label="All committees",
        to_field_name="slug",
    )
    year = django_filters.ModelChoiceFilter(
        label="Municipal year",
        queryset=MunicipalYear.objects.order_by("-start_date"),
        to_field_name="name",
        empty_label="Any year",
        method="filter_year",
    )
    month = django_filters.ChoiceFilter(
        label="Month", choices=_month_choices, empty_label="Any month", method="filter_month"
    )

    class Meta:
        model = Meeting
        fields = ["committee", "year", "month"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(value)

    def filter_month(self, queryset, name, value):
        year, month = value.split("-")
        return queryset.filter(start__year=int(year), start__month=int(month))
