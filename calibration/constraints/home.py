"""The constraints card on the organization home: what the next planning cycle reviews, and
the constraints' line in the conversation health."""

from django.db.models import Count, Q

from calibration.models import PlanningCycle

from . import cadence
from .models import Constraint, Decision

REVIEW_LIMIT = 5


def cycles_around(org, today):
    """The planning cycles the home speaks of, latest first, in one query: those under way or
    to come, and the last one started (where the constraints were last reviewed)."""
    cycles = PlanningCycle.objects.for_org(org)
    last_started = cycles.filter(starts_on__lte=today).order_by("-starts_on").values("pk")[:1]
    return list(
        cycles.filter(
            Q(starts_on__gte=today) | Q(ends_on__gte=today) | Q(pk__in=last_started)
        ).order_by("-starts_on", "-pk")
    )


def review_cycle(cycles, today):
    """The planning cycle under way, or else the next one to start."""
    candidates = [
        c
        for c in cycles
        if (c.ends_on and c.ends_on >= today) or (c.ends_on is None and c.starts_on >= today)
    ]
    return min(candidates, key=lambda c: (c.starts_on, c.pk), default=None)


def home_section(org, user):
    today = org.today()
    cycles = cycles_around(org, today)
    cycle = review_cycle(cycles, today)
    review_on = max(cycle.starts_on, today) if cycle else today
    # For the conversation health: where the constraints were last reviewed, and next.
    last_cycle = next((c for c in cycles if c.starts_on <= today), None)
    next_cycle = next((c for c in reversed(cycles) if c.starts_on > today), None)
    needing_review = Constraint.objects.for_org(org).needing_review(review_on)
    counts = Constraint.objects.for_org(org).aggregate(
        total=Count("pk"),
        review_count=Count(
            "pk",
            filter=Q(decision=Decision.UNDECIDED)
            | Q(decision=Decision.REVISIT, revisit_on__lte=review_on),
        ),
        awaiting_you=Count(
            "pk",
            filter=~Q(decision=Decision.UNDECIDED) & Q(agreed_by=None) & ~Q(decided_by=user),
        ),
        revisit_due_count=Count("pk", filter=Q(decision=Decision.REVISIT, revisit_on__lte=today)),
        **stale_count(last_cycle),
    )
    return {
        "cycle": cycle,
        "review_on": review_on,
        "review": list(needing_review.select_related("recommended_path")[:REVIEW_LIMIT]),
        "today": today,
        **counts,
        "health": cadence.health(
            org,
            last_cycle,
            next_cycle,
            counts.get("stale_count", 0),
            counts["revisit_due_count"],
        ),
    }


def stale_count(last_cycle):
    """The constraints still undecided that were already open when the last cycle started."""
    if not last_cycle:
        return {}
    return {
        "stale_count": Count(
            "pk",
            filter=Q(decision=Decision.UNDECIDED, created_at__date__lte=last_cycle.starts_on),
        )
    }
