"""The Cadence section of the organization home: what was last sent, what failed, and the
health of each conversation. A fixed number of queries whatever the history's size."""

from django.db.models import Count, Window

from .health import conversation_health
from .models import Reminder


def home_section(org, user, earlier=None):
    """`earlier`: the other conversations' sections of the same page, whose rows the health
    reuses (read here when the section is asked for on its own)."""
    if earlier is None:
        from calibration.home import conversation_sections

        return next(s for s in conversation_sections(org, user) if s["app"] == "reminders")
    reminders = Reminder.objects.filter(organization=org).select_related("recipient")
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
        "health": conversation_health(org, earlier),
    }
