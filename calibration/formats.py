"""How a value is written for a person, in one place: pages, mail and the people-facing
text of the board all call these (machine-readable exports keep ISO dates and plain numbers).

* a date: "6 Dec 2026" — day, short month, year: unambiguous whatever the reader's locale
  (6/12 and 12/6 are both someone's 6 December);
* a moment: "6 Dec 2026, 06:38" in the organization's time zone (the one the request
  activated, or the one passed), never a raw ISO timestamp;
* a duration: whole weeks and days ("2 weeks 2 days", "1 day", "3 weeks"): nobody plans in
  tenths of a week;
* money: the organization's currency, grouped thousands ("$400,000", "CHF 1,250.50");
  ``parse_money`` reads what a person types ("$400k", "1.2m", "€ 1,2m", "400,000");
* a probability: ``calibration.probability.percent_text``.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from calibration.dates import OUT_OF_RANGE, weeks_in_range

NONE = "—"

DATE_FORMAT = "%-d %b %Y"  # 6 Dec 2026
DATE_FORMAT_DJANGO = "j M Y"  # the same, for a date input's placeholder-free display
TIME_FORMAT = "%H:%M"

# ISO 4217 codes an organization can keep its figures in: the world's most traded
# currencies and those of the markets our customers are in. A code missing here is one
# migration-free line to add (the field stores the code).
CURRENCIES = [
    ("USD", "US dollar"),
    ("EUR", "Euro"),
    ("GBP", "Pound sterling"),
    ("JPY", "Japanese yen"),
    ("CHF", "Swiss franc"),
    ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"),
    ("NZD", "New Zealand dollar"),
    ("SEK", "Swedish krona"),
    ("NOK", "Norwegian krone"),
    ("DKK", "Danish krone"),
    ("PLN", "Polish złoty"),
    ("CZK", "Czech koruna"),
    ("INR", "Indian rupee"),
    ("CNY", "Chinese yuan"),
    ("HKD", "Hong Kong dollar"),
    ("SGD", "Singapore dollar"),
    ("KRW", "South Korean won"),
    ("BRL", "Brazilian real"),
    ("MXN", "Mexican peso"),
    ("ZAR", "South African rand"),
    ("ILS", "Israeli new shekel"),
]
CURRENCY_CHOICES = [(code, f"{code} — {name}") for code, name in CURRENCIES]
DEFAULT_CURRENCY = "USD"

# A symbol where it names one currency for our readers; every other currency is written
# with its code ("CHF 400,000"), which is never ambiguous.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩", "ILS": "₪"}


def _as_date(value):
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


def date_text(value, *, missing=NONE):
    """A date (or the day of a moment, or an ISO string from the history) as "6 Dec 2026"."""
    if value in (None, ""):
        return missing
    day = _as_date(value)
    if day is None:
        return str(value)
    return day.strftime(DATE_FORMAT)


def moment_text(value, tz=None, *, missing=NONE):
    """An instant as "6 Dec 2026, 06:38" in `tz` (default: the active time zone — the
    organization's on its pages). Accepts an ISO string as the history stores it."""
    if value in (None, ""):
        return missing
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return date_text(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value, tz)
    return f"{value.strftime(DATE_FORMAT)}, {value.strftime(TIME_FORMAT)}"


def days_text(days):
    """A whole number of days, unsigned, as weeks and days: 16 → "2 weeks 2 days"."""
    days = abs(int(days))
    weeks, rest = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} week{'' if weeks == 1 else 's'}")
    if rest or not weeks:
        parts.append(f"{rest} day{'' if rest == 1 else 's'}")
    return " ".join(parts)


def duration_text(weeks, *, missing=NONE):
    """A number of weeks (any fraction), unsigned, to the nearest day: 2.3 → "2 weeks 2 days",
    0.1 → "1 day", 3 → "3 weeks"; OUT_OF_RANGE past what a plan can mean."""
    if weeks is None:
        return missing
    if not weeks_in_range(weeks):
        return OUT_OF_RANGE
    return days_text(round(abs(weeks) * 7))


def signed_duration_text(weeks, *, missing=NONE):
    """A signed duration for a table or a chart: "+2 weeks 2 days", "−1 day", "0 days"."""
    if weeks is None:
        return missing
    if not weeks_in_range(weeks):
        return OUT_OF_RANGE
    days = round(weeks * 7)
    sign = "+" if days > 0 else "−" if days < 0 else ""
    return sign + days_text(days)


def currency_symbol(code):
    return SYMBOLS.get(code or DEFAULT_CURRENCY)


def money_text(amount, currency=DEFAULT_CURRENCY, *, missing=NONE):
    """400000 in USD → "$400,000"; 1250.5 in CHF → "CHF 1,250.50" (cents only when there
    are any)."""
    if amount is None or amount == "":
        return missing
    amount = Decimal(str(amount))
    whole = amount == amount.to_integral_value()
    number = f"{abs(amount):,.0f}" if whole else f"{abs(amount):,.2f}"
    sign = "−" if amount < 0 else ""
    symbol = currency_symbol(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{currency} {number}"


MONEY_REFUSED = (
    "Enter an amount, such as 400000, 400,000, $400k or 1.2m (k for thousands, m for millions)."
)
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "mm": 1_000_000, "bn": 10**9, "b": 10**9}
_WORDS = {"thousand": "k", "million": "m", "billion": "bn"}
_CURRENCY_MARKS = re.compile(
    "|".join([re.escape(symbol) for symbol in SYMBOLS.values()] + [code for code, _ in CURRENCIES]),
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"^(?P<sign>[-−]?)(?P<number>[\d.,']+)(?P<suffix>k|m|mm|bn|b)?$")


def _plain_number(text, *, scaled):
    """ "1,234.5" / "1.234,5" / "1 234" / "1,2" → "1234.5" … or None when it is not a number
    anyone writes. A lone separator followed by one or two digits is the decimal mark
    ("1,2m"). Followed by exactly three, a comma groups thousands ("400,000"), and so does a
    point ("400.000", as much of Europe writes it) — unless a k or m follows ("1.500k"):
    an amount of money never has three decimals."""
    text = text.replace("'", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = text.rpartition(decimal_mark)
        groups = whole.split(grouping)
        if grouping in fraction or not _grouped(groups):
            return None
        return "".join(groups) + "." + fraction
    for mark in ",.":
        if mark in text:
            parts = text.split(mark)
            if len(parts) > 2:
                return "".join(parts) if _grouped(parts) else None
            whole, fraction = parts
            if len(fraction) == 3 and whole and (mark == "," or not scaled):
                return whole + fraction
            return f"{whole or '0'}.{fraction}" if fraction else None
    return text


def _grouped(groups):
    return bool(groups[0]) and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_money(text):
    """What a person typed for an amount → a Decimal, or None when it is not one.

    "$400k" → 400000; "400,000" → 400000; "1.2m" → 1200000; "€ 1,2m" → 1200000;
    "400 000" → 400000; "2 million" → 2000000. The currency written with it is taken as the
    organization's (an amount is never converted)."""
    text = (text or "").strip().lower()
    for word, suffix in _WORDS.items():
        text = re.sub(rf"\s*{word}s?\b", suffix, text)
    text = _CURRENCY_MARKS.sub("", text)
    text = re.sub(r"\s+", "", text)
    match = _AMOUNT.match(text)
    if not match:
        return None
    number = _plain_number(match["number"], scaled=bool(match["suffix"]))
    if number is None:
        return None
    try:
        amount = Decimal(number) * _MULTIPLIERS[match["suffix"] or ""]
    except InvalidOperation:
        return None
    return -amount if match["sign"] else amount


def stored_value_text(field, value, *, currency=DEFAULT_CURRENCY, money=False):
    """A model field's value as the history and the conflict table keep it (a snapshot's
    text, an ISO date, a choice's value or label) as a person reads it: a choice by its
    label, a date or a moment as every page writes them, an amount in the currency, a
    yes/no. Nothing stays as it was stored (None or an empty text)."""
    if value is None or value == "" or field is None:
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DateTimeField":
        return moment_text(value)
    if field.get_internal_type() == "DateField":
        return date_text(value)
    if field.get_internal_type() == "BooleanField":
        return "yes" if value else "no"
    if money:
        try:
            return money_text(Decimal(str(value)), currency)
        except InvalidOperation:
            return value
    return value
