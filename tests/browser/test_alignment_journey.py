"""The alignment conversation in two browsers at once: the CEO and the CTO fill the bet sheet
at the same time, each seeing the other's saved bets appear without losing what they are
typing; the CTO links a tech bet; the agenda appears; both make calls; the quarter is closed
and the other leader's page turns read-only by itself."""

import os

import pytest
from playwright.sync_api import expect

from calibration.quarters import current_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ALIGNMENT_SCREENSHOTS")  # a folder, to look at the pages


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def add_bet(page, side, title, expected):
    form = page.locator(f"#add-{side}")
    if not form.locator("form").is_visible():
        form.locator("summary").click()
    form.get_by_label("Bet", exact=True).fill(title)
    form.get_by_label("What we expect it to get us").fill(expected)
    form.get_by_role("button", name=f"Add {side.upper()} bet").click()
    expect(page.locator(f"#col-{side}").locator("..")).to_contain_text(title)


def test_ceo_and_cto_fill_the_sheet_together_and_close_the_quarter(open_page, org, ceo, cto):
    label = current_quarter(org).label
    ceo_page = open_page(ceo)
    ceo_page.goto(f"/o/{org.slug}/alignment/")
    ceo_page.get_by_role("button", name=f"Start the {label} sheet").click()
    expect(ceo_page.get_by_role("heading", name=f"Bet sheet {label}")).to_be_visible()

    cto_page = open_page(cto)
    cto_page.goto(f"/o/{org.slug}/alignment/")
    expect(cto_page.get_by_role("heading", name=f"Bet sheet {label}")).to_be_visible()

    # The CTO starts typing a bet; meanwhile the CEO saves one.
    cto_add = cto_page.locator("#add-cto")  # open: the column is empty
    cto_add.get_by_label("Bet", exact=True).fill("SSO and SCIM")
    add_bet(ceo_page, "ceo", "Win three enterprise logos", "£1.2M new ARR")

    # The CEO's bet shows on the CTO's page by itself, and the CTO's typing is still there.
    expect(cto_page.locator("#col-ceo").locator("..")).to_contain_text("Win three enterprise logos")
    expect(cto_add.get_by_label("Bet", exact=True)).to_have_value("SSO and SCIM")
    cto_add.get_by_label("What we expect it to get us").fill("Pass enterprise security reviews")
    cto_add.get_by_role("button", name="Add CTO bet").click()
    expect(cto_page.locator("#col-cto").locator("..")).to_contain_text("SSO and SCIM")

    add_bet(ceo_page, "ceo", "Open the German market", "Ten German customers")
    add_bet(cto_page, "cto", "Event streaming", "Ten times the volume")
    expect(ceo_page.locator("#col-cto").locator("..")).to_contain_text("Event streaming")

    # Reorder by keyboard: the focus stays on the moved bet's arrow.
    ceo_page.get_by_role("button", name="Move “Open the German market” up").focus()
    ceo_page.keyboard.press("Enter")
    expect(ceo_page.locator("ol.bets").first.locator("li").first).to_contain_text("German")
    expect(
        ceo_page.get_by_role("button", name="Move “Open the German market” down")
    ).to_be_focused()

    # The CTO links SSO to the enterprise bet: both pages show it on both sides.
    sso = cto_page.locator(".bet-column--cto li.bet", has_text="SSO and SCIM")
    sso.get_by_role("link", name="Links of “SSO and SCIM”").click()
    cto_page.get_by_role("checkbox", name="Win three enterprise logos").check()
    cto_page.get_by_role("button", name="Save links").click()
    logos_on_ceo_page = ceo_page.locator(
        ".bet-column--ceo li.bet", has_text="Win three enterprise logos"
    )
    expect(logos_on_ceo_page).to_contain_text("Supported by: SSO and SCIM")
    expect(cto_page.locator(".bet-column--cto li.bet", has_text="SSO and SCIM")).to_contain_text(
        "Supports: Win three enterprise logos"
    )

    # The agenda: the unlinked tech bet, then the unsupported CEO bet, time-boxed.
    for page in (ceo_page, cto_page):
        agenda = page.locator("#agenda")
        expect(agenda).to_contain_text("2 items, 2 open, in 30 minutes")
        expect(agenda.locator("li.agenda-item").nth(0)).to_contain_text("Event streaming")
        expect(agenda.locator("li.agenda-item").nth(1)).to_contain_text("Open the German market")
    shot(ceo_page, "1-sheet-with-agenda")

    # Calls, one by each leader.
    cto_page.get_by_role("link", name="Make the call on “Event streaming”").click()
    cto_page.get_by_label("Continue").check()
    cto_page.get_by_label("Why").fill("Ahead of the business on purpose")
    cto_page.get_by_role("button", name="Save the call").click()
    ceo_page.get_by_role("link", name="Make the call on “Open the German market”").click()
    ceo_page.get_by_label("Accepted without a tech bet").check()
    ceo_page.get_by_label("Why").fill("Sold through a reseller")
    ceo_page.get_by_role("button", name="Save the call").click()
    for page in (ceo_page, cto_page):
        expect(page.locator("#agenda")).to_contain_text("2 items, 0 open")
        expect(page.locator("#agenda")).to_contain_text("Ahead of the business on purpose")
        expect(page.locator("#agenda")).to_contain_text("Sold through a reseller")

    # The session is held; the CEO closes the quarter; the CTO's page turns read-only.
    ceo_page.get_by_role("link", name="Schedule the session").click()
    ceo_page.get_by_label("Session held on").fill(org.today().isoformat())
    ceo_page.get_by_label("Attendees").fill("Ada, Tom")
    ceo_page.get_by_role("button", name="Save session").click()
    expect(ceo_page.locator("#session")).to_contain_text("Ada, Tom")
    ceo_page.get_by_role("button", name=f"Close {label}").click()
    expect(ceo_page.get_by_text(f"{label} is closed.", exact=False).first).to_be_visible()
    expect(cto_page.locator(".sheet-closed")).to_contain_text(f"{label} is closed.")
    expect(cto_page.get_by_role("link", name="Make the call")).to_have_count(0)
    shot(cto_page, "2-closed")
