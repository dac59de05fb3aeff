"""Acme's bet sheets: last quarter (held and closed) and this quarter (in progress).

This quarter: some bets linked (one tech bet supports two CEO bets), one tech bet that
supports nothing (and did not last quarter either, so drift calls it out) and one CEO bet
no tech bet supports — the two open items of the agenda. Idempotent.
"""

from datetime import datetime, time, timedelta

from accounts.models import Role
from calibration.alignment.models import Bet, BetLink, BetSheet, Call, Confidence, Side
from calibration.quarters import current_quarter


def populate(org):
    if BetSheet.objects.for_org(org).exists():
        return
    ceo, cto = org.member_with_role(Role.CEO), org.member_with_role(Role.CTO)
    if not (ceo and cto):
        return
    this_quarter = current_quarter(org)
    last = BetSheet.start(org, this_quarter.previous(), by=ceo)

    def bet(sheet, side, title, expected, confidence, notes=""):
        return Bet.create_shared(
            by=ceo if side == Side.CEO else cto,
            organization=org,
            sheet=sheet,
            side=side,
            title=title,
            expected_outcome=expected,
            confidence=confidence,
            notes=notes,
        )

    def link(sheet, tech, business):
        BetLink.create_shared(by=cto, organization=org, sheet=sheet, cto_bet=tech, ceo_bet=business)

    enterprise = bet(
        last,
        Side.CEO,
        "Win three enterprise logos in financial services",
        "£1.2M new ARR and a reference customer for the sector",
        Confidence.MEDIUM,
        "Two are in procurement already.",
    )
    self_serve = bet(
        last,
        Side.CEO,
        "Launch a self-serve plan for small teams",
        "500 paying teams by quarter end; halve the cost of acquiring a small customer",
        Confidence.LOW,
    )
    germany = bet(
        last,
        Side.CEO,
        "Open the German market through a reseller",
        "Ten German customers signed through the partner",
        Confidence.LOW,
    )
    soc2 = bet(
        last,
        Side.CTO,
        "SOC 2 Type II, SSO and SCIM",
        "Pass the security reviews enterprise buyers run, without custom work",
        Confidence.HIGH,
    )
    billing = bet(
        last,
        Side.CTO,
        "Usage-based billing engine",
        "Price by seats or usage without engineering work per plan",
        Confidence.MEDIUM,
    )
    events = bet(
        last,
        Side.CTO,
        "Move the ingestion pipeline to event streaming",
        "Handle ten times today's data volume at the same cost",
        Confidence.MEDIUM,
        "Today's batch jobs hit their limit within a year.",
    )
    link(last, soc2, enterprise)
    link(last, billing, self_serve)
    quarter_start = last.starts_on
    Call.create_shared(
        by=cto,
        organization=org,
        sheet=last,
        bet=events,
        kind=Call.CONTINUE,
        reason="Ahead of the business on purpose: enterprise data volumes arrive next year.",
        made_by=cto,
        made_on=quarter_start + timedelta(days=20),
    )
    Call.create_shared(
        by=ceo,
        organization=org,
        sheet=last,
        bet=germany,
        kind=Call.NEEDS_TECH_BET,
        rewrite="EU data residency (a Frankfurt region)",
        reason="German buyers will not sign without their data staying in the EU.",
        made_by=ceo,
        made_on=quarter_start + timedelta(days=20),
    )
    last.session_at = datetime.combine(quarter_start + timedelta(days=20), time(9, 0), org.tz)
    last.held_on = quarter_start + timedelta(days=20)
    last.attendees = f"{ceo}, {cto}"
    last.session_notes = (
        "Germany waits for EU data residency. Event streaming continues on purpose."
    )
    last.save_shared(by=ceo, expected_version=last.version)
    last.close(by=ceo, expected_version=last.version)

    # This quarter starts from last quarter's open bets; each leader keeps or drops each.
    sheet = BetSheet.start(org, this_quarter, by=ceo)
    carried = {b.carried_from_id: b for b in sheet.bets.all()}
    for original in (enterprise, self_serve, soc2, billing, events):
        kept = carried[original.pk]
        kept.carry_status = Bet.KEPT
        if original == enterprise:
            kept.expected_outcome = "£1.5M new ARR, two reference customers in the sector"
        by = ceo if kept.side == Side.CEO else cto
        kept.save_shared(by=by, expected_version=kept.version, note=f"Kept for {sheet.label}")
    dropped = carried[germany.pk]
    dropped.remove(by=ceo, expected_version=dropped.version)
    partners = bet(
        sheet,
        Side.CEO,
        "Sell through two system integrators",
        "A third of new pipeline sourced by partners",
        Confidence.MEDIUM,
    )
    onboarding = bet(
        sheet,
        Side.CTO,
        "Guided onboarding with sample data",
        "New teams see value on day one: trial-to-paid from 8% to 12%",
        Confidence.MEDIUM,
    )
    link(sheet, onboarding, carried[self_serve.pk])
    link(sheet, onboarding, carried[enterprise.pk])
    del partners
    sheet = BetSheet.objects.get(pk=sheet.pk)
    session_day = max(org.today() + timedelta(days=7), sheet.starts_on)
    if session_day > sheet.ends_on:
        session_day = sheet.ends_on
    sheet.session_at = datetime.combine(session_day, time(9, 30), org.tz)
    sheet.save_shared(by=ceo, expected_version=sheet.version, note="Scheduled the session")
