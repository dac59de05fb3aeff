"""The constraints card on the organization home: what the next planning cycle reviews."""

from django.db.models import Count, Q

from calibration.models import PlanningCycle

from .models import Constraint, Decision

REVIEW_LIMIT = 5


def review_cycle(org, today):
    """The planning cycle under way, or else the next one to start."""
    return (
        PlanningCycle.objects.for_org(org)
        .filter(Q(ends_on__gte=today) | Q(ends_on=None, starts_on__gte=today))
        .order_by("starts_on")
        .first()
    )


def home_section(org, user):
    today = org.today()
    cycle = review_cycle(org, today)
    review_on = max(cycle.starts_on, today) if cycle else today
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
    )
    return {
        "cycle": cycle,
        "review_on": review_on,
        "review": list(needing_review.select_related("recommended_path")[:REVIEW_LIMIT]),
        "today": today,
        **counts,
    }
