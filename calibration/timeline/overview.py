"""What the initiatives list and the home page know of every live initiative without loading
its indicators: the timeline it is tracking and its next checkpoint's date, worked out in SQL
by the same rules as `models.tracking_of` and `Initiative.next_checkpoint` (a large company
has hundreds of live initiatives and five indicators each; the pages show fifty rows, or a
count)."""

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Subquery, Value, When

from .models import BEST, EXPECTED, WORST, Initiative, LeadingIndicator

LIVE = [Initiative.Status.PROPOSED, Initiative.Status.ACTIVE]
Status = LeadingIndicator.Status


def _tracking():
    """models.tracking_of: any indicator missed → the most severe timeline the misses lead to
    (if_missed is "expected" or "worst"); else best when every indicator guarding the best
    case (if_missed "expected") is met; else expected."""
    indicators = LeadingIndicator.objects.filter(initiative=OuterRef("pk"))
    missed = indicators.filter(status=Status.MISSED)
    guards = indicators.filter(if_missed=EXPECTED)
    return Case(
        When(Exists(missed.filter(if_missed=WORST)), then=Value(WORST)),
        When(Exists(missed), then=Value(EXPECTED)),
        When(Exists(guards) & ~Exists(guards.exclude(status=Status.MET)), then=Value(BEST)),
        default=Value(EXPECTED),
        output_field=CharField(),
    )


def next_due():
    """The due date of Initiative.next_checkpoint(): the pending indicator due soonest."""
    pending = (
        LeadingIndicator.objects.with_due_date()
        .filter(initiative=OuterRef("pk"), status=Status.PENDING)
        .order_by("due_date", "pk")
    )
    return Subquery(pending.values("due_date")[:1])


def with_tracking(initiatives):
    """Annotate `tracking_now` (best/expected/worst) and `tracking_on` (that timeline's date)."""
    return initiatives.annotate(tracking_now=_tracking()).annotate(
        tracking_on=Case(
            When(tracking_now=BEST, then=F("best_date")),
            When(tracking_now=WORST, then=F("worst_date")),
            default=F("expected_date"),
        ),
    )


def past_commitment():
    """Filter: tracking later than the external commitment (is_tracking_past_commitment)."""
    return Q(commitment_date__isnull=False, tracking_on__gt=F("commitment_date"))
