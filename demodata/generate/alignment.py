"""Generated bet sheets for `manage.py generate_dataset`: twelve quarters per organization,
the last one open, each with bets carried forward, links between them and calls on the
divergence agenda, plus the history create_shared/save_shared would write."""

import datetime

from calibration.alignment.models import Bet, BetLink, BetSheet, Call, Confidence, Side
from calibration.quarters import Quarter
from demodata.generate.batch import shift

QUARTERS = 12

CEO_BETS = [
    ("Win three enterprise logos in financial services", "£1.2M new ARR and a reference"),
    ("Launch a self-serve plan for small teams", "500 paying teams by quarter end"),
    ("Open the German market through a reseller", "Ten German customers signed"),
    ("Land a strategic partnership with a cloud vendor", "Co-selling motion with two deals"),
    ("Cut churn in the mid-market segment", "Net revenue retention above 110%"),
    ("Raise prices for the top tier", "Average contract value up 15%"),
    ("Enter the healthcare vertical", "Two design partners under contract"),
    ("Move upmarket with an enterprise edition", "Five contracts above 100k ARR"),
    ("Build a partner channel in the US", "A third of new pipeline through partners"),
    ("Ship an AI assistant customers pay for", "An add-on bought by 10% of accounts"),
]
CTO_BETS = [
    ("SOC 2 Type II, SSO and SCIM", "Pass enterprise security reviews without custom work"),
    ("Usage-based billing engine", "Price by seats or usage without engineering per plan"),
    ("Move ingestion to event streaming", "Ten times today's volume at the same cost"),
    ("Platform team and paved road", "New services in production in a day"),
    ("Rewrite search on a new index", "p95 search under 200 ms for the largest accounts"),
    ("Multi-region deployment", "Data residency for the EU and failover within an hour"),
    ("Public API and webhooks", "Partners integrate without our help"),
    ("Pay down the monolith's test debt", "Deploys twice a day without a freeze"),
    ("ML platform for the assistant", "Models retrained weekly, evaluated before release"),
    ("Observability and on-call rework", "Pages per week halved; no night pages for noise"),
]
CONFIDENCES = [c for c, _ in Confidence.choices]


def generate(batch):
    sheets, per_org = [], []
    for seed in batch.orgs:
        current = Quarter.containing(seed.today, seed.org.fiscal_year_start_month)
        quarters = [current]
        for _ in range(seed.scaled(QUARTERS, least=2) - 1):
            quarters.insert(0, quarters[0].previous())
        org_sheets = [_sheet(batch, seed, q, q == current) for q in quarters]
        sheets.extend(org_sheets)
        per_org.append((seed, org_sheets))
    batch.bulk(BetSheet, sheets)

    # Bets, quarter by quarter (carried bets point at the previous quarter's bets).
    for position in range(max(len(org_sheets) for _, org_sheets in per_org)):
        bets = []
        for seed, org_sheets in per_org:
            if position < len(org_sheets):
                previous = org_sheets[position - 1] if position else None
                bets.extend(_bets(batch, seed, org_sheets[position], previous))
        batch.bulk(Bet, bets)
        links, calls = [], []
        for seed, org_sheets in per_org:
            if position >= len(org_sheets):
                continue
            sheet = org_sheets[position]
            sheet_links = _links(batch, seed, sheet)
            links.extend(sheet_links)
            calls.extend(_calls(batch, seed, sheet, sheet_links))
        batch.bulk(BetLink, links)
        batch.bulk(Call, calls)
    return sheets


def _sheet(batch, seed, quarter, is_current):
    rng = seed.rng
    session_day = shift(quarter.starts_on, days=rng.randint(3, 20))
    sheet = BetSheet(
        organization=seed.org,
        fiscal_year=quarter.fiscal_year,
        quarter_number=quarter.number,
        starts_on=quarter.starts_on,
        ends_on=quarter.ends_on,
        session_minutes=rng.choice([30, 30, 45, 60]),
    )
    # Once the sheet's revision counter; still drawn, so a seed keeps giving the same data.
    rng.randint(5, 60)
    sheet._seed, sheet._bets = seed, []
    created_on = shift(quarter.starts_on, days=-rng.randint(7, 20))
    batch.created(sheet, seed.ceo, batch.at(min(created_on, seed.today), rng))
    if not is_current or session_day > seed.today or rng.random() < 0.5:
        sheet.session_at = datetime.datetime.combine(
            session_day, datetime.time(15, 0), tzinfo=datetime.UTC
        )
        batch.changed(
            sheet,
            {"session_at": None},
            {"session_at": sheet.session_at.isoformat()},
            seed.ceo,
            batch.at(min(created_on, seed.today), rng),
        )
    if not is_current:
        sheet.held_on = session_day
        sheet.attendees = f"{seed.ceo.name}, {seed.cto.name}"
        sheet.session_notes = "Read the sheet together, then went through the agenda."
        sheet.status = BetSheet.CLOSED
        closed_at = batch.at(min(shift(session_day, days=1), seed.today), rng)
        batch.changed(
            sheet,
            {"held_on": None, "status": "open"},
            {"held_on": session_day.isoformat(), "status": "closed"},
            seed.ceo,
            closed_at,
            "Closed the quarter",
        )
    return sheet


def _bets(batch, seed, sheet, previous):
    rng = seed.rng
    at = sheet.created_at
    bets = []
    for side, catalogue, by in ((Side.CEO, CEO_BETS, seed.ceo), (Side.CTO, CTO_BETS, seed.cto)):
        carried = []
        if previous is not None:
            carried = [
                b for b in previous._bets if b.side == side and b._open and rng.random() < 0.7
            ][:4]
        count = rng.randint(max(3, len(carried)), 5)
        taken = {b.title for b in carried}
        fresh = [item for item in catalogue if item[0] not in taken]
        rng.shuffle(fresh)
        for position in range(1, count + 1):
            if position <= len(carried):
                source = carried[position - 1]
                title, outcome = source.title, source.expected_outcome
                if rng.random() < 0.15:
                    outcome = f"{outcome}, revised after last quarter's review"
            else:
                source = None
                title, outcome = fresh[position - 1 - len(carried)]
            bet = Bet(
                organization=seed.org,
                sheet=sheet,
                side=side,
                position=position,
                title=title,
                expected_outcome=outcome,
                confidence=rng.choice(CONFIDENCES),
                carried_from=source,
                carry_status=Bet.KEPT if source else Bet.NEW,
            )
            bet._open, bet._gen_links = True, []
            batch.created(bet, by, at, f"Carried forward from {previous.label}" if source else "")
            bets.append(bet)
    sheet._bets = bets
    return bets


def _links(batch, seed, sheet):
    rng = seed.rng
    ceo_bets = [b for b in sheet._bets if b.side == Side.CEO]
    links = []
    for tech in (b for b in sheet._bets if b.side == Side.CTO):
        roll = rng.random()
        count = 0 if roll < 0.25 else 1 if roll < 0.75 else 2
        for business in rng.sample(ceo_bets, min(count, len(ceo_bets))):
            link = BetLink(organization=seed.org, sheet=sheet, cto_bet=tech, ceo_bet=business)
            tech._gen_links.append(link)
            business._gen_links.append(link)
            batch.created(link, seed.cto, sheet.created_at)
            links.append(link)
    return links


def _calls(batch, seed, sheet, links):
    rng = seed.rng
    calls = []
    if sheet.session_at is None:
        return calls
    made_on = sheet.held_on or min(sheet.session_at.date(), seed.today)
    for bet in sheet._bets:
        if bet._gen_links:
            continue
        if not sheet.held_on and rng.random() < 0.5:
            continue  # still open on this quarter's agenda
        if bet.side == Side.CTO:
            kind = rng.choice([Call.CONTINUE, Call.CONTINUE, Call.REDIRECT, Call.STOP])
        else:
            kind = rng.choice([Call.NEEDS_TECH_BET, Call.ACCEPTED])
        call = Call(
            organization=seed.org,
            sheet=sheet,
            bet=bet,
            kind=kind,
            reason="Agreed in the session after looking at what it costs and what it buys.",
            rewrite="Reframed to serve the enterprise bet."
            if kind == Call.REDIRECT
            else ("A tech bet on the integration work." if kind == Call.NEEDS_TECH_BET else ""),
            made_by=seed.ceo if bet.side == Side.CEO else seed.cto,
            made_on=made_on,
        )
        bet._open = kind != Call.STOP
        batch.created(call, call.made_by, batch.at(made_on, rng))
        calls.append(call)
    return calls
