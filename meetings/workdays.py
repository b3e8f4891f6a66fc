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

CLEAR_WORKING_DAYS = 5
ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def clear_working_days(published: dt.date, meeting: dt.date) -> int:
    """Working days strictly between ``published`` and ``meeting`` (0 if none or reversed)."""
    count = 0
    day = published + ONE_DAY
    while day < meeting:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


def latest_publication_date(meeting: dt.date, clear_days: int = CLEAR_WORKING_DAYS) -> dt.date:
    """The last day on which the agenda can be published and still be in time."""
    day = meeting - ONE_DAY
    found = 0
    while found < clear_days:
        if is_working_day(day):
            found += 1
        day -= ONE_DAY
    return day


def is_in_time(published: dt.date, meeting: dt.date, clear_days: int = CLEAR_WORKING_DAYS) -> bool:
    return clear_working_days(published, meeting) >= clear_days
