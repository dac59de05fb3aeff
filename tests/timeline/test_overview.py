"""The tracking timeline worked out in SQL (the list's sort, the home's counts, the board's
summary) says what the initiative page says, for every kind of indicator set."""

import datetime

import pytest

from calibration.timeline import overview
from calibration.timeline.models import Initiative

pytestmark = pytest.mark.django_db

D = datetime.date

# (status, if_missed) of each indicator → the timeline the work is tracking.
CASES = [
    ([], "expected"),
    ([("pending", "worst")], "expected"),
    ([("met", "expected")], "best"),
    ([("met", "expected"), ("pending", "expected")], "expected"),
    ([("met", "expected"), ("pending", "worst")], "best"),
    ([("missed", "expected")], "expected"),
    ([("missed", "expected"), ("missed", "worst")], "worst"),
    ([("met", "expected"), ("missed", "worst")], "worst"),
]


@pytest.mark.parametrize(("indicators", "tracking"), CASES)
def test_sql_tracking_matches_the_initiative_page(
    make_initiative, make_indicator, cto, indicators, tracking
):
    initiative = make_initiative(commitment_date=D(2027, 5, 1), commitment_audience="board")
    for status, if_missed in indicators:
        indicator = make_indicator(initiative, if_missed=if_missed)
        if status != "pending":
            indicator.status, indicator.resolved_on = status, D(2027, 2, 16)
            indicator.evidence = "Shipped"
            indicator.save_shared(by=cto, expected_version=indicator.version)
    page = Initiative.objects.prefetch_related("indicators").get(pk=initiative.pk)
    row = overview.with_tracking(Initiative.objects.filter(pk=initiative.pk)).get()
    assert page.tracking_timeline() == row.tracking_now == tracking
    assert page.tracking_date() == row.tracking_on
    past = Initiative.objects.filter(pk=initiative.pk)
    assert overview.with_tracking(past).filter(overview.past_commitment()).exists() == (
        page.is_tracking_past_commitment()
    )
