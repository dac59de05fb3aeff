"""Fiscal quarters, counted from an organization's fiscal-year start month.

Convention: a fiscal year is named by the calendar year in which it ENDS, written with two
digits. With a fiscal year starting in April, FY27 runs from 1 April 2026 to 31 March 2027
and "FY27 Q2" is July–September 2026. With a January start the fiscal year is the calendar
year: FY27 Q1 is January–March 2027.
"""

import calendar
from dataclasses import dataclass
from datetime import date


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

    @property
    def starts_on(self):
        first_year = self.fiscal_year - (1 if self.start_month > 1 else 0)
        month_index = self.start_month - 1 + 3 * (self.number - 1)
        return date(first_year + month_index // 12, month_index % 12 + 1, 1)

    @property
    def ends_on(self):
        start = self.starts_on
        month_index = start.month - 1 + 2
        year, month = start.year + month_index // 12, month_index % 12 + 1
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def label(self):
        return f"FY{self.fiscal_year % 100:02d} Q{self.number}"

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


def current_quarter(org):
    """The quarter the organization is in today (in its own time zone)."""
    return Quarter.containing(org.today(), org.fiscal_year_start_month)
