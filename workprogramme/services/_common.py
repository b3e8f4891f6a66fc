"""What the work programme services share: the optimistic version check and row lock,
numbering within a parent, and the common field checks.

Each versioned record carries a ``version``: an update names the version the officer started
from and is refused (``scrutiny.conflicts``) if someone saved in between. Numbers are unique
within their parent; the message says which number is taken.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.text import slugify

from scrutiny.conflicts import check_version
from workprogramme.models import today

# Inspection and review recommendations are numbered alike and refused alike.
REC_TAKEN = "Recommendation {number} already exists; choose another number."


def check_record_version(obj, expected_version: int | None) -> None:
    check_version(obj.version, expected_version)


def locked(obj, expected_version: int | None):
    """The row again, locked for this transaction, after the optimistic version check."""
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    check_record_version(fresh, expected_version)
    return fresh


def apply_fields(obj, fields: dict[str, Any]):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save()
    return obj


def next_number(siblings) -> int:
    return (siblings.aggregate(n=Max("number"))["n"] or 0) + 1


def check_number(siblings, number: int | None, message: str, *, exclude=None) -> int:
    """``number`` (or the next free one if None) after checking no sibling has it."""
    if number is None:
        return next_number(siblings)
    if number < 1:
        raise ValidationError({"number": "Enter a number of 1 or more."})
    taken = siblings.filter(number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"number": message.format(number=number)})
    return number


def require(errors: dict[str, str], **values: str) -> None:
    labels = {
        "title": "Enter the title.",
        "text": "Enter the text.",
        "target": "Enter the target, for example 70%.",
    }
    for name, value in values.items():
        if not (value or "").strip():
            errors[name] = labels.get(name, "This field is required.")


def check_period(errors: dict[str, str], start, end, *, end_field: str, message: str) -> None:
    if start and end and end < start:
        errors[end_field] = message


def unique_slug(model, slug: str, title: str) -> str:
    """A new record's web address name. It never changes afterwards: links, and agenda
    reports that print a tracker (``generator_params["key"]``), cite it."""
    slug = slugify(slug or title)[:100]
    if not slug:
        raise ValidationError({"slug": "Enter a web address name (letters, numbers, hyphens)."})
    if model.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"“{slug}” is already used; choose another."})
    return slug


def not_future(errors: dict[str, str], field: str, value: dt.date | None, what: str) -> None:
    if value and value > today():
        errors[field] = f"{what} cannot be in the future."
