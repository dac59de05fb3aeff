"""The calibration chart of a track record: where each delivery fell in its own forecast.

x: a level of the forecast (0 → P0, the best case; 0.85 → the P85 date; 1 → the worst case);
y: the share of deliveries made by that level of their own forecast (the empirical
distribution of the PIT values). A calibrated estimator's line follows the diagonal; a line
below it means deliveries came later than forecast, above it earlier. The shaded band is where
a calibrated estimator's line stays at each level 90% of the time with this many deliveries
(binomial, from scipy), so a short record is not read as a verdict. Each delivery is a dot on
the x-axis at its PIT. Geometry only: the template draws the SVG, no JavaScript.
"""

import numpy
from scipy import stats

from calibration.formats import date_text
from calibration.probability import decimal_text

SIZE = 260
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 46
PLOT = SIZE - LEFT - RIGHT  # the plot is square
HEIGHT = TOP + PLOT + BOTTOM
BAND_LEVELS = numpy.linspace(0, 1, 41)


def x(level):
    return round(LEFT + PLOT * level, 1)


def y(share):
    return round(TOP + PLOT * (1 - share), 1)


def points(pairs):
    return " ".join(f"{x(a)},{y(b)}" for a, b in pairs)


def calibration_chart(rows):
    """The chart of track-record rows (``track_record.Row``), or None without any."""
    if not rows:
        return None
    n = len(rows)
    pits = sorted(r.pit for r in rows)
    steps, share = [(0.0, 0.0)], 0.0
    for k, u in enumerate(pits, start=1):
        steps.append((u, share))
        share = k / n
        steps.append((u, share))
    steps.append((1.0, share))
    low = stats.binom.ppf(0.05, n, BAND_LEVELS) / n
    high = stats.binom.ppf(0.95, n, BAND_LEVELS) / n
    band = list(zip(BAND_LEVELS, high, strict=True)) + list(
        zip(BAND_LEVELS[::-1], low[::-1], strict=True)
    )
    return {
        "width": SIZE,
        "height": HEIGHT,
        "left": LEFT,
        "right": LEFT + PLOT,
        "top": TOP,
        "bottom": TOP + PLOT,
        "diagonal": points([(0, 0), (1, 1)]),
        "band": points(band),
        "line": points(steps),
        "dots": [
            {
                "x": x(r.pit),
                "y": TOP + PLOT + 10,
                "title": f"{r.title}: delivered {date_text(r.delivered_on)}, "
                f"PIT {decimal_text(r.pit, 2)}",
            }
            for r in rows
        ],
        "x_ticks": [
            (x(level), TOP + PLOT + 26, label)
            for level, label in ((0, "0"), (0.5, "P50"), (0.85, "P85"), (1, "1"))
        ],
        "y_ticks": [
            (LEFT - 4, y(s) + 4, label) for s, label in ((0, "0%"), (0.5, "50%"), (1, "100%"))
        ],
        "axis_label_y": HEIGHT - 4,
        "n": n,
    }
