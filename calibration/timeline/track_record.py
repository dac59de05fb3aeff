"""The track record: did the forecasts of delivered initiatives deserve to be believed?

One list of ``Row``s — one per delivered initiative, judged against its baseline (the three
dates agreed when it became active, or its last dates if it never was) — is what the
calibration page shows, what ``calibration.csv`` / ``calibration.json`` export, what the
adjusted forecast rests on and what the board reads. Every summary figure is computed from
these rows and nothing else (``summarize``), so the page and the exports cannot disagree.

What a calibrated estimator shows, under the app's own PERT-Beta forecast:

* about 50% delivered by P50, 15% after P85, 5% after P95, and none outside best–worst
  (the distribution puts all its weight inside the range);
* PIT values — the forecast's probability of delivery by the actual date, i.e. where the
  delivery fell in its own forecast — spread evenly over 0–1;
* a median delivery on the P50 date (the bias is measured against P50, not the expected case:
  a right-skewed estimate's P50 is after its most likely date, so perfect estimates would look
  late against the expected case);
* a Brier score of the recorded chance of meeting the commitment below 0.25, the score of
  always saying 50%.

Each share comes with a 90% Wilson interval (scipy): with 7 deliveries, 4 inside a range is
anywhere from about 25% to 84%, and the page says so rather than a bare percentage.

Which commitment a delivery is judged against: the one that stood when the initiative became
active, or the first made after that (the promise the timeline conversation was about; a
later move is a miss of that date — the commitment ledger shows each move).
"""

import datetime
import statistics
from dataclasses import dataclass

from scipy import stats

from calibration.probability import decimal_text, percent_text

from .forecast import DeliveryForecast
from .models import EstimateRevision, Initiative

CONFIDENCE = 0.9
BRIER_REFERENCE = 0.25  # always saying 50%: (0.5 − outcome)² = 0.25 whatever happens

# The columns of calibration.csv / .json, in this order (a stable contract), then the extra
# columns the summary also uses.
COLUMNS = [
    "initiative_id",
    "title",
    "estimator",
    "start",
    "baseline_best",
    "baseline_expected",
    "baseline_worst",
    "delivered_on",
    "pit",
    "delivered_by_p50",
    "after_p85",
    "after_p95",
    "outside_range",
    "commitment",
    "met_commitment",
    "p_meet_at_baseline",
    "estimator_id",
    "p50",
    "p85",
    "p95",
    "days_after_p50",
]


@dataclass(frozen=True)
class Row:
    """One delivered initiative judged against its own baseline forecast."""

    initiative_id: int
    title: str
    estimator: str
    start: datetime.date
    baseline_best: datetime.date
    baseline_expected: datetime.date
    baseline_worst: datetime.date
    delivered_on: datetime.date
    pit: float  # the baseline forecast's P(delivered by the actual date)
    delivered_by_p50: bool
    after_p85: bool
    after_p95: bool
    outside_range: bool  # before the best case or after the worst case
    commitment: datetime.date | None
    met_commitment: bool | None
    p_meet_at_baseline: float | None  # the baseline forecast's P(delivered by the commitment)
    estimator_id: int | None
    p50: datetime.date
    p85: datetime.date
    p95: datetime.date
    days_after_p50: int  # negative: before P50

    @classmethod
    def judge(
        cls,
        *,
        initiative_id,
        title,
        estimator,
        estimator_id,
        start,
        best,
        expected,
        worst,
        delivered_on,
        commitment,
    ):
        """The row of a delivery on `delivered_on` forecast as (best, expected, worst)."""
        forecast = DeliveryForecast(best, expected, worst)
        p50, p85, p95 = forecast.p50, forecast.p85, forecast.p95
        return cls(
            initiative_id=initiative_id,
            title=title,
            estimator=estimator,
            start=start,
            baseline_best=best,
            baseline_expected=expected,
            baseline_worst=worst,
            delivered_on=delivered_on,
            pit=forecast.probability_by(delivered_on),
            delivered_by_p50=delivered_on <= p50,
            after_p85=delivered_on > p85,
            after_p95=delivered_on > p95,
            outside_range=delivered_on < best or delivered_on > worst,
            commitment=commitment,
            met_commitment=None if commitment is None else delivered_on <= commitment,
            p_meet_at_baseline=None if commitment is None else forecast.probability_by(commitment),
            estimator_id=estimator_id,
            p50=p50,
            p85=p85,
            p95=p95,
            days_after_p50=(delivered_on - p50).days,
        )

    def as_json(self):
        """The row with the contract's columns in order: dates ISO, booleans, numbers."""
        values = {}
        for name in COLUMNS:
            value = getattr(self, name)
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return values

    def as_cells(self):
        """The row as CSV text: dates ISO, booleans true/false, probabilities with 6 places."""
        cells = []
        for name in COLUMNS:
            value = getattr(self, name)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            elif isinstance(value, float):
                cells.append(decimal_text(value))
            elif isinstance(value, datetime.date):
                cells.append(value.isoformat())
            else:
                cells.append(str(value))
        return cells


# --------------------------------------------------------------------------------------------
# The rows of an organization
# --------------------------------------------------------------------------------------------


def promised_commitment(initiative, commitment_moves, tz):
    """The commitment a delivery is judged against: the one standing on the day the initiative
    became active, else the first made afterwards (never active: the first ever made).
    `commitment_moves` are its commitment revisions, oldest first."""
    if not commitment_moves:
        return initiative.commitment_date
    if not initiative.baseline_set_on:
        return next((r.new_date for r in commitment_moves if r.new_date), None)
    became_active = initiative.baseline_set_on
    standing = [r.new_date for r in commitment_moves if r.at.astimezone(tz).date() <= became_active]
    if standing and standing[-1]:
        return standing[-1]
    later = [r.new_date for r in commitment_moves if r.at.astimezone(tz).date() > became_active]
    return next((d for d in later if d), None)


def row_of(initiative, commitment_moves, tz):
    best, expected, worst = initiative.estimate_for_calibration()
    return Row.judge(
        initiative_id=initiative.pk,
        title=initiative.title,
        estimator=str(initiative.owner) if initiative.owner else "nobody",
        estimator_id=initiative.owner_id,
        start=initiative.start_date,
        best=best,
        expected=expected,
        worst=worst,
        delivered_on=initiative.delivered_on,
        commitment=promised_commitment(initiative, commitment_moves, tz),
    )


def rows_for(org, *, estimator_id=None):
    """The track record rows of `org` (of one estimator when given), by delivery date."""
    delivered = (
        Initiative.objects.for_org(org)
        .filter(status=Initiative.Status.DELIVERED, delivered_on__isnull=False)
        .select_related("owner")
        .only(
            "title",
            "start_date",
            "best_date",
            "expected_date",
            "worst_date",
            "baseline_best",
            "baseline_expected",
            "baseline_worst",
            "baseline_set_on",
            "commitment_date",
            "delivered_on",
            "owner__name",
            "owner__email",
        )
        .order_by("delivered_on", "id")
    )
    if estimator_id is not None:
        delivered = delivered.filter(owner_id=estimator_id)
    delivered = list(delivered)
    moves = {}
    for r in (
        EstimateRevision.objects.filter(
            initiative__in=[i.pk for i in delivered], field="commitment"
        )
        .only("initiative_id", "new_date", "at")
        .order_by("at", "id")
    ):
        moves.setdefault(r.initiative_id, []).append(r)
    return [row_of(i, moves.get(i.pk, []), org.tz) for i in delivered]


# --------------------------------------------------------------------------------------------
# Summary figures, from rows only
# --------------------------------------------------------------------------------------------


def wilson(k, n, confidence=CONFIDENCE):
    """The Wilson interval (low, high) of k successes in n, or (None, None) when n = 0."""
    if not n:
        return None, None
    interval = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def times(k):
    return f"{k} time{'' if k == 1 else 's'}"


def ratio_text(ratio):
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Share:
    """k of n deliveries had a property a calibrated estimator shows `expected` of the time."""

    key: str  # by_p50, after_p85, after_p95, outside_range
    label: str
    count: int
    n: int
    expected: float
    low: float | None
    high: float | None

    @property
    def share(self):
        return self.count / self.n if self.n else None

    @property
    def consistent(self):
        """The calibrated value is inside the interval (for "never", only 0 of n is)."""
        if not self.n:
            return None
        if self.expected == 0:
            return self.count == 0
        return self.low <= self.expected <= self.high

    def verdict(self):
        if self.expected == 0:
            if self.count == 0:
                return "never, as it should be"
            return "which the estimates' own ranges say should never happen"
        if self.count == 0:
            return f"never, where a calibrated estimator would about {percent_text(self.expected)} of the time"
        if self.consistent:
            return (
                f"about as often as they should be ({percent_text(self.expected)}), "
                f"as far as {self.n} can tell"
            )
        ratio = ratio_text(self.share / self.expected)
        return f"about {ratio}× as often as they should be ({percent_text(self.expected)})"

    def sentence(self, who):
        """The share in words, e.g. "Tom's P85 dates were missed 4 times in 9 — about 3× as
        often as they should be (15%)"."""
        k, n = self.count, self.n
        if self.key == "by_p50":
            head = f"{who} delivered by the P50 date {times(k)} in {n}"
        elif self.key == "after_p85":
            head = f"{possessive(who)} P85 dates were missed {times(k)} in {n}"
        elif self.key == "after_p95":
            head = f"{possessive(who)} P95 dates were missed {times(k)} in {n}"
        else:
            head = f"{possessive(who)} deliveries fell outside best–worst {times(k)} in {n}"
        return f"{head} — {self.verdict()}."


def possessive(who):
    return f"{who}'" if who.endswith("s") else f"{who}'s"


SHARES = [
    ("by_p50", "Delivered by P50", "delivered_by_p50", 0.5),
    ("after_p85", "Delivered after P85", "after_p85", 0.15),
    ("after_p95", "Delivered after P95", "after_p95", 0.05),
    ("outside_range", "Outside best–worst", "outside_range", 0.0),
]


@dataclass(frozen=True)
class Summary:
    """The figures of a set of rows (an organization's, or one estimator's)."""

    who: str
    estimator_id: int | None
    rows: list
    shares: list
    median_days_after_p50: float | None
    brier: float | None
    brier_n: int

    @property
    def n(self):
        return len(self.rows)

    @property
    def pits(self):
        return [r.pit for r in self.rows]

    def share(self, key):
        return next(s for s in self.shares if s.key == key)

    def headline(self):
        """The sentence a leader reads first: how often the P85 dates were missed."""
        return self.share("after_p85").sentence(self.who)

    def bias_text(self):
        days = self.median_days_after_p50
        if days is None:
            return "—"
        if days == 0:
            return "on the P50 date"
        shown = f"{abs(days):g} day{'' if abs(days) == 1 else 's'}"
        return f"{shown} {'after' if days > 0 else 'before'} P50"

    def brier_text(self):
        if self.brier is None:
            return "—"
        return f"{self.brier:.3f}"


def summarize(rows, who, estimator_id=None):
    n = len(rows)
    shares = []
    for key, label, column, expected in SHARES:
        k = sum(1 for r in rows if getattr(r, column))
        low, high = wilson(k, n)
        shares.append(Share(key, label, k, n, expected, low, high))
    scored = [r for r in rows if r.met_commitment is not None]
    brier = (
        sum((r.p_meet_at_baseline - (1.0 if r.met_commitment else 0.0)) ** 2 for r in scored)
        / len(scored)
        if scored
        else None
    )
    return Summary(
        who=who,
        estimator_id=estimator_id,
        rows=list(rows),
        shares=shares,
        median_days_after_p50=statistics.median(r.days_after_p50 for r in rows) if rows else None,
        brier=brier,
        brier_n=len(scored),
    )


def by_estimator(rows):
    """{estimator_id: [rows]} in the order the rows come."""
    groups = {}
    for r in rows:
        groups.setdefault(r.estimator_id, []).append(r)
    return groups


def track_record(org, rows=None):
    """{"rows", "overall": Summary, "per_estimator": [Summary]} for `org`."""
    rows = rows_for(org) if rows is None else rows
    per = [
        summarize(items, items[0].estimator, estimator_id)
        for estimator_id, items in by_estimator(rows).items()
    ]
    per.sort(key=lambda s: (-s.n, s.who))
    return {"rows": rows, "overall": summarize(rows, org.name), "per_estimator": per}
