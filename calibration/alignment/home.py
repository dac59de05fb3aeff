"""The alignment card on the organization home (a fixed number of queries)."""

from django.db.models import Count, Exists, OuterRef, Q

from calibration.quarters import current_quarter

from . import cadence
from .models import Bet, BetLink, BetSheet, Side


def home_sheets(org, quarter):
    """In one go: this quarter's sheet, the latest sheet, and the latest whose session was
    held (for the conversation health)."""
    sheets = BetSheet.objects.for_org(org)
    latest = sheets.order_by("-starts_on").values("pk")[:1]
    latest_held = sheets.filter(held_on__isnull=False).order_by("-held_on").values("pk")[:1]
    return list(
        sheets.filter(
            Q(fiscal_year=quarter.fiscal_year, quarter_number=quarter.number)
            | Q(pk__in=latest)
            | Q(pk__in=latest_held)
        )
    )


def bet_counts(sheets):
    """{sheet pk: counts} of what the card and the health line count of these sheets' bets, in
    one query rather than loading their bets, links and calls: the bets of each side, the
    divergence agenda (the bets linked to no bet of the other side, as
    BetSheet.divergence_agenda), its items without a call yet (BetSheet.open_items), and the
    carried-forward bets still to keep or drop."""
    tech_linked = Exists(BetLink.objects.filter(cto_bet=OuterRef("pk")))
    ceo_linked = Exists(BetLink.objects.filter(ceo_bet=OuterRef("pk")))
    on_agenda = Q(side=Side.CTO, tech_linked=False) | Q(side=Side.CEO, ceo_linked=False)
    rows = (
        Bet.objects.filter(sheet__in=sheets)
        .annotate(tech_linked=tech_linked, ceo_linked=ceo_linked)
        .values("sheet")
        .annotate(
            ceo_count=Count("pk", filter=Q(side=Side.CEO)),
            cto_count=Count("pk", filter=Q(side=Side.CTO)),
            agenda_count=Count("pk", filter=on_agenda),
            open_count=Count("pk", filter=on_agenda & Q(call_record__isnull=True)),
            pending_count=Count("pk", filter=Q(carry_status=Bet.PENDING)),
        )
        .order_by()
    )
    return {row.pop("sheet"): row for row in rows}


NO_BETS = {"ceo_count": 0, "cto_count": 0, "agenda_count": 0, "open_count": 0, "pending_count": 0}


def home_section(org, user):
    quarter = current_quarter(org)
    sheets = home_sheets(org, quarter)
    this_quarter = (quarter.fiscal_year, quarter.number)
    sheet = next((s for s in sheets if (s.fiscal_year, s.quarter_number) == this_quarter), None)
    latest = sheet or max(sheets, key=lambda s: s.starts_on, default=None)
    held = [s for s in sheets if s.held_on]
    last_held = max(held, key=lambda s: s.held_on, default=None)
    counted = [s for s in (sheet, last_held) if s]
    counts = bet_counts(counted) if counted else {}
    undecided = counts.get(last_held.pk, NO_BETS)["open_count"] if last_held else 0
    section = {
        "quarter": quarter,
        "sheet": sheet,
        "latest": latest,
        "last_held": last_held,
        "health": cadence.health(org, quarter, sheet, last_held, undecided),
    }
    if sheet:
        section.update(counts.get(sheet.pk, NO_BETS))
    return section
