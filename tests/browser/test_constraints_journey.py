"""Two leaders, two browsers: the CTO records the 50k → 200k events/s constraint with three
priced paths and a recommendation, the CEO adds the market context, and both decide."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from calibration.constraints.models import Constraint
from calibration.formats import date_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATHS = [
    ("Tune what we have", "Bigger brokers, more partitions", "60,000", "4", "6", "8", "12"),
    (
        "Re-architect ingest",
        "Partitioned log, stateless consumers",
        "180,000",
        "14",
        "16",
        "22",
        "30",
    ),
    (
        "Buy a managed service",
        "Managed streaming; keep our consumers",
        "420,000",
        "5",
        "8",
        "12",
        "18",
    ),
]


def add_path(page, letter, title, description, money, people_months, best, expected, worst):
    page.get_by_role("link", name="Add a path").click()
    form = page.locator("#new-path")
    form.get_by_label("Name", exact=True).fill(title)
    form.get_by_label("What we would do").fill(description)
    form.get_by_label("Cost in money").fill(money)
    form.get_by_label("Cost in people-months").fill(people_months)
    form.get_by_label("Expected weeks").fill(expected)
    form.get_by_label("Best case weeks").fill(best)
    form.get_by_label("Worst case weeks").fill(worst)
    form.get_by_label("Risks").fill("Migration of live traffic")
    form.get_by_label("What it gives up").fill("Self-serve onboarding slips")
    form.get_by_role("button", name="Add the path").click()
    expect(page.locator(".flash")).to_have_text(f"Path {letter}: {title} added.")


def test_cto_records_a_priced_constraint_ceo_adds_context_and_both_decide(open_page, org, ceo, cto):
    needed_by = org.today() + timedelta(days=200)
    tom = open_page(cto)
    tom.goto("/o/acme/constraints/")
    tom.get_by_role("link", name="Raise the first constraint").click()

    tom.get_by_label("Capability").fill("Event pipeline throughput")
    tom.get_by_label("Metric").fill("Sustained ingest rate")
    tom.get_by_label("Unit", exact=True).fill("events/s")
    tom.get_by_role("radio", name="Higher is better").check()
    tom.get_by_label("Today's measured value").fill("50,000")
    tom.get_by_label("Value required").fill("-200,000")
    tom.get_by_label("Needed by").fill(needed_by.isoformat())
    tom.get_by_label("What demands it").select_option("partnership")
    tom.get_by_label("The demand, in a sentence").fill("Globex partnership launch volume")
    tom.get_by_label("People", exact=True).fill("Two platform engineers for two quarters")
    tom.get_by_role("button", name="Record the constraint").click()

    # A negative value is refused at its field; everything else typed is still there.
    expect(tom.locator("#id_required_value_errors")).to_have_text("Enter a number above zero.")
    expect(tom.get_by_label("Capability")).to_have_value("Event pipeline throughput")
    tom.get_by_label("Value required").fill("200,000")
    tom.get_by_role("button", name="Record the constraint").click()

    gap = f"50,000 events/s today; 200,000 needed by {date_text(needed_by)}: 4×, +150,000"
    expect(tom.locator("#gap")).to_have_text(gap)
    constraint = Constraint.objects.get()

    for letter, path in zip("ABC", PATHS, strict=True):
        add_path(tom, letter, *path)
    expect(tom.locator("#path-limit")).to_have_text(
        "Three paths is the limit: edit or remove one to add another."
    )
    expect(tom.locator("article.path").nth(1)).to_contain_text("$180,000 + 14 people-months")
    expect(tom.locator("article.path").nth(1)).to_contain_text("16–22–30 weeks")

    tom.get_by_role("link", name="Recommend a path").click()
    tom.get_by_role("radio", name="Path B: Re-architect ingest").check()
    tom.get_by_label("Why this path").fill("Reaches 200,000 with headroom, no per-event cost.")
    tom.get_by_role("button", name="Save the recommendation").click()
    expect(tom.locator(".flash")).to_have_text("The recommendation is saved.")
    expect(tom.locator("article.path").nth(1)).to_contain_text("CTO recommends")

    # The CEO, in her own browser, reads the recommendation and adds the market context.
    ada = open_page(ceo)
    ada.goto(f"/o/acme/constraints/{constraint.pk}/")
    expect(ada.locator("#gap")).to_have_text(gap)
    expect(ada.get_by_text("This is the CTO's call to write.")).to_be_visible()
    ada.get_by_role("link", name="Add market context").click()
    ada.get_by_role("textbox", name="Market context").fill(
        "Two more prospects need this volume next year."
    )
    ada.get_by_role("button", name="Save the market context").click()
    expect(ada.get_by_text("Written by Ada CEO.")).to_be_visible()

    # She records the decision: the recommended path.
    ada.get_by_role("link", name="Record the decision").click()
    ada.get_by_role("radio", name="We take a path").check()
    ada.get_by_role("radio", name="Path B: Re-architect ingest").check()
    ada.get_by_role("textbox", name="Reason").fill("The partnership is worth the quarter.")
    ada.get_by_role("button", name="Record the decision").click()
    expect(ada.locator(".decision-outcome")).to_have_text("We take Path B: Re-architect ingest.")
    expect(ada.locator(".decided-by")).to_contain_text("waiting for the other leader to agree")

    # The CTO agrees: the decision is made by both, with who and when.
    tom.reload()
    context = tom.locator(".voice--ceo")
    expect(context).to_contain_text("Two more prospects need this volume next year.")
    tom.get_by_role("button", name="I agree with this decision").click()
    expect(tom.locator(".flash")).to_have_text("You agreed: the decision is made by both.")
    expect(tom.locator(".decided-by")).to_contain_text("Decided by Ada CEO on")
    expect(tom.locator(".decided-by")).to_contain_text("agreed by Tom CTO on")

    tom.goto("/o/acme/constraints/?show=decided")
    expect(tom.locator("table.constraints tbody tr")).to_have_count(1)
    expect(tom.locator("table.constraints")).to_contain_text("Decided")

    # The chosen path becomes an initiative, its three dates counted from today.
    tom.get_by_role("link", name="Event pipeline throughput").click()
    tom.get_by_role("link", name="Turn into an initiative").click()
    today = org.today()
    expect(tom.get_by_label("Expected case", exact=True)).to_have_value(
        (today + timedelta(weeks=22)).isoformat()
    )
    tom.get_by_role("button", name="Create the initiative").click()
    expect(
        tom.get_by_role("heading", name="Event pipeline throughput: Re-architect ingest")
    ).to_be_visible()
    expect(tom.get_by_text("This initiative delivers")).to_be_visible()
