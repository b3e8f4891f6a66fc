"""The range of dates the portal accepts from anyone who types one (issue 14).

A meeting, a deadline, a filter: nothing the portal deals with lies before 1900 or after 2200.
Outside that range dates break arithmetic (``date.min - 1 day``), time-zone conversion (year 1
in Europe/London is before the 1847 switch to GMT) and calendar files, so they are refused
where they are entered: every date field of every portal form (``GovukFormMixin`` adds
:func:`validate_date_in_range`) and the services that write dates.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)


def in_range(value: dt.date | dt.datetime | None) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST <= day <= LATEST


def clock(value: dt.datetime | None = None) -> str:
    """A time of day as the portal writes it everywhere ("11.02 p.m.", the templates'
    ``date:"g.i a"``), in local time; now if no value is given."""
    from django.utils import dateformat, timezone

    return dateformat.format(timezone.localtime(value), "g.i a")


def range_message() -> str:
    return f"Enter a date between {EARLIEST.year} and {LATEST.year}."


def validate_date_in_range(value) -> None:
    if not in_range(value):
        raise ValidationError(range_message(), code="date_out_of_range")
