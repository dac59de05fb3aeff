"""The track record of a small fixed history (tests/timeline/history.py): its rows, the
calibration.csv / .json contract, and a page whose figures are those of the exported rows."""

import csv
import html
import io
import json
import re
import statistics

import pytest
from django.test import Client
from django.urls import reverse

from calibration.api.models import ApiToken
from calibration.timeline.forecast import DeliveryForecast
from calibration.timeline.track_record import rows_for
from tests.timeline.history import D, write_history

pytestmark = pytest.mark.django_db

CONTRACT = [
    "initiative_id",
    "title",
    "estimator",
    "start",
    "baseline_best",
    "baseline_expected",
    "baseline_worst",
    "delivered_on",
    "pit",
    "delivered_by_p50",
    "after_p85",
    "after_p95",
    "outside_range",
    "commitment",
    "met_commitment",
    "p_meet_at_baseline",
]
FORECAST = DeliveryForecast(D(2027, 3, 22), D(2027, 5, 3), D(2027, 6, 28))


@pytest.fixture
def history(make_initiative, ceo, cto):
    return write_history(make_initiative, ceo, cto)


def page_text(client, org):
    """The calibration page as a reader sees it: text, no markup."""
    page = client.get(reverse("timeline:calibration", args=[org.slug])).content.decode()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def exported(client, org):
    response = client.get(reverse("timeline:calibration_csv", args=[org.slug]))
    header, *lines = list(csv.reader(io.StringIO(response.content.decode())))
    return header, [dict(zip(header, line, strict=True)) for line in lines]


def test_a_delivery_is_judged_against_the_commitment_standing_when_it_became_active(org, history):
    rows = {r.title: r for r in rows_for(org)}
    assert rows["Beta"].commitment == D(2027, 4, 26)  # not the later 2027-06-14
    assert rows["Beta"].met_commitment is False
    assert rows["Alpha"].commitment == D(2027, 5, 10) and rows["Alpha"].met_commitment is True
    assert rows["Gamma"].commitment is None and rows["Gamma"].met_commitment is None


def test_the_csv_has_the_contract_columns_in_order(cto_client, org, history):
    header, _ = exported(cto_client, org)
    assert header[: len(CONTRACT)] == CONTRACT


def test_the_csv_writes_iso_dates_true_false_and_four_or_more_decimal_places(
    cto_client, org, history
):
    _, lines = exported(cto_client, org)
    beta = next(line for line in lines if line["title"] == "Beta")
    assert beta["delivered_on"] == "2027-06-01" and beta["baseline_best"] == "2027-03-22"
    assert (beta["delivered_by_p50"], beta["after_p85"], beta["after_p95"]) == (
        "false",
        "true",
        "false",
    )
    assert beta["met_commitment"] == "false" and beta["commitment"] == "2027-04-26"
    assert beta["pit"] == f"{FORECAST.probability_by(D(2027, 6, 1)):.6f}"
    assert beta["p_meet_at_baseline"] == f"{FORECAST.probability_by(D(2027, 4, 26)):.6f}"
    gamma = next(line for line in lines if line["title"] == "Gamma")
    assert gamma["pit"] == "1.000000" and gamma["outside_range"] == "true"
    assert gamma["commitment"] == gamma["met_commitment"] == gamma["p_meet_at_baseline"] == ""


def test_the_json_carries_the_same_rows(cto_client, org, history):
    _, lines = exported(cto_client, org)
    data = json.loads(cto_client.get(reverse("timeline:calibration_json", args=[org.slug])).content)
    assert data["columns"][: len(CONTRACT)] == CONTRACT
    assert [row["title"] for row in data["rows"]] == [line["title"] for line in lines]
    beta = next(row for row in data["rows"] if row["title"] == "Beta")
    assert beta["after_p85"] is True and beta["met_commitment"] is False
    assert beta["pit"] == pytest.approx(FORECAST.probability_by(D(2027, 6, 1)))


def test_the_page_shows_the_figures_of_the_exported_rows(cto_client, org, history):
    _, lines = exported(cto_client, org)
    n = len(lines)

    def count(column):
        return sum(1 for line in lines if line[column] == "true")

    scored = [line for line in lines if line["met_commitment"]]
    brier = statistics.mean(
        (float(line["p_meet_at_baseline"]) - (line["met_commitment"] == "true")) ** 2
        for line in scored
    )
    days = statistics.median(
        (D.fromisoformat(line["delivered_on"]) - D(2027, 5, 5)).days for line in lines
    )
    page = page_text(cto_client, org)
    assert f"Tom CTO delivered by the P50 date {count('delivered_by_p50')} time in {n}" in page
    assert f"Tom CTO's P85 dates were missed {count('after_p85')} times in {n}" in page
    assert f"Tom CTO's P95 dates were missed {count('after_p95')} time in {n}" in page
    assert f"fell outside best–worst {count('outside_range')} time in {n}" in page
    assert f"median delivery {days:g} days after P50" in page
    assert f"Brier score {brier:.3f} over {len(scored)} commitments" in page
    assert "always saying 50% scores 0.25" in page


def test_each_estimator_has_a_record_of_their_own(cto_client, org, ceo, history):
    beta = history[1]
    beta.refresh_from_db()
    beta.owner = ceo
    beta.save_shared(by=ceo, expected_version=beta.version)
    page = page_text(cto_client, org)
    assert "The whole organization" in page
    assert "Ada CEO's P85 dates were missed 1 time in 1" in page
    assert "Tom CTO's P85 dates were missed 1 time in 2" in page


def test_the_calibration_chart_places_each_delivery_at_its_pit(cto_client, org, history):
    page = cto_client.get(reverse("timeline:calibration", args=[org.slug])).content.decode()
    assert page.count('class="cal-dot"') == 3 * 2  # the organization's chart and Tom's
    assert "Gamma: delivered 12 Jul 2027, PIT 1.00" in page


def test_the_api_serves_the_exported_rows_and_the_figures_computed_from_them(
    cto_client, org, cto, history
):
    _token, raw = ApiToken.issue(organization=org, user=cto, name="script")
    body = Client().get("/api/v1/calibration", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    _, lines = exported(cto_client, org)

    assert [(r["title"], r["delivered_on"]) for r in body["rows"]] == [
        (line["title"], line["delivered_on"]) for line in lines
    ]
    assert [r["pit"] for r in body["rows"]] == pytest.approx([float(x["pit"]) for x in lines])
    shares = {s["key"]: s for s in body["overall"]["shares"]}
    assert body["overall"]["deliveries"] == len(lines)
    assert shares["after_p85"]["count"] == sum(x["after_p85"] == "true" for x in lines)
    assert shares["after_p85"]["expected"] == 0.15
    assert "P85 dates were missed" in shares["after_p85"]["sentence"]
