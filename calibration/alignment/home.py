"""The alignment card on the organization home (a fixed number of queries)."""

from .models import BetSheet, with_everything
from .quarters import current_quarter


def home_section(org, user):
    quarter = current_quarter(org)
    sheet = (
        with_everything(BetSheet.objects.for_org(org))
        .filter(fiscal_year=quarter.fiscal_year, quarter_number=quarter.number)
        .first()
    )
    latest = sheet or BetSheet.latest_for(org)
    section = {"quarter": quarter, "sheet": sheet, "latest": latest}
    if sheet:
        agenda = sheet.divergence_agenda()
        section.update(
            ceo_count=len(sheet.ceo_bets()),
            cto_count=len(sheet.cto_bets()),
            agenda_count=len(agenda),
            open_count=sum(1 for item in agenda if item.is_open),
            pending_count=sheet.pending_carry_count(),
        )
    return section
