"""Date arithmetic that survives whatever is stored.

A date column holds anything from 0001-01-01 to 9999-12-31, and forms have not always bounded
what could be typed. ``day + timedelta(...)`` raises OverflowError past either end, and a span
of thousands of years is not a plan but a typo, so:

* ``add_days`` / ``add_weeks`` / ``add_to_moment`` stop at the first or last representable
  day (or instant) instead of raising;
* ``FARTHEST_YEARS``: how far from today a date can be before it is "out of range": charts
  draw at most that far either side of today, and a span of more weeks than that is shown as
  ``OUT_OF_RANGE`` rather than as a number nobody can act on.
"""

import datetime

FARTHEST_YEARS = 15
FARTHEST_WEEKS = round(FARTHEST_YEARS * 365.25 / 7)  # 783
OUT_OF_RANGE = "out of range"

FIRST_ORDINAL = datetime.date.min.toordinal()
LAST_ORDINAL = datetime.date.max.toordinal()


def add_days(day, days):
    """`day` plus `days` (any number, rounded to whole days), held at date.min / date.max."""
    ordinal = day.toordinal() + round(days)
    return datetime.date.fromordinal(min(max(ordinal, FIRST_ORDINAL), LAST_ORDINAL))


def add_weeks(day, weeks):
    return add_days(day, 7 * weeks)


EARLIEST_MOMENT = datetime.datetime.min.replace(tzinfo=datetime.UTC) + datetime.timedelta(days=1)
LATEST_MOMENT = datetime.datetime.max.replace(tzinfo=datetime.UTC) - datetime.timedelta(days=1)


def add_minutes(moment, minutes):
    """`moment` (an aware datetime) plus `minutes` (any number), held a day inside the ends of
    the calendar, so that showing it in any time zone cannot overflow either."""
    room_before = (EARLIEST_MOMENT - moment) // datetime.timedelta(minutes=1)
    room_after = (LATEST_MOMENT - moment) // datetime.timedelta(minutes=1)
    return moment + datetime.timedelta(minutes=min(max(minutes, room_before), room_after))


def years_from(day, years):
    """The same day `years` later (or earlier), Feb 29 becoming Feb 28, held in range."""
    year = min(max(day.year + years, datetime.MINYEAR), datetime.MAXYEAR)
    return day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day)


def within_reach(day, today):
    """True when `day` is at most FARTHEST_YEARS from `today`."""
    return years_from(today, -FARTHEST_YEARS) <= day <= years_from(today, FARTHEST_YEARS)


def weeks_in_range(weeks):
    """True for a number of weeks a person can act on (None is not a number: False)."""
    return weeks is not None and abs(weeks) <= FARTHEST_WEEKS
