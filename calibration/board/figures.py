"""The figures of the board view, computed in ONE place.

``board_figures(org, params)`` is what the print view, the CSV, the PDF and the snapshot
use, so they always carry the same numbers; the chart and the table, 50 rows a page, choose
their page with ``board_keys`` (the same filters and sort on the few values they read) and
compute those rows with the same ``row_for`` (``rows_of``). Each initiative becomes a ``Row`` of plain
values (dates, strings, numbers) that survives a round trip through JSON (``Row.to_dict`` /
``Row.from_dict``): a snapshot stores exactly these rows.

This module reads the timeline models through their public API only (``for_list``,
``probability_of_meeting_commitment``, ``gap_weeks``, ``tracking_timeline``,
``last_estimate_change``, ``acknowledgements``, ``indicators_list``, indicator ``state``),
and the timeline's track record (``track_record.rows_for``), its adjusted forecast
(``adjusted``) and its commitment ledger (``ledger.summary``).
"""

import datetime
from dataclasses import asdict, dataclass, field, fields

from django.db.models import OuterRef, Prefetch, Subquery

from calibration.dates import OUT_OF_RANGE, weeks_in_range
from calibration.formats import date_text, signed_duration_text
from calibration.probability import percent_text
from calibration.quarters import Quarter
from calibration.timeline import ledger as commitment_ledger
from calibration.timeline import overview, track_record
from calibration.timeline.adjusted import Basis, adjusted
from calibration.timeline.models import EstimateRevision, Initiative, LeadingIndicator

TIMELINE_LABELS = {"best": "best case", "expected": "expected case", "worst": "worst case"}
FIELD_LABELS = {
    "best": "Best case",
    "expected": "Expected case",
    "worst": "Worst case",
    "commitment": "Commitment",
}
SHORT_LABELS = {"best": "Best", "expected": "Plan", "worst": "Worst", "commitment": "Commitment"}
STATUS_CHOICES = [
    ("active", "Active"),
    ("proposed", "Proposed"),
    ("delivered", "Delivered"),
    ("all", "All but cancelled"),
]
SORT_CHOICES = [("risk", "Risk (lowest probability first)"), ("date", "Date (plan)")]
AUDIENCE_CHOICES = [*Initiative.Audience.choices, ("none", "no commitment yet")]
NO_QUARTER = "none"


def quarter_label(quarter):
    """How the board names a quarter: its label and its months, "FY27 Q2 (Apr–Jun 2027)"."""
    return f"{quarter.label} ({quarter.months_label})"


@dataclass
class Checkpoint:
    description: str
    due: datetime.date
    state: str  # met, missed, pending, overdue
    if_missed: str


@dataclass
class Row:
    """One initiative as the board sees it."""

    id: int
    title: str
    owner: str
    status: str
    start: datetime.date
    best: datetime.date
    expected: datetime.date
    worst: datetime.date
    commitment: datetime.date | None
    audience: str  # key ("board", …) or ""
    audience_label: str
    quarter: str  # Quarter.key ("2027Q2") or ""
    quarter_label: str  # as presented: a snapshot keeps the label its rows were shown with
    probability: float | None  # of meeting the commitment, 0..1
    gap_weeks: float | None  # positive: the commitment is earlier than the plan
    tracking: str  # best, expected, worst
    tracking_date: datetime.date
    tracking_since: datetime.date | None
    past_commitment: bool
    last_change: str  # "Expected case 2027-04-12 → 2027-05-03 (+3 wk)" or ""
    last_change_by: str
    last_change_on: datetime.date | None
    last_change_reason: str
    ceo_ack: str  # "Ada Chen, 2027-02-10" or ""
    cto_ack: str
    delivered_on: datetime.date | None
    checkpoints: list[Checkpoint] = field(default_factory=list)
    last_change_short: str = ""  # "Plan +3 wk → 2027-05-03", for the chart
    # Beside the raw forecast, never instead of it: the same dates given the estimator's
    # track record (timeline/adjusted.py): P(meet) and "P50 …, P85 … — whose record", or why
    # there is none.
    adjusted_probability: float | None = None
    adjusted_line: str = ""

    # --- derived, for display ---------------------------------------------------------

    @property
    def probability_text(self):
        return percent_text(self.probability)

    @property
    def adjusted_text(self):
        return percent_text(self.adjusted_probability)

    @property
    def gap_text(self):
        return "none" if self.gap_weeks == 0 else signed_duration_text(self.gap_weeks)

    @property
    def tracking_label(self):
        return TIMELINE_LABELS[self.tracking]

    @property
    def acknowledged_text(self):
        parts = [f"CEO {self.ceo_ack}" if self.ceo_ack else "CEO: not yet"]
        parts.append(f"CTO {self.cto_ack}" if self.cto_ack else "CTO: not yet")
        return "; ".join(parts)

    @property
    def checkpoint_counts(self):
        counts = {"met": 0, "missed": 0, "pending": 0, "overdue": 0}
        for c in self.checkpoints:
            counts[c.state] += 1
        return counts

    @property
    def checkpoints_text(self):
        counts = self.checkpoint_counts
        return ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "none"

    def sentence(self):
        """The row in words: its text equivalent for screen readers and the SVG <title>."""
        parts = [
            f"{self.title} (owner {self.owner})",
            (
                f"best case {date_text(self.best)}, plan (expected case) "
                f"{date_text(self.expected)}, worst case {date_text(self.worst)}"
            ),
        ]
        if self.commitment:
            parts.append(
                f"commitment to {self.audience_label} {date_text(self.commitment)}, "
                f"{self.probability_text} likely to be met, gap {self.gap_text}"
            )
        else:
            parts.append("no external commitment")
        if self.adjusted_probability is not None:
            parts.append(
                f"given the estimator's record {self.adjusted_text} likely to be met, "
                f"adjusted {self.adjusted_line}"
            )
        elif self.adjusted_line:
            parts.append(f"adjusted forecast: {self.adjusted_line}")
        parts.append(f"tracking the {self.tracking_label} ({date_text(self.tracking_date)})")
        if self.delivered_on:
            parts.append(f"delivered {date_text(self.delivered_on)}")
        parts.append(f"checkpoints: {self.checkpoints_text}")
        if self.last_change:
            parts.append(
                f"last estimate change: {self.last_change} on {date_text(self.last_change_on)}"
            )
        parts.append(f"acknowledged: {self.acknowledged_text}")
        return "; ".join(parts) + "."

    # --- JSON round trip (snapshots) --------------------------------------------------

    DATE_FIELDS = (
        "start",
        "best",
        "expected",
        "worst",
        "commitment",
        "tracking_date",
        "tracking_since",
        "last_change_on",
        "delivered_on",
    )

    def to_dict(self):
        data = asdict(self)
        for name in self.DATE_FIELDS:
            data[name] = data[name].isoformat() if data[name] else None
        for c in data["checkpoints"]:
            c["due"] = c["due"].isoformat()
        return data

    @classmethod
    def from_dict(cls, data):
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in cls.DATE_FIELDS:
            values[name] = _date(values.get(name))
        values["checkpoints"] = [
            Checkpoint(**{**c, "due": _date(c["due"])}) for c in values.get("checkpoints", [])
        ]
        return cls(**values)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _short_date(moment, org):
    return date_text(moment.astimezone(org.tz).date())


def adjusted_figures(initiative, bases):
    """(adjusted probability of meeting the commitment, the adjusted forecast in one line),
    from `bases` ({estimator id: Basis}; None: not asked for)."""
    i = initiative
    if bases is None or i.delivered_on or i.status == Initiative.Status.CANCELLED:
        return None, ""
    if i.owner_id is None:
        return None, "none: nobody owns this estimate"
    basis = bases.get(i.owner_id) or Basis(str(i.owner), ())
    forecast = adjusted(i.forecast(), basis)
    if forecast is None:
        return None, basis.why_none_short()
    p = forecast.probability_by(i.commitment_date) if i.commitment_date else None
    return p, forecast.line()


def estimator_bases(rows):
    """{estimator id: Basis} from track-record rows."""
    return {
        estimator_id: Basis.of(items[0].estimator, items)
        for estimator_id, items in track_record.by_estimator(rows).items()
    }


def row_for(initiative, today, bases=None):
    """The Row of one initiative (uses the prefetches of ``with_everything``); `bases`: the
    estimators' track records, for the adjusted forecast (None: not shown)."""
    i = initiative
    org = i.organization
    quarter_key = quarter_text = ""
    if i.commitment_date:
        quarter = Quarter.containing(i.commitment_date, org.fiscal_year_start_month)
        quarter_key, quarter_text = quarter.key, quarter_label(quarter)
    change = i.last_estimate_change()
    last_change = last_by = last_reason = last_short = ""
    last_on = None
    if change:
        # A withdrawn commitment moved by no number of weeks: its new date is "none".
        moved = change.weeks_moved()
        new_date = date_text(change.new_date, missing="none")
        shift = "" if moved is None else f" ({signed_duration_text(moved)})"
        old_date = date_text(change.old_date)
        last_change = (
            f"{FIELD_LABELS.get(change.field, change.field)} {old_date} → {new_date}{shift}"
        )
        last_by = str(change.by) if change.by else ""
        last_on = change.at.astimezone(org.tz).date()
        last_reason = change.reason
        short = SHORT_LABELS.get(change.field, change.field)
        moved_text = "" if moved is None else " " + signed_duration_text(moved)
        last_short = f"{short}{moved_text} → {new_date}"
    acks = i.acknowledgements()

    def ack(role):
        if not acks[role]:
            return ""
        user, at = acks[role]
        return f"{user}, {_short_date(at, org)}" if user else _short_date(at, org)

    tracking = i.tracking_timeline()
    adjusted_probability, adjusted_line = adjusted_figures(i, bases)
    return Row(
        id=i.pk,
        title=i.title,
        owner=str(i.owner),
        status=i.status,
        start=i.start_date,
        best=i.best_date,
        expected=i.expected_date,
        worst=i.worst_date,
        commitment=i.commitment_date,
        audience=i.commitment_audience or "",
        audience_label=i.get_commitment_audience_display() if i.commitment_audience else "",
        quarter=quarter_key,
        quarter_label=quarter_text,
        probability=i.probability_of_meeting_commitment(),
        gap_weeks=i.gap_weeks(),
        tracking=tracking,
        tracking_date=i.timeline_date(tracking),
        tracking_since=i.tracking_changed_on(),
        past_commitment=i.is_tracking_past_commitment(),
        last_change=last_change,
        last_change_by=last_by,
        last_change_on=last_on,
        last_change_reason=last_reason,
        ceo_ack=ack("ceo"),
        cto_ack=ack("cto"),
        delivered_on=i.delivered_on,
        last_change_short=last_short,
        adjusted_probability=adjusted_probability,
        adjusted_line=adjusted_line,
        checkpoints=[
            Checkpoint(
                description=c.description,
                due=c.due_date_value(i),
                state=c.state(today, i),
                if_missed=c.if_missed,
            )
            for c in i.indicators_list()
        ],
    )


@dataclass
class Filters:
    status: str = "active"
    quarter: str = ""
    audience: str = ""
    sort: str = "risk"

    @classmethod
    def from_params(cls, params):
        """Filters from a query string; unknown values fall back to the defaults."""
        status = params.get("status", "active")
        audience = params.get("audience", "")
        sort = params.get("sort", "risk")
        quarter = params.get("quarter", "")
        if quarter != NO_QUARTER and Quarter.from_key(quarter) is None:
            quarter = ""
        return cls(
            status=status if status in dict(STATUS_CHOICES) else "active",
            quarter=quarter,
            audience=audience if audience in dict(AUDIENCE_CHOICES) else "",
            sort=sort if sort in dict(SORT_CHOICES) else "risk",
        )

    def as_params(self):
        """Only the values that differ from the defaults (for links and snapshots)."""
        defaults = Filters()
        return {k: v for k, v in asdict(self).items() if v != getattr(defaults, k)}

    def describe(self, start_month=1):
        """The filters in words, e.g. "Active initiatives, commitments to the board, by risk"."""
        words = [dict(STATUS_CHOICES)[self.status] + " initiatives"]
        if self.audience == "none":
            words.append("without a commitment")
        elif self.audience:
            words.append("commitments to " + dict(AUDIENCE_CHOICES)[self.audience])
        if self.quarter == NO_QUARTER:
            words.append("no commitment quarter")
        elif self.quarter:
            quarter = Quarter.from_key(self.quarter, start_month)
            words.append("commitment in " + (quarter_label(quarter) if quarter else self.quarter))
        words.append("sorted by " + ("risk" if self.sort == "risk" else "date"))
        return ", ".join(words)


@dataclass
class Board:
    """Everything the board view shows: the rows, the day they were computed for, the filters
    and the choices the filters offer."""

    rows: list[Row]
    today: datetime.date
    filters: Filters
    quarter_choices: list[tuple[str, str]]
    total: int  # rows before the quarter/audience filters
    track_rows: list = field(default_factory=list)  # the timeline's track record

    @property
    def figures(self):
        return [row.to_dict() for row in self.rows]


def sort_rows(rows, sort):
    if sort == "date":
        return sorted(rows, key=lambda r: (r.expected, r.title.lower(), r.id))
    # Risk: lowest probability first; without a commitment there is no probability to
    # rank by, so those come last, latest worst case first among them.
    return sorted(
        rows,
        key=lambda r: (
            r.probability is None,
            r.probability if r.probability is not None else 0,
            r.expected,
            r.id,
        ),
    )


# What ``row_for`` reads of an initiative, and nothing more (not the long assumption, risk and
# plan texts).
ROW_FIELDS = [
    "organization_id",
    "title",
    "status",
    "start_date",
    "best_date",
    "expected_date",
    "worst_date",
    "commitment_date",
    "commitment_audience",
    "ceo_acknowledged_at",
    "cto_acknowledged_at",
    "delivered_on",
    *(
        f"{user}__{name}"
        for user in ("owner", "ceo_acknowledged_by", "cto_acknowledged_by")
        for name in ("name", "email")
    ),
]


def initiatives_for(org, status):
    """The initiatives of `org` for the board, with their checkpoints and, of their revisions,
    only the latest that changed a date: all that ``last_estimate_change`` returns (a large
    organization has thousands of revisions and slip actions the board never shows)."""
    checkpoints = LeadingIndicator.objects.only(
        "initiative_id",
        "description",
        "due_on",
        "due_week",
        "due_date",
        "if_missed",
        "status",
        "resolved_on",
    ).order_by("due_on", "id")
    changes = EstimateRevision.objects.filter(old_date__isnull=False)
    latest = changes.filter(initiative=OuterRef("initiative")).order_by("-at", "-id")
    last_change = (
        changes.filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("by")
        .only(
            "initiative_id",
            "field",
            "old_date",
            "new_date",
            "reason",
            "at",
            "by__name",
            "by__email",
        )
    )
    queryset = (
        Initiative.objects.for_org(org)
        .select_related("owner", "ceo_acknowledged_by", "cto_acknowledged_by")
        .only(*ROW_FIELDS)
        .prefetch_related(
            Prefetch("indicators", queryset=checkpoints),
            Prefetch("revisions", queryset=last_change),
        )
    )
    if status == "all":
        return queryset.exclude(status=Initiative.Status.CANCELLED)
    return queryset.filter(status=status)


def board_figures(org, params=None, *, today=None):
    """The Board for `org` under the filters in `params` (a dict or QueryDict): every row's
    full figures (the print view, the PDF, the CSV, snapshots)."""
    filters = params if isinstance(params, Filters) else Filters.from_params(params or {})
    today = today or org.today()
    track_rows = track_record.rows_for(org)
    bases = estimator_bases(track_rows)
    rows = []
    for initiative in initiatives_for(org, filters.status):
        initiative.organization = org  # the one the queryset is filtered by: no join, no query
        rows.append(row_for(initiative, today, bases))
    return _board(rows, today, filters, track_rows)


def _board(rows, today, filters, track_rows):
    """The Board of `rows` (Rows or Keys): the quarters they offer, filtered and sorted."""
    quarters = {}
    for row in rows:
        if row.quarter:
            quarters[row.quarter] = row.quarter_label
    quarter_choices = sorted(quarters.items())
    if any(not row.quarter for row in rows):
        quarter_choices.append((NO_QUARTER, "no commitment"))
    total = len(rows)
    if filters.audience == "none":
        rows = [r for r in rows if not r.audience]
    elif filters.audience:
        rows = [r for r in rows if r.audience == filters.audience]
    if filters.quarter == NO_QUARTER:
        rows = [r for r in rows if not r.quarter]
    elif filters.quarter:
        rows = [r for r in rows if r.quarter == filters.quarter]
    return Board(sort_rows(rows, filters.sort), today, filters, quarter_choices, total, track_rows)


@dataclass
class Key:
    """What the filters, the sort and the summary read of an initiative, the same values as its
    Row's: enough to choose a page of rows without building every row's figures."""

    id: int
    title: str
    expected: datetime.date
    commitment: datetime.date | None
    audience: str
    quarter: str
    quarter_label: str
    probability: float | None
    past_commitment: bool
    ceo_ack: bool
    cto_ack: bool


KEY_FIELDS = [
    "title",
    "best_date",
    "expected_date",
    "worst_date",
    "commitment_date",
    "commitment_audience",
    "ceo_acknowledged_at",
    "cto_acknowledged_at",
]


def board_keys(org, params=None, *, today=None):
    """The Board for `org` under the filters in `params`, its rows Keys (the tracking timeline
    from SQL, no checkpoint or revision loaded); ``rows_of`` gives the full Rows of some."""
    filters = params if isinstance(params, Filters) else Filters.from_params(params or {})
    today = today or org.today()
    initiatives = Initiative.objects.for_org(org)
    if filters.status == "all":
        initiatives = initiatives.exclude(status=Initiative.Status.CANCELLED)
    else:
        initiatives = initiatives.filter(status=filters.status)
    keys = []
    for i in overview.with_tracking(initiatives).only(*KEY_FIELDS):
        quarter_key = quarter_text = ""
        if i.commitment_date:
            quarter = Quarter.containing(i.commitment_date, org.fiscal_year_start_month)
            quarter_key, quarter_text = quarter.key, quarter_label(quarter)
        keys.append(
            Key(
                id=i.pk,
                title=i.title,
                expected=i.expected_date,
                commitment=i.commitment_date,
                audience=i.commitment_audience or "",
                quarter=quarter_key,
                quarter_label=quarter_text,
                probability=i.probability_of_meeting_commitment(),
                past_commitment=bool(i.commitment_date and i.tracking_on > i.commitment_date),
                ceo_ack=i.ceo_acknowledged_at is not None,
                cto_ack=i.cto_acknowledged_at is not None,
            )
        )
    return _board(keys, today, filters, track_record.rows_for(org))


def rows_of(org, board, keys):
    """The full Rows of `keys` (from ``board_keys``), in their order."""
    bases = estimator_bases(board.track_rows)
    initiatives = initiatives_for(org, board.filters.status).in_bulk([k.id for k in keys])
    rows = []
    for key in keys:
        initiative = initiatives[key.id]
        initiative.organization = org  # the one the queryset is filtered by: no join, no query
        rows.append(row_for(initiative, board.today, bases))
    return rows


def board_ledger(org, board):
    """The commitment ledger's figures for the board-prep view's short section."""
    return commitment_ledger.summary(org, rows=board.track_rows, today=board.today)


def _d(value):
    return value.isoformat() if value else ""


def _weeks(value):
    """A number of weeks as a spreadsheet number, or OUT_OF_RANGE."""
    return f"{value:g}" if weeks_in_range(value) else OUT_OF_RANGE


def _day(value):
    return date_text(value, missing="")


def _gap(row):
    return "" if row.gap_weeks is None else signed_duration_text(row.gap_weeks)


# The columns of the table view, the CSV and the PDF's table: one definition, same figures.
# Each is (heading, the value in a file, the value a person reads — when it differs): a file
# keeps ISO dates and plain numbers of weeks, a page and the PDF write them as every page does.
COLUMNS = [
    ("Initiative", lambda r: r.title, None),
    ("Owner", lambda r: r.owner, None),
    ("Status", lambda r: r.status, None),
    ("Start", lambda r: _d(r.start), lambda r: _day(r.start)),
    ("Best case", lambda r: _d(r.best), lambda r: _day(r.best)),
    ("Plan (expected case)", lambda r: _d(r.expected), lambda r: _day(r.expected)),
    ("Worst case", lambda r: _d(r.worst), lambda r: _day(r.worst)),
    ("Commitment", lambda r: _d(r.commitment), lambda r: _day(r.commitment)),
    ("Told to", lambda r: r.audience_label, None),
    ("Commitment quarter", lambda r: r.quarter_label, None),
    ("P(meet commitment)", lambda r: percent_text(r.probability, missing=""), None),
    ("Adjusted P(meet)", lambda r: percent_text(r.adjusted_probability, missing=""), None),
    ("Adjusted forecast", lambda r: r.adjusted_line, None),
    ("Gap (weeks)", lambda r: "" if r.gap_weeks is None else _weeks(r.gap_weeks), _gap),
    ("Tracking", lambda r: r.tracking_label, None),
    ("Tracking date", lambda r: _d(r.tracking_date), lambda r: _day(r.tracking_date)),
    ("Checkpoints", lambda r: r.checkpoints_text, None),
    ("Last estimate change", lambda r: r.last_change, None),
    ("Changed on", lambda r: _d(r.last_change_on), lambda r: _day(r.last_change_on)),
    ("Changed by", lambda r: r.last_change_by, None),
    ("Reason", lambda r: r.last_change_reason, None),
    ("CEO acknowledged", lambda r: r.ceo_ack, None),
    ("CTO acknowledged", lambda r: r.cto_ack, None),
    ("Delivered on", lambda r: _d(r.delivered_on), lambda r: _day(r.delivered_on)),
]
NUMERIC = {"P(meet commitment)", "Adjusted P(meet)", "Gap (weeks)"}


def table(rows, *, for_a_file=False):
    """(headings, [(row, cells)]): the figures as text cells — for the table and the PDF as a
    person reads them, or `for_a_file` (the CSV) with ISO dates and numbers of weeks."""
    columns = [(h, value if for_a_file or shown is None else shown) for h, value, shown in COLUMNS]
    return [h for h, _ in columns], [(row, [f(row) for _, f in columns]) for row in rows]


# The same columns grouped into eight, so the table fits a landscape page (print and PDF).
GROUPS = [
    ("Initiative", ["Initiative", "Owner", "Status"]),
    (
        "Timelines",
        ["Start", "Best case", "Plan (expected case)", "Worst case", "Adjusted forecast"],
    ),
    ("Commitment", ["Commitment", "Told to", "Commitment quarter"]),
    ("Odds and gap", ["P(meet commitment)", "Adjusted P(meet)", "Gap (weeks)"]),
    ("Tracking", ["Tracking", "Tracking date", "Checkpoints"]),
    ("Last estimate change", ["Last estimate change", "Changed on", "Changed by", "Reason"]),
    ("Gap acknowledged", ["CEO acknowledged", "CTO acknowledged"]),
    ("Delivered", ["Delivered on"]),
]


def compact_table(rows):
    """(group headings, [(row, title, details, groups)]): every cell of ``table``, grouped
    (empty values left out). The first group is the row heading: the title, then `details`
    (owner, status); each cell is (column, value, class of the value) — short values do not
    wrap."""
    headings, cells = table(rows)
    grouped = []
    for row, values in cells:
        by_heading = dict(zip(headings, values, strict=True))
        groups = [
            [
                (
                    h,
                    value,
                    "board-cell-value board-nowrap" if len(value) < 26 else "board-cell-value",
                )
                for h in names
                if (value := by_heading[h])
            ]
            for _, names in GROUPS
        ]
        grouped.append((row, groups[0][0][1], groups[0][1:], groups[1:]))
    return [g for g, _ in GROUPS], grouped
