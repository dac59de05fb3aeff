"""How a probability is written: never certain when it is not (calibration.probability)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calibration.probability import decimal_text, percent_text


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.3712, "37%"),
        (0.5, "50%"),
        (0.004, "<1%"),
        (0.0049, "<1%"),
        (0.006, "1%"),
        (0.995, ">99%"),
        (0.9951, ">99%"),
        (0.99999, ">99%"),
        (0.994, "99%"),
    ],
)
def test_a_probability_is_written_as_a_whole_percent(p, shown):
    assert percent_text(p) == shown


def test_only_exact_certainty_is_written_as_0_or_100_percent():
    assert percent_text(0) == "0%" and percent_text(1) == "100%"


@given(st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True))
def test_no_probability_strictly_between_0_and_1_is_written_as_certain(p):
    assert percent_text(p) not in ("0%", "100%")
    assert decimal_text(p) not in ("0.000000", "1.000000")


def test_a_missing_probability_is_a_dash_or_what_the_caller_asks():
    assert percent_text(None) == "—" and percent_text(None, missing="") == ""


def test_an_exported_decimal_has_six_places_and_is_never_rounded_to_certainty():
    assert decimal_text(0.85) == "0.850000"
    assert decimal_text(1.0) == "1.000000"
    assert decimal_text(0.99999999) == "0.99999999"
    assert decimal_text(None) == ""
