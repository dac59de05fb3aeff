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


def month_start(day):
    return day.replace(day=1)


def next_month_start(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Axis:
    """A linear map from dates to x: `start` lands on `x0`, `end` on `x1`."""

    start: datetime.date
    end: datetime.date
    x0: float = PLOT_X0
    x1: float = PLOT_X1

    @classmethod
    def covering(cls, dates, *, x0=PLOT_X0, x1=PLOT_X1):
        """The axis from the first of the month of the earliest date to the first of the month
        after the latest: every given date is inside, with at least a couple of weeks of air
        on the right so end markers are not cut."""
        dates = [d for d in dates if d is not None]
        if not dates:
            raise ValueError("An axis needs at least one date.")
        start = month_start(min(dates))
        end = next_month_start(max(dates) + datetime.timedelta(days=10))
        return cls(start, end, x0, x1)

    @property
    def days(self):
        return (self.end - self.start).days

    def x(self, day):
        """The x coordinate of `day` (may lie outside x0..x1 for dates off the axis)."""
        return round(self.x0 + (day - self.start).days * (self.x1 - self.x0) / self.days, 1)

    def clamped_x(self, day):
        """x of `day`, held inside the plot (for lines that start before the axis does)."""
        return min(max(self.x(day), self.x0), self.x1)

    def contains(self, day):
        return self.start <= day <= self.end

    def month_ticks(self):
        """[(date, x, label)] for the first of each month on the axis. Labels name the month,
        with the year on January and on the first tick; on long axes (over 18 months) only
        every third month is labelled (the others keep their tick with an empty label)."""
        ticks = []
        day = self.start
        months = 0
        while day <= self.end:
            ticks.append(day)
            day = next_month_start(day)
            months += 1
        every = 3 if months > 18 else 1
        result = []
        for n, tick in enumerate(ticks):
            label = ""
            if n % every == 0 or tick.month == 1:
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
