"""Fiscal quarters, counted from an organization's fiscal-year start month: the one
implementation the whole application uses (bet sheets, reminders, the board).

Convention: a fiscal year is named by the calendar year in which it ENDS, written with two
digits. With a fiscal year starting in April, FY27 runs from 1 April 2026 to 31 March 2027
and "FY27 Q2" is July–September 2026. With a January start the fiscal year is the calendar
year: FY27 Q1 is January–March 2027.

One label, one key, and two descriptions of the months:

* ``label`` — "FY27 Q2", for every fiscal-year start (a January one included);
* ``key`` — "2027Q2" (the four-digit fiscal year, "Q", the number): stable, and sorting keys
  as text sorts quarters chronologically. ``Quarter.from_key`` reads one back;
* ``months_label`` — "Apr–Jun 2026", "Nov 2027–Jan 2028": where a quarter is shown with its
  months (the board);
* ``dates_label`` — "1 Jul – 30 Sep 2026": the first and last day (the bet sheets).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date

KEY = re.compile(r"([1-9][0-9]{3})Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    fiscal_year: int  # the calendar year in which the fiscal year ends, e.g. 2027
    number: int  # 1..4
    start_month: int = 1  # the organization's fiscal-year start month (1..12)

    def __post_init__(self):
        if not 1 <= self.number <= 4:
            raise ValueError("A quarter is numbered 1 to 4.")
        if not 1 <= self.start_month <= 12:
            raise ValueError("A fiscal year starts in a month numbered 1 to 12.")

    @classmethod
    def containing(cls, day, start_month=1):
        """The fiscal quarter that `day` falls in."""
        months_into_year = (day.month - start_month) % 12
        starts_in_year = day.year if day.month >= start_month else day.year - 1
        ends_in_year = starts_in_year + (1 if start_month > 1 else 0)
        return cls(ends_in_year, months_into_year // 3 + 1, start_month)

    @classmethod
    def from_key(cls, key, start_month=1):
        """The quarter of a key such as "2027Q2" in a fiscal year starting in `start_month`;
        None for anything that is not a key (a key says nothing of the start month, so any
        key is valid for every organization)."""
        match = KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]), start_month)

    @property
    def key(self):
        """For example "2027Q2": stable (it does not depend on how quarters are labelled) and,
        for four-digit years, in chronological order when sorted as text."""
        return f"{self.fiscal_year:04d}Q{self.number}"

    @property
    def starts_on(self):
        first_year = self.fiscal_year - (1 if self.start_month > 1 else 0)
        month_index = self.start_month - 1 + 3 * (self.number - 1)
        return _first_day(first_year + month_index // 12, month_index % 12 + 1)

    @property
    def ends_on(self):
        first_year = self.fiscal_year - (1 if self.start_month > 1 else 0)
        month_index = self.start_month - 1 + 3 * (self.number - 1) + 2
        return _last_day(first_year + month_index // 12, month_index % 12 + 1)

    @property
    def label(self):
        """For example "FY27 Q2"."""
        return f"FY{self.fiscal_year % 100:02d} Q{self.number}"

    @property
    def months_label(self):
        """For example "Apr–Jun 2026", or "Nov 2026–Jan 2027" across a new year."""
        start, end = self.starts_on, self.ends_on
        if start.year == end.year:
            return f"{start:%b}–{end:%b} {end.year}"
        return f"{start:%b} {start.year}–{end:%b} {end.year}"

    @property
    def dates_label(self):
        """For example "1 Jul – 30 Sep 2026"."""
        start, end = self.starts_on, self.ends_on
        left = f"{start.day} {start:%b}" + ("" if start.year == end.year else f" {start.year}")
        return f"{left} – {end.day} {end:%b} {end.year}"

    def next(self):
        if self.number == 4:
            return Quarter(self.fiscal_year + 1, 1, self.start_month)
        return Quarter(self.fiscal_year, self.number + 1, self.start_month)

    def previous(self):
        if self.number == 1:
            return Quarter(self.fiscal_year - 1, 4, self.start_month)
        return Quarter(self.fiscal_year, self.number - 1, self.start_month)

    def __contains__(self, day):
        return self.starts_on <= day <= self.ends_on

    def __str__(self):
        return self.label


# A quarter of a stored fiscal year before year 1 or after 9999 (the first quarter of FY1 with
# an April start begins in the year 0) has no dates of its own: it is shown from the first or
# to the last day there is.


def _first_day(year, month):
    if year < MINYEAR:
        return date.min
    return date(year, month, 1) if year <= MAXYEAR else date.max


def _last_day(year, month):
    if year > MAXYEAR:
        return date.max
    return date(year, month, calendar.monthrange(year, month)[1]) if year >= MINYEAR else date.min


def current_quarter(org):
    """The quarter the organization is in today (in its own time zone)."""
    return Quarter.containing(org.today(), org.fiscal_year_start_month)
