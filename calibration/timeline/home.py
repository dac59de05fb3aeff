"""The timeline conversation's section of the organization home (a fixed number of queries)."""

from . import cadence
from .models import Initiative, SlipAction


def home_section(org, user):
    today = org.today()
    live = list(
        Initiative.objects.for_overview(org).filter(
            status__in=[Initiative.Status.PROPOSED, Initiative.Status.ACTIVE]
        )
    )
    actions = list(SlipAction.objects.for_home(org))
    checkpoints = []
    for i in live:
        nxt = i.next_checkpoint(today)
        if nxt:
            checkpoints.append((nxt.due_date_value(i), nxt, i))
    checkpoints.sort(key=lambda row: (row[0], row[1].pk))
    return {
        "today": today,
        "initiatives": live,
        "count": len(live),
        "unacknowledged": [i for i in live if i.has_commitment() and not i.is_acknowledged()],
        "at_risk": [i for i in live if i.is_tracking_past_commitment()],
        "actions": actions,
        "my_actions": [a for a in actions if user and a.owner_id == user.pk],
        "checkpoints": checkpoints[:3],
        "health": cadence.health(org, today, live),
    }
