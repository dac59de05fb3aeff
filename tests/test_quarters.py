"""Quarter arithmetic: fiscal years are named by the calendar year in which they end."""

from datetime import date

import pytest

from calibration.quarters import Quarter


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


# --- one label, one key: the board and the bet sheets ---------------------------------


def test_a_quarter_has_one_label_whatever_month_the_fiscal_year_starts():
    assert Quarter.containing(date(2027, 5, 3), 1).label == "FY27 Q2"  # January: calendar
    assert Quarter.containing(date(2026, 8, 3), 4).label == "FY27 Q2"
    assert Quarter.containing(date(2027, 5, 3), 4).label == "FY28 Q1"


def test_the_months_of_a_quarter_name_both_years_only_across_new_year():
    assert Quarter(2027, 2, 1).months_label == "Apr–Jun 2027"
    assert Quarter(2027, 2, 4).months_label == "Jul–Sep 2026"
    assert Quarter(2028, 1, 11).months_label == "Nov 2027–Jan 2028"
    assert Quarter(2028, 4, 4).months_label == "Jan–Mar 2028"


@pytest.mark.parametrize("start_month", range(1, 13))
def test_keys_sort_chronologically(start_month):
    quarters = [Quarter.containing(date(2024, 1, 1), start_month)]
    for _ in range(20):
        quarters.append(quarters[-1].next())
    keys = [q.key for q in quarters]
    assert sorted(keys) == keys and len(set(keys)) == len(keys)
    assert sorted(keys, key=lambda k: Quarter.from_key(k, start_month).starts_on) == keys


def test_a_key_names_the_fiscal_year_and_the_quarter():
    assert Quarter(2027, 2, 1).key == "2027Q2"
    assert Quarter.containing(date(2027, 5, 3), 4).key == "2028Q1"
    assert Quarter.containing(date(2028, 2, 1), 4).key == "2028Q4"


@pytest.mark.parametrize("start_month", range(1, 13))
def test_from_key_round_trips(start_month):
    q = Quarter.containing(date(2026, 6, 15), start_month)
    for _ in range(8):
        assert Quarter.from_key(q.key, start_month) == q
        assert Quarter.from_key(q.key, start_month).label == q.label
        q = q.next()


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "none",
        "2027",
        "Q2",
        "2027Q0",
        "2027Q5",
        "2027q2",
        "2027 Q2",
        " 2027Q2",
        "2027Q2 ",
        "2027Q2\n",
        "27Q2",
        "02027Q2",
        "0999Q1",
        "FY27 Q2",
        "FY27 Q2 (Apr–Jun 2027)",
        "２０２７Q2",  # not ASCII digits
        "2027Q2; DROP TABLE",
        None,
        2027,
    ],
)
def test_from_key_refuses_anything_that_is_not_a_key(junk):
    assert Quarter.from_key(junk) is None
    assert Quarter.from_key(junk, 4) is None


def test_the_board_filter_reads_a_key_and_ignores_anything_else():
    from calibration.board.figures import Filters

    assert Filters.from_params({"quarter": "2027Q3"}).quarter == "2027Q3"
    assert Filters.from_params({"quarter": "none"}).quarter == "none"
    assert Filters.from_params({"quarter": "bogus"}).quarter == ""
    assert Filters(quarter="2028Q1").describe(4) == (
        "Active initiatives, commitment in FY28 Q1 (Apr–Jun 2027), sorted by risk"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("start_month", [1, 4, 11])
def test_the_board_and_the_bet_sheet_show_the_same_label_for_the_same_quarter(
    start_month, org, ceo, cto, ceo_client
):
    from calibration.alignment.models import BetSheet
    from calibration.board.figures import board_figures
    from tests.timeline.conftest import new_initiative

    org.fiscal_year_start_month = start_month
    org.save()
    commitment = date(2027, 5, 10)
    quarter = Quarter.containing(commitment, start_month)
    new_initiative(
        org, cto, status="active", commitment_date=commitment, commitment_audience="board"
    )
    sheet = BetSheet.start(org, quarter, by=ceo)

    (row,) = board_figures(org).rows
    assert row.quarter == quarter.key
    assert row.quarter_label == f"{sheet.label} ({quarter.months_label})"
    assert sheet.label == quarter.label and sheet.label.startswith("FY")

    board = ceo_client.get(f"/o/{org.slug}/board/").content.decode()
    table = ceo_client.get(f"/o/{org.slug}/board/table/").content.decode()
    bet_sheet = ceo_client.get(f"/o/{org.slug}/alignment/{sheet.pk}/").content.decode()
    for page in (board, table, bet_sheet):
        assert quarter.label in page
    assert row.quarter_label in board and row.quarter_label in table
