"""The gap reads the right way whether higher or lower is better."""

from datetime import date
from decimal import Decimal

from calibration.constraints.models import Constraint, Direction


def constraint(current, required, direction=Direction.HIGHER, unit="events/s", needed_by=None):
    return Constraint(
        capability="x",
        metric="m",
        unit=unit,
        direction=direction,
        current_value=Decimal(current),
        required_value=Decimal(required),
        needed_by=needed_by,
    )


def test_throughput_gap_is_a_ratio_up_and_a_positive_difference():
    c = constraint("50000", "200000", needed_by=date(2027, 6, 1))
    gap = c.gap()
    assert gap.ratio == 4 and gap.difference == 150000 and not gap.met
    assert c.gap_sentence() == ("50,000 events/s today; 200,000 needed by 1 Jun 2027: 4×, +150,000")


def test_latency_gap_reads_as_times_faster_and_a_negative_difference():
    c = constraint("800", "200", Direction.LOWER, unit="ms")
    gap = c.gap()
    assert gap.ratio == 4 and gap.difference == -600 and not gap.met
    assert c.gap_sentence() == "800 ms today; 200 ms needed: 4× faster, −600 ms"


def test_lower_is_better_outside_time_units_reads_as_lower():
    c = constraint("3", "1.5", Direction.LOWER, unit="%")
    assert c.gap_sentence() == "3% today; 1.5% needed: 2× lower, −1.5%"


def test_fractional_ratios_are_rounded_to_one_decimal_below_ten():
    assert constraint("300", "1000").gap().ratio_text == "3.3×"
    assert constraint("10", "125").gap().ratio_text == "13×"


def test_a_need_already_met_says_so_in_either_direction():
    assert constraint("250000", "200000").gap().met
    assert constraint("150", "200", Direction.LOWER, unit="ms").gap().met
    assert constraint("250000", "200000").gap_sentence().endswith(": met")


def test_higher_is_better_with_a_worse_required_value_is_met_not_a_negative_ratio():
    gap = constraint("800", "200", Direction.HIGHER, unit="ms").gap()
    assert gap.met and gap.ratio == Decimal("0.25")
