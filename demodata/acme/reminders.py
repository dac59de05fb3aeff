"""Demo data for reminders: Acme's checkpoint lead days (idempotent)."""

from accounts.models import Role
from calibration.reminders.models import ReminderSettings


def populate(org):
    if ReminderSettings.objects.filter(organization=org).exists():
        return
    ReminderSettings.create_shared(
        by=org.member_with_role(Role.CTO) or org.member_with_role(Role.CEO),
        organization=org,
        checkpoint_lead_days="14, 7, 1",
        note="Two weeks' notice before a checkpoint, as agreed at the offsite.",
    )
