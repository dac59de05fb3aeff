"""The forecast as it stood over time: kept at each date change, when the initiative becomes
active and at each checkpoint; never rewritten."""

import pytest

from calibration.timeline.forecast import DeliveryForecast
from calibration.timeline.models import ForecastRecord
from tests.timeline.conftest import D

pytestmark = pytest.mark.django_db


def records(initiative):
    return list(ForecastRecord.objects.filter(initiative=initiative).order_by("at", "id"))


def test_a_proposed_initiative_keeps_its_first_forecast(initiative):
    (first,) = records(initiative)
    forecast = DeliveryForecast(D(2027, 3, 22), D(2027, 5, 3), D(2027, 6, 28))
    assert first.reason == "dates"
    assert (first.p50, first.p85, first.p95) == (forecast.p50, forecast.p85, forecast.p95)
    assert first.commitment_date is None and first.p_meet is None


def test_becoming_active_keeps_the_baseline_forecast(initiative, cto):
    initiative.status = "active"
    initiative.save_shared(by=cto, expected_version=initiative.version)
    assert [r.reason for r in records(initiative)] == ["dates", "active"]


def test_moving_a_date_keeps_the_new_forecast_and_leaves_the_old_one(make_initiative, cto):
    initiative = make_initiative(status="active")
    old_p85 = records(initiative)[0].p85
    initiative.worst_date = D(2027, 8, 30)
    initiative.save_shared(by=cto, expected_version=initiative.version, note="Vendor late")
    baseline, moved = records(initiative)
    assert moved.reason == "dates" and moved.worst_date == D(2027, 8, 30)
    assert moved.p85 > old_p85 and baseline.p85 == old_p85


def test_setting_the_commitment_keeps_the_chance_of_meeting_it(initiative, ceo):
    initiative.commitment_date, initiative.commitment_audience = D(2027, 5, 3), "board"
    initiative.save_shared(by=ceo, expected_version=initiative.version)
    last = records(initiative)[-1]
    assert last.commitment_date == D(2027, 5, 3)
    assert last.p_meet == pytest.approx(initiative.probability_of_meeting_commitment())


def test_marking_a_checkpoint_keeps_the_forecast_of_that_day(make_initiative, make_indicator, cto):
    initiative = make_initiative(status="active")
    indicator = make_indicator(initiative)
    indicator.status, indicator.resolved_on = "missed", D(2027, 2, 16)
    indicator.save_shared(by=cto, expected_version=indicator.version)
    assert [r.reason for r in records(initiative)] == ["active", "checkpoint"]


def test_editing_words_only_keeps_no_forecast(initiative, cto):
    initiative.summary = "Now with a summary."
    initiative.save_shared(by=cto, expected_version=initiative.version)
    assert len(records(initiative)) == 1
