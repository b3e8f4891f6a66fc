"""The project's base forms: every form renders GOV.UK-style fields and an error summary."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from scrutiny.dates import validate_date_in_range
from scrutiny.models import Committee, Membership, MunicipalYear, Person

WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
}


class GovukBoundField(forms.BoundField):
    """A field that knows the ids of its hint and error message (the GOV.UK pattern).

    ``forms/field.html`` renders the hint as ``<field id>-hint`` and the errors as
    ``<field id>-error``; the widget's ``aria-describedby`` names exactly the ones rendered, so
    a screen reader reads the hint and the error with the field. This is the one place those
    ids are made: every project form (``GovukFormMixin``) and every filter form
    (``scrutiny.filters.GovukFilterSet``) use it."""

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint" if self.auto_id and self.help_text else ""

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error" if self.auto_id and self.errors else ""

    @property
    def aria_describedby(self):
        # An aria-describedby set on the widget by hand is kept, as Django does.
        if self.field.widget.attrs.get("aria-describedby") or self.is_hidden:
            return None
        return " ".join(ref for ref in (self.hint_id, self.error_id) if ref)


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on ``form``, the one way every view does it.

    An error about one of the form's fields goes on that field, where the user is; every other
    error (``__all__``, a field the form does not have, or a plain message with no field) goes
    on the form as a whole, shown at the top. Nothing is dropped and nothing raises."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# -- GOV.UK date input (issue 16, finding 8) ---------------------------------------------------
# Browsers' native date and datetime-local inputs follow the browser's locale (mm/dd/yyyy in an
# American-English browser) and read badly with screen readers. Every portal form uses the
# GOV.UK pattern instead: a fieldset whose legend is the field's label, the hint "For example,
# 27 3 2018", Day / Month / Year inputs and, for a date and time, a Time input ("14:00").
# ``GovukFormMixin`` turns every DateField and DateTimeField of a form into these, so no form
# has to ask. A single ISO value posted under the field's own name ("2017-10-09",
# "2017-10-09T10:00") is still accepted: API-like posts, scripts and tests keep working.

DATE_PARTS = ("day", "month", "year")
DATE_EXAMPLE = "For example, 27 3 2018"
TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?$", re.I)


class GovukDateInput(forms.Widget):
    """Day, Month and Year inputs (and Time for ``with_time``), named ``<name>_day`` and so
    on, rendered by ``forms/widgets/govuk_date.html``; ``forms/field.html`` puts them in a
    fieldset with the legend, hint and error."""

    template_name = "forms/widgets/govuk_date.html"
    use_fieldset = True
    with_time = False

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.error_parts: tuple[str, ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        return (*DATE_PARTS, "time") if self.with_time else DATE_PARTS

    def value_from_datadict(self, data, files, name):
        if data.get(name):  # one ISO value
            return data.get(name)
        values = {part: (data.get(f"{name}_{part}") or "").strip() for part in self.parts}
        return values if any(values.values()) else None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{part}" in data for part in self.parts)

    def id_for_label(self, id_):
        # The error summary links to the first part that is wrong (GOV.UK).
        return f"{id_}_{(self.error_parts or self.parts)[0]}" if id_ else id_

    def split(self, value) -> dict[str, str]:
        if isinstance(value, dict):
            return {part: value.get(part, "") for part in self.parts}
        if isinstance(value, str) and value:
            try:
                value = (
                    dt.datetime.fromisoformat(value)
                    if self.with_time
                    else dt.date.fromisoformat(value)
                )
            except ValueError:
                # Not a date (an old bookmark "2017-02-31", a hand-edited link): show what was
                # sent in the boxes, so the error beside them says what is wrong with it.
                return self._loose_parts(value)
        if isinstance(value, dt.date):
            parts = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
            if self.with_time:
                parts["time"] = value.strftime("%H:%M") if isinstance(value, dt.datetime) else ""
            return parts
        return dict.fromkeys(self.parts, "")

    def _loose_parts(self, value: str) -> dict[str, str]:
        parts = dict.fromkeys(self.parts, "")
        date, _, time = value.strip().partition("T")
        pieces = date.split("-", 2)
        if len(pieces) == 3:
            parts["year"], parts["month"], parts["day"] = pieces
        else:
            parts["day"] = value
        if self.with_time:
            parts["time"] = time
        return parts

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = self.split(value)
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        widths = {"day": 2, "month": 2, "year": 4, "time": 5}
        context["widget"]["parts"] = [
            {
                "name": f"{name}_{part}",
                "id": f"{base_id}_{part}",
                "label": part.capitalize(),
                "value": values[part],
                "width": widths[part],
                "inputmode": "numeric" if part != "time" else "text",
                "error": part in self.error_parts,
            }
            for part in self.parts
        ]
        context["widget"]["disabled"] = context["widget"]["attrs"].get("disabled", False)
        return context


class GovukDateTimeInput(GovukDateInput):
    with_time = True


def _date_from_parts(field, parts: dict[str, str]):
    """A date (or naive datetime) from the parts typed, or a ValidationError that says which
    part is missing or wrong, in the GOV.UK words ("Start date must include a month")."""
    widget = field.widget
    label = field.label or "Date"
    missing = [part for part in widget.parts if not parts.get(part)]
    widget.error_parts = tuple(missing)
    if missing:
        names = [("a time" if part == "time" else part) for part in missing]
        if names[0] != "a time":
            names[0] = f"a {names[0]}"
        raise ValidationError(f"{label} must include {' and '.join(names)}", code="incomplete")
    numbers = {}
    for part in DATE_PARTS:
        # Not str.isdigit(): it accepts "²", which int() refuses (a 500, not a message).
        if not re.fullmatch(r"\d+", parts[part]):
            widget.error_parts = (part,)
            raise ValidationError(f"{label} must be a real date", code="invalid")
        numbers[part] = int(parts[part])
    if len(parts["year"]) != 4:
        widget.error_parts = ("year",)
        raise ValidationError(f"{label}: the year must include 4 numbers", code="invalid")
    try:
        day = dt.date(numbers["year"], numbers["month"], numbers["day"])
    except (ValueError, OverflowError):  # 31 2 2018; a day of 20 digits overflows
        widget.error_parts = DATE_PARTS
        raise ValidationError(f"{label} must be a real date", code="invalid") from None
    if not widget.with_time:
        return day
    match = TIME.match(parts["time"].replace(" ", ""))
    hour = int(match.group(1)) if match else -1
    minute = int(match.group(2) or 0) if match else -1
    if match and match.group(3):
        if not 1 <= hour <= 12:
            hour = -1
        else:
            hour = hour % 12 + (12 if match.group(3).lower().startswith("p") else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        widget.error_parts = ("time",)
        raise ValidationError(
            f"{label} must include a real time, like 14:00 (24-hour clock)", code="invalid"
        )
    return dt.datetime.combine(day, dt.time(hour, minute))


def _parts_or_iso(field, value, base):
    """``to_python`` for the GOV.UK date fields: the parts typed, or one ISO value (an old
    bookmark such as ``?date_from=2017-01-01``, a script). An ISO value that is not a date gets
    the same words as a wrong part ("Meetings from must be a real date"), unless the form gave
    the field its own message."""
    field.widget.error_parts = ()
    if isinstance(value, dict):
        value = _date_from_parts(field, value)
    try:
        return base.to_python(field, value)
    except ValidationError as exc:
        if exc.code == "ambiguous_timezone":
            # 01.30 on the night the clocks go forward does not exist (and on the night they go
            # back it happens twice): say so in words, on the Time box, not Django's
            # "2017-03-26 01:30:00 couldn't be interpreted in time zone Europe/London".
            field.widget.error_parts = ("time",)
            raise ValidationError(
                f"{field.label or 'Date'} must include a time that happens once on that day "
                "(the clocks change that night): choose another time",
                code="ambiguous_timezone",
            ) from None
        stock = base.default_error_messages["invalid"]
        if exc.code != "invalid" or field.error_messages["invalid"] != stock:
            raise
        field.widget.error_parts = field.widget.parts
        real = "a real date and time" if field.widget.with_time else "a real date"
        raise ValidationError(f"{field.label or 'Date'} must be {real}", code="invalid") from None


class GovukDateField(forms.DateField):
    """A date typed as Day, Month and Year (or posted as one ISO value)."""

    widget = GovukDateInput

    def to_python(self, value):
        return _parts_or_iso(self, value, forms.DateField)


class GovukDateTimeField(forms.DateTimeField):
    """A date and a time typed as Day, Month, Year and Time (or posted as one ISO value)."""

    widget = GovukDateTimeInput

    def to_python(self, value):
        return _parts_or_iso(self, value, forms.DateTimeField)


def as_govuk_date(field):
    """The same field as a GOV.UK date input: label, help text, requiredness, initial, error
    messages and validators are kept; a hidden date stays hidden."""
    if isinstance(field, GovukDateField | GovukDateTimeField) or field.widget.is_hidden:
        return field
    if type(field) is forms.DateTimeField:
        field.__class__, widget = GovukDateTimeField, GovukDateTimeInput()
        example = f"{DATE_EXAMPLE}, 14:00"
    elif type(field) is forms.DateField:
        field.__class__, widget = GovukDateField, GovukDateInput()
        example = DATE_EXAMPLE
    else:
        return field
    widget.is_required = field.required
    field.widget = widget
    field.help_text = f"{field.help_text} {example}".strip() if field.help_text else example
    return field


class GovukFormMixin:
    """Adds GOV.UK classes to widgets and renders with ``forms/govuk.html``."""

    template_name = "forms/govuk.html"
    bound_field_class = GovukBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Dates typed as Day / Month / Year (+ Time): the GOV.UK date input, on every form
            # (the browser's own date input is used nowhere: issue 16).
            as_govuk_date(field)
            if isinstance(field, forms.DateField | forms.DateTimeField):
                # Every date anyone can type is bounded (scrutiny.dates).
                field.validators.append(validate_date_in_range)
            if not isinstance(field.widget, GovukDateInput):
                self._style_widget(field.widget)

    @staticmethod
    def _style_widget(widget) -> None:
        css = WIDGET_CLASSES.get(type(widget), "govuk-input")
        if css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def get_context(self):
        # Error styling is added when the form is rendered, never in __init__: reading
        # self.errors there would validate the form before subclasses finish setting it up.
        if self.is_bound:
            for name in self.errors:
                if name not in self.fields:
                    continue
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "")
                base = next(
                    (c for c in ("govuk-input", "govuk-select", "govuk-textarea") if c in classes),
                    None,
                )
                if base and f"{base}--error" not in classes:
                    widget.attrs["class"] = f"{classes} {base}--error"
        return super().get_context()

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) pairs for the error summary, fields first."""
        items: list[tuple[str, str]] = []
        if not self.is_bound:
            return items
        for error in self.non_field_errors():
            items.append(("", error))
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            anchor = self[name].id_for_label if name in self.fields else ""
            for error in errors:
                items.append((anchor, error))
        return items


class BaseForm(GovukFormMixin, forms.Form):
    pass


class BaseModelForm(GovukFormMixin, forms.ModelForm):
    pass


class CommitteeForm(BaseModelForm):
    class Meta:
        model = Committee
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "purpose",
            "terms_of_reference",
            "contact_officer",
            "start_date",
            "end_date",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_officer"].queryset = Person.objects.filter(kind=Person.Kind.OFFICER)
        if self.instance.pk:
            self.fields["parent"].queryset = Committee.objects.exclude(pk=self.instance.pk)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        parent = data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                self.add_error("parent", "A committee cannot sit under itself.")
                break
            node = node.parent
        return data


class PersonForm(BaseModelForm):
    class Meta:
        model = Person
        fields = [
            "kind",
            "honorific",
            "name",
            "party",
            "ward",
            "job_title",
            "service",
            "organisation",
            "email",
            "email_consent",
            "phone",
            "is_active",
        ]
        help_texts = {"ward": "Leave blank for a co-optee, or if the ward is not known yet."}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # The ward is optional for everyone: co-optees have none, and a councillor's may not
        # be known yet when they are entered.
        if kind == Person.Kind.OFFICER and not data.get("job_title"):
            self.add_error("job_title", "Enter the officer's job title.")
        return data


class MunicipalYearForm(BaseModelForm):
    class Meta:
        model = MunicipalYear
        fields = ["name", "start_date", "end_date"]
        help_texts = {"start_date": "The day of the annual meeting in May."}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end <= start:
                self.add_error("end_date", "The end date must be after the start date.")
            else:
                clash = MunicipalYear.objects.filter(start_date__lte=end, end_date__gte=start)
                if self.instance.pk:
                    clash = clash.exclude(pk=self.instance.pk)
                if clash.exists():
                    raise ValidationError(
                        f"These dates overlap the municipal year {clash.first().name}."
                    )
        return data


class MembershipForm(BaseModelForm):
    class Meta:
        model = Membership
        fields = ["person", "committee", "role", "start_date", "end_date", "voting", "notes"]
        error_messages = {
            "committee": {"required": "Choose the committee this membership is of."},
            "person": {"required": "Choose the person."},
            "start_date": {"required": "Enter the date the membership starts."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.exclude(kind=Person.Kind.OFFICER)
        self.fields["committee"].queryset = Committee.objects.all()


class LoginForm(AuthenticationForm):
    """Django's sign-in form sets ``max_length`` on the username after the field is built, so
    the length is never checked and any username reaches ``authenticate()``, where
    django-axes writes it into a varchar(255) (a 500 on PostgreSQL). Checked here first.

    Its fields are written out by hand in ``registration/login.html`` (autocomplete, widths),
    with the same hint and error ids as every other form (``GovukBoundField``)."""

    bound_field_class = GovukBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.fields["username"].max_length
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, f"Enter a username of at most {limit} characters.")
        )
