"""The commitment ledger of the fixed history (tests/timeline/history.py): who moved which
date, who owned the gap and when, and the organization's figures, computed by hand."""

import html
import re

import pytest
from django.urls import reverse

from calibration.timeline import ledger
from tests.timeline.history import D, write_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_initiative, ceo, cto):
    return write_history(make_initiative, ceo, cto)


def text(response):
    """The page as a reader sees it: text without markup, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


def test_the_figures_of_the_organization(org, history):
    figures = ledger.summary(org, today=D(2027, 8, 1))
    # Alpha met 2027-05-10; Beta missed 2027-04-26 (delivered 06-01: 36 days = 5.1 weeks).
    assert (figures.met, figures.decided, figures.missed) == (1, 2, 1)
    assert figures.median_miss_weeks == 5.1
    # Both had acknowledged Beta's gap (02-02, 02-03) before 04-26, though a move cleared it.
    assert figures.acknowledged_before_miss == 1
    # Commitments set: Alpha's 05-10 (P50 05-05: later), Beta's 04-26 (earlier than P50),
    # Beta's 06-14 (later).
    assert (figures.set_earlier_than_p50, figures.commitments_set) == (1, 3)


def test_acknowledgements_cleared_by_a_move_stay_in_the_ledger(org, history):
    beta = next(e for e in ledger.entries(org) if e.initiative.title == "Beta")
    assert [(a.role, a.who, a.at.date()) for a in beta.acknowledgements] == [
        ("ceo", "Ada CEO", D(2027, 2, 2)),
        ("cto", "Tom CTO", D(2027, 2, 3)),
    ]
    assert not beta.initiative.is_acknowledged()  # cleared by the move on 04-01


def test_the_ledger_page_says_who_moved_which_date_and_why(cto_client, org, history):
    page = text(cto_client.get(reverse("timeline:ledger", args=[org.slug])))
    assert (
        "1 Apr 2027: Ada CEO — External commitment 26 Apr 2027 → 14 Jun 2027 (+7 weeks): “Partner agreed to wait”"
        in page
    )
    assert "2 Feb 2027: CEO Ada CEO" in page and "3 Feb 2027: CTO Tom CTO" in page
    assert "missed by 5 weeks 1 day" in page
    assert "Told a partner: 26 Apr 2027, now 14 Jun 2027." in page
    assert "the forecast that day said P50 5 May 2027" in page and "earlier than P50" in page


def test_the_ledger_draws_the_commitment_the_plan_and_p85_over_time(cto_client, org, history):
    page = cto_client.get(reverse("timeline:ledger", args=[org.slug])).content.decode()
    beta = page[page.index('id="ledger-title-') :]
    for line in ("tl-line--commitment", "tl-line--expected", "tl-line--p85"):
        assert line in beta
    assert "Delivered 1 Jun 2027" in beta


def test_the_ledger_figures_are_on_the_calibration_page_and_the_board(cto_client, org, history):
    for name in ("timeline:calibration", "board:view"):
        page = text(cto_client.get(reverse(name, args=[org.slug])))
        assert "1 of 2 delivered initiatives met the date told outside" in page, name
        assert "1 of 3 times a commitment was set or moved, it was earlier" in page, name
