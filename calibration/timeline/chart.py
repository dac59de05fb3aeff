"""A small server-rendered SVG chart of how the three dates and the commitment moved.

x: when the revision was made (first revision → now); y: the date it set (later dates lower,
like a calendar read down). Each series is a step line: a date holds until it is revised.
The template draws it as inline SVG; no JavaScript.
"""

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


def revision_chart(initiative, now=None):
    """Everything the SVG template needs, or None when there is nothing to draw."""
    series = initiative.date_series()
    points = [(at, d) for values in series.values() for at, d in values if d is not None]
    if not points:
        return None
    now = now or timezone.now()
    first_at = min(at for at, _ in points)
    last_at = max(now, max(at for at, _ in points))
    # The y axis spans the dates at most FARTHEST_YEARS from today; a date further away (a
    # year typed as 1 or 9999) is drawn at the edge it lies beyond, not by flattening the rest.
    today = now.date()
    dates = [d for _, d in points if within_reach(d, today)] or [today]
    lo, hi = min(dates), max(dates)
    span_t = (last_at - first_at).total_seconds() or 1
    span_d = (hi - lo).days or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at):
        return round(LEFT + plot_w * (at - first_at).total_seconds() / span_t, 1)

    def y(d):
        return round(TOP + plot_h * (min(max(d, lo), hi) - lo).days / span_d, 1)

    lines = []
    for key, label in SERIES:
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
                    "changes": max(0, len(values) - 1),
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
    }
