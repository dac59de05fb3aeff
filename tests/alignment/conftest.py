import pytest

from calibration.alignment.models import Bet, BetLink, BetSheet, Call, Side
from calibration.quarters import current_quarter


@pytest.fixture
def sheet(org, ceo, cto):
    return BetSheet.start(org, current_quarter(org), by=ceo)


def add_bet(sheet, side, title, by, **fields):
    fields.setdefault("expected_outcome", f"What {title} gets us")
    return Bet.create_shared(
        by=by, organization=sheet.organization, sheet=sheet, side=side, title=title, **fields
    )


def link(sheet, tech, business, by):
    return BetLink.create_shared(
        by=by, organization=sheet.organization, sheet=sheet, cto_bet=tech, ceo_bet=business
    )


def make_call(sheet, bet, kind, by, reason="Because", **fields):
    return Call.create_shared(
        by=by,
        organization=sheet.organization,
        sheet=sheet,
        bet=bet,
        kind=kind,
        reason=reason,
        made_by=by,
        made_on=sheet.organization.today(),
        **fields,
    )


def reload(sheet):
    from calibration.alignment.models import with_everything

    return with_everything(BetSheet.objects.all()).get(pk=sheet.pk)


__all__ = ["Side", "add_bet", "link", "make_call", "reload"]
