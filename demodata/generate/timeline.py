"""Generated initiatives for `manage.py generate_dataset`: dates, revisions, indicators, slip
plans and the slips they triggered, with the history create_shared/save_shared would write."""

from calibration.timeline.models import (
    EstimateRevision,
    Initiative,
    LeadingIndicator,
    SlipAction,
    SlipEvent,
    SlipPlanStep,
)
from demodata.generate.batch import shift

INITIATIVES_PER_ORG = 60
REVISIONS_PER_INITIATIVE = 10
INDICATORS_PER_INITIATIVE = 5
BIG_ACTIVE = 200

SUBJECTS = [
    "Usage-based billing",
    "Enterprise single sign-on",
    "EU data residency",
    "Mobile offline mode",
    "Audit log export",
    "Self-serve onboarding",
    "Public API v2",
    "SOC 2 Type II controls",
    "Multi-region failover",
    "Search rewrite on a new index",
    "Customer-managed encryption keys",
    "Partner marketplace",
    "Real-time collaboration",
    "Payments provider migration",
    "Data warehouse sync",
    "Role-based access control",
    "Notifications centre",
    "Reporting dashboards",
    "Kubernetes migration",
    "Postgres major upgrade",
    "Webhooks with retries",
    "In-app analytics",
    "Usage metering pipeline",
    "Salesforce integration",
    "Accessibility (WCAG 2.2 AA)",
    "Localisation: German and French",
    "Invoice reconciliation",
    "Scheduled exports",
    "Fraud detection rules",
    "Workflow automation",
]
AREAS = ["", " for enterprise", " (phase 2)", " for the US", " — pilot", " v2", " for partners"]
MILESTONES = [
    "Design reviewed and signed off",
    "Data migration completed on staging",
    "First pilot customer live",
    "Load test at twice today's peak passes",
    "Security review closed with no high findings",
    "Integration contract agreed with the partner",
    "Feature flag on for 10% of accounts",
    "Finance signs off the pricing rules",
    "Backfill reconciles with last quarter",
    "Documentation and support playbook ready",
]
REASONS = [
    "An integration surprise: the partner's API pages differently than documented.",
    "Two engineers moved to the incident follow-ups for two weeks.",
    "Security review asked for a redesign of session handling.",
    "Scope grew: finance asked for a second pricing tier.",
    "The data migration needs a second dry run.",
    "Vendor delivered the SDK three weeks late.",
    "Pulled in: the spike showed the library covers more than we thought.",
    "Hiring slipped; the second backend engineer starts a month later.",
]
AUDIENCES = [a for a, _ in Initiative.Audience.choices]


def generate(batch):
    initiatives, revisions, indicators, steps = [], [], [], []
    for seed in batch.orgs:
        plan = [("active", BIG_ACTIVE), ("delivered", 25), ("proposed", 15)] if seed.big else None
        statuses = _statuses(seed, plan)
        for number, status in enumerate(statuses):
            initiative, revs = _initiative(batch, seed, number, status)
            initiatives.append(initiative)
            revisions.append(revs)
    batch.bulk(Initiative, initiatives)

    for initiative, revs in zip(initiatives, revisions, strict=True):
        for rev in revs:
            rev.initiative = initiative
        seed = initiative._seed
        indicators.extend(_indicators(batch, seed, initiative))
        if initiative.status == Initiative.Status.ACTIVE:
            steps.extend(_steps(batch, seed, initiative))
    batch.copy(EstimateRevision, [r for revs in revisions for r in revs])
    batch.bulk(LeadingIndicator, indicators)
    batch.bulk(SlipPlanStep, steps)
    actions = _slips(batch, initiatives, indicators, steps)
    return indicators, actions


def _statuses(seed, plan):
    if plan is None:
        plan = [("active", 22), ("delivered", 20), ("proposed", 13), ("cancelled", 5)]
    statuses = [s for s, n in plan for _ in range(seed.scaled(n))]
    seed.rng.shuffle(statuses)
    return statuses


def _initiative(batch, seed, number, status):
    rng, today, ceo, cto = seed.rng, seed.today, seed.ceo, seed.cto
    title = f"{rng.choice(SUBJECTS)}{rng.choice(AREAS)}"
    if seed.big:
        title = f"{title} #{number + 1}"
    if status == "proposed":
        start = shift(today, weeks=rng.randint(1, 12))
    elif status == "active":
        start = shift(today, weeks=-rng.randint(2, 30))
    else:
        start = shift(today, weeks=-rng.randint(40, 120))
    best_w = rng.randint(6, 16)
    exp_w = best_w + rng.randint(2, 8)
    worst_w = exp_w + rng.randint(3, 12)
    dates = {
        "best": shift(start, weeks=best_w),
        "expected": shift(start, weeks=exp_w),
        "worst": shift(start, weeks=worst_w),
    }
    if status == "proposed":
        created_on = shift(today, weeks=-rng.randint(4, 20))
    else:
        created_on = min(shift(start, weeks=-rng.randint(1, 6)), today)
    commitment = None
    if status != "proposed" or rng.random() < 0.3:
        commitment = shift(dates["expected"], weeks=rng.randint(-6, 3))
    initiative = Initiative(
        organization=seed.org,
        title=title[:140],
        summary=f"{title}: what we build, for whom, and why now.",
        owner=cto,
        status=status,
        start_date=start,
        best_date=dates["best"],
        best_assumptions="No surprises in the integration; the team stays as it is.",
        best_risks="Normal review findings only.",
        expected_date=dates["expected"],
        expected_assumptions="One integration surprise; a round of review changes.",
        expected_risks="Edge cases found during the pilot.",
        worst_date=dates["worst"],
        worst_assumptions="A core component has to be rebuilt.",
        worst_risks="The migration fails its first dry run; key people leave.",
        contingency_plan="Ship a reduced scope first and move customers over in cohorts.",
        commitment_date=commitment,
        commitment_audience=rng.choice(AUDIENCES) if commitment else "",
        commitment_set_by=ceo if commitment else None,
    )
    initiative._seed = seed
    at = batch.at(created_on, rng)
    initiative.commitment_set_at = at if commitment else None
    if status in ("active", "delivered", "cancelled"):
        initiative.baseline_best = dates["best"]
        initiative.baseline_expected = dates["expected"]
        initiative.baseline_worst = dates["worst"]
        initiative.baseline_set_on = min(start, today)
    batch.created(initiative, cto, at)
    revs = [
        EstimateRevision(
            organization=seed.org, field=name, old_date=None, new_date=day, by=cto, at=at
        )
        for name, day in dates.items()
    ]
    if commitment:
        revs.append(
            EstimateRevision(
                organization=seed.org,
                field="commitment",
                old_date=None,
                new_date=commitment,
                by=ceo,
                at=at,
            )
        )
    # Later revisions: mostly slips of a week or three, now and then a pull-in.
    span = max((min(today, dates["worst"]) - created_on).days, 20)
    moments = sorted(rng.sample(range(1, span + 1), REVISIONS_PER_INITIATIVE - len(revs)))
    for offset in moments:
        day = shift(created_on, days=offset)
        name = rng.choice(["best", "expected", "expected", "worst"])
        weeks = rng.choice([1, 1, 2, 2, 3, -1])
        old = dates[name]
        new = shift(old, weeks=weeks)
        dates[name] = new
        # keep best ≤ expected ≤ worst
        dates["expected"] = max(dates["expected"], dates["best"])
        dates["worst"] = max(dates["worst"], dates["expected"])
        dates["best"] = min(dates["best"], dates["expected"])
        reason = rng.choice(REASONS)
        by_at = batch.at(day, rng)
        revs.append(
            EstimateRevision(
                organization=seed.org,
                field=name,
                old_date=old,
                new_date=new,
                reason=reason,
                by=cto,
                at=by_at,
            )
        )
        batch.changed(
            initiative,
            {f"{name}_date": old.isoformat()},
            {f"{name}_date": new.isoformat()},
            cto,
            by_at,
            reason,
        )
    initiative.best_date = dates["best"]
    initiative.expected_date = dates["expected"]
    initiative.worst_date = dates["worst"]
    if status == "delivered":
        late = rng.choice([-2, 0, 1, 2, 3, 5, 8, 12])
        initiative.delivered_on = min(shift(dates["expected"], weeks=late), shift(today, days=-1))
        initiative.delivered_on = max(initiative.delivered_on, shift(start, days=1))
        batch.changed(
            initiative,
            {"status": "Active", "delivered_on": None},
            {"status": "Delivered", "delivered_on": initiative.delivered_on.isoformat()},
            cto,
            batch.at(initiative.delivered_on, rng),
            "Shipped to all customers",
        )
    if commitment and status == "active" and rng.random() < 0.5:
        ack_at = batch.at(shift(today, days=-rng.randint(0, 14)), rng)
        initiative.ceo_acknowledged_by, initiative.ceo_acknowledged_at = ceo, ack_at
        initiative.cto_acknowledged_by, initiative.cto_acknowledged_at = cto, ack_at
        batch.changed(
            initiative,
            {"ceo_acknowledged_by": None},
            {"ceo_acknowledged_by": str(ceo)},
            ceo,
            ack_at,
            "Acknowledged gap",
        )
    return initiative, revs


def _indicators(batch, seed, initiative):
    rng, today = seed.rng, seed.today
    span = max((initiative.expected_date - initiative.start_date).days, 7)
    rows = []
    for n in range(INDICATORS_PER_INITIATIVE):
        offset = (n + 1) * span // (INDICATORS_PER_INITIATIVE + 1)
        by_week = n % 3 == 1
        due = shift(initiative.start_date, days=offset)
        due_week = None
        if by_week:
            due_week = max(1, offset // 7)
            due = shift(initiative.start_date, weeks=due_week)
        indicator = LeadingIndicator(
            organization=seed.org,
            initiative=initiative,
            description=MILESTONES[(n * 3 + initiative.start_date.toordinal()) % len(MILESTONES)],
            due_on=None if by_week else due,
            due_week=due_week,
            due_date=due,  # bulk inserts skip save(), which stores it
            if_missed="expected" if n < 2 else "worst",
        )
        if due < today and initiative.status != Initiative.Status.PROPOSED:
            roll = rng.random()
            if roll < 0.7:
                indicator.status = LeadingIndicator.Status.MET
                indicator.resolved_on = due
                indicator.evidence = "Demo recorded in the review; notes in the project folder."
            elif roll < 0.85:
                indicator.status = LeadingIndicator.Status.MISSED
                indicator.resolved_on = shift(due, days=rng.randint(0, 6))
                indicator.resolved_on = min(indicator.resolved_on, today)
        indicator._due = due
        batch.created(indicator, seed.cto, batch.at(initiative.created_at.date(), rng))
        if indicator.resolved_on:
            batch.changed(
                indicator,
                {"status": "Pending", "resolved_on": None},
                {
                    "status": indicator.get_status_display(),
                    "resolved_on": str(indicator.resolved_on),
                },
                seed.cto,
                batch.at(indicator.resolved_on, rng),
            )
        rows.append(indicator)
    return rows


def _steps(batch, seed, initiative):
    at = initiative.created_at
    steps = [
        SlipPlanStep(
            organization=seed.org,
            initiative=initiative,
            owner=seed.ceo,
            audience=SlipPlanStep.Whom.BOARD,
            message="Email the board chair: the new date range, why, and what we do meanwhile.",
            days_after=3,
        ),
        SlipPlanStep(
            organization=seed.org,
            initiative=initiative,
            owner=seed.cto,
            audience=SlipPlanStep.Whom.TEAM,
            message="All-hands note: what slipped, the contingency plan, no blame.",
            days_after=1,
        ),
    ]
    for step in steps:
        batch.created(step, step.owner, at)
    return steps


def _slips(batch, initiatives, indicators, steps):
    """One slip event per missed indicator of an active initiative, an action per plan row."""
    steps_of = {}
    for step in steps:
        steps_of.setdefault(step.initiative_id, []).append(step)
    events, pending = [], []
    for indicator in indicators:
        initiative = indicator.initiative
        if (
            indicator.status != LeadingIndicator.Status.MISSED
            or initiative.status != Initiative.Status.ACTIVE
        ):
            continue
        seed = initiative._seed
        event = SlipEvent(
            organization=seed.org,
            initiative=initiative,
            detected_on=indicator.resolved_on,
            cause=f"Checkpoint missed: {indicator.description}",
            indicator=indicator,
        )
        batch.created(event, seed.cto, batch.at(indicator.resolved_on, seed.rng))
        events.append(event)
        pending.append((event, seed, steps_of.get(initiative.pk, [])))
    batch.bulk(SlipEvent, events)
    actions = []
    for event, seed, plan in pending:
        for step in plan:
            due = shift(event.detected_on, days=step.days_after)
            action = SlipAction(
                organization=seed.org,
                initiative=event.initiative,
                event=event,
                step=step,
                owner=step.owner,
                audience=step.whom(),
                message=step.message,
                due_on=due,
            )
            batch.created(action, seed.cto, event.created_at)
            if due < shift(seed.today, weeks=-1):
                action.done_at, action.done_by = batch.at(due, seed.rng), step.owner
                batch.changed(
                    action,
                    {"done_at": None},
                    {"done_at": "done"},
                    step.owner,
                    action.done_at,
                    "Done",
                )
            actions.append(action)
    return batch.bulk(SlipAction, actions)
