"""Quarters of the organization's fiscal year, for the "quarter of the commitment" filter.

With a fiscal year starting in January, quarters are calendar quarters ("2027 Q2 (Apr–Jun)").
Otherwise the fiscal year is named by the calendar year it ends in, as most companies do:
with a year starting in April, May 2027 is in "FY28 Q1 (Apr–Jun 2027)". The key ("2028Q1")
sorts chronologically.
"""

from .chart import MONTH_NAMES


def fiscal_quarter(day, start_month=1):
    """(key, label) of the fiscal quarter `day` falls in."""
    offset = (day.month - start_month) % 12
    quarter = offset // 3 + 1
    start_year = day.year if day.month >= start_month else day.year - 1
    name_year = start_year if start_month == 1 else start_year + 1
    return f"{name_year}Q{quarter}", quarter_label(name_year, quarter, start_month)


def quarter_label(name_year, quarter, start_month=1):
    first = (start_month - 1 + 3 * (quarter - 1)) % 12  # 0-based month index
    last = (first + 2) % 12
    start_year = name_year if start_month == 1 else name_year - 1
    first_year = start_year + (start_month - 1 + 3 * (quarter - 1)) // 12
    last_year = start_year + (start_month - 1 + 3 * (quarter - 1) + 2) // 12
    months = f"{MONTH_NAMES[first]}–{MONTH_NAMES[last]}"
    span = (
        f"{months} {first_year}"
        if first_year == last_year
        else f"{MONTH_NAMES[first]} {first_year}–{MONTH_NAMES[last]} {last_year}"
    )
    if start_month == 1:
        return f"{name_year} Q{quarter} ({months})"
    return f"FY{name_year % 100:02d} Q{quarter} ({span})"


def label_for_key(key, start_month=1):
    """The label of a quarter key such as "2028Q1" (the key itself if it is not one)."""
    try:
        year, quarter = key.split("Q")
        return quarter_label(int(year), int(quarter), start_month)
    except ValueError:
        return key
