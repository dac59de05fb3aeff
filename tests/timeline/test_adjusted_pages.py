"""The adjusted forecast on the initiative page: beside the raw one, from 5 deliveries on."""

import html
import re

import pytest
from django.urls import reverse

from calibration.formats import date_text
from calibration.probability import percent_text
from calibration.timeline.adjusted import Basis, adjusted
from calibration.timeline.track_record import rows_for
from tests.timeline.conftest import D

pytestmark = pytest.mark.django_db


def deliver_late(make_initiative, cto, n):
    """n initiatives delivered in the last days of their range (best 03-22, worst 06-28)."""
    for k in range(n):
        i = make_initiative(title=f"Late {k}", status="active")
        i.status, i.delivered_on = "delivered", D(2027, 6, 14 + k)
        i.save_shared(by=cto, expected_version=i.version, note="Shipped")


def page_text(client, org, initiative):
    page = client.get(reverse("timeline:initiative", args=[org.slug, initiative.pk]))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())).split())


@pytest.fixture
def live(make_initiative):
    return make_initiative(
        title="Live one",
        status="active",
        commitment_date=D(2027, 5, 20),
        commitment_audience="board",
    )


def test_below_five_deliveries_the_page_says_why_there_is_no_adjustment(
    cto_client, org, cto, make_initiative, live
):
    deliver_late(make_initiative, cto, 4)
    page = page_text(cto_client, org, live)
    assert (
        "No adjusted forecast yet: Tom CTO has 4 delivered initiatives on record, and an "
        "adjustment needs at least 5." in page
    )
    assert "Given Tom CTO’s record" not in page


def test_from_five_deliveries_the_adjusted_forecast_stands_beside_the_raw_one(
    cto_client, org, cto, make_initiative, live
):
    deliver_late(make_initiative, cto, 5)
    expected = adjusted(live.forecast(), Basis.of("Tom CTO", rows_for(org)))
    raw = live.probability_of_meeting_commitment()
    adjusted_p = expected.probability_by(live.commitment_date)
    assert adjusted_p < raw / 2  # a late record: the same dates are much less likely
    page = page_text(cto_client, org, live)
    assert "The three dates Given Tom CTO’s record" in page
    assert (
        f"Chance of meeting the commitment (20 May 2027) {percent_text(raw)} "
        f"{percent_text(adjusted_p)}" in page
    )
    assert f"P50 (coin flip) {date_text(live.forecast().p50)} {expected.p50}" in page
    assert "over 5 delivered initiatives" in page and "The record it rests on" in page
