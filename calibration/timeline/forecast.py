"""Delivery forecast from three timelines (best, expected, worst).

Distribution: **PERT-Beta** (the "modified" Beta of PERT with λ = 4), not triangular.

Why PERT-Beta: the three dates are elicited as "everything goes right", "normal friction"
and "named risks materialize". The expected case is the most likely outcome, and the
extremes are rare by construction; the triangular distribution puts much more weight on
the tails (its mean (O + M + P) / 3 is pulled towards the worst case far more than the
PERT mean (O + 4M + P) / 6), which overstates risk for an honest estimate and makes the
P85 date swing with every nudge of the worst case. PERT-Beta is also what most schedule
tools and estimation literature use, so leaders can check the numbers against them.

With O = best, M = expected, P = worst (in days), the delivery day is
    T = O + (P − O) · X,   X ~ Beta(α, β),
    α = 1 + 4 (M − O) / (P − O),   β = 1 + 4 (P − M) / (P − O)
so mean = (O + 4M + P) / 6. Probabilities are computed **exactly** (no sampling) by scipy:
the CDF is the regularized incomplete beta function I_x(α, β) (``scipy.special.betainc``, the
function ``scipy.stats.beta.cdf`` calls) and percentiles invert it (``betaincinv``). They are
called directly because the ``scipy.stats.beta`` object costs 60–800 µs a call and the board
asks hundreds of times; tests/timeline/test_forecast.py checks both against ``scipy.stats.beta``.
For integer α and β the CDF has the binomial closed form used in the unit tests.

"Delivered by day d" means T ≤ d, with d counted in whole days; percentile dates are the
first calendar day by which the probability reaches the level (rounded up, never early).
When best = worst the delivery is certain on that day.
"""

import datetime
import math
from dataclasses import dataclass

from scipy import special

from calibration.dates import add_days

LAMBDA = 4
PERCENTILES = (50, 85, 95)


def regularized_incomplete_beta(x, a, b):
    """I_x(a, b): the CDF of Beta(a, b) at x."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    return float(special.betainc(a, b, x))


def pert_parameters(best, expected, worst):
    """(α, β) of the PERT-Beta for numbers best ≤ expected ≤ worst (best < worst)."""
    span = worst - best
    return 1 + LAMBDA * (expected - best) / span, 1 + LAMBDA * (worst - expected) / span


def pert_mean(best, expected, worst):
    return (best + LAMBDA * expected + worst) / (LAMBDA + 2)


def pert_cdf(t, best, expected, worst):
    """P(T ≤ t) for T ~ PERT(best, expected, worst), all numbers."""
    if worst == best:
        return 1.0 if t >= best else 0.0
    a, b = pert_parameters(best, expected, worst)
    return regularized_incomplete_beta((t - best) / (worst - best), a, b)


def pert_quantile(p, best, expected, worst):
    """The t with P(T ≤ t) = p."""
    if worst == best or p <= 0:
        return float(best)
    if p >= 1:
        return float(worst)
    a, b = pert_parameters(best, expected, worst)
    return best + (worst - best) * float(special.betaincinv(a, b, p))


@dataclass(frozen=True)
class DeliveryForecast:
    """The PERT-Beta delivery forecast for three dates."""

    best: datetime.date
    expected: datetime.date
    worst: datetime.date

    def __post_init__(self):
        # Stored dates can be out of order (a worst case before the best): the forecast is
        # over the three in order, so it is always a distribution.
        for name, day in zip(("best", "expected", "worst"), sorted(self._dates), strict=True):
            object.__setattr__(self, name, day)

    @property
    def _dates(self):
        return (self.best, self.expected, self.worst)

    def _days(self, day):
        return (day - self.best).days

    @property
    def _numbers(self):
        return 0, self._days(self.expected), self._days(self.worst)

    def probability_by(self, day):
        """P(delivered on or before `day`)."""
        return pert_cdf(self._days(day), *self._numbers)

    def percentile_date(self, percent):
        """The first day by which delivery is `percent` % likely."""
        days = pert_quantile(percent / 100, *self._numbers)
        return add_days(self.best, math.ceil(days - 1e-9))

    def percentiles(self):
        """{50: date, 85: date, 95: date}."""
        return {p: self.percentile_date(p) for p in PERCENTILES}

    @property
    def p50(self):
        return self.percentile_date(50)

    @property
    def p85(self):
        return self.percentile_date(85)

    @property
    def p95(self):
        return self.percentile_date(95)

    def mean_date(self):
        return add_days(self.best, pert_mean(*self._numbers))
