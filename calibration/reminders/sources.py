"""Reminder sources: for each kind, what is due (a generator of Due) and what its mail says.

A source gets the dispatch Window and yields Due(kind, obj, occurrence, day, roles, users):
the engine turns it into one row per recipient due at 09:00 on `day` in the organization's
time zone, once per (kind, object, occurrence, recipient). To add a kind: add it to
kinds.py, write a @source generator and a @describer here, and a calendar event if it has a
date (calendar.py).
"""

from django.urls import NoReverseMatch, reverse

from calibration.models import PlanningCycle

from .engine import Due, source
from .mail import Message, describer


def url_or(name, org, fallback):
    try:
        return reverse(name, args=[org.slug])
    except NoReverseMatch:
        return fallback


# --- constraint reviews at the start of each planning cycle -------------------------------


@source
def constraint_reviews(window):
    for cycle in PlanningCycle.objects.filter(starts_on__range=window.day_range):
        yield Due("constraint_review", cycle, cycle.starts_on.isoformat(), cycle.starts_on)


def open_constraints(org, on):
    """The constraints still undecided, as lines for the mail (empty until the app exists)."""
    try:
        from calibration.constraints.models import Constraint
    except ImportError:
        return []
    return [str(c) for c in Constraint.objects.for_org(org).needing_review(on)[:20]]


@describer("constraint_review")
def describe_constraint_review(reminder, cycle):
    org = reminder.organization
    items = open_constraints(org, cycle.starts_on)
    return Message(
        subject=f"“{cycle.name}” starts {cycle.starts_on:%A %-d %B}: review the open constraints",
        intro=(
            f"The planning cycle “{cycle.name}” starts on {cycle.starts_on:%A %-d %B %Y}. "
            "Before committing the plan, review every constraint that is still open: "
            "what we can't build yet, what it costs, and what you decide."
        ),
        url=url_or("constraints:index", org, reverse("planning_cycle", args=[org.slug, cycle.pk])),
        link_text="Review the constraints",
        items=items,
        items_title="Open constraints" if items else "",
    )


from . import conversations  # noqa: E402, F401 — the conversations' sources register here
