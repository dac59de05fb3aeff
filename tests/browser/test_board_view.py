"""The board view in a real browser: several initiatives drawn on one time axis, with their
markers visible, readable at laptop size and in print, and the table one click away."""

import datetime
import os
import shutil

import pytest
from playwright.sync_api import expect

from calibration.timeline.models import Initiative, LeadingIndicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

W = datetime.timedelta(weeks=1)


def initiative(org, by, title, start, best, expected, worst, **fields):
    return Initiative.create_shared(
        by=by,
        organization=org,
        title=title,
        owner=by,
        status="active",
        start_date=start,
        best_date=best,
        expected_date=expected,
        worst_date=worst,
        **fields,
    )


def indicator(org, by, item, description, due_on, **fields):
    return LeadingIndicator.create_shared(
        by=by,
        organization=org,
        initiative=item,
        description=description,
        due_on=due_on,
        **fields,
    )


def test_the_board_view_draws_every_initiative_with_its_markers(open_page, org, ceo, cto, tmp_path):
    today = org.today()
    pay = initiative(
        org,
        cto,
        "Payments platform",
        today - 8 * W,
        today + 6 * W,
        today + 12 * W,
        today + 18 * W,
        commitment_date=today + 8 * W,
        commitment_audience="board",
    )
    indicator(org, cto, pay, "Vendor contract signed", today - 2 * W)  # overdue
    indicator(
        org,
        cto,
        pay,
        "Ledger design agreed",
        today - 4 * W,
        status="met",
        resolved_on=today - 4 * W,
        evidence="Design review minutes",
    )
    indicator(org, cto, pay, "Data migration completed", today + 3 * W)
    mobile = initiative(
        org,
        cto,
        "Mobile app relaunch",
        today - 12 * W,
        today + 10 * W,
        today + 16 * W,
        today + 26 * W,
        commitment_date=today + 20 * W,
        commitment_audience="customers",
    )
    indicator(
        org,
        cto,
        mobile,
        "Design system shipped",
        today - 1 * W,
        status="missed",
        resolved_on=today - 1 * W,
    )
    initiative(
        org,
        cto,
        "Data warehouse",
        today - 2 * W,
        today + 14 * W,
        today + 20 * W,
        today + 30 * W,
        commitment_date=today + 28 * W,
        commitment_audience="partner",
    )
    initiative(
        org, cto, "SSO for enterprise", today - 6 * W, today + 2 * W, today + 5 * W, today + 9 * W
    )

    page = open_page(ceo)
    page.goto(f"/o/{org.slug}/board/")
    expect(page.get_by_role("heading", name="Board view")).to_be_visible()
    chart = page.locator(".board-figure--screen svg.board-chart")
    expect(chart).to_be_visible()
    rows = chart.locator("g.row")
    expect(rows).to_have_count(4)
    for title in (
        "Payments platform",
        "Mobile app relaunch",
        "Data warehouse",
        "SSO for enterprise",
    ):
        expect(chart.locator("g.row", has_text=title)).to_be_visible()
    # Lowest probability of meeting the commitment first.
    expect(rows.first).to_contain_text("Payments platform")
    pay_row = chart.locator(f'g.row[data-initiative="{pay.pk}"]')
    for mark in (
        ".band",
        ".plan",
        ".commitment",
        ".tracking",
        ".checkpoint--met",
        ".checkpoint--overdue",
        ".checkpoint--pending",
    ):
        expect(pay_row.locator(mark)).to_be_visible()
    expect(
        chart.locator(f'g.row[data-initiative="{mobile.pk}"] .checkpoint--missed')
    ).to_be_visible()
    expect(chart.locator(f'g.row[data-initiative="{mobile.pk}"] .tracking--worst')).to_be_visible()
    expect(chart.locator("g.today")).to_be_visible()
    expect(chart.locator("g.legend")).to_be_visible()
    # The chart is laid out at a readable size on a laptop screen.
    box = chart.bounding_box()
    assert box["width"] >= 1100

    shot = tmp_path / "board-view.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # Printed, the board page points to its print view, which draws every initiative.
    page.emulate_media(media="print")
    expect(chart).to_be_hidden()
    expect(page.locator("p.print-only")).to_contain_text("the print view")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Print (every initiative)").click()
    page.emulate_media(media="print")
    printed = tmp_path / "board-view-print.png"
    page.screenshot(path=str(printed), full_page=True)
    expect(page.locator(".board-print-page svg.board-chart").first).to_be_visible()
    page.emulate_media(media="screen")
    if os.environ.get("BOARD_SCREENSHOTS"):  # to look at them by hand
        for f in (shot, printed):
            shutil.copy(f, os.environ["BOARD_SCREENSHOTS"])

    # The same figures as a table, one click away.
    page.get_by_role("link", name="Table of the figures").click()
    table = page.locator("table.board-table-compact")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table).to_contain_text("Payments platform")
