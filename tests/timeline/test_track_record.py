"""The track record, computed by hand on a small fixed history.

Every forecast here is best = day 0, expected = day 50, worst = day 100 after 2027-01-01, so
α = β = 3 and F(x) = 10x³ − 15x⁴ + 6x⁵ (x = day / 100): P50 is day 50, P85 day 72 and P95
day 82 (tests/timeline/test_forecast.py). Five deliveries, on days 25, 50, 75, 90 and 110:

    day   PIT                        by P50  after P85  after P95  outside  days after P50
    25    106/1024 = 0.103515625     yes     no         no         no       −25
    50    0.5                        yes     no         no         no         0
    75    918/1024 = 0.896484375     no      yes        no         no        25
    90    0.99144                    no      yes        yes        no        40
    110   1                          no      yes        yes        yes       60
"""

import datetime
import math

import numpy
import pytest
from scipy import stats

from calibration.timeline.forecast import DeliveryForecast
from calibration.timeline.track_record import Row, summarize

D = datetime.date
DAY0 = D(2027, 1, 1)
BEST, EXPECTED, WORST = DAY0, D(2027, 2, 20), D(2027, 4, 11)


def day(n):
    return DAY0 + datetime.timedelta(days=n)


def delivery(n, commitment=None, estimator="Tom", **forecast):
    dates = {"best": BEST, "expected": EXPECTED, "worst": WORST, **forecast}
    return Row.judge(
        initiative_id=n,
        title=f"Delivered on day {n}",
        estimator=estimator,
        estimator_id=1,
        start=D(2026, 12, 1),
        delivered_on=day(n),
        commitment=commitment,
        **dates,
    )


@pytest.fixture
def history():
    return [
        delivery(25, commitment=day(40)),  # met; P(meet) = F(0.4) = 0.31744
        delivery(50),
        delivery(75, commitment=day(50)),  # missed; P(meet) = 0.5
        delivery(90, commitment=day(100)),  # met; P(meet) = 1
        delivery(110),
    ]


def wilson_by_hand(k, n, z=1.6448536269514722):
    """The Wilson score interval, from its formula (z: the 95th percentile of N(0, 1))."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_each_delivery_is_placed_in_its_own_forecast(history):
    assert [r.pit for r in history] == pytest.approx(
        [106 / 1024, 0.5, 918 / 1024, 0.99144, 1.0], abs=1e-12
    )
    assert [r.days_after_p50 for r in history] == [-25, 0, 25, 40, 60]


def test_the_shares_are_counted_against_p50_p85_p95_and_the_range(history):
    summary = summarize(history, "Tom")
    counts = {s.key: (s.count, s.n) for s in summary.shares}
    assert counts == {
        "by_p50": (2, 5),
        "after_p85": (3, 5),
        "after_p95": (2, 5),
        "outside_range": (1, 5),
    }


def test_each_share_has_its_90_percent_wilson_interval(history):
    for share in summarize(history, "Tom").shares:
        low, high = wilson_by_hand(share.count, share.n)
        assert (share.low, share.high) == pytest.approx((low, high), abs=1e-12)


def test_the_bias_is_the_median_delivery_against_p50(history):
    summary = summarize(history, "Tom")
    assert summary.median_days_after_p50 == 25
    assert summary.bias_text() == "25 days after P50"


def test_the_brier_score_of_the_chance_of_meeting_the_commitment(history):
    summary = summarize(history, "Tom")
    by_hand = ((0.31744 - 1) ** 2 + (0.5 - 0) ** 2 + (1 - 1) ** 2) / 3
    assert summary.brier_n == 3
    assert summary.brier == pytest.approx(by_hand, abs=1e-12)
    assert [r.met_commitment for r in history] == [True, None, False, True, None]


def test_a_plain_sentence_says_how_much_too_often_the_p85_dates_were_missed(history):
    assert summarize(history, "Tom").headline() == (
        "Tom's P85 dates were missed 3 times in 5 — about 4× as often as they should be (15%)."
    )


def test_a_share_inside_its_interval_reads_as_calibrated(history):
    sentence = summarize(history, "Tom").share("by_p50").sentence("Tom")
    assert sentence == (
        "Tom delivered by the P50 date 2 times in 5 — about as often as they should be (50%), "
        "as far as 5 can tell."
    )


def test_any_delivery_outside_the_range_is_called_out(history):
    sentence = summarize(history, "Tom").share("outside_range").sentence("Tom")
    assert sentence.endswith(
        "1 time in 5 — which the estimates' own ranges say should never happen."
    )


def test_the_pit_of_a_delivery_on_the_p85_date_is_085_up_to_that_days_probability():
    for best, expected, worst in [
        (BEST, EXPECTED, WORST),
        (D(2027, 3, 22), D(2027, 5, 3), D(2027, 6, 28)),
        (D(2027, 1, 10), D(2027, 1, 12), D(2027, 9, 1)),
    ]:
        forecast = DeliveryForecast(best, expected, worst)
        p85 = forecast.p85
        one_day = forecast.probability_by(p85) - forecast.probability_by(
            p85 - datetime.timedelta(days=1)
        )
        row = Row.judge(
            initiative_id=1,
            title="On P85",
            estimator="Tom",
            estimator_id=1,
            start=best - datetime.timedelta(days=30),
            best=best,
            expected=expected,
            worst=worst,
            delivered_on=p85,
            commitment=None,
        )
        assert 0.85 <= row.pit <= 0.85 + one_day
        assert not row.after_p85 and not row.delivered_by_p50


def test_a_calibrated_history_shows_every_share_within_its_interval():
    """Deliveries drawn from the forecasts themselves (fixed seed): a calibrated estimator."""
    rng = numpy.random.default_rng(16)
    rows = []
    for k in range(400):
        best = DAY0 + datetime.timedelta(days=int(rng.integers(0, 300)))
        expected = best + datetime.timedelta(days=int(rng.integers(0, 90)))
        worst = expected + datetime.timedelta(days=int(rng.integers(1, 150)))
        span = (worst - best).days
        a = 1 + 4 * (expected - best).days / span
        b = 1 + 4 * (worst - expected).days / span
        t = stats.beta.rvs(a, b, loc=0, scale=span, random_state=rng)
        rows.append(
            Row.judge(
                initiative_id=k,
                title=f"Synthetic {k}",
                estimator="Calibrated",
                estimator_id=1,
                start=best - datetime.timedelta(days=10),
                best=best,
                expected=expected,
                worst=worst,
                delivered_on=best + datetime.timedelta(days=math.ceil(t)),  # T ≤ d
                commitment=None,
            )
        )
    summary = summarize(rows, "Calibrated")
    for share in summary.shares:
        assert share.consistent, (share.key, share.count, share.low, share.high)
    assert "as often as they should be" in summary.headline()
