"""The timeline conversation in two browsers: the CTO brings the estimate and its leading
indicators, the CEO the board date; both acknowledge the gap; a missed indicator moves the
tracking timeline and triggers the slip plan, and both of them see it."""

import pytest
from playwright.sync_api import expect

from calibration.timeline.models import Initiative

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAP = (
    "The board hears 1 Mar 2027; the plan says 3 May 2027: "
    "9 weeks earlier than expected, 3 weeks earlier than best case."
)


def add_indicator(page, description, due_on, if_missed):
    page.get_by_text("Add a leading indicator").click()
    form = page.locator("#new-indicator form")
    form.get_by_label("What must be true").fill(description)
    form.get_by_label("By (date)").fill(due_on)
    form.get_by_label("If missed").select_option(if_missed)
    form.get_by_role("button", name="Add indicator").click()
    expect(page.locator("#section-indicators")).to_contain_text(description)


def test_cto_and_ceo_agree_on_the_gap_and_see_the_slip_plan_trigger(open_page, org, ceo, cto):
    cto_page = open_page(cto)
    cto_page.goto(f"/o/{org.slug}/timeline/")
    cto_page.get_by_role("link", name="New initiative").click()
    cto_page.get_by_label("Title").fill("Payments platform")
    cto_page.get_by_label("Start date").fill("2027-01-04")
    cto_page.get_by_label("Best case", exact=True).fill("2027-03-22")
    cto_page.get_by_label("Expected case", exact=True).fill("2027-05-03")
    cto_page.get_by_label("Worst case", exact=True).fill("2027-06-28")
    cto_page.get_by_label("Contingency plan").fill("Launch card payments only; wallets later.")
    cto_page.get_by_role("button", name="Create initiative").click()
    expect(cto_page.get_by_role("heading", name="Payments platform")).to_be_visible()
    initiative = Initiative.objects.get()

    add_indicator(cto_page, "Card processor certification passed", "2027-02-15", "worst")
    add_indicator(cto_page, "Ledger migration dry run clean", "2027-03-01", "expected")

    # The CEO records what the board heard, and a row of the slip plan.
    ceo_page = open_page(ceo)
    ceo_page.goto(f"/o/{org.slug}/timeline/{initiative.pk}/")
    ceo_page.get_by_role("link", name="Record the external commitment").click()
    form = ceo_page.locator("#section-commitment form")
    form.get_by_label("External commitment").fill("2027-03-01")
    form.get_by_label("Communicated to").select_option("board")
    form.get_by_role("button", name="Save commitment").click()
    expect(ceo_page.locator("#gap-sentence")).to_have_text(GAP)

    ceo_page.get_by_text("Add a row to the slip plan").click()
    step = ceo_page.locator("#new-step form")
    step.get_by_label("Who tells").select_option(label="Ada CEO")
    step.get_by_label("Tells whom").select_option("board")
    step.get_by_label("What", exact=True).fill("Call the chair: new range and the card-only plan.")
    step.get_by_label("Within (days after the slip is detected)").fill("2")
    step.get_by_role("button", name="Add row").click()
    expect(ceo_page.locator("#section-slip-plan")).to_contain_text("Call the chair")

    # Both acknowledge the gap.
    ceo_page.get_by_role("button", name="I acknowledge this gap").click()
    expect(ceo_page.locator("#acknowledgements")).to_contain_text("CEO: acknowledged by Ada CEO")
    cto_page.reload()
    expect(cto_page.locator("#gap-sentence")).to_have_text(GAP)
    cto_page.get_by_role("button", name="I acknowledge this gap").click()
    expect(cto_page.locator("#acknowledgements")).to_contain_text("CTO: acknowledged by Tom CTO")
    expect(cto_page.locator("#acknowledgements")).to_contain_text("CEO: acknowledged by Ada CEO")

    # The CTO marks the certification indicator missed.
    expect(cto_page.locator("#tracking")).to_contain_text("Tracking the expected case")
    row = cto_page.locator("tr", has_text="Card processor certification passed")
    row.get_by_role("link", name="Update").click()
    editing = cto_page.locator("tr.editing form")
    editing.get_by_label("Status").select_option("missed")
    editing.get_by_label("Met/missed on").fill("2027-02-16")
    editing.get_by_role("button", name="Save indicator").click()
    expect(cto_page.locator("#tracking")).to_contain_text(
        "Tracking the worst case (28 Jun 2027) since 16 Feb 2027"
    )
    expect(cto_page.locator("#slip-actions")).to_contain_text("Ada CEO tells the board")

    # The CEO sees the same, on the initiative and on the home page, and marks it done.
    ceo_page.goto(f"/o/{org.slug}/")
    expect(ceo_page.locator("#home-slip-actions")).to_contain_text("Ada CEO tells the board")
    ceo_page.goto(f"/o/{org.slug}/timeline/{initiative.pk}/")
    expect(ceo_page.locator("#tracking")).to_contain_text("past the commitment")
    actions = ceo_page.locator("#slip-actions")
    expect(actions).to_contain_text("Call the chair: new range and the card-only plan.")
    actions.get_by_role("button", name="Mark done").click()
    expect(ceo_page.locator("#section-slip-plan .tl-action--done")).to_contain_text("done")
