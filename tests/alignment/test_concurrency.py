"""Two leaders at the same moment, on two database connections."""

import pytest
from django.core.exceptions import ValidationError

from calibration.alignment.models import Bet, BetSheet, Side
from calibration.quarters import current_quarter
from tests.alignment.conftest import add_bet
from tests.races import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_fifth_bets_at_once_one_is_refused(org, ceo, cto):
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)
    for n in range(4):
        add_bet(sheet, Side.CEO, f"Bet {n}", ceo)

    outcomes = at_once(
        lambda: add_bet(sheet, Side.CEO, "Fifth by the CEO", ceo),
        lambda: add_bet(sheet, Side.CEO, "Fifth by the CTO", cto),
    )

    assert Bet.objects.filter(sheet=sheet, side="ceo").count() == 5
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1


def test_both_leaders_starting_the_quarter_at_once_get_one_sheet(org, ceo, cto):
    quarter = current_quarter(org)
    outcomes = at_once(
        lambda: BetSheet.start(org, quarter, by=ceo), lambda: BetSheet.start(org, quarter, by=cto)
    )
    assert BetSheet.objects.count() == 1
    assert outcomes[0].pk == outcomes[1].pk
