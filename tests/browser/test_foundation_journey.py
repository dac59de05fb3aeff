"""Two people, two browsers: the CEO signs up and invites the CTO, the CTO joins, and
both edit the same record at the same time without losing anything."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from calibration.models import PlanningCycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ceo_invites_cto_and_their_simultaneous_edits_conflict_visibly(open_page):
    ceo = open_page()
    ceo.goto("/accounts/signup/")
    ceo.get_by_label("Your name").fill("Ada Chen")
    ceo.get_by_label("Email address").fill("ada@rockets.test")
    ceo.get_by_label("Password").fill("correct horse battery")
    ceo.get_by_label("Company name").fill("Rockets")
    ceo.get_by_label("CEO").check()
    ceo.get_by_role("button", name="Create company").click()
    expect(ceo.get_by_role("heading", name="Rockets — settings")).to_be_visible()

    ceo.get_by_label("Email address").fill("tom@rockets.test")
    ceo.get_by_label("Role", exact=True).select_option("cto")
    ceo.get_by_role("button", name="Send invitation").click()
    expect(ceo.get_by_text("Invitation sent to tom@rockets.test.")).to_be_visible()

    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    cto = open_page()
    cto.goto(link[link.index("/accounts/") :])
    expect(cto.get_by_text("to join as CTO")).to_be_visible()
    cto.get_by_label("Your name").fill("Tom Okafor")
    cto.get_by_label("Choose a password").fill("another horse battery")
    cto.get_by_role("button", name="Accept and join").click()
    expect(cto.get_by_role("heading", name="Rockets", exact=True)).to_be_visible()
    expect(cto.get_by_text("You joined Rockets as CTO.")).to_be_visible()

    ceo.goto("/o/rockets/planning/")
    ceo.get_by_label("Name").fill("FY27 H1 planning")
    ceo.get_by_label("Starts on").fill("2027-01-10")
    ceo.get_by_role("button", name="Add cycle").click()
    expect(ceo.get_by_role("link", name="FY27 H1 planning")).to_be_visible()
    cycle = PlanningCycle.objects.get()

    # Both open the same record, then both save different changes.
    ceo.goto(f"/o/rockets/planning/{cycle.pk}/")
    cto.goto(f"/o/rockets/planning/{cycle.pk}/")
    ceo.get_by_label("Notes").fill("Offsite in Lisbon")
    ceo.get_by_role("button", name="Save").click()
    expect(ceo.get_by_text("“FY27 H1 planning” saved.")).to_be_visible()

    cto.get_by_label("Notes").fill("Remote, two half days")
    cto.get_by_role("button", name="Save").click()
    expect(cto.get_by_text("Ada Chen saved this while you were editing.")).to_be_visible()
    conflict = cto.locator(".conflict-table")
    expect(conflict).to_contain_text("Remote, two half days")
    expect(conflict).to_contain_text("Offsite in Lisbon")
    expect(cto.get_by_label("Notes")).to_have_value("Remote, two half days")

    # Saving again, knowingly, keeps the CTO's version; the history keeps both.
    cto.get_by_role("button", name="Save").click()
    expect(cto.get_by_text("“FY27 H1 planning” saved.")).to_be_visible()
    cto.goto(f"/o/rockets/planning/{cycle.pk}/")
    history = cto.locator(".history")
    expect(history).to_contain_text("Tom Okafor changed")
    expect(history).to_contain_text("Ada Chen changed")
    expect(history.locator("ins").first).to_have_text("Remote, two half days")
