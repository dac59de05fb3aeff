"""Acme's past: a dozen delivered initiatives over two years, so that the calibration page, the
commitment ledger and the adjusted forecast mean something on the first visit.

Two estimators with different records: Tom Okafor (the CTO) estimates optimistically — his
deliveries land near or past his worst case — and Priya Raman (head of platform) is about
calibrated. Some commitments were set earlier than the forecast's P50 of the day, some were
met and some missed, and not every gap was acknowledged by both leaders before its date.

Every step goes through the product's save path (so revisions, baselines, forecast records and
cleared acknowledgements follow the rules), dated in the past with ``past.back_then``.
Idempotent: does nothing once the first of these initiatives exists.
"""

from dataclasses import dataclass
from datetime import timedelta

from accounts.models import User
from calibration.timeline.models import Initiative, LeadingIndicator

from .past import back_then, on

PRIYA = "priya@acme.example"


@dataclass(frozen=True)
class Past:
    """A delivered initiative, in weeks: `start` weeks ago; everything else weeks after it."""

    title: str
    summary: str
    owner: str  # "tom" or "priya"
    start: int
    best: float
    expected: float
    worst: float
    delivered: float
    commitment: tuple | None = None  # (weeks after start, set in week, audience)
    acknowledged: tuple = ()  # ((role, week), …)
    moves: tuple = ()  # ((week, {"expected": weeks, "worst": weeks}, reason), …)
    checkpoint: tuple | None = None  # (description, due week, status, in week, if missed)


HISTORY = [
    Past(
        "Search relevance tuning",
        "Ranking that puts the customer's own documents first.",
        "priya",
        start=104,
        best=6,
        expected=9,
        worst=14,
        delivered=8,
        commitment=(12, 1, Initiative.Audience.CUSTOMERS),
        acknowledged=(("ceo", 1), ("cto", 1)),
    ),
    Past(
        "Self-serve onboarding v2",
        "Sign up, import data and invite a team without talking to sales.",
        "tom",
        start=100,
        best=8,
        expected=12,
        worst=18,
        delivered=17.5,
        commitment=(12, 0, Initiative.Audience.MARKET),
        acknowledged=(("ceo", 0), ("cto", 0)),
        moves=((6, {"expected": 14, "worst": 20}, "Design handoff two weeks late."),),
        checkpoint=("Design handoff complete", 4, "missed", 6, "expected"),
    ),
    Past(
        "Data export service",
        "Scheduled exports of every table to the customer's bucket.",
        "priya",
        start=92,
        best=8,
        expected=12,
        worst=18,
        delivered=12.5,
    ),
    Past(
        "Salesforce sync",
        "Two-way sync of accounts and opportunities for the partner's customers.",
        "tom",
        start=88,
        best=6,
        expected=9,
        worst=14,
        delivered=13,
        commitment=(10, 1, Initiative.Audience.PARTNER),
        acknowledged=(("ceo", 2),),
        moves=((7, {"expected": 11}, "Salesforce API limits need a queue."),),
    ),
    Past(
        "Billing engine upgrade",
        "Move invoicing onto the new ledger without a billing freeze.",
        "priya",
        start=76,
        best=10,
        expected=15,
        worst=22,
        delivered=19.5,
        commitment=(21, 0, Initiative.Audience.BOARD),
        acknowledged=(("ceo", 0), ("cto", 0)),
        checkpoint=("Migration dry run reconciles", 8, "met", 8, "expected"),
    ),
    Past(
        "Reporting API",
        "A documented API for the numbers on the dashboard.",
        "tom",
        start=70,
        best=10,
        expected=14,
        worst=20,
        delivered=14,
    ),
    Past(
        "Mobile push notifications",
        "Alerts on the phone for approvals and mentions.",
        "priya",
        start=64,
        best=5,
        expected=8,
        worst=12,
        delivered=9.5,
        commitment=(8, 1, Initiative.Audience.PARTNER),
        acknowledged=(("ceo", 1), ("cto", 1)),
    ),
    Past(
        "Multi-region hosting",
        "EU customers' data stays in the EU.",
        "tom",
        start=56,
        best=12,
        expected=18,
        worst=26,
        delivered=28,
        commitment=(20, 2, Initiative.Audience.CUSTOMERS),
        acknowledged=(("cto", 3), ("ceo", 11), ("cto", 11)),
        moves=((10, {"expected": 22, "worst": 30}, "The second region's compliance review."),),
        checkpoint=("Compliance review passed", 8, "missed", 10, "worst"),
    ),
    Past(
        "Observability stack",
        "Traces and metrics for every service, one dashboard for on-call.",
        "priya",
        start=48,
        best=6,
        expected=10,
        worst=15,
        delivered=7,
    ),
    Past(
        "Permissions redesign",
        "Roles customers can define themselves.",
        "tom",
        start=40,
        best=8,
        expected=11,
        worst=16,
        delivered=14,
        commitment=(16, 0, Initiative.Audience.BOARD),
        acknowledged=(("ceo", 0), ("cto", 0)),
    ),
    Past(
        "Admin console",
        "One place for customer admins: users, billing, security settings.",
        "priya",
        start=30,
        best=6,
        expected=8,
        worst=12,
        delivered=8,
        commitment=(10, 0, Initiative.Audience.CUSTOMERS),
        acknowledged=(("ceo", 0), ("cto", 0)),
    ),
]


def populate(org):
    if Initiative.objects.for_org(org).filter(title=HISTORY[0].title).exists():
        return
    people = {
        "ceo": org.member_with_role("ceo"),
        "cto": org.member_with_role("cto"),
        "priya": User.objects.filter(email=PRIYA, memberships__organization=org).first(),
    }
    if not (people["ceo"] and people["cto"]):
        return
    people["tom"] = people["cto"]
    people["priya"] = people["priya"] or people["cto"]
    today = org.today()
    for past in HISTORY:
        write(org, past, people, today)


def write(org, past, people, today):
    start = today - timedelta(weeks=past.start)
    cto, ceo = people["cto"], people["ceo"]

    def day(weeks):
        return start + timedelta(days=round(weeks * 7))

    def at(weeks):
        return on(org, day(weeks))

    with back_then(org, at(-1)):
        initiative = Initiative.create_shared(
            by=cto,
            organization=org,
            title=past.title,
            summary=past.summary,
            owner=people[past.owner],
            start_date=start,
            best_date=day(past.best),
            expected_date=day(past.expected),
            worst_date=day(past.worst),
        )

    def save(by, note="", **fields):
        fresh = Initiative.objects.get(pk=initiative.pk)
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.save_shared(by=by, expected_version=fresh.version, note=note)

    events = []  # (week, order, step): the same week's steps in a sensible order
    if past.commitment:
        weeks, week, audience = past.commitment
        events.append(
            (
                week,
                0,
                lambda: save(
                    ceo,
                    "Told outside once agreed",
                    commitment_date=day(weeks),
                    commitment_audience=audience,
                ),
            )
        )
    events.append((0, 1, lambda: save(cto, status=Initiative.Status.ACTIVE)))
    for role, week in past.acknowledged:
        events.append((week, 3, lambda role=role: acknowledge(initiative, people[role], role)))
    for week, moved, reason in past.moves:
        dates = {f"{name}_date": day(weeks) for name, weeks in moved.items()}
        events.append((week, 2, lambda dates=dates, reason=reason: save(cto, reason, **dates)))
    if past.checkpoint:
        description, due, status, week, if_missed = past.checkpoint
        events.append(
            (
                0,
                2,
                lambda: LeadingIndicator.create_shared(
                    by=cto,
                    organization=org,
                    initiative=initiative,
                    description=description,
                    due_on=day(due),
                    if_missed=if_missed,
                ),
            )
        )
        events.append((week, 1, lambda: resolve(initiative, cto, status, day(week))))
    events.append(
        (
            past.delivered,
            4,
            lambda: save(
                cto,
                "Shipped",
                status=Initiative.Status.DELIVERED,
                delivered_on=day(past.delivered),
            ),
        )
    )
    for week, _, step in sorted(events, key=lambda e: (e[0], e[1])):
        with back_then(org, at(week)):
            step()


def acknowledge(initiative, person, role):
    fresh = Initiative.objects.get(pk=initiative.pk)
    fresh.acknowledge(by=person, role=role, expected_version=fresh.version)


def resolve(initiative, by, status, day):
    indicator = LeadingIndicator.objects.get(initiative=initiative)
    indicator.status, indicator.resolved_on = status, day
    if status == LeadingIndicator.Status.MET:
        indicator.evidence = "Reviewed at the checkpoint."
    indicator.save_shared(by=by, expected_version=indicator.version)
