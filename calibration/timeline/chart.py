"""Small server-rendered SVG charts of dates over time (no JavaScript):

* ``revision_chart`` — how the three dates and the commitment moved (the estimate history);
* ``ledger_chart`` — the commitment, the plan and P85 as recorded over time, and the delivery
  (the commitment ledger).

x: when (first point → now, or the delivery); y: the date (later dates lower, like a calendar
read down). Each series is a step line: a date holds until it changes. The templates draw the
geometry returned here as inline SVG.
"""

import datetime
from itertools import pairwise

from django.utils import timezone

from calibration.dates import within_reach

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 12, 28
SERIES = [
    ("best", "Best case"),
    ("expected", "Expected case (the plan)"),
    ("worst", "Worst case (contingency)"),
    ("commitment", "External commitment"),
]
LEDGER_SERIES = [
    ("commitment", "External commitment"),
    ("expected", "The plan (expected case)"),
    ("p85", "P85"),
]


def revision_chart(initiative, now=None):
    """Everything the SVG template needs, or None when there is nothing to draw."""
    return step_chart(initiative.date_series(), SERIES, now or timezone.now())


def ledger_chart(records, delivered_on=None, tz=None, now=None):
    """The commitment, the plan and P85 of `records` (ForecastRecords, oldest first) over
    time, ending at the delivery when there is one; None without records."""
    series = {"commitment": [], "expected": [], "p85": []}
    for r in records:
        series["commitment"].append((r.at, r.commitment_date))
        series["expected"].append((r.at, r.expected_date))
        series["p85"].append((r.at, r.p85))
    end = now or timezone.now()
    delivery = None
    if delivered_on:
        delivered_at = datetime.datetime.combine(
            delivered_on, datetime.time(12), tzinfo=tz or timezone.get_current_timezone()
        )
        end = max(delivered_at, max((r.at for r in records), default=delivered_at))
        delivery = (delivered_at, delivered_on)
    return step_chart(series, LEDGER_SERIES, end, delivery=delivery)


def step_chart(series, labels, end, delivery=None):
    """Step lines for `series` ({key: [(datetime, date or None)]}) labelled by `labels`
    ([(key, label)]), from the first point to `end`; `delivery` (datetime, date) is marked."""
    points = [(at, d) for values in series.values() for at, d in values if d is not None]
    if not points:
        return None
    first_at = min(at for at, _ in points)
    last_at = max(end, max(at for at, _ in points))
    # The y axis spans the dates at most FARTHEST_YEARS from the chart's end; a date further
    # away (a year typed as 1 or 9999) is drawn at the edge it lies beyond, not by flattening
    # the rest.
    today = end.date()
    dates = [d for _, d in points if within_reach(d, today)]
    dates += [delivery[1]] if delivery and within_reach(delivery[1], today) else []
    dates = dates or [today]
    lo, hi = min(dates), max(dates)
    span_t = (last_at - first_at).total_seconds() or 1
    span_d = (hi - lo).days or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at):
        return round(LEFT + plot_w * (at - first_at).total_seconds() / span_t, 1)

    def y(d):
        return round(TOP + plot_h * (min(max(d, lo), hi) - lo).days / span_d, 1)

    lines = []
    for key, label in labels:
        values = series.get(key, [])
        coords, previous = [], None
        for at, d in values:
            if previous is not None:
                coords.append((x(at), y(previous)))
            if d is not None:
                coords.append((x(at), y(d)))
            previous = d
        if previous is not None:
            coords.append((LEFT + plot_w, y(previous)))
        if coords:
            lines.append(
                {
                    "key": key,
                    "label": label,
                    "points": " ".join(f"{a},{b}" for a, b in coords),
                    "last": previous,
                    "end_y": coords[-1][1],
                    "changes": sum(1 for a, b in pairwise(values) if a[1] != b[1]),
                }
            )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "top": TOP,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "lines": lines,
        "y_labels": [(y(lo), lo), (y(hi), hi)] if hi != lo else [(y(lo), lo)],
        "x_labels": [(LEFT, first_at), (WIDTH - RIGHT, last_at)],
        "delivery": {"x": x(delivery[0]), "y": y(delivery[1]), "date": delivery[1]}
        if delivery
        else None,
    }
