"""The alignment card on the organization home (a fixed number of queries)."""

from django.db.models import Q

from calibration.quarters import current_quarter

from . import cadence
from .models import BetSheet, with_everything


def home_sheets(org, quarter):
    """In one go, with what their agendas need: this quarter's sheet, the latest sheet, and
    the latest whose session was held (for the conversation health)."""
    sheets = BetSheet.objects.for_org(org)
    latest = sheets.order_by("-starts_on").values("pk")[:1]
    latest_held = sheets.filter(held_on__isnull=False).order_by("-held_on").values("pk")[:1]
    return list(
        with_everything(
            sheets.filter(
                Q(fiscal_year=quarter.fiscal_year, quarter_number=quarter.number)
                | Q(pk__in=latest)
                | Q(pk__in=latest_held)
            )
        )
    )


def home_section(org, user):
    quarter = current_quarter(org)
    sheets = home_sheets(org, quarter)
    this_quarter = (quarter.fiscal_year, quarter.number)
    sheet = next((s for s in sheets if (s.fiscal_year, s.quarter_number) == this_quarter), None)
    latest = sheet or max(sheets, key=lambda s: s.starts_on, default=None)
    held = [s for s in sheets if s.held_on]
    last_held = max(held, key=lambda s: s.held_on, default=None)
    section = {
        "quarter": quarter,
        "sheet": sheet,
        "latest": latest,
        "last_held": last_held,
        "health": cadence.health(org, quarter, sheet, last_held),
    }
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
