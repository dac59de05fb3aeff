"""The sane range of every date and number a person or a file can give, enforced on the model
fields (so forms, the API and imports all meet the same rule, with a message at the field).

A date column can hold 0001-01-01 to 9999-12-31, and a typo there (a commitment "in 1999",
a checkpoint at week 30000) poisons every page and the baseline for good. A plan is made
for the years a company lives in: from 2000 to 25 years ahead of today.

* ``DateInRange`` — a date (or the day of a date and time) from ``EARLIEST_DATE`` to the last
  day of the year ``YEARS_AHEAD`` years from now. The end moves with the calendar, so it is a
  callable validator judged when it runs, never a date frozen into a migration.
* ``at_least`` / ``at_most`` — bounds for numbers with the message in plain words; the ranges
  of each kind of number are named here (``WEEKS``, ``DAYS_AFTER``, ``MONEY``, …).
* ``out_of_range(record)`` — the stored values of a record outside today's ranges, for the
  migrations that report (and never change) what was stored before the ranges existed.
"""

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible

EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 25


def latest_date(today=None):
    """The last day a date may be: 31 December of the year YEARS_AHEAD years from today."""
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, 12, 31)


@deconstructible
class DateInRange:
    """A date from 2000 to YEARS_AHEAD years ahead; a date and time is judged by its day."""

    code = "date_out_of_range"

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        latest = latest_date()
        if not EARLIEST_DATE <= day <= latest:
            raise ValidationError(
                "Give a date between %(first)s and %(last)s.",
                code=self.code,
                params={"first": EARLIEST_DATE.year, "last": latest.year},
            )

    def __eq__(self, other):
        return isinstance(other, DateInRange)

    def __hash__(self):
        return hash(DateInRange)


date_in_range = DateInRange()


class Bounds(NamedTuple):
    """A number's range and the word that follows it in a message ("At most 365 days.")."""

    low: object
    high: object
    unit: str = ""

    def validators(self):
        return [at_least(self.low, self.unit), at_most(self.high, self.unit)]


def _amount(limit, unit):
    shown = f"{int(limit):,}" if limit == int(limit) else f"{limit:,}"
    if limit == 1 and unit.endswith("s"):
        unit = unit[:-1]  # "At least 1 week."
    return f"{shown} {unit}".strip()


def at_least(limit, unit=""):
    return MinValueValidator(limit, message=f"At least {_amount(limit, unit)}.")


def at_most(limit, unit=""):
    return MaxValueValidator(limit, message=f"At most {_amount(limit, unit)}.")


# A week number from an initiative's start, and an estimate in weeks: up to ten years.
WEEKS = Bounds(1, 520, "weeks")
# "Within N days" of a slip being detected: a year is already far too late to tell anyone.
DAYS_AFTER = Bounds(0, 365, "days")
# A price in the company's currency: a hundred billion is past any decision the two take
# (and below what the column holds, so the message is this one, not a count of digits).
MONEY = Bounds(Decimal(0), Decimal(100_000_000_000))
# People-months: 10,000 is some 800 people for a year.
PEOPLE_MONTHS = Bounds(Decimal(0), Decimal(10_000), "people-months")
# A measured capability (events/s, ms, GB, …) in whatever unit it is counted.
MEASURE = Bounds(Decimal("0.0001"), Decimal(1_000_000_000_000))
# A calibration session's length: a working day at most.
SESSION_LENGTH = Bounds(1, 480, "minutes")
PROBABILITY = Bounds(0.0, 1.0)
PERCENT = Bounds(1, 100, "percent")


class OutOfRange(NamedTuple):
    model: str
    pk: object
    field: str
    value: object
    organization_id: object

    def __str__(self):
        shown = self.value.isoformat() if hasattr(self.value, "isoformat") else self.value
        return (
            f"out of range: {self.model} {self.pk}, field {self.field} = {shown} "
            f"(organization {self.organization_id})"
        )


def report_out_of_range(apps, fields_by_model, write=print):
    """Write one line for each stored value outside its field's range, changing nothing:
    `fields_by_model` is {model label: [field names]}, read through `apps` (a migration's
    historical models, whose fields carry the validators). Returns what it found."""
    found = []
    for label, names in fields_by_model.items():
        model = apps.get_model(label)
        owner = (
            ["organization"] if any(f.name == "organization" for f in model._meta.fields) else []
        )
        rows = model._base_manager.only(*names, *owner).order_by("pk")
        for record in rows.iterator():
            for problem in out_of_range(record, names):
                write(str(problem))
                found.append(problem)
    return found


def out_of_range(record, fields):
    """[OutOfRange] for each of `fields` (names) of `record` that its validators refuse."""
    found = []
    for name in fields:
        field = record._meta.get_field(name)
        value = getattr(record, field.attname)
        try:
            field.run_validators(value)
        except ValidationError:
            found.append(
                OutOfRange(
                    record._meta.label,
                    record.pk,
                    name,
                    value,
                    getattr(record, "organization_id", None),
                )
            )
    return found
