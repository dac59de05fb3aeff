"""The demo company's past: the calibration page, the commitment ledger and the adjusted
forecast are filled on the first visit, and the history is dated when it happened."""

import html
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organization
from calibration.timeline.models import EstimateRevision, ForecastRecord, Initiative
from calibration.timeline.track_record import rows_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


@pytest.fixture
def ceo_of(client, acme):
    client.force_login(acme.member_with_role("ceo"))
    return client


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_demo_has_a_dozen_deliveries_by_two_estimators_over_two_years(acme):
    rows = rows_for(acme)
    assert len(rows) == 12
    assert {r.estimator for r in rows} == {"Tom Okafor", "Priya Raman"}
    assert (rows[-1].delivered_on - rows[0].delivered_on).days > 540
    decided = [r.met_commitment for r in rows if r.met_commitment is not None]
    assert 0 < sum(decided) < len(decided)  # some commitments met, some missed


def test_the_demo_history_is_dated_when_it_happened(acme):
    billing = Initiative.objects.get(organization=acme, title="Usage-based billing")
    moments = sorted(r.at for r in EstimateRevision.objects.filter(initiative=billing))
    assert (moments[-1] - moments[0]).days >= 28  # created six weeks ago, moved since
    assert billing.baseline_set_on < acme.today()
    oldest = ForecastRecord.objects.filter(organization=acme).order_by("at").first()
    assert (acme.today() - oldest.at.date()).days > 700


def test_loading_the_demo_twice_adds_nothing(acme):
    before = (Initiative.objects.count(), ForecastRecord.objects.count())
    call_command("demo", verbosity=0)
    assert (Initiative.objects.count(), ForecastRecord.objects.count()) == before


def test_the_calibration_page_shows_two_different_track_records(ceo_of, acme):
    page = text(ceo_of.get(reverse("timeline:calibration", args=[acme.slug])))
    assert "Tom Okafor's P85 dates were missed 5 times in 6 — about 5.6× as often" in page
    assert (
        "Priya Raman's P85 dates were missed 1 time in 6 — about as often as they should be" in page
    )
    assert "Brier score" in page and "always saying 50% scores 0.25" in page


def test_the_ledger_is_filled(ceo_of, acme):
    page = text(ceo_of.get(reverse("timeline:ledger", args=[acme.slug])))
    assert "4 of 9 delivered initiatives met the date told outside" in page
    assert (
        "both leaders had acknowledged the gap before 3 of the 5 missed commitments fell due"
        in page
    )
    assert "Multi-region hosting" in page and "The second region's compliance review." in page


def test_the_adjusted_forecast_is_on_the_initiative_page_and_the_board(ceo_of, acme):
    sso = Initiative.objects.get(organization=acme, title="Enterprise single sign-on")
    page = text(ceo_of.get(reverse("timeline:initiative", args=[acme.slug, sso.pk])))
    assert "Given Tom Okafor’s record" in page and "over 6 delivered initiatives" in page
    board = ceo_of.get(reverse("board:view", args=[acme.slug])).content.decode()
    assert "adj. " in board and "Who owns the gap" in board
