"""The constitution's rules for committee business (issue 21, item 4): reads and the one write.

The settings live in one ``Constitution`` row (``scrutiny.models``) whose history
(django-simple-history) is the audit trail: every save names the administrator who made it
(``records_by``) and the page shows the latest changes. Each rule is read where it is
applied, through the small functions here, so a changed setting changes the behaviour from
the next request on:

- ``standard_items()``: a new meeting's opening items, for committees without their own list
  (``meetings.services.standard_items_for``);
- ``meeting_defaults()``: venue, start and end times of a new meeting
  (``meetings.services.create_meeting`` and the new meeting form);
- ``report_deadline_working_days()`` (``create_meeting``);
- ``publication_clear_days()``: the clear working days the publication warnings ask for;
- ``minute_numbering()`` (``meetings.minutes.services.number_minutes``);
- ``officer_session_seconds()`` (``scrutiny.session_timeout``).

Rules already kept elsewhere are not copied here: the key-decision thresholds and the call-in
rules stay in ``decisions.models.DecisionSettings`` and reach the constitution page through
``scrutiny.extensions.constitution_panels``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.audit import history_records, records_by
from scrutiny.conflicts import check_version
from scrutiny.models import Constitution

# The fields the settings page edits (the standard items have a page of their own, whose
# kinds of item the meetings app knows).
FIELDS = (
    "default_venue",
    "default_start_time",
    "default_end_time",
    "report_deadline_working_days",
    "publication_clear_days",
    "minute_numbering",
    "officer_session_minutes",
)
LONGEST_DEADLINE_DAYS = 60
LONGEST_PUBLICATION_DAYS = 30


def current() -> Constitution:
    """The settings. Read once for the whole of a bulk import (``scrutiny.bulk``), which
    asks for them several times a meeting; an import takes them as they were when it began."""
    from scrutiny import bulk

    return bulk.remembered("constitution", Constitution.current)


def standard_items() -> list[dict[str, str]] | None:
    """The council's standard opening items, or None for the portal's built-in list."""
    items = current().standard_items
    return [dict(i) for i in items] if items is not None else None


@dataclass(frozen=True)
class MeetingDefaults:
    venue: str
    start_time: dt.time | None
    end_time: dt.time | None


def meeting_defaults() -> MeetingDefaults:
    row = current()
    return MeetingDefaults(
        venue=row.default_venue, start_time=row.default_start_time, end_time=row.default_end_time
    )


def report_deadline_working_days() -> int | None:
    return current().report_deadline_working_days


def publication_clear_days() -> int:
    return current().publication_clear_days


def minute_numbering() -> str:
    return current().minute_numbering


def officer_session_seconds() -> int:
    """How long an officer's or administrator's sign-in lasts: the constitution's setting,
    else the server's ``SESSION_COOKIE_AGE``."""
    minutes = current().officer_session_minutes
    return minutes * 60 if minutes else settings.SESSION_COOKIE_AGE


def _validate(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    days = fields.get("publication_clear_days")
    if days is None or days < Constitution.LEGAL_CLEAR_DAYS:
        errors["publication_clear_days"] = [
            "Enter at least 5: the law asks for five clear working days (Local Government "
            "Act 1972 s100B)."
        ]
    elif days > LONGEST_PUBLICATION_DAYS:
        errors["publication_clear_days"] = [
            f"Enter {LONGEST_PUBLICATION_DAYS} clear working days or fewer."
        ]
    deadline = fields.get("report_deadline_working_days")
    if deadline is not None and not 1 <= deadline <= LONGEST_DEADLINE_DAYS:
        errors["report_deadline_working_days"] = [
            f"Enter a number of working days from 1 to {LONGEST_DEADLINE_DAYS}, or leave it "
            "empty for officers to enter each deadline."
        ]
    minutes = fields.get("officer_session_minutes")
    if minutes is not None and not (
        Constitution.SHORTEST_SESSION_MINUTES <= minutes <= Constitution.LONGEST_SESSION_MINUTES
    ):
        errors["officer_session_minutes"] = [
            "Enter a sign-in length from 15 minutes to 1,440 minutes (24 hours), or leave it "
            "empty for the server's setting."
        ]
    start, end = fields.get("default_start_time"), fields.get("default_end_time")
    if start is not None and end is not None and end <= start:
        errors["default_end_time"] = ["The end time must be after the start time."]
    if fields.get("minute_numbering") not in Constitution.MinuteNumbering.values:
        errors["minute_numbering"] = ["Choose how minutes are numbered."]
    if errors:
        raise ValidationError(errors)


def _save(row: Constitution, expected_version: int | None) -> Constitution:
    if expected_version is not None and row.pk is not None:
        check_version(row.version, expected_version)
    row.version += 1 if row.pk is not None else 0
    row.full_clean()
    row.save()
    return row


def _locked() -> Constitution:
    return Constitution.objects.select_for_update().filter(singleton=1).first() or Constitution()


@records_by
@transaction.atomic
def save_constitution(*, by, expected_version: int | None = None, **fields: Any) -> Constitution:
    """Save the rules the settings page edits (``FIELDS``); refused with field messages when
    a rule is out of range, and with the conflict message when another administrator saved
    since the page was opened."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"save_constitution() got unexpected fields {sorted(unknown)}")
    row = _locked()
    merged = {name: getattr(row, name) for name in FIELDS} | fields
    if isinstance(merged.get("default_venue"), str):
        merged["default_venue"] = merged["default_venue"].strip()
    _validate(merged)
    for name, value in merged.items():
        setattr(row, name, value)
    return _save(row, expected_version)


@records_by
@transaction.atomic
def save_standard_items(*, items: list[dict[str, str]] | None, by) -> Constitution:
    """The council's standard opening items (already checked by the meetings app, which
    knows the kinds of item); None goes back to the built-in list."""
    row = _locked()
    row.standard_items = [dict(i) for i in items] if items is not None else None
    return _save(row, None)


def changes(limit: int = 20):
    """The latest saved versions of the settings, newest first, each with what changed."""
    from scrutiny.audit import describe

    row = Constitution.objects.filter(singleton=1).first()
    if row is None:
        return []
    records = list(history_records(Constitution, row.pk)[: limit + 1])
    older = records[limit] if len(records) > limit else None
    return describe(records[:limit], Constitution, older)
