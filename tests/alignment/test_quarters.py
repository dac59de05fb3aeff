"""Quarter arithmetic: fiscal years are named by the calendar year in which they end."""

from datetime import date

import pytest

from calibration.alignment.quarters import Quarter


def test_a_calendar_fiscal_year_is_named_by_its_own_year():
    q = Quarter.containing(date(2027, 5, 14), start_month=1)
    assert (q.label, q.starts_on, q.ends_on) == ("FY27 Q2", date(2027, 4, 1), date(2027, 6, 30))


def test_an_april_fiscal_year_is_named_by_the_year_it_ends():
    q = Quarter.containing(date(2026, 8, 3), start_month=4)
    assert (q.label, q.starts_on, q.ends_on) == ("FY27 Q2", date(2026, 7, 1), date(2026, 9, 30))


def test_the_last_quarter_of_an_april_year_crosses_new_year():
    q = Quarter.containing(date(2027, 1, 1), start_month=4)
    assert (q.label, q.starts_on, q.ends_on) == ("FY27 Q4", date(2027, 1, 1), date(2027, 3, 31))


def test_a_quarter_spanning_two_calendar_years():
    q = Quarter.containing(date(2026, 12, 31), start_month=11)
    assert (q.label, q.starts_on, q.ends_on) == ("FY27 Q1", date(2026, 11, 1), date(2027, 1, 31))
    assert q.dates_label == "1 Nov 2026 – 31 Jan 2027"


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_day_of_a_year_falls_in_exactly_the_quarter_that_contains_it(start_month):
    day = date(2026, 1, 1)
    while day.year == 2026:
        q = Quarter.containing(day, start_month)
        assert q.starts_on <= day <= q.ends_on
        assert day in q
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize("start_month", [1, 4, 7, 10, 2])
def test_next_and_previous_are_adjacent_and_inverse(start_month):
    q = Quarter.containing(date(2026, 6, 15), start_month)
    for _ in range(8):
        nxt = q.next()
        assert date.fromordinal(q.ends_on.toordinal() + 1) == nxt.starts_on
        assert nxt.previous() == q
        assert nxt > q
        q = nxt


def test_q4_rolls_into_the_next_fiscal_year():
    assert Quarter(2027, 4, 4).next() == Quarter(2028, 1, 4)
    assert Quarter(2028, 1, 4).previous() == Quarter(2027, 4, 4)


def test_a_quarter_outside_one_to_four_is_refused():
    with pytest.raises(ValueError):
        Quarter(2027, 5)


@pytest.mark.django_db
def test_a_sheet_keeps_the_quarter_it_was_made_for(org, ceo):
    from calibration.alignment.models import BetSheet

    org.fiscal_year_start_month = 4
    org.save()
    sheet = BetSheet.start(org, Quarter(2027, 3, 4), by=ceo)
    assert (sheet.label, sheet.starts_on, sheet.ends_on) == (
        "FY27 Q3",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert sheet.quarter == Quarter(2027, 3, 4)
    assert sheet.dates_label == "1 Oct – 31 Dec 2026"
    assert sheet.next_quarter() == Quarter(2027, 4, 4)
