"""The Cadence section of the organization home: what was last sent, what failed, and the
health of each conversation. A fixed number of queries whatever the history's size."""

from .health import conversation_health
from .models import Reminder


def home_section(org, user):
    reminders = Reminder.objects.filter(organization=org).select_related("recipient")
    return {
        "last_sent": list(reminders.filter(state=Reminder.SENT).order_by("-sent_at")[:5]),
        "failed": list(reminders.filter(state=Reminder.FAILED).order_by("-failed_at")[:5]),
        "failed_count": reminders.filter(state=Reminder.FAILED).count(),
        "health": conversation_health(org),
    }
