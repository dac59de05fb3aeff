"""The Cadence section of the organization home: what was last sent, what failed, and the
health of each conversation. A fixed number of queries whatever the history's size."""

from django.db.models import Count, Window

from .models import Reminder


def home_section(org, user, health=()):
    """`health`: the conversations' health lines, from their own home sections."""
    # Samples asked for on the reminders page are not what the cadence sent.
    reminders = (
        Reminder.objects.filter(organization=org)
        .exclude(occurrence__startswith="sample-")
        .select_related("recipient")
    )
    # The five latest failures and how many there are, in one query.
    failed = list(
        reminders.filter(state=Reminder.FAILED)
        .annotate(failed_total=Window(Count("pk")))
        .order_by("-failed_at")[:5]
    )
    return {
        "last_sent": list(reminders.filter(state=Reminder.SENT).order_by("-sent_at")[:5]),
        "failed": failed,
        "failed_count": failed[0].failed_total if failed else 0,
        "health": sorted(health, key=lambda h: h.order),
    }
