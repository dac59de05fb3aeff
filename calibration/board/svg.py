"""The board chart drawn as SVG text, from Rows (``figures.Row``) and the geometry of
``chart``. No JavaScript: the same text is shown on the page, printed, put in the PDF, and
stored in snapshots.

Every mark uses a shape as well as a colour, so the chart reads in black and white, and every
row is a list item whose ``<title>`` / ``aria-label`` says the row in words.
"""

import functools
from html import escape
from html.parser import HTMLParser

from calibration.dates import OUT_OF_RANGE
from calibration.formats import date_text

from . import chart
from .chart import COLUMNS, ROW_HEIGHT, WIDTH, Axis

INK = "#1d2329"
MUTED = "#5d6873"
GRID = "#e3e7eb"
BAND = "#dde3e8"
BAND_EDGE = "#aab4be"
ZEBRA = "#f6f8f9"
COMMITMENT = "#6b2fa0"
TODAY = "#c2410c"
TRACKING = {"best": "#1e7a3f", "expected": "#1f5f99", "worst": "#b42318"}
STATE = {"met": "#1e7a3f", "missed": "#b42318", "pending": "#5d6873", "overdue": "#b45309"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"


@functools.lru_cache(maxsize=1 << 15)
def n(value):
    """A coordinate as short text (cached: a chart repeats the same few thousand values)."""
    return f"{round(value, 1):g}"


def attrs(**values):
    return " ".join(
        f'{k.rstrip("_").replace("_", "-")}="{escape(str(v))}"'
        for k, v in values.items()
        if v is not None
    )


def tag(name, body="", **values):
    opening = f"{name}{_extra(**values)}"
    return f"<{opening}>{body}</{name}>" if body else f"<{opening}/>"


def text(x, y, content, **values):
    return _text(x, y, content, _extra(**values))


def _text(x, y, content, extra=""):
    """``text(x, y, content, **values)`` with the values already written out (`extra`), for
    texts drawn hundreds of times with the same attributes."""
    body = escape(str(content))
    if body:
        return f'<text x="{n(x)}" y="{n(y)}"{extra}>{body}</text>'
    return f'<text x="{n(x)}" y="{n(y)}"{extra}/>'


def _extra(**values):
    """The attributes, with the space before them ("" when there are none)."""
    written = attrs(**values)
    return f" {written}" if written else ""


def probability_color(p):
    if p is None:
        return MUTED
    if p < 0.5:
        return TRACKING["worst"]
    if p < 0.8:
        return STATE["overdue"]
    return TRACKING["best"]


def axis_for(rows, today):
    """The axis every row's dates fit on, but for those more than FARTHEST_YEARS from `today`
    (drawn as "beyond the chart")."""
    dates = [today]
    for r in rows:
        dates += [r.start, r.best, r.expected, r.worst, r.commitment, r.delivered_on]
        dates += [c.due for c in r.checkpoints]
    return Axis.covering(dates, around=today)


# --- marks (also used by the legend) -----------------------------------------------------
#
# A large board draws tens of thousands of marks, so these write their text directly (the
# same text as ``tag(...)`` with the same attributes in the same order); every value in them
# is a number, a date, a colour or a class name, none of which needs escaping.


def _data(date, x=None):
    """A mark's data attributes: where it is drawn and the date it stands for."""
    out = "" if x is None else f' data-x="{x}"'
    return out if date is None else f'{out} data-date="{date}"'


def band(x0, x1, y):
    half = chart.BAND_HEIGHT / 2
    return (
        f'<rect class="band" x="{n(x0)}" y="{n(y - half)}" width="{n(max(x1 - x0, 2))}" '
        f'height="{n(chart.BAND_HEIGHT)}" rx="3" fill="{BAND}" stroke="{BAND_EDGE}" '
        'stroke-width="1"/>'
    )


def plan_tick(x, y, date=None):
    """The plan (expected case): a bold upright bar across the band."""
    return (
        f'<rect class="plan" x="{n(x - 1.5)}" y="{n(y - 11)}" width="3" height="22" '
        f'fill="{INK}"{_data(date, n(x))}/>'
    )


def commitment_mark(x, y, date=None):
    s = 6
    points = f"{n(x)},{n(y - s)} {n(x + s)},{n(y)} {n(x)},{n(y + s)} {n(x - s)},{n(y)}"
    return (
        f'<polygon class="commitment" points="{points}" fill="{COMMITMENT}" stroke="#ffffff" '
        f'stroke-width="1"{_data(date, n(x))}/>'
    )


def tracking_mark(x, y, timeline, date=None):
    """A ring (the plan tick shows through it) in the colour of the timeline tracked."""
    return (
        f'<circle class="tracking tracking--{timeline}" cx="{n(x)}" cy="{n(y)}" r="7" '
        f'fill="none" stroke="{TRACKING[timeline]}" stroke-width="3.5"{_data(date)}/>'
    )


def checkpoint_mark(x, y, state, date=None):
    color = STATE[state]
    common = f' class="checkpoint checkpoint--{state}"{_data(date, n(x))}'
    if state == "met":
        return f'<circle cx="{n(x)}" cy="{n(y)}" r="4.5" fill="{color}"{common}/>'
    if state == "missed":
        d = 4.5
        path = f"M{n(x - d)},{n(y - d)}L{n(x + d)},{n(y + d)}M{n(x - d)},{n(y + d)}L{n(x + d)},{n(y - d)}"
        return f'<path d="{path}" stroke="{color}" stroke-width="2.5" fill="none"{common}/>'
    if state == "overdue":
        s = 5.5
        points = f"{n(x)},{n(y - s)} {n(x + s)},{n(y + s * 0.8)} {n(x - s)},{n(y + s * 0.8)}"
        return (
            f'<polygon points="{points}" fill="#fbbf24" stroke="{color}" stroke-width="1.5"'
            f"{common}/>"
        )
    return (
        f'<circle cx="{n(x)}" cy="{n(y)}" r="4" fill="#ffffff" stroke="{color}" '
        f'stroke-width="1.5"{common}/>'
    )


def beyond_mark(x, y, side, what=()):
    """A dated mark that lies off the axis: an arrowhead at the plot's edge, pointing the way
    it lies, that says in its title what is there ("beyond the chart: plan 9999-12-31")."""
    s = 6 if side == "after" else -6
    points = f"{n(x)},{n(y - 6)} {n(x + s)},{n(y)} {n(x)},{n(y + 6)}"
    what = list(what)
    listed = "; ".join(what[:6]) + (f"; and {len(what) - 6} more" if len(what) > 6 else "")
    title = f"<title>Beyond the chart: {escape(listed)}</title>" if listed else ""
    return (
        f'<polygon class="beyond beyond--{side}" points="{points}" fill="{MUTED}">{title}</polygon>'
        if title
        else f'<polygon class="beyond beyond--{side}" points="{points}" fill="{MUTED}"/>'
    )


def delivered_mark(x, y, date=None):
    s = 5.5
    return (
        f'<rect class="delivered" x="{n(x - s)}" y="{n(y - s)}" width="{n(2 * s)}" '
        f'height="{n(2 * s)}" fill="{INK}"{_data(date, n(x))}/>'
    )


# --- the chart ---------------------------------------------------------------------------


def render(rows, today, *, title="Board view", id_prefix="board", axis=None, urls=None):
    """The SVG text of the chart for `rows` (figures.Row) on a time axis containing them and
    `today`. `urls` maps initiative ids to links for their titles (optional)."""
    axis = axis or axis_for(rows, today)
    urls = urls or {}
    height = chart.chart_height(len(rows))
    rows_bottom = chart.row_top(max(len(rows), 1))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" class="board-chart" role="group" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="{escape(FONT)}" '
        f'font-size="12" fill="{INK}" data-axis-start="{axis.start}" data-axis-end="{axis.end}">',
        tag("title", escape(title), id=f"{id_prefix}-title"),
        tag(
            "desc",
            escape(
                f"{len(rows)} initiative{'s' if len(rows) != 1 else ''} on a time axis from "
                f"{axis.start} to {axis.end}; today is {today}. Each row shows the best-to-worst "
                "range, the plan (expected case), the external commitment, the checkpoints and "
                "the timeline the initiative is tracking, with the probability of meeting the "
                "commitment, the gap, the last estimate change and the acknowledgements."
            ),
            id=f"{id_prefix}-desc",
        ),
    ]
    # Axis: month gridlines and labels, column headings.
    out.append('<g class="axis" aria-hidden="true">')
    for day, x, label in axis.month_ticks():
        out.append(
            tag(
                "line",
                x1=n(x),
                x2=n(x),
                y1=chart.AXIS_HEIGHT - 8,
                y2=n(rows_bottom),
                stroke=GRID,
                stroke_width=1,
                data_date=day,
            )
        )
        if label and x < chart.PLOT_X1 - 24:
            out.append(text(x + 3, chart.AXIS_HEIGHT - 12, label, fill=MUTED, font_size=11))
    headings = [
        (8, "Initiative"),
        (COLUMNS["probability"], "P(meet)"),
        (COLUMNS["gap"], "Gap"),
        (COLUMNS["last_change"], "Last estimate change"),
        (COLUMNS["acknowledged"], "Acknowledged"),
    ]
    for x, label in headings:
        out.append(text(x, chart.AXIS_HEIGHT - 12, label, font_weight="600", font_size=11.5))
    out.append(
        tag(
            "line",
            x1=0,
            x2=WIDTH,
            y1=chart.AXIS_HEIGHT - 1,
            y2=chart.AXIS_HEIGHT - 1,
            stroke=BAND_EDGE,
            stroke_width=1,
        )
    )
    out.append("</g>")

    out.append(f'<g class="rows" role="list" aria-label="{escape(title)}: initiatives">')
    drawn = [render_row(row, index, axis, urls.get(row.id)) for index, row in enumerate(rows)]
    out += drawn
    if not rows:
        out.append(
            text(
                chart.PLOT_X0,
                chart.row_middle(0) + 4,
                "No initiative matches these filters.",
                fill=MUTED,
                role="listitem",
            )
        )
    out.append("</g>")

    if axis.contains(today):
        x = axis.x(today)
        out.append(
            f'<g class="today" data-date="{today}" data-x="{n(x)}" aria-label="Today, {date_text(today)}">'
        )
        out.append(
            tag(
                "line",
                x1=n(x),
                x2=n(x),
                y1=chart.AXIS_HEIGHT - 6,
                y2=n(rows_bottom),
                stroke=TODAY,
                stroke_width=1.5,
                stroke_dasharray="5 3",
            )
        )
        out.append(
            text(
                x,
                12,
                f"Today {date_text(today)}",
                fill=TODAY,
                font_size=11,
                font_weight="600",
                text_anchor="middle",
            )
        )
        out.append("</g>")
    out.append(legend(rows_bottom + 10, beyond=any('class="beyond' in row for row in drawn)))
    out.append("</svg>")
    return "\n".join(out)


# The constant attributes of a row's texts, written once.
ROW_TITLE = _extra(font_weight="600", font_size=13.5)
ROW_OWNER = {
    timeline: _extra(fill=color if timeline != "expected" else MUTED, font_size=11.5)
    for timeline, color in TRACKING.items()
}
ROW_PROBABILITY = {
    color: _extra(class_="probability", font_weight="700", font_size=15, fill=color)
    for color in (MUTED, TRACKING["worst"], STATE["overdue"], TRACKING["best"])
}
ROW_AUDIENCE = _extra(fill=MUTED, font_size=10)
ROW_ADJUSTED = _extra(class_="adjusted-probability", fill=MUTED, font_size=11)
ROW_GAP = _extra(class_="gap", font_size=13)
ROW_GAP_OUT = _extra(class_="gap gap--out-of-range", fill=MUTED, font_size=11)
ROW_CHANGE = _extra(font_size=11)
ROW_CHANGE_WHO = _extra(fill=MUTED, font_size=10.5)
ROW_NO_CHANGE = _extra(fill=MUTED, font_size=11)
ROW_ACK = {color: _extra(fill=color, font_size=11) for color in (INK, TRACKING["worst"], MUTED)}
RUN_UP = _extra(stroke=BAND_EDGE, stroke_width=2, stroke_dasharray="2 3")
COMMITMENT_LINE = _extra(stroke=COMMITMENT, stroke_width=1.5, stroke_dasharray="3 2")


def render_row(row, index, axis, url=None):
    top = chart.row_top(index)
    y = chart.row_middle(index)
    color = TRACKING[row.tracking]
    sentence = escape(row.sentence())
    out = [
        f'<g class="row" role="listitem" data-initiative="{row.id}" data-index="{index}" '
        f'aria-label="{sentence}">',
        f"<title>{sentence}</title>",
    ]
    if index % 2:
        out.append(
            f'<rect x="0" y="{n(top)}" width="{WIDTH}" height="{ROW_HEIGHT}" fill="{ZEBRA}"/>'
        )
    out.append(
        f'<rect x="0" y="{n(top + 6)}" width="4" height="{ROW_HEIGHT - 12}" fill="{color}"/>'
    )
    title = _text(12, top + 20, chart.truncate(row.title, 30), ROW_TITLE)
    if url:
        title = f'<a href="{escape(url)}" class="initiative-link">{title}</a>'
    out.append(title)
    status = "" if row.status == "active" else f" · {row.status}"
    out.append(
        _text(
            12,
            top + 37,
            chart.truncate(f"{row.owner} · tracking {row.tracking}{status}", 36),
            ROW_OWNER[row.tracking],
        )
    )

    # Marks whose date is off the axis are not drawn at a wrong place: each side of the plot
    # gets one arrowhead listing them instead.
    beyond = {"before": [], "after": []}

    def on_axis(day, what):
        if axis.contains(day):
            return True
        beyond["before" if day < axis.start else "after"].append(f"{what} {day}")
        return False

    # The run-up from the start to the best case, then the best–worst band (cut at the plot's
    # edges, so a band running off the chart visibly runs into its edge).
    ny = n(y)
    if row.start < row.best:
        out.append(
            f'<line class="run-up" x1="{n(axis.clamped_x(row.start))}" '
            f'x2="{n(axis.clamped_x(row.best))}" y1="{ny}" y2="{ny}"{RUN_UP}/>'
        )
    on_axis(row.best, "best case")
    on_axis(row.worst, "worst case")
    out.append(band(axis.clamped_x(row.best), axis.clamped_x(row.worst), y))
    if on_axis(row.expected, "plan"):
        out.append(plan_tick(axis.x(row.expected), y, row.expected))
    if row.commitment and on_axis(row.commitment, "commitment"):
        cx = n(axis.x(row.commitment))
        out.append(
            f'<line class="commitment-line" x1="{cx}" x2="{cx}" y1="{n(top + 4)}" '
            f'y2="{n(top + ROW_HEIGHT - 4)}"{COMMITMENT_LINE}/>'
        )
        out.append(commitment_mark(axis.x(row.commitment), top + 9, row.commitment))
    if axis.contains(row.tracking_date):
        out.append(tracking_mark(axis.x(row.tracking_date), y, row.tracking, row.tracking_date))
    for c in row.checkpoints:
        if on_axis(c.due, f"checkpoint ({c.state})"):
            out.append(checkpoint_mark(axis.x(c.due), y + 16, c.state, c.due))
    if row.delivered_on and on_axis(row.delivered_on, "delivered"):
        out.append(delivered_mark(axis.x(row.delivered_on), y, row.delivered_on))
    if beyond["before"]:
        out.append(beyond_mark(axis.x0 - 2, y, "before", beyond["before"]))
    if beyond["after"]:
        out.append(beyond_mark(axis.x1 + 2, y, "after", beyond["after"]))

    # The figures beside the row.
    out.append(
        _text(
            COLUMNS["probability"],
            top + 27,
            row.probability_text,
            ROW_PROBABILITY[probability_color(row.probability)],
        )
    )
    if row.commitment:
        out.append(_text(COLUMNS["probability"], top + 13, row.audience, ROW_AUDIENCE))
    if row.adjusted_probability is not None:
        # The second line: the same chance given the estimator's track record.
        out.append(
            _text(COLUMNS["probability"], top + 43, f"adj. {row.adjusted_text}", ROW_ADJUSTED)
        )
    if row.gap_text == OUT_OF_RANGE:  # wider than the column: on two smaller lines
        out.append(_text(COLUMNS["gap"], top + 22, "out of", ROW_GAP_OUT))
        out.append(_text(COLUMNS["gap"], top + 35, "range", ROW_GAP_OUT))
    else:
        out.append(_text(COLUMNS["gap"], top + 27, row.gap_text, ROW_GAP))
    if row.last_change:
        out.append(
            _text(
                COLUMNS["last_change"],
                top + 21,
                chart.truncate(row.last_change_short or row.last_change, 27),
                ROW_CHANGE,
            )
        )
        out.append(
            _text(
                COLUMNS["last_change"],
                top + 36,
                chart.truncate(f"{date_text(row.last_change_on)} · {row.last_change_by}", 28),
                ROW_CHANGE_WHO,
            )
        )
    else:
        out.append(_text(COLUMNS["last_change"], top + 27, "none", ROW_NO_CHANGE))
    for k, (role, value) in enumerate((("CEO", row.ceo_ack), ("CTO", row.cto_ack))):
        mark = "✓ " + value.split(",")[0] if value else "— not yet"
        out.append(
            _text(
                COLUMNS["acknowledged"],
                top + 21 + 15 * k,
                chart.truncate(f"{role} {mark}", 24),
                ROW_ACK[INK if value else TRACKING["worst"] if row.commitment else MUTED],
            )
        )
    out.append("</g>")
    return "\n".join(out)


def legend(top, beyond=False):
    """The key to the marks, drawn with the same functions as the rows (the arrowhead of a
    date beyond the chart only when there is one)."""
    y1, y2 = top + 14, top + 36
    out = ['<g class="legend" aria-label="Legend" transform="translate(0 0)">']
    out.append(text(12, y1 + 4, "Legend", font_weight="600", font_size=11.5))
    x = 80
    items1 = [
        (band(x, x + 34, y1), 40, "best–worst range"),
        (plan_tick(0, y1), 10, "plan (expected case)"),
        (commitment_mark(0, y1), 12, "external commitment"),
        (tracking_mark(0, y1, "best"), 12, "tracking best"),
        (tracking_mark(0, y1, "expected"), 12, "tracking expected"),
        (tracking_mark(0, y1, "worst"), 12, "tracking worst"),
    ]
    if beyond:
        items1.append((beyond_mark(0, y1, "after"), 12, "beyond the chart"))
    items2 = [
        (checkpoint_mark(0, y2, "met"), 12, "checkpoint met"),
        (checkpoint_mark(0, y2, "missed"), 12, "missed"),
        (checkpoint_mark(0, y2, "pending"), 12, "pending"),
        (checkpoint_mark(0, y2, "overdue"), 12, "overdue"),
        (delivered_mark(0, y2), 12, "delivered"),
    ]
    for items, y in ((items1, y1), (items2, y2)):
        x = 80
        for mark, width, label in items:
            if mark.startswith("<rect") and 'class="band"' in mark:
                out.append(band(x, x + 34, y))
            else:
                out.append(f'<g transform="translate({n(x + 6)} 0)">{mark}</g>')
            out.append(text(x + width + 8, y + 4, label, font_size=11))
            x += width + 8 + 7 * len(label) + 22
    x = 80 + 560
    out.append(
        tag(
            "line",
            x1=n(x),
            x2=n(x),
            y1=n(y2 - 8),
            y2=n(y2 + 8),
            stroke=TODAY,
            stroke_width=1.5,
            stroke_dasharray="5 3",
        )
    )
    out.append(text(x + 8, y2 + 4, "today", font_size=11))
    out.append(
        text(
            x + 70,
            y2 + 4,
            "Gap: weeks the commitment is earlier (+) than the plan.",
            fill=MUTED,
            font_size=11,
        )
    )
    out.append("</g>")
    return "\n".join(out)


# --- what a stored chart may hold ----------------------------------------------------------
#
# A snapshot's chart is shown as markup, and a snapshot may come from an imported file. So it
# may hold only the elements and attributes ``render`` draws without links: no script, style,
# link, event handler or anything htmx would act on.

ELEMENTS = frozenset(
    {"svg", "title", "desc", "g", "line", "rect", "circle", "path", "polygon", "text"}
)
ATTRIBUTES = frozenset(
    {
        *("xmlns", "viewbox", "width", "height", "x", "y", "x1", "x2", "y1", "y2"),
        *("cx", "cy", "r", "rx", "d", "points", "transform", "id", "class", "role"),
        *("aria-hidden", "aria-label", "aria-labelledby"),
        *("fill", "stroke", "stroke-width", "stroke-dasharray"),
        *("font-family", "font-size", "font-weight", "text-anchor"),
        *("data-axis-start", "data-axis-end", "data-date", "data-x", "data-index"),
        "data-initiative",
    }
)


class _Markup(HTMLParser):
    """Collects what is not chart markup (names come lowercased, as a browser reads them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        self._element(tag)
        self.problems += [f"a {name} attribute" for name, _ in attrs if name not in ATTRIBUTES]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self._element(tag)

    def _element(self, tag):
        if tag not in ELEMENTS:
            self.problems.append(f"a <{tag}> element")

    def handle_comment(self, data):
        self.problems.append("a comment")

    def handle_decl(self, decl):
        self.problems.append("a declaration")

    def unknown_decl(self, data):
        self.problems.append("a declaration")

    def handle_pi(self, data):
        self.problems.append("a processing instruction")


def markup_problem(text):
    """The first thing in `text` that is not chart markup ("a <script> element"), or None."""
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return parser.problems[0] if parser.problems else None
