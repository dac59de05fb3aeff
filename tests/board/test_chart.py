"""The geometry of the board chart: dates to x, rows to y, ticks; fiscal quarters."""

import datetime

import pytest

from calibration.board import chart
from calibration.board.chart import Axis
from calibration.board.figures import quarter_label
from calibration.quarters import Quarter

D = datetime.date


def test_axis_covering_starts_on_the_first_of_the_month_and_leaves_air_after_the_last_date():
    axis = Axis.covering([D(2027, 2, 10), D(2027, 6, 28), None])
    assert axis.start == D(2027, 2, 1)
    assert axis.end == D(2027, 8, 1)  # 28 June + 10 days is in July → 1 August


def test_axis_maps_its_ends_to_the_plot_edges_and_dates_linearly_between():
    axis = Axis(D(2027, 1, 1), D(2027, 1, 31), x0=100, x1=400)  # 30 days over 300 units
    assert axis.x(D(2027, 1, 1)) == 100
    assert axis.x(D(2027, 1, 31)) == 400
    assert axis.x(D(2027, 1, 11)) == 200
    assert axis.x(D(2027, 1, 16)) == 250


def test_dates_off_the_axis_fall_outside_the_plot_unless_clamped():
    axis = Axis(D(2027, 1, 1), D(2027, 1, 31), x0=100, x1=400)
    assert axis.x(D(2026, 12, 22)) == 0
    assert axis.clamped_x(D(2026, 12, 22)) == 100
    assert axis.clamped_x(D(2027, 3, 1)) == 400


def test_default_plot_width_puts_known_dates_at_known_x():
    axis = Axis(D(2027, 2, 1), D(2027, 8, 1))  # 181 days over PLOT_X0..PLOT_X1
    assert (chart.PLOT_X0, chart.PLOT_X1) == (260, 860)
    assert axis.x(D(2027, 5, 3)) == pytest.approx(260 + 91 * 600 / 181, abs=0.05)


def test_month_ticks_label_months_with_the_year_on_january_and_the_first_tick():
    axis = Axis(D(2026, 11, 1), D(2027, 3, 1))
    ticks = axis.month_ticks()
    assert [t[0] for t in ticks] == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
        D(2027, 2, 1),
        D(2027, 3, 1),
    ]
    assert [t[2] for t in ticks] == ["Nov 2026", "Dec", "Jan 2027", "Feb", "Mar"]
    assert ticks[0][1] == axis.x0 and ticks[-1][1] == axis.x1


def test_long_axes_label_every_third_month_only():
    axis = Axis(D(2027, 1, 1), D(2029, 1, 1))
    labelled = [t[0].month for t in axis.month_ticks() if t[2]]
    assert set(labelled) <= {1, 4, 7, 10}


def test_rows_are_stacked_under_the_axis_at_a_fixed_height():
    assert chart.row_top(0) == chart.AXIS_HEIGHT
    assert chart.row_top(3) == chart.AXIS_HEIGHT + 3 * chart.ROW_HEIGHT
    assert chart.row_top(0) < chart.row_middle(0) < chart.row_top(1)
    assert chart.chart_height(4) == chart.AXIS_HEIGHT + 4 * chart.ROW_HEIGHT + chart.LEGEND_HEIGHT


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert chart.truncate("Payments", 10) == "Payments"
    assert chart.truncate("A very long initiative title", 10) == "A very lo…"


def test_calendar_quarters_when_the_fiscal_year_starts_in_january():
    q = Quarter.containing(D(2027, 5, 3))
    assert (q.key, quarter_label(q)) == ("2027Q2", "FY27 Q2 (Apr–Jun 2027)")
    assert Quarter.containing(D(2027, 12, 31)).key == "2027Q4"


def test_fiscal_quarters_are_named_by_the_year_the_fiscal_year_ends_in():
    # Fiscal year starting in April: May 2027 is in FY28 Q1, February 2028 in FY28 Q4.
    q = Quarter.containing(D(2027, 5, 3), 4)
    assert (q.key, quarter_label(q)) == ("2028Q1", "FY28 Q1 (Apr–Jun 2027)")
    q = Quarter.containing(D(2028, 2, 1), 4)
    assert (q.key, quarter_label(q)) == ("2028Q4", "FY28 Q4 (Jan–Mar 2028)")
    assert quarter_label(Quarter.from_key("2028Q1", 4)) == "FY28 Q1 (Apr–Jun 2027)"
    # A quarter that spans two calendar years.
    assert quarter_label(Quarter.containing(D(2027, 12, 15), 11)) == "FY28 Q1 (Nov 2027–Jan 2028)"
