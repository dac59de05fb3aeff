"""The adjusted forecast: what the same three dates mean given the estimator's track record.

Shown beside the raw forecast, never instead of it. Each past delivery of the estimator fell
at some point of its own forecast: its PIT (``track_record.Row.pit``). A calibrated
estimator's PITs spread evenly over 0–1, and the adjustment then changes nothing; one whose
deliveries keep landing at their P90 makes "P50" mean the raw P90 date.

Method: the raw forecast's probabilities are mapped through the estimator's empirical PIT
distribution G, so P_adjusted(delivered by d) = G(F(d)), and the adjusted q-quantile is the
raw forecast's G⁻¹(q)-quantile. G is the empirical distribution of the n past PITs drawn as
a line through the plotting positions i / (n + 1) (and through (0, 0) and (1, 1)), so it is
smooth enough to invert and never claims certainty from a handful of deliveries.

What it cannot say: a delivery after the worst case has PIT 1 whatever its lateness, so when
enough of them are in the record the adjusted date is "later than the worst case" rather
than a date (likewise "by the best case" at the other end).

With fewer than ``MIN_DELIVERIES`` deliveries there is no adjustment, and the page says why.
"""

import datetime
from dataclasses import dataclass

import numpy

from calibration.formats import date_text

MIN_DELIVERIES = 5


@dataclass(frozen=True)
class Basis:
    """An estimator's record: their name and the PITs of their delivered initiatives."""

    estimator: str
    pits: tuple
    first_delivery: datetime.date | None = None
    last_delivery: datetime.date | None = None

    @classmethod
    def of(cls, estimator, rows):
        rows = list(rows)
        return cls(
            estimator=estimator,
            pits=tuple(r.pit for r in rows),
            first_delivery=min((r.delivered_on for r in rows), default=None),
            last_delivery=max((r.delivered_on for r in rows), default=None),
        )

    @property
    def n(self):
        return len(self.pits)

    @property
    def enough(self):
        return self.n >= MIN_DELIVERIES

    def _points(self):
        """(PIT values, cumulative levels) of the line G runs through: strictly increasing
        both; equal PITs share the mean of their plotting positions."""
        n = self.n
        levels = {}
        for i, u in enumerate(sorted(self.pits), start=1):
            levels.setdefault(u, []).append(i / (n + 1))
        xs = list(levels)
        ys = [sum(v) / len(v) for v in levels.values()]
        if xs[0] > 0:
            xs, ys = [0.0, *xs], [0.0, *ys]
        if xs[-1] < 1:
            xs, ys = [*xs, 1.0], [*ys, 1.0]
        return xs, ys

    def level_cdf(self, u):
        """G(u): the share of this estimator's deliveries that fell by level u of their own
        forecast."""
        xs, ys = self._points()
        return float(numpy.interp(u, xs, ys))

    def level_quantile(self, q):
        """G⁻¹(q): the level of the raw forecast by which a share q of deliveries fell."""
        xs, ys = self._points()
        return float(numpy.interp(q, ys, xs))

    def sample_text(self):
        span = ""
        if self.first_delivery and self.last_delivery:
            span = f" ({self.first_delivery:%b %Y}–{self.last_delivery:%b %Y})"
        return f"{self.n} delivered initiative{'' if self.n == 1 else 's'}{span}"

    def why_none_short(self):
        return (
            f"none yet: {self.estimator} has {self.n} of the {MIN_DELIVERIES} deliveries it needs"
        )

    def why_none(self):
        return (
            f"No adjusted forecast yet: {self.estimator} has {self.n} delivered "
            f"initiative{'' if self.n == 1 else 's'} on record, and an adjustment needs at "
            f"least {MIN_DELIVERIES}."
        )


@dataclass(frozen=True)
class AdjustedDate:
    """An adjusted percentile: a date, or beyond one end of the range."""

    day: datetime.date
    beyond: str = ""  # "", "after_worst" or "by_best"

    def __str__(self):
        if self.beyond == "after_worst":
            return f"later than the worst case ({date_text(self.day)})"
        if self.beyond == "by_best":
            return f"by the best case ({date_text(self.day)})"
        return date_text(self.day)


@dataclass(frozen=True)
class AdjustedForecast:
    raw: object  # forecast.DeliveryForecast
    basis: Basis

    def probability_by(self, day):
        return self.basis.level_cdf(self.raw.probability_by(day))

    def percentile(self, percent):
        level = self.basis.level_quantile(percent / 100)
        if level >= 1:
            return AdjustedDate(self.raw.worst, "after_worst")
        if level <= 0:
            return AdjustedDate(self.raw.best, "by_best")
        return AdjustedDate(self.raw.percentile_date(level * 100))

    @property
    def p50(self):
        return self.percentile(50)

    @property
    def p85(self):
        return self.percentile(85)

    @property
    def p95(self):
        return self.percentile(95)

    def method(self):
        """The method in one sentence, naming the sample it rests on."""
        return (
            f"the three dates' probabilities mapped through where {self.basis.estimator}'s past "
            f"deliveries fell in their own forecasts (their PIT), over "
            f"{self.basis.sample_text()}; a calibrated record would leave them unchanged."
        )

    def line(self):
        """The adjusted dates in one line, for the board: "P50 2027-06-14, P85 2027-07-02 —
        Tom Okafor's record, 6 delivered"."""
        return f"P50 {self.p50}, P85 {self.p85} — {self.basis.estimator}'s record, {self.basis.n} delivered"


def adjusted(forecast, basis):
    """The AdjustedForecast of `forecast` on `basis`, or None when the record is too short."""
    if basis is None or not basis.enough:
        return None
    return AdjustedForecast(forecast, basis)
