"""Conversation health for the organization home: per conversation, when it was last held
or reviewed and what is overdue. Each conversation contributes what its models allow."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from calibration.models import PlanningCycle

HEALTH_SOURCES = []


@dataclass
class Health:
    conversation: str
    last: str  # "last held / reviewed …" as a person reads it
    overdue: list = field(default_factory=list)  # (text, path) pairs
    path: str = ""
    order: int = 0


def health_source(function):
    HEALTH_SOURCES.append(function)
    return function


def safe_reverse(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@health_source
def constraints_health(org, today):
    cycles = list(PlanningCycle.objects.for_org(org).order_by("-starts_on")[:10])
    started = [c for c in cycles if c.starts_on <= today]
    coming = [c for c in cycles if c.starts_on > today]
    last = (
        f"last reviewed at “{started[0].name}” ({started[0].starts_on:%-d %b %Y})"
        if started
        else "no planning cycle has started yet"
    )
    if coming:
        last += f"; next review at “{coming[-1].name}” ({coming[-1].starts_on:%-d %b %Y})"
    overdue = constraint_overdue(org, today, started[0] if started else None)
    if not coming:
        overdue.append(("No planning cycle is scheduled: constraints have no next review.", ""))
    return Health(
        "Constraints",
        last,
        overdue,
        safe_reverse("constraints:list", org.slug) or reverse("planning_cycles", args=[org.slug]),
        order=0,
    )


def constraint_overdue(org, today, last_cycle):
    """Undecided constraints that were already open when the last planning cycle started,
    and revisit dates that passed (empty until the constraints app exists)."""
    try:
        from calibration.constraints.models import Constraint, Decision
    except ImportError:
        return []
    path = safe_reverse("constraints:list", org.slug)
    overdue = []
    if last_cycle:
        stale = (
            Constraint.objects.for_org(org)
            .filter(decision=Decision.UNDECIDED, created_at__date__lte=last_cycle.starts_on)
            .count()
        )
        if stale:
            overdue.append(
                (f"{stale} constraint(s) still undecided since “{last_cycle.name}”", path)
            )
    revisits = Constraint.objects.for_org(org).revisit_due(today).count()
    if revisits:
        overdue.append((f"{revisits} constraint(s) past their “revisit on” date", path))
    return overdue


def conversation_health(org):
    from . import sources  # noqa: F401 — conversation sources register health too

    today = org.today()
    rows = [source(org, today) for source in HEALTH_SOURCES]
    return sorted((r for r in rows if r), key=lambda r: r.order)
