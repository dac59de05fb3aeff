"""The PERT-Beta forecast against values computed by hand.

With best = 0, expected = 50, worst = 100 days, α = β = 3 and the CDF is the binomial sum
I_x(3, 3) = Σ_{j=3..5} C(5, j) x^j (1 − x)^(5 − j).
With expected = best, α = 1 and β = 5: I_x(1, 5) = 1 − (1 − x)^5.
"""

import datetime
import random

import pytest
from scipy import stats

from calibration.timeline.forecast import (
    DeliveryForecast,
    pert_cdf,
    pert_mean,
    pert_parameters,
    pert_quantile,
    regularized_incomplete_beta,
)

D = datetime.date


def test_pert_parameters_and_mean():
    assert pert_parameters(0, 50, 100) == (3, 3)
    assert pert_parameters(0, 0, 100) == (1, 5)
    assert pert_parameters(0, 25, 100) == (2, 4)
    assert pert_mean(10, 20, 60) == (10 + 80 + 60) / 6


def test_symmetric_cdf_matches_binomial_sum():
    # x = 0.25: (10·9·1 + 5·3 + 1) / 1024 = 106 / 1024
    assert pert_cdf(25, 0, 50, 100) == pytest.approx(106 / 1024, abs=1e-12)
    assert pert_cdf(50, 0, 50, 100) == pytest.approx(0.5, abs=1e-12)
    # x = 0.75: 1 − 106/1024 by symmetry
    assert pert_cdf(75, 0, 50, 100) == pytest.approx(918 / 1024, abs=1e-12)


def test_skewed_cdf_closed_form():
    # α = 1, β = 5: F(x) = 1 − (1 − x)^5; x = 0.2 → 1 − 0.8^5 = 0.67232
    assert pert_cdf(20, 0, 0, 100) == pytest.approx(0.67232, abs=1e-12)
    # α = 2, β = 4: F(x) = 1 − (1 − x)^5 − 5x(1 − x)^4; x = 0.5 → 1 − 1/32 − 5/32 = 0.8125
    assert pert_cdf(50, 0, 25, 100) == pytest.approx(0.8125, abs=1e-12)


def test_incomplete_beta_non_integer_parameters():
    # I_x(0.5, 0.5) = (2/π) arcsin(√x): at x = 0.25 that is 1/3.
    assert regularized_incomplete_beta(0.25, 0.5, 0.5) == pytest.approx(1 / 3, abs=1e-10)


def test_bounds_and_degenerate_case():
    assert pert_cdf(-1, 0, 50, 100) == 0
    assert pert_cdf(101, 0, 50, 100) == 1
    assert pert_cdf(10, 10, 10, 10) == 1
    assert pert_cdf(9, 10, 10, 10) == 0


def test_quantile_inverts_cdf():
    assert pert_quantile(0.5, 0, 50, 100) == pytest.approx(50, abs=1e-6)
    # 1 − (1 − x)^5 = 0.67232 ⇔ x = 0.2
    assert pert_quantile(0.67232, 0, 0, 100) == pytest.approx(20, abs=1e-6)


def test_delivery_forecast_dates():
    f = DeliveryForecast(D(2027, 1, 1), D(2027, 2, 20), D(2027, 4, 11))  # 0, 50, 100 days
    assert f.probability_by(D(2027, 2, 20)) == pytest.approx(0.5)
    assert f.probability_by(D(2027, 1, 26)) == pytest.approx(106 / 1024)
    assert f.p50 == D(2027, 2, 20)
    # F(x) = 10x³ − 15x⁴ + 6x⁵: F(0.71) = 0.8499 < 0.85 ≤ F(0.72) = 0.8624 → day 72
    assert f.probability_by(D(2027, 1, 1) + datetime.timedelta(days=71)) < 0.85
    assert f.p85 == D(2027, 1, 1) + datetime.timedelta(days=72)
    # F(0.81) = 0.9495 < 0.95 ≤ F(0.82) = 0.9563 → day 82
    assert f.p95 == D(2027, 1, 1) + datetime.timedelta(days=82)
    assert f.percentiles() == {50: f.p50, 85: f.p85, 95: f.p95}


def test_commitment_before_best_case_has_zero_probability():
    f = DeliveryForecast(D(2027, 3, 22), D(2027, 5, 3), D(2027, 6, 28))
    assert f.probability_by(D(2027, 3, 1)) == 0


def test_the_forecast_agrees_with_scipy_stats_beta():
    """The distribution and its quantiles are scipy's PERT-Beta, to the last digits."""
    rng = random.Random(16)
    for _ in range(200):
        best = rng.randrange(0, 50)
        expected = best + rng.randrange(0, 120)
        worst = expected + rng.randrange(1, 200)
        a, b = pert_parameters(best, expected, worst)
        reference = stats.beta(a, b, loc=best, scale=worst - best)
        for t in (best + 1, expected, (expected + worst) / 2, worst - 1):
            assert pert_cdf(t, best, expected, worst) == pytest.approx(reference.cdf(t), abs=1e-12)
        for p in (0.5, 0.85, 0.95):
            assert pert_quantile(p, best, expected, worst) == pytest.approx(
                reference.ppf(p), abs=1e-7
            )


def test_percentile_dates_are_the_first_day_the_level_is_reached():
    rng = random.Random(85)
    for _ in range(100):
        start = D(2027, 1, 1)
        best = start + datetime.timedelta(days=rng.randrange(1, 60))
        expected = best + datetime.timedelta(days=rng.randrange(0, 90))
        worst = expected + datetime.timedelta(days=rng.randrange(1, 120))
        f = DeliveryForecast(best, expected, worst)
        for level in (50, 85, 95):
            day = f.percentile_date(level)
            assert f.probability_by(day) >= level / 100 - 1e-9
            assert f.probability_by(day - datetime.timedelta(days=1)) < level / 100
