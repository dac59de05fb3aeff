"""A leading indicator stores the date it is due by, so the reminder dispatcher and the
calendar find checkpoints with an index; the stored date follows every change that moves
it, through the shared-editing path."""

import datetime

import pytest

from calibration.timeline.models import LeadingIndicator

pytestmark = pytest.mark.django_db

D = datetime.date


def stored(indicator):
    return LeadingIndicator.objects.values_list("due_date", flat=True).get(pk=indicator.pk)


def test_a_checkpoint_with_a_date_stores_that_date(initiative, make_indicator):
    assert stored(make_indicator(initiative, due_on=D(2027, 2, 15))) == D(2027, 2, 15)


def test_a_checkpoint_in_week_n_stores_the_start_plus_n_weeks(initiative, make_indicator):
    assert stored(make_indicator(initiative, due_on=None, due_week=3)) == D(2027, 1, 25)


def test_moving_the_initiatives_start_moves_its_week_n_checkpoints(initiative, make_indicator, cto):
    by_week = make_indicator(initiative, due_on=None, due_week=3)
    by_date = make_indicator(initiative, due_on=D(2027, 2, 15))
    initiative.start_date = D(2027, 1, 11)
    initiative.save_shared(by=cto, expected_version=initiative.version)
    assert (stored(by_week), stored(by_date)) == (D(2027, 2, 1), D(2027, 2, 15))


def test_changing_a_checkpoint_from_a_date_to_a_week_stores_the_new_date(
    initiative, make_indicator, cto
):
    indicator = make_indicator(initiative, due_on=D(2027, 2, 15))
    indicator.due_on, indicator.due_week = None, 5
    indicator.save_shared(by=cto, expected_version=indicator.version)
    assert stored(indicator) == D(2027, 2, 8)
