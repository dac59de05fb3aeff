"""Generated constraints for `manage.py generate_dataset`: 30 per organization with one to
three priced paths, recommendations, market context and decisions, and their history."""

from decimal import Decimal

from django.db import connection

from calibration.constraints.models import Constraint, Decision, DemandKind, Direction, Path
from demodata.generate.batch import shift

CONSTRAINTS_PER_ORG = 30

CAPABILITIES = [
    ("Event pipeline throughput", "Sustained ingest rate at peak", "events/s", Direction.HIGHER),
    ("Checkout API latency", "p99 latency at peak", "ms", Direction.LOWER),
    ("Search latency for large accounts", "p95 query time", "ms", Direction.LOWER),
    ("Uptime of the public API", "Monthly availability", "%", Direction.HIGHER),
    ("Nightly export duration", "Time to export the largest account", "min", Direction.LOWER),
    ("Concurrent editors per document", "Editors before conflicts degrade", "users", "higher"),
    ("Tenants per database cluster", "Tenants at target p95", "tenants", Direction.HIGHER),
    ("Cost per million events", "Infrastructure cost", "USD", Direction.LOWER),
    ("Deploy frequency", "Production deploys per week", "deploys/week", Direction.HIGHER),
    ("Time to restore service", "Median time to restore", "min", Direction.LOWER),
]
DEMANDS = [
    (DemandKind.PARTNERSHIP, "Partnership with Globex: their launch volume."),
    (DemandKind.MARKET, "Enterprise buyers compare this in every evaluation."),
    (DemandKind.BET, "The enterprise-edition bet needs it by the end of the year."),
    (DemandKind.INITIATIVE, "EU data residency depends on it."),
    (DemandKind.OTHER, "Our largest customer's renewal names it."),
]
PATHS = [
    ("Tune and scale out what we have", "Bigger instances, batching and caching."),
    ("Re-architect the component", "A partitioned design with stateless workers."),
    ("Buy a managed service", "Move to a managed offering; keep our interfaces."),
]


def generate(batch):
    constraints, paths = [], []
    for seed in batch.orgs:
        for n in range(seed.scaled(CONSTRAINTS_PER_ORG)):
            constraint = _constraint(batch, seed, n)
            paths.extend(_paths(batch, constraint))
            _decide(batch, constraint)
            constraints.append(constraint)
    # The path foreign keys are set once both sides have primary keys ("we take a path"
    # must name its path, so that decision waits for them too).
    chosen = [(c, c.recommended_path, c.chosen_path, c.decision) for c in constraints]
    for constraint in constraints:
        constraint.recommended_path = constraint.chosen_path = None
        if constraint.decision == Decision.CHOSEN:
            constraint.decision = Decision.UNDECIDED
    batch.bulk(Constraint, constraints)
    batch.bulk(Path, paths)
    rows = [
        (c.pk, r.pk if r else None, ch.pk if ch else None, d) for c, r, ch, d in chosen if r or ch
    ]
    if rows:
        table = connection.ops.quote_name(Constraint._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET recommended_path_id = %s, chosen_path_id = %s, "
                "decision = %s WHERE id = %s",
                [(r, ch, d, pk) for pk, r, ch, d in rows],
            )
    for constraint, recommended, chosen_path, decision in chosen:
        constraint.recommended_path, constraint.chosen_path = recommended, chosen_path
        constraint.decision = decision
    return constraints


def _constraint(batch, seed, n):
    rng = seed.rng
    capability, metric, unit, direction = CAPABILITIES[n % len(CAPABILITIES)]
    if n >= len(CAPABILITIES):
        capability = f"{capability} ({['EU', 'US', 'APAC'][n // len(CAPABILITIES) - 1]})"
    current = Decimal(rng.choice([50, 120, 800, 2000, 50000]))
    factor = Decimal(rng.choice(["2", "4", "1.5", "10"]))
    required = current * factor if direction == Direction.HIGHER else current / factor
    if unit == "%":
        current, required = Decimal("99.5"), Decimal("99.95")
    kind, demand = DEMANDS[rng.randrange(len(DEMANDS))]
    created_on = shift(seed.today, weeks=-rng.randint(1, 150))
    constraint = Constraint(
        organization=seed.org,
        capability=capability,
        metric=metric,
        unit=unit,
        direction=direction,
        current_value=current,
        required_value=required.quantize(Decimal("0.0001")),
        needed_by=shift(created_on, weeks=rng.randint(12, 60)),
        demand_kind=kind,
        demand=demand,
        tradeoff_people="Two platform engineers for two quarters.",
        tradeoff_initiatives="Self-serve onboarding slips one quarter.",
        tradeoff_debt="The legacy exporter stays as it is for another year.",
    )
    constraint._seed = seed
    batch.created(constraint, seed.cto, batch.at(created_on, rng))
    return constraint


def _paths(batch, constraint):
    seed = constraint._seed
    rng = seed.rng
    rows = []
    for position in range(1, rng.randint(1, 3) + 1):
        title, description = PATHS[position - 1]
        expected = rng.randint(4, 30)
        path = Path(
            organization=seed.org,
            constraint=constraint,
            position=position,
            title=title,
            description=description,
            cost_money=Decimal(rng.randrange(20, 500) * 1000),
            cost_people_months=Decimal(rng.randint(2, 18)),
            weeks_best=max(1, expected - rng.randint(0, 4)),
            weeks_expected=expected,
            weeks_worst=expected + rng.randint(0, 10),
            risks="Migration of live traffic; two services must change their contracts.",
            gives_up="A quarter of roadmap work for one team.",
        )
        batch.created(path, seed.cto, constraint.created_at)
        rows.append(path)
    constraint._paths = rows
    return rows


def _decide(batch, constraint):
    """Recommendation, market context and decision; True when the row changed."""
    seed = constraint._seed
    rng, ceo, cto = seed.rng, seed.ceo, seed.cto
    paths = constraint._paths
    day = shift(constraint.created_at.date(), weeks=rng.randint(1, 4))
    day = min(day, seed.today)
    changed = False
    if rng.random() < 0.7:
        constraint.recommended_path = rng.choice(paths)
        constraint.recommendation_reason = "Reaches the target with headroom at a cost we carry."
        constraint.recommended_by = cto
        batch.changed(
            constraint,
            {"recommended_path": None},
            {"recommended_path": str(constraint.recommended_path)},
            cto,
            batch.at(day, rng),
        )
        changed = True
    if rng.random() < 0.6:
        constraint.market_context = "Two more prospects ask for this within the year."
        constraint.market_context_by = ceo
        batch.changed(
            constraint,
            {"market_context": ""},
            {"market_context": constraint.market_context},
            ceo,
            batch.at(day, rng),
        )
        changed = True
    roll = rng.random()
    decision = (
        Decision.CHOSEN
        if roll < 0.4
        else Decision.DECLINED
        if roll < 0.55
        else Decision.REVISIT
        if roll < 0.7
        else Decision.UNDECIDED
    )
    if decision:
        constraint.decision = decision
        if decision == Decision.CHOSEN:
            constraint.chosen_path = constraint.recommended_path or paths[0]
        if decision == Decision.DECLINED:
            constraint.decision_reason = "The partnership does not justify a quarter of a team."
        if decision == Decision.REVISIT:
            constraint.revisit_on = shift(day, weeks=rng.randint(4, 20))
            constraint.decision_reason = "Wait for the enterprise pipeline before committing."
        decided = batch.at(day, rng)
        constraint.decided_by, constraint.decided_at = ceo, decided
        if rng.random() < 0.8:
            constraint.agreed_by, constraint.agreed_at = cto, decided
        batch.changed(
            constraint,
            {"decision": "Not decided yet"},
            {"decision": constraint.get_decision_display()},
            ceo,
            decided,
            constraint.decision_reason,
        )
        changed = True
    return changed
