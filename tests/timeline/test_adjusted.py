"""The adjusted forecast: the raw forecast mapped through the estimator's record of PITs."""

import datetime

import pytest

from calibration.timeline.adjusted import MIN_DELIVERIES, Basis, adjusted
from calibration.timeline.forecast import DeliveryForecast

D = datetime.date
RAW = DeliveryForecast(D(2027, 1, 1), D(2027, 2, 20), D(2027, 4, 11))  # days 0, 50, 100


def basis(*pits):
    return Basis("Tom", tuple(pits))


def test_a_calibrated_record_leaves_the_forecast_unchanged():
    # PITs at the plotting positions themselves: G is the identity.
    calibrated = adjusted(RAW, basis(*(i / 10 for i in range(1, 10))))
    assert calibrated.p50.day == RAW.p50 and calibrated.p85.day == RAW.p85
    for d in (D(2027, 2, 1), D(2027, 3, 1)):
        assert calibrated.probability_by(d) == pytest.approx(RAW.probability_by(d))


def test_a_late_record_moves_p50_to_where_the_deliveries_actually_fell():
    # Half of Tom's deliveries fell by the 90% point of their forecasts.
    late = adjusted(RAW, basis(0.8, 0.85, 0.88, 0.9, 0.92, 0.95, 0.97))
    assert late.p50.day == RAW.percentile_date(90)
    assert late.probability_by(RAW.p50) < 0.1


def test_when_deliveries_land_after_the_worst_case_the_adjusted_p95_says_so():
    late = adjusted(RAW, basis(0.5, 0.7, 0.9, 1.0, 1.0))
    assert late.p95.beyond == "after_worst"
    assert str(late.p95) == "later than the worst case (11 Apr 2027)"
    assert late.probability_by(D(2027, 4, 11)) < 1  # even by the worst case, not certain


def test_the_adjusted_chance_is_never_certain_inside_the_range():
    record = basis(0.2, 0.4, 0.6, 0.8, 1.0)
    for level in (0.001, 0.5, 0.999):
        assert 0 < record.level_cdf(level) < 1


def test_below_five_deliveries_there_is_no_adjustment_and_it_says_why():
    short = basis(0.9, 0.95, 0.99, 1.0)
    assert short.n == MIN_DELIVERIES - 1
    assert adjusted(RAW, short) is None
    assert short.why_none() == (
        "No adjusted forecast yet: Tom has 4 delivered initiatives on record, and an "
        "adjustment needs at least 5."
    )


def test_the_method_is_one_sentence_naming_the_sample():
    record = Basis("Tom", (0.5, 0.6, 0.7, 0.8, 0.9), D(2025, 3, 1), D(2026, 10, 1))
    method = adjusted(RAW, record).method()
    assert "over 5 delivered initiatives (Mar 2025–Oct 2026)" in method
    assert method.count(". ") == 0 and method.endswith(".")
