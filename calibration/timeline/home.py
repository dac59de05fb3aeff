"""The timeline conversation's section of the organization home: counts, the next three
checkpoints and the health line worked out in SQL (a fixed number of queries, and no
initiative loaded but the few the card names)."""

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber

from . import cadence, overview
from .models import Initiative, LeadingIndicator, SlipAction

ACTIVE = Q(status=Initiative.Status.ACTIVE)
NOT_ACKNOWLEDGED_BY_BOTH = Q(ceo_acknowledged_at=None) | Q(cto_acknowledged_at=None)
# What a checkpoint line reads of an indicator and its initiative.
CHECKPOINT_FIELDS = ["description", "due_on", "due_date", "initiative__title"]


def next_checkpoints(live, limit=3):
    """[(due date, indicator, initiative)]: each live initiative's next checkpoint
    (Initiative.next_checkpoint: its pending indicator due soonest), the soonest first."""
    first = Window(
        RowNumber(), partition_by=[F("initiative_id")], order_by=[F("due_date"), F("pk")]
    )
    rows = (
        LeadingIndicator.objects.with_due_date()
        .filter(initiative__in=live, status=LeadingIndicator.Status.PENDING)
        .annotate(rank=first)
        .filter(rank=1)
        .select_related("initiative")
        .only(*CHECKPOINT_FIELDS)
        .order_by("due_date", "pk")[:limit]
    )
    return [(c.due_date, c, c.initiative) for c in rows]


def late_checkpoints(org, today, limit=5):
    """[(due date, indicator, initiative)]: the pending checkpoints of active initiatives past
    their date, the most overdue first."""
    rows = (
        LeadingIndicator.objects.for_org(org)
        .with_due_date()
        .pending()
        .of_active_initiatives()
        .filter(due_date__lt=today)
        .select_related("initiative")
        .only(*CHECKPOINT_FIELDS)
        .order_by("due_date", "pk")[:limit]
    )
    return [(c.due_date, c, c.initiative) for c in rows]


def home_section(org, user):
    today = org.today()
    live = Initiative.objects.for_org(org).filter(status__in=overview.LIVE)
    counts = overview.with_tracking(live).aggregate(
        count=Count("pk"),
        at_risk_count=Count("pk", filter=overview.past_commitment()),
        unacknowledged_count=Count(
            "pk", filter=Q(commitment_date__isnull=False) & NOT_ACKNOWLEDGED_BY_BOTH
        ),
        active_count=Count("pk", filter=ACTIVE),
        last_ceo_ack=Max("ceo_acknowledged_at", filter=ACTIVE),
        last_cto_ack=Max("cto_acknowledged_at", filter=ACTIVE),
    )
    acknowledged = [t for t in (counts["last_ceo_ack"], counts["last_cto_ack"]) if t]
    not_acknowledged = live.filter(ACTIVE & NOT_ACKNOWLEDGED_BY_BOTH).values_list("pk", "title")
    actions = list(SlipAction.objects.for_home(org))
    return {
        "today": today,
        **counts,
        "actions": actions,
        "my_actions": [a for a in actions if user and a.owner_id == user.pk],
        "checkpoints": next_checkpoints(live),
        "health": cadence.health(
            org,
            last_acknowledged=max(acknowledged, default=None),
            any_active=bool(counts["active_count"]),
            not_acknowledged=list(not_acknowledged[:5]),
            late=late_checkpoints(org, today),
        ),
    }
