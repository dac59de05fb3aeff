"""The demo company's calibration page, commitment ledger and adjusted forecast, as a leader
sees them in a real browser on the first visit."""

import os
import shutil

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Organization
from calibration.timeline.models import Initiative

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


def keep(path):
    if os.environ.get("CALIBRATION_SCREENSHOTS"):  # to look at them by hand
        shutil.copy(path, os.environ["CALIBRATION_SCREENSHOTS"])


def test_a_leader_reads_whether_the_estimates_could_be_believed(open_page, acme, tmp_path):
    page = open_page(acme.member_with_role("ceo"))
    page.goto(f"/o/{acme.slug}/timeline/")
    page.get_by_role("link", name="How calibrated are our estimates?").click()
    expect(page.get_by_role("heading", name="Could the estimates be believed?")).to_be_visible()

    # The organization, then each estimator, each with a headline, its shares and a chart.
    records = page.locator("section.cal-record")
    expect(records).to_have_count(3)
    tom = page.locator("section.cal-record", has_text="Tom Okafor · 6 deliveries")
    expect(tom.locator(".cal-headline")).to_have_text(
        "Tom Okafor's P85 dates were missed 5 times in 6 — about 5.6× as often as they should be (15%)."
    )
    expect(tom.locator('tr[data-share="after_p85"]')).to_contain_text("5 of 6")
    expect(tom.locator("tr.cal-share--off").first).to_be_visible()
    chart = page.locator("#record-org svg.cal-chart__svg")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.cal-dot")).to_have_count(12)
    box = chart.bounding_box()
    assert box["width"] >= 200 and box["height"] >= 200
    expect(page.locator("#calibration-rows tbody tr")).to_have_count(12)
    expect(page.locator("#ledger-summary")).to_contain_text("4 of 9")
    shot = tmp_path / "calibration.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)

    # The ledger: who moved which date, who owned the gap.
    page.get_by_role("link", name="The commitment ledger").first.click()
    expect(page.get_by_role("heading", name="Who owns the gap")).to_be_visible()
    entry = page.locator("article.ledger-entry", has_text="Multi-region hosting")
    expect(entry.locator("svg .tl-line--p85")).to_be_visible()
    expect(entry).to_contain_text("The second region's compliance review.")
    shot = tmp_path / "ledger.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)

    # The adjusted forecast stands beside the raw one.
    sso = Initiative.objects.get(organization=acme, title="Enterprise single sign-on")
    page.goto(f"/o/{acme.slug}/timeline/{sso.pk}/")
    expect(page.locator("#adjusted-heading")).to_have_text("Given Tom Okafor’s record")
    expect(page.locator("#commitment-probability")).to_be_visible()
    expect(page.locator("#adjusted-probability")).to_be_visible()
    expect(page.locator("#adjusted-method")).to_contain_text("over 6 delivered initiatives")
    shot = tmp_path / "initiative.png"
    page.locator("#section-forecast").screenshot(path=str(shot))
    keep(shot)
