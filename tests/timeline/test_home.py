"""The timeline card on the organization home."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

D = datetime.date


def home(client, org):
    return client.get(reverse("home", args=[org.slug])).content.decode()


def test_the_card_counts_live_initiatives_at_risk_and_gaps_to_acknowledge(
    ceo_client, org, make_initiative, make_indicator, cto
):
    slipping = make_initiative(
        title="Slipping", commitment_date=D(2027, 6, 1), commitment_audience="board"
    )
    missed = make_indicator(slipping, if_missed="worst")
    missed.status, missed.resolved_on = "missed", D(2027, 2, 16)
    missed.save_shared(by=cto, expected_version=missed.version)
    make_initiative(title="On plan", status="active")
    make_initiative(title="Done", status="delivered", delivered_on=D(2027, 5, 1))
    page = home(ceo_client, org)
    assert "2 live initiatives." in page
    assert "1 tracking past the commitment" in page
    assert "1 gap to acknowledge" in page


def test_the_card_shows_each_initiatives_next_checkpoint_only(
    ceo_client, org, make_initiative, make_indicator
):
    payments = make_initiative(title="Payments platform")
    make_indicator(payments, description="Vendor signed", due_on=D(2027, 3, 1))
    make_indicator(payments, description="Ledger migrated", due_on=D(2027, 3, 10))
    mobile = make_initiative(title="Mobile app")
    make_indicator(mobile, description="Design shipped", due_on=None, due_week=9)  # 2027-03-08
    page = home(ceo_client, org)
    assert page.index("1 Mar 2027") < page.index("8 Mar 2027")
    assert "Vendor signed" in page and "Design shipped" in page
    assert "Ledger migrated" not in page
