"""Acme's constraints: ingest throughput for the Globex partnership (three priced paths and
the CTO's recommendation, waiting for a decision) and checkout latency (lower is better,
to be revisited). Idempotent: does nothing once Acme has constraints."""

from datetime import timedelta
from decimal import Decimal

from accounts.models import Role
from calibration.constraints.models import Constraint, Decision, DemandKind, Direction, Path


def populate(org):
    if Constraint.objects.for_org(org).exists():
        return
    ceo, cto = org.member_with_role(Role.CEO), org.member_with_role(Role.CTO)
    if ceo is None or cto is None:
        return
    today = org.today()
    throughput(org, ceo, cto, today)
    latency(org, ceo, cto, today)


def throughput(org, ceo, cto, today):
    constraint = Constraint.create_shared(
        by=cto,
        organization=org,
        capability="Event pipeline throughput",
        metric="Sustained ingest rate at peak",
        unit="events/s",
        direction=Direction.HIGHER,
        current_value=Decimal("50000"),
        required_value=Decimal("200000"),
        needed_by=today + timedelta(days=190),
        demand_kind=DemandKind.PARTNERSHIP,
        demand="Globex partnership: their launch sends four times today's peak volume.",
        demand_links="https://wiki.acme.example/partnerships/globex",
        tradeoff_people="Two platform engineers for two quarters; one SRE on the migration.",
        tradeoff_initiatives="Self-serve onboarding slips one quarter.",
        tradeoff_debt="The legacy batch exporter stays as it is for another year.",
        tradeoff_pace="No crunch: the launch date moves rather than the on-call rota.",
    )
    paths = [
        dict(
            title="Tune and scale out what we have",
            description="Bigger brokers, more partitions, batch writes in the consumers.",
            cost_money=Decimal("60000"),
            cost_people_months=Decimal("4"),
            weeks_best=6,
            weeks_expected=8,
            weeks_worst=12,
            risks="Likely tops out near 120,000 events/s: may not reach the target at all.",
            gives_up="Headroom: we would be back here within a year.",
        ),
        dict(
            title="Re-architect ingest on a partitioned stream",
            description="Move ingest to a partitioned log with stateless consumers.",
            cost_money=Decimal("180000"),
            cost_people_months=Decimal("14"),
            weeks_best=16,
            weeks_expected=22,
            weeks_worst=30,
            risks="Migration of live traffic; two services must change their contracts.",
            gives_up="Self-serve onboarding slips a quarter.",
        ),
        dict(
            title="Buy a managed streaming service",
            description="Move ingest to a managed service; keep our consumers.",
            cost_money=Decimal("420000"),
            cost_people_months=Decimal("5"),
            weeks_best=8,
            weeks_expected=12,
            weeks_worst=18,
            risks="Vendor lock-in; running cost grows with volume.",
            gives_up="About 35,000 a month of margin at Globex volumes.",
        ),
    ]
    created = [
        Path.create_shared(by=cto, organization=org, constraint=constraint, position=n, **fields)
        for n, fields in enumerate(paths, start=1)
    ]
    constraint.recommended_path = created[1]
    constraint.recommendation_reason = (
        "The only path that reaches 200,000 with headroom and without a running cost "
        "that grows with every customer."
    )
    constraint.recommended_by = cto
    constraint.save_shared(by=cto, expected_version=constraint.version)
    constraint.market_context = (
        "Globex is one of three prospects asking for this volume; the other two sign in "
        "the next year if the first launch goes well."
    )
    constraint.market_context_by = ceo
    constraint.save_shared(by=ceo, expected_version=constraint.version)


def latency(org, ceo, cto, today):
    constraint = Constraint.create_shared(
        by=ceo,
        organization=org,
        capability="Checkout API latency",
        metric="p99 latency at peak",
        unit="ms",
        direction=Direction.LOWER,
        current_value=Decimal("800"),
        required_value=Decimal("200"),
        needed_by=today + timedelta(days=300),
        demand_kind=DemandKind.MARKET,
        demand="Enterprise buyers compare checkout speed in every evaluation.",
        tradeoff_people="One backend team for a quarter.",
    )
    path = Path.create_shared(
        by=cto,
        organization=org,
        constraint=constraint,
        position=1,
        title="Cache and trim the checkout path",
        description="Cache pricing, cut two synchronous calls.",
        cost_people_months=Decimal("6"),
        weeks_expected=10,
        risks="Stale prices for up to a minute.",
    )
    constraint.recommended_path = path
    constraint.recommendation_reason = "Cheapest path that gets under 300 ms; the rest later."
    constraint.recommended_by = cto
    constraint.save_shared(by=cto, expected_version=constraint.version)
    constraint.decision = Decision.REVISIT
    constraint.revisit_on = today + timedelta(days=45)
    constraint.decision_reason = "Wait for the Q3 enterprise pipeline before committing a team."
    constraint.record_decision(ceo)
    constraint.save_shared(by=ceo, expected_version=constraint.version)
