"""Working-day arithmetic for the access-to-information rules (Local Government Act 1972
s100B): an agenda must be open to the public five *clear* working days before the meeting.

Clear days exclude the day of publication and the day of the meeting; working days exclude
Saturdays, Sundays and the bank holidays of England and Wales (the ``holidays`` package,
subdivision ENG, which follows the gov.uk list including substitute days).

Pure functions of dates: no database, no clock.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

# The law's number (s100B); the council's own, which may be more, is the constitution
# settings' ``publication_clear_days`` (``scrutiny.constitution.publication_clear_days``).
CLEAR_WORKING_DAYS = 5
ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def clear_working_days(published: dt.date, meeting: dt.date, at_most: int | None = None) -> int:
    """Working days strictly between ``published`` and ``meeting`` (0 if none or reversed).

    With ``at_most`` the count stops there: callers that only compare with the legal
    minimum need not walk the days to a meeting stored thousands of years ahead."""
    count = 0
    day = published
    while (at_most is None or count < at_most) and day < meeting:
        if day == dt.date.max:
            break
        day += ONE_DAY
        if day < meeting and is_working_day(day):
            count += 1
    return count


def latest_publication_date(meeting: dt.date, clear_days: int = CLEAR_WORKING_DAYS) -> dt.date:
    """The last day on which the agenda can be published and still be in time
    (``date.min`` when no day is early enough, for a meeting stored at the start of the
    calendar: any date must be answerable, whatever was saved)."""
    day = meeting
    found = 0
    while found < clear_days:
        if day == dt.date.min:
            return dt.date.min
        day -= ONE_DAY
        if is_working_day(day):
            found += 1
    return dt.date.min if day == dt.date.min else day - ONE_DAY


def is_in_time(published: dt.date, meeting: dt.date, clear_days: int = CLEAR_WORKING_DAYS) -> bool:
    return clear_working_days(published, meeting, at_most=clear_days) >= clear_days


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days before ``day`` (a report deadline of "ten
    working days before the meeting"); ``date.min`` if the calendar runs out first."""
    found = 0
    while found < count:
        if day == dt.date.min:
            return dt.date.min
        day -= ONE_DAY
        if is_working_day(day):
            found += 1
    return day
