"""Geometry of the board chart: where a date falls on the shared time axis, where each row
sits, which ticks the axis shows. Pure functions of dates and numbers, no Django, no SVG,
so the tests can check coordinates directly.

The picture is laid out in a fixed coordinate system (the SVG ``viewBox``), WIDTH units wide,
scaled by the browser or the PDF renderer to the page:

    0 ........ LABEL_WIDTH | PLOT_X0 ............ PLOT_X1 | FIGURES_X0 ........ WIDTH
      initiative title       the shared time axis            probability, gap, last change,
      and owner              (bands, plan, commitment,        acknowledgement
                             checkpoints, today)
"""

import datetime
from dataclasses import dataclass

from calibration.dates import add_days, within_reach

WIDTH = 1280
LABEL_WIDTH = 250
PLOT_X0 = 260
PLOT_X1 = 860
FIGURES_X0 = 880
AXIS_HEIGHT = 46
ROW_HEIGHT = 52
LEGEND_HEIGHT = 58
BAND_HEIGHT = 14

# Columns of the figures beside each row (x of each column's left edge).
COLUMNS = {
    "probability": FIGURES_X0,
    "gap": FIGURES_X0 + 60,
    "last_change": FIGURES_X0 + 128,
    "acknowledged": FIGURES_X0 + 290,
}

MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

# The axis never has more gridlines than this, nor more labels than MOST_LABELS, whatever
# years its dates are in: the spacing grows from every month to every quarter, half-year,
# year, … (a 2,000-year axis once drew 24,000 gridlines and took the PDF 25 seconds).
MOST_TICKS = 40
MOST_LABELS = 12
TICK_MONTHS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000, 60000)
LABEL_EVERY = (1, 2, 5, 10)


def month_start(day):
    return day.replace(day=1)


def next_month_start(day):
    """The first of the month after `day`'s (the last day there is after December 9999)."""
    return _month(_month_index(day) + 1)


def _month_index(day):
    """Months since January of year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def _month(index):
    """The first of the month `index` (see _month_index), held inside the calendar."""
    year, month = divmod(index, 12)
    if year < datetime.MINYEAR:
        return datetime.date.min
    if year > datetime.MAXYEAR:
        return datetime.date.max
    return datetime.date(year, month + 1, 1)


@dataclass(frozen=True)
class Axis:
    """A linear map from dates to x: `start` lands on `x0`, `end` on `x1`."""

    start: datetime.date
    end: datetime.date
    x0: float = PLOT_X0
    x1: float = PLOT_X1

    @classmethod
    def covering(cls, dates, *, around=None, x0=PLOT_X0, x1=PLOT_X1):
        """The axis from the first of the month of the earliest date to the first of the month
        after the latest: every given date is inside, with at least a couple of weeks of air
        on the right so end markers are not cut. Given `around` (today), only the dates at
        most FARTHEST_YEARS from it count: one date typed as the year 1 or 9999 is drawn as
        beyond the chart, not by squeezing everybody's months into a hair's width."""
        dates = [d for d in dates if d is not None]
        if not dates:
            raise ValueError("An axis needs at least one date.")
        if around is not None:
            dates = [d for d in dates if within_reach(d, around)] or [around]
        start = month_start(min(dates))
        end = next_month_start(add_days(max(dates), 10))
        return cls(start, end, x0, x1)

    @property
    def days(self):
        return max((self.end - self.start).days, 1)

    def x(self, day):
        """The x coordinate of `day` (may lie outside x0..x1 for dates off the axis)."""
        return round(self.x0 + (day - self.start).days * (self.x1 - self.x0) / self.days, 1)

    def clamped_x(self, day):
        """x of `day`, held inside the plot (for lines that start before the axis does)."""
        return min(max(self.x(day), self.x0), self.x1)

    def contains(self, day):
        return self.start <= day <= self.end

    def month_ticks(self):
        """[(date, x, label)] for the first of each month on the axis — or, on longer axes,
        of every 3rd, 6th, 12th, … month, so there are at most MOST_TICKS. Labels name the
        month, with the year on January and on the first tick (on yearly ticks, the year
        alone); when there would be more than MOST_LABELS, only some ticks are labelled (the
        others keep their tick with an empty label): every third month on monthly ticks,
        every 2nd, 5th or 10th tick on longer ones."""
        first = _month_index(self.start) + (1 if self.start.day > 1 else 0)
        last = _month_index(self.end)
        step = next(
            (s for s in TICK_MONTHS if last // s - (first - 1) // s <= MOST_TICKS), TICK_MONTHS[-1]
        )
        indexes = range(-(-first // step) * step, last + 1, step)
        if step == 1:
            labelled = [n % 3 == 0 for n in range(len(indexes))] if len(indexes) > 18 else None
        else:
            every = next(
                (k for k in LABEL_EVERY if len(indexes) / k <= MOST_LABELS), LABEL_EVERY[-1]
            )
            labelled = [index // step % every == 0 for index in indexes]
        result = []
        for n, index in enumerate(indexes):
            tick = _month(index)
            label = ""
            if labelled is None or labelled[n] or (step < 12 and tick.month == 1):
                if step >= 12:
                    label = str(tick.year)
                else:
                    label = MONTH_NAMES[tick.month - 1]
                    if tick.month == 1 or n == 0:
                        label += f" {tick.year}"
            result.append((tick, self.x(tick), label))
        return result


def row_top(index):
    """The y of the top edge of row `index` (0-based)."""
    return AXIS_HEIGHT + index * ROW_HEIGHT


def row_middle(index):
    """The y of the centre line of row `index`, on which the band is drawn."""
    return row_top(index) + ROW_HEIGHT / 2 - 4


def chart_height(rows):
    """The total height of a chart of `rows` rows, axis and legend included."""
    return AXIS_HEIGHT + max(rows, 1) * ROW_HEIGHT + LEGEND_HEIGHT


def truncate(text, limit):
    """`text` cut to `limit` characters with an ellipsis (SVG text does not wrap)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
