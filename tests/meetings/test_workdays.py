"""The five clear working days rule, table-tested across weekends and bank holidays."""

import datetime as dt

import pytest

from meetings import workdays

D = dt.date


@pytest.mark.parametrize(
    ("published", "meeting", "clear"),
    [
        # Seed 000: published Friday 29 September for Monday 9 October 2017.
        (D(2017, 9, 29), D(2017, 10, 9), 5),
        (D(2017, 10, 2), D(2017, 10, 9), 4),
        # Weekends never count; neither does the day of publication or of the meeting.
        (D(2017, 10, 6), D(2017, 10, 9), 0),
        (D(2017, 10, 5), D(2017, 10, 9), 1),
        # Easter 2017: Good Friday 14 April and Easter Monday 17 April.
        (D(2017, 4, 10), D(2017, 4, 20), 5),
        (D(2017, 4, 11), D(2017, 4, 20), 4),
        # Christmas 2017: Monday 25 and Tuesday 26 December.
        (D(2017, 12, 19), D(2017, 12, 29), 5),
        (D(2017, 12, 20), D(2017, 12, 29), 4),
        # Christmas 2021 falls at a weekend: substitute days Monday 27 and Tuesday 28.
        (D(2021, 12, 20), D(2021, 12, 30), 5),
        (D(2021, 12, 21), D(2021, 12, 30), 4),
        # Across the new year: 1 January 2018 was a Monday bank holiday.
        (D(2017, 12, 27), D(2018, 1, 5), 5),
        (D(2017, 12, 28), D(2018, 1, 5), 4),
        # Same day and reversed dates give nothing.
        (D(2017, 10, 9), D(2017, 10, 9), 0),
        (D(2017, 10, 10), D(2017, 10, 9), 0),
    ],
)
def test_clear_working_days(published, meeting, clear):
    assert workdays.clear_working_days(published, meeting) == clear
    assert workdays.is_in_time(published, meeting) is (clear >= 5)


@pytest.mark.parametrize(
    ("meeting", "latest"),
    [
        (D(2017, 10, 9), D(2017, 10, 1)),  # a Sunday still leaves Mon–Fri clear
        (D(2017, 4, 20), D(2017, 4, 10)),  # Easter
        (D(2017, 12, 29), D(2017, 12, 19)),  # Christmas and Boxing Day
        (D(2021, 12, 30), D(2021, 12, 20)),  # substitute days
        (D(2018, 1, 5), D(2017, 12, 27)),  # Christmas, Boxing Day and New Year's Day
    ],
)
def test_latest_publication_date(meeting, latest):
    assert workdays.latest_publication_date(meeting) == latest
    assert workdays.is_in_time(latest, meeting)
    assert not workdays.is_in_time(latest + dt.timedelta(days=1), meeting) or (
        not workdays.is_working_day(latest + dt.timedelta(days=1))
    )


def test_bank_holidays_come_from_the_holidays_package():
    assert workdays.bank_holiday_name(D(2017, 4, 14)) == "Good Friday"
    assert not workdays.is_working_day(D(2017, 8, 28))  # Late Summer Bank Holiday
    assert not workdays.is_working_day(D(2017, 10, 7))  # Saturday
    assert workdays.is_working_day(D(2017, 10, 9))
