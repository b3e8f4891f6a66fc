from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from meetings.minutes.models import (
    REGISTER_SUBSTITUTE,
    Action,
    ActionStatus,
    Attendance,
    AttendanceKind,
    AttendanceStatus,
    InterestType,
    MinuteOutcome,
)
from meetings.minutes.services import REGISTER_CHOICES, MemberMark, OtherAttendee
from meetings.models import AgendaItem, Meeting, MeetingStatus
from scrutiny import visibility
from scrutiny.forms import BaseForm
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


OTHER_KIND_CHOICES = [
    (AttendanceKind.IN_ATTENDANCE, "In attendance"),
    (AttendanceKind.OTHER_PRESENT, "Also present"),
    (AttendanceKind.OBSERVER, "Observer"),
]
# Empty "others in attendance" rows offered under the saved ones; more at once: paste lines.
REGISTER_BLANK_ROWS = 5
REGISTER_MAX_ROWS = 300


class AttendanceRegisterForm(BaseForm):
    """The whole register of a meeting in one form: a mark (and a substitute) for every
    expected member, the others in attendance as rows, and "Name – Role" lines to paste."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    others_count = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=REGISTER_MAX_ROWS
    )
    others_text = forms.CharField(
        label="Paste others in attendance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="One person a line, as Name – Role, for example “Jane Smith – Head of "
        "Education”. “Jane Smith, Head of Education”, “Jane Smith (Head of Education)” and "
        "rows copied from a Word or Excel table (name in the first column) work too; blank "
        "lines are ignored.",
    )
    others_kind = forms.ChoiceField(
        label="The pasted people attended as",
        choices=OTHER_KIND_CHOICES,
        initial=AttendanceKind.IN_ATTENDANCE,
    )

    def __init__(self, *args, register, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        saved = {r.pk: r for r in register.others}
        sub_choices = [("", "Choose who substituted")] + [
            (str(pk), label) for pk, label in register.substitute_choices
        ]
        known = {pk for pk, _ in register.substitute_choices}
        for m in register.members:
            name = m.person.display_name
            self.fields[f"member-{m.person.pk}"] = forms.ChoiceField(
                label=name + (f" ({m.role_text})" if m.role_text else ""),
                choices=REGISTER_CHOICES,
                initial=m.mark,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Mark {name} present, apologies, absent or substitute."
                },
            )
            choices = sub_choices
            if m.substitute_id and m.substitute_id not in known:
                choices = [*sub_choices, (str(m.substitute_id), "(their saved substitute)")]
            self.fields[f"sub-{m.person.pk}"] = forms.ChoiceField(
                label=f"Substitute for {name}",
                choices=choices,
                required=False,
                initial=str(m.substitute_id or ""),
                error_messages={
                    "invalid_choice": f"Choose {name}'s substitute from the list (a member "
                    "at this meeting cannot also substitute)."
                },
            )
        if self.is_bound:
            try:
                count = int(self.data.get("others_count", 0))
            except (TypeError, ValueError):
                count = 0
            count = max(0, min(count, REGISTER_MAX_ROWS))
        else:
            count = len(register.others) + REGISTER_BLANK_ROWS
        self.fields["others_count"].initial = count
        self.other_keys: list[tuple[str, Attendance | None]] = []
        others = list(register.others)
        for i in range(count):
            key = f"other-{i}"
            row = None
            if self.is_bound:
                raw = self.data.get(f"{key}-id")
                row = (
                    saved.get(int(raw))
                    if raw and str(raw).isascii() and str(raw).isdigit()
                    else None
                )
            elif i < len(others):
                row = others[i]
            self.other_keys.append((key, row))
            self.fields[f"{key}-id"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=row.pk if row else None
            )
            self.fields[f"{key}-name"] = forms.CharField(
                label="Name",
                max_length=200,
                required=False,
                initial=row.display_name if row else "",
                disabled=bool(row and row.person_id),
            )
            self.fields[f"{key}-role"] = forms.CharField(
                label="Role", max_length=200, required=False, initial=row.role_text if row else ""
            )
            self.fields[f"{key}-kind"] = forms.ChoiceField(
                label="Attended as",
                choices=OTHER_KIND_CHOICES,
                initial=row.kind if row else AttendanceKind.IN_ATTENDANCE,
            )
            if row is not None:
                self.fields[f"{key}-remove"] = forms.BooleanField(label="Remove", required=False)
        for field in self.fields.values():  # the fields added here get the GOV.UK classes too
            self._style_widget(field.widget)
        _revalidate(self)

    def member_rows(self):
        """(member, status field, substitute field) for the template."""
        return [
            (m, self[f"member-{m.person.pk}"], self[f"sub-{m.person.pk}"])
            for m in self.register.members
        ]

    def other_rows(self):
        rows = []
        for key, row in self.other_keys:
            rows.append(
                {
                    "key": key,
                    "row": row,
                    "id": self[f"{key}-id"],
                    "name": self[f"{key}-name"],
                    "role": self[f"{key}-role"],
                    "kind": self[f"{key}-kind"],
                    "remove": self[f"{key}-remove"] if row is not None else None,
                }
            )
        return rows

    def marks(self, people: dict[int, Person]) -> list[MemberMark]:
        data = self.cleaned_data
        marks = []
        for m in self.register.members:
            sub = data.get(f"sub-{m.person.pk}") or ""
            marks.append(
                MemberMark(
                    person_id=m.person.pk,
                    status=data[f"member-{m.person.pk}"],
                    substitute=people.get(int(sub)) if sub.isascii() and sub.isdigit() else None,
                )
            )
        return marks

    def substitute_ids(self) -> set[int]:
        ids = set()
        for m in self.register.members:
            sub = self.cleaned_data.get(f"sub-{m.person.pk}") or ""
            if self.cleaned_data.get(f"member-{m.person.pk}") == REGISTER_SUBSTITUTE and sub:
                ids.add(int(sub))
        return ids

    def others(self) -> list[OtherAttendee]:
        data = self.cleaned_data
        entries = []
        for key, row in self.other_keys:
            entries.append(
                OtherAttendee(
                    name=(row.display_name if row and row.person_id else data[f"{key}-name"]),
                    role_text=data[f"{key}-role"],
                    kind=data[f"{key}-kind"],
                    pk=row.pk if row else None,
                    remove=bool(data.get(f"{key}-remove")),
                    key=key,
                )
            )
        return entries


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
    due_date = forms.DateField(required=False, label="Due date")
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
    on = forms.DateField(label="Date")
    text = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 3}))
