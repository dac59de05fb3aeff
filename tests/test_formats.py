"""How a value is written for a person (calibration.formats): one way for each kind."""

import datetime
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from calibration.formats import (
    date_text,
    duration_text,
    moment_text,
    money_text,
    parse_money,
    signed_duration_text,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def test_a_date_is_day_short_month_year():
    assert date_text(datetime.date(2026, 12, 6)) == "6 Dec 2026"


def test_a_date_stored_as_iso_text_in_the_history_reads_the_same():
    assert date_text("2026-11-29") == "29 Nov 2026"


def test_a_missing_date_is_a_dash():
    assert date_text(None) == "—"


def test_a_moment_is_date_and_time_in_the_given_time_zone():
    at = datetime.datetime(2026, 11, 29, 6, 38, 26, 148302, tzinfo=datetime.UTC)
    assert moment_text(at, TOKYO) == "29 Nov 2026, 15:38"


def test_a_raw_iso_timestamp_from_the_history_is_written_as_a_moment():
    assert moment_text("2026-11-29T06:38:26.148302+00:00", TOKYO) == "29 Nov 2026, 15:38"


def test_a_moment_follows_the_active_time_zone():
    at = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
    with timezone.override(TOKYO):
        assert moment_text(at) == "30 Nov 2026, 08:30"


@pytest.mark.parametrize(
    ("weeks", "shown"),
    [
        (3, "3 weeks"),
        (1, "1 week"),
        (16 / 7, "2 weeks 2 days"),
        (2.3, "2 weeks 2 days"),
        (0.1, "1 day"),
        (1 / 7, "1 day"),
        (5 / 7, "5 days"),
        (0, "0 days"),
        (-2, "2 weeks"),
    ],
)
def test_a_duration_is_whole_weeks_and_days(weeks, shown):
    assert duration_text(weeks) == shown


def test_a_signed_duration_says_which_way():
    assert signed_duration_text(2.3) == "+2 weeks 2 days"
    assert signed_duration_text(-1 / 7) == "−1 day"


def test_a_duration_nobody_can_plan_is_out_of_range():
    assert duration_text(5000) == "out of range"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("400000"), "USD", "$400,000"),
        (Decimal("400000.00"), "USD", "$400,000"),
        (Decimal("1200000"), "EUR", "€1,200,000"),
        (Decimal("1250.5"), "CHF", "CHF 1,250.50"),
        (Decimal("99.99"), "GBP", "£99.99"),
    ],
)
def test_money_is_written_in_the_currency_with_grouped_thousands(amount, currency, shown):
    assert money_text(amount, currency) == shown


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("400000", 400_000),
        ("400,000", 400_000),
        ("$400k", 400_000),
        ("400k", 400_000),
        ("400K", 400_000),
        ("1.2m", 1_200_000),
        ("€ 1,2m", 1_200_000),
        ("1.234.567,89", Decimal("1234567.89")),
        ("400 000", 400_000),
        ("2 million", 2_000_000),
        ("400k USD", 400_000),
        ("$1,250,000.50", Decimal("1250000.50")),
        ("400.000", 400_000),
        ("1.500k", 1_500),
        ("12.5", Decimal("12.5")),
    ],
)
def test_an_amount_is_read_as_a_person_types_it(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", ["junk", "12abc", "USD", "1..2", "1,2,3", "$", "k"])
def test_what_is_not_an_amount_is_not_read_as_one(typed):
    assert parse_money(typed) is None


def test_templates_write_each_kind_of_value_through_one_filter():
    template = Template(
        "{{ d|day }} · {{ at|moment }} · {{ w|duration }} · {{ w|signed_duration }} · "
        "{{ cost|money:'EUR' }}"
    )
    context = Context(
        {
            "d": datetime.date(2026, 12, 6),
            "at": datetime.datetime(2026, 12, 6, 9, 5, tzinfo=datetime.UTC),
            "w": 2.3,
            "cost": Decimal("400000"),
        }
    )
    with timezone.override(datetime.UTC):
        rendered = template.render(context)
    assert (
        rendered == "6 Dec 2026 · 6 Dec 2026, 09:05 · 2 weeks 2 days · +2 weeks 2 days · €400,000"
    )


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Django's own `date` filter is for machines only: a <time datetime="…"> attribute.
DATE_FOR_PEOPLE = re.compile(r"""(?<!datetime=")\{\{[^}]*\|date:""")
ISO_FOR_PEOPLE = re.compile(r"\.isoformat\b")


def test_no_template_writes_a_date_for_people_its_own_way():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*")
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if DATE_FOR_PEOPLE.search(line) or ISO_FOR_PEOPLE.search(line)
    ]
    assert offenders == []
