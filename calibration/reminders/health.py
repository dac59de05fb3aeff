"""Conversation health for the organization home: per conversation, when it was last held
or reviewed and what is overdue. Each conversation contributes what its models allow."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

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
def constraints_health(org, today, earlier):
    section = earlier["constraints"]
    started, coming = section["last_cycle"], section["next_cycle"]
    last = (
        f"last reviewed at “{started.name}” ({started.starts_on:%-d %b %Y})"
        if started
        else "no planning cycle has started yet"
    )
    if coming:
        last += f"; next review at “{coming.name}” ({coming.starts_on:%-d %b %Y})"
    overdue = constraint_overdue(org, section)
    if not coming:
        overdue.append(("No planning cycle is scheduled: constraints have no next review.", ""))
    return Health(
        "Constraints",
        last,
        overdue,
        safe_reverse("constraints:list", org.slug) or reverse("planning_cycles", args=[org.slug]),
        order=0,
    )


def constraint_overdue(org, section):
    """Undecided constraints that were already open when the last planning cycle started,
    and revisit dates that passed (counted by the constraints section)."""
    path = safe_reverse("constraints:list", org.slug)
    overdue = []
    stale, last_cycle = section["stale_count"], section["last_cycle"]
    if stale:
        overdue.append((f"{stale} constraint(s) still undecided since “{last_cycle.name}”", path))
    revisits = section["revisit_due_count"]
    if revisits:
        overdue.append((f"{revisits} constraint(s) past their “revisit on” date", path))
    return overdue


def conversation_health(org, earlier):
    """`earlier`: the other conversations' home sections, by app, whose rows each source reads."""
    from . import sources  # noqa: F401 — conversation sources register health too

    today = org.today()
    rows = [source(org, today, earlier) for source in HEALTH_SOURCES]
    return sorted((r for r in rows if r), key=lambda r: r.order)
