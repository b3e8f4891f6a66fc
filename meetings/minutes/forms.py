from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from meetings.minutes.models import (
    Action,
    ActionStatus,
    AttendanceKind,
    AttendanceStatus,
    InterestType,
    MinuteOutcome,
)
from meetings.models import AgendaItem, Meeting, MeetingStatus
from scrutiny import visibility
from scrutiny.forms import BaseForm, DateInput
from scrutiny.models import Committee, Person


def _revalidate(form) -> None:
    """``GovukFormMixin`` validates a bound form while styling widgets, before a subclass has
    set its querysets and extra fields: drop that result so validation runs again with them."""
    form._errors = None
    if form.is_bound:
        mark_errors(form)


def mark_errors(form) -> None:
    """Give fields with errors the GOV.UK error style (also after errors from a service)."""
    for name in form.errors:
        field = form.fields.get(name)
        if field is None or isinstance(field.widget, forms.RadioSelect | forms.CheckboxInput):
            continue
        css = field.widget.attrs.get("class", "")
        base = next((c for c in css.split() if c.startswith("govuk-")), "govuk-input")
        if f"{base}--error" not in css:
            field.widget.attrs["class"] = f"{css} {base}--error".strip()


class AttendanceForm(BaseForm):
    """One radio group per person on the attendance list; ``version`` guards the save."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            label = row.printed
            if row.kind != AttendanceKind.MEMBER:
                label += f" – {row.get_kind_display().lower()}"
            self.fields[f"status-{row.pk}"] = forms.ChoiceField(
                label=label,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                initial=row.status,
                error_messages={
                    "required": f"Mark {row.display_name} present, apologies or absent."
                },
            )
        _revalidate(self)

    def statuses(self) -> dict[int, str]:
        return {
            int(name.split("-", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("status-")
        }


class AttendeeForm(BaseForm):
    kind = forms.ChoiceField(
        label="How they attended",
        choices=[c for c in AttendanceKind.choices if c[0] != AttendanceKind.MEMBER],
        widget=forms.RadioSelect,
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True),
        required=False,
        help_text="Choose from the list, or type a name below.",
    )
    name = forms.CharField(required=False, max_length=200, label="Name (if not in the list)")
    role_text = forms.CharField(
        required=False,
        max_length=200,
        label="Role as printed in the minutes",
        help_text="For example: Cabinet Member – Children. Left blank: the person's job title.",
    )
    substitute_for = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Substituting for (substitutes only)",
    )
    status = forms.ChoiceField(
        choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT, widget=forms.RadioSelect
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["substitute_for"].queryset = members
        _revalidate(self)


class MinuteForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="What happened to the item",
        choices=MinuteOutcome.choices,
        widget=forms.RadioSelect,
        initial=MinuteOutcome.CONSIDERED,
    )
    text = forms.CharField(
        label="Minute",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Type paragraphs with a blank line between them; lines starting with a dash "
        "become a bulleted list. Simple HTML is kept (paragraphs, lists, bold, links).",
    )
    resolutions = forms.CharField(
        label="Resolutions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One resolution per paragraph, with a blank line between them, for example "
        "“That the report be noted.” They are numbered 1), 2)… in order.",
    )
    public_summary = forms.CharField(
        label="Public summary (s100C)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Exempt item: a summary for the public that reveals nothing exempt. Leave "
        "blank and the public sees only the reason for excluding them.",
    )

    def __init__(self, *args, private: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not private:
            del self.fields["public_summary"]
        _revalidate(self)


class DeclarationForm(BaseForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label="Member")
    interest_type = forms.ChoiceField(
        label="Type of interest", choices=InterestType.choices, widget=forms.RadioSelect
    )
    withdrew = forms.BooleanField(
        required=False, label="They withdrew from the meeting for this item"
    )
    description = forms.CharField(
        label="Brief description of the interest", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        _revalidate(self)


class ApproveForm(BaseForm):
    """Approve the previous meeting's minutes, optionally subject to up to two amendments."""

    amendment_1_minute = forms.IntegerField(
        required=False, min_value=1, label="Amendment: minute number"
    )
    amendment_1_before = forms.CharField(required=False, label="From (the words as they stand)")
    amendment_1_after = forms.CharField(required=False, label="To (the words that replace them)")
    amendment_2_minute = forms.IntegerField(
        required=False, min_value=1, label="Second amendment: minute number"
    )
    amendment_2_before = forms.CharField(required=False, label="From")
    amendment_2_after = forms.CharField(required=False, label="To")

    def clean(self):
        data = super().clean()
        for n in (1, 2):
            number = data.get(f"amendment_{n}_minute")
            before = (data.get(f"amendment_{n}_before") or "").strip()
            after = (data.get(f"amendment_{n}_after") or "").strip()
            if (before or after) and not number:
                self.add_error(f"amendment_{n}_minute", "Enter the number of the minute.")
            if number and not before:
                self.add_error(f"amendment_{n}_before", "Enter the words as they stand.")
        return data

    def amendments(self):
        from meetings.minutes.services import AmendmentInput

        out = []
        for n in (1, 2):
            number = self.cleaned_data.get(f"amendment_{n}_minute")
            if number:
                out.append(
                    AmendmentInput(
                        minute_number=number,
                        before=self.cleaned_data.get(f"amendment_{n}_before", ""),
                        after=self.cleaned_data.get(f"amendment_{n}_after", ""),
                    )
                )
        return out


class CorrectionForm(BaseForm):
    before = forms.CharField(label="From (the words as they stand)")
    after = forms.CharField(label="To (the corrected words)", required=False)
    reason = forms.CharField(
        label="Why the approved minutes are corrected", widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    committee = forms.ModelChoiceField(queryset=Committee.objects.all())
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    owner_person = forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True), required=False, label="Owner (a person)"
    )
    owner_text = forms.CharField(required=False, max_length=200, label="Owner (a service or team)")
    due_date = forms.DateField(required=False, widget=DateInput(), label="Due date")
    target_meeting = forms.ModelChoiceField(
        queryset=Meeting.all_objects.none(),
        required=False,
        label="Or: the meeting it should come back to",
    )
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    dealt_with_item = forms.ModelChoiceField(
        queryset=AgendaItem.all_objects.none(),
        required=False,
        label="Dealt with at (agenda item)",
    )
    is_public = forms.BooleanField(
        required=False, initial=True, label="Show this action to the public"
    )

    def __init__(self, *args, committee=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if committee is not None:
            self.fields["committee"].queryset = Committee.objects.filter(pk=committee.pk)
            self.fields["committee"].initial = committee.pk
            self.fields["target_meeting"].queryset = target_meeting_choices(committee)
            self.fields["dealt_with_item"].queryset = dealt_with_item_choices(committee)
            self.fields["dealt_with_item"].label_from_instance = lambda item: (
                f"{item.meeting.date:%-d %b %Y}: {item}"
            )
            self.fields["target_meeting"].label_from_instance = lambda m: (
                f"{m.date:%-d %B %Y}"
                if visibility.is_meeting_public(m)
                else f"{m.date:%-d %B %Y} (agenda not yet published: the public sees "
                f"“{Action.UNPUBLISHED_TARGET_TEXT}” until it is)"
            )
        if not editing:
            del self.fields["dealt_with_item"]
            del self.fields["status"]
        _revalidate(self)


def target_meeting_choices(committee):
    """Meetings an action may be due back at: the committee's published meetings, and its
    coming ones (not cancelled). Public pages name a coming meeting only once its agenda is
    published (``Action.shown_due_text``)."""
    return (
        Meeting.all_objects.filter(committee=committee)
        .filter(visibility.meeting_public() | Q(start__gte=timezone.now()))
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start")
    )


def dealt_with_item_choices(committee):
    """Agenda items an action may say it was dealt with at: public items (published agenda,
    neither exempt nor confidential) of the committee's meetings. A draft meeting's items are
    not offered, so the public action never names them."""
    return (
        AgendaItem.objects.linkable()
        .filter(meeting__committee=committee)
        .select_related("meeting")
        .order_by("meeting__start", "order")
    )


class ActionNoteForm(BaseForm):
    on = forms.DateField(widget=DateInput(), label="Date")
    text = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 3}))
