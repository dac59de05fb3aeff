"""What the constraints conversation owes the leaders over time: a review of the open
constraints when a planning cycle starts, each constraint's "revisit on" date (sources and
their mail), both in the calendar feed, and the constraints health line on the home page.
The reminders engine reaches these through its table of kinds
(calibration/reminders/kinds.py)."""

from django.db.models import Q
from django.urls import reverse

from calibration.cadence import (
    Due,
    Event,
    Health,
    Message,
    NoLongerDue,
    counted,
    in_zones,
    long_date,
    uid,
)
from calibration.models import PlanningCycle

from .models import Constraint, Decision


def constraint_path(org_slug, constraint):
    return reverse("constraints:detail", args=[org_slug, constraint.pk])


# --- reviews at the start of each planning cycle --------------------------------------------


def planning_cycle_reviews(window):
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    owed = in_zones(days_by_zone, lambda days: Q(starts_on__in=days))
    for cycle in PlanningCycle.objects.filter(owed):
        yield Due("constraint_review", cycle, cycle.starts_on.isoformat(), cycle.starts_on)


def describe_review(reminder, cycle):
    org = reminder.organization
    # Both leaders' mails about a cycle are written from the one record a batch loads: the
    # open constraints are read once for them.
    if not hasattr(cycle, "open_constraints"):
        needing = Constraint.objects.for_org(org).needing_review(cycle.starts_on)[:20]
        cycle.open_constraints = [str(c) for c in needing]
    items = cycle.open_constraints
    return Message(
        subject=f"“{cycle.name}” starts {long_date(cycle.starts_on)}: review the open constraints",
        intro=(
            f"The planning cycle “{cycle.name}” starts on {long_date(cycle.starts_on)}. "
            "Before committing the plan, review every constraint that is still open: "
            "what we can't build yet, what it costs, and what you decide."
        ),
        url=reverse("planning_cycle", args=[org.slug, cycle.pk]),
        link_text="Review the constraints",
        items=items,
        items_title="Open constraints" if items else "",
    )


# --- revisit-on dates -------------------------------------------------------------------------


def revisits(window):
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    owed = in_zones(days_by_zone, lambda days: Q(revisit_on__in=days))
    for constraint in Constraint.objects.filter(owed, decision=Decision.REVISIT):
        on = constraint.revisit_on
        yield Due("constraint_revisit", constraint, f"revisit-{on}", on)


def describe_revisit(reminder, constraint):
    if constraint.decision != Decision.REVISIT:
        raise NoLongerDue("The constraint was decided meanwhile.")
    org = reminder.organization
    return Message(
        subject=f"Revisit today: {constraint}",
        intro=(
            f"You agreed to look at “{constraint}” again on {long_date(constraint.revisit_on)}. "
            "Has the gap changed? Choose a path, decline it, or set a new date."
        ),
        url=constraint_path(org.slug, constraint),
        link_text="Revisit the constraint",
    )


# --- the calendar feed ------------------------------------------------------------------------


def planning_cycle_events(org, since=None):
    cycles = PlanningCycle.objects.for_org(org)
    for cycle in cycles:
        yield Event(
            uid=uid("planningcycle", cycle.pk),
            summary=f"Planning cycle: {cycle.name} — review open constraints",
            start=cycle.starts_on,
            end=cycle.ends_on,
            description=cycle.notes,
            path=reverse("planning_cycle", args=[org.slug, cycle.pk]),
            sequence=cycle.version,
            modified=cycle.updated_at,
        )


def revisit_events(org, since=None):
    constraints = Constraint.objects.for_org(org).filter(
        decision=Decision.REVISIT, revisit_on__isnull=False
    )
    for constraint in constraints:
        yield Event(
            uid=uid("constraintrevisit", constraint.pk),
            summary=f"Revisit constraint: {constraint}",
            start=constraint.revisit_on,
            path=constraint_path(org.slug, constraint),
            sequence=constraint.version,
            modified=constraint.updated_at,
        )


# --- health on the home page ------------------------------------------------------------------


def health(org, last_cycle, next_cycle, stale_count, revisit_due_count):
    """From what the home section counted: where the constraints were last reviewed, the
    next review, what stayed undecided since, and revisit dates that passed."""
    last = (
        f"last reviewed at “{last_cycle.name}” ({long_date(last_cycle.starts_on)})"
        if last_cycle
        else "no planning cycle has started yet"
    )
    if next_cycle:
        last += f"; next review at “{next_cycle.name}” ({long_date(next_cycle.starts_on)})"
    path = reverse("constraints:list", args=[org.slug])
    overdue = []
    if stale_count:
        overdue.append(
            (
                f"{counted(stale_count, 'constraint')} still undecided since “{last_cycle.name}”",
                path,
            )
        )
    if revisit_due_count:
        overdue.append(
            (
                f"{counted(revisit_due_count, 'constraint')} past "
                f"{'its' if revisit_due_count == 1 else 'their'} “revisit on” date",
                path,
            )
        )
    if not next_cycle:
        overdue.append(("No planning cycle is scheduled: constraints have no next review.", ""))
    return Health("Constraints", last, overdue, path, order=0)


# --- samples (Reminders → "send me a sample of each") -------------------------------------


def sample_cycle(org, user):
    return PlanningCycle.objects.for_org(org).order_by("-starts_on").first()


def sample_revisit(org, user):
    return Constraint.objects.for_org(org).filter(decision=Decision.REVISIT).first()
