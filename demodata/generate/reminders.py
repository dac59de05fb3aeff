"""Generated reminders history for `manage.py generate_dataset`: the mails the generated
checkpoints, slip actions, alignment sessions and constraint revisits imply (all sent),
each organization's reminder settings and a calendar feed for every CEO."""

import datetime

from django.contrib.contenttypes.models import ContentType

from calibration.alignment.models import BetSheet
from calibration.constraints.models import Constraint
from calibration.reminders.kinds import label
from calibration.reminders.models import CalendarFeed, Reminder, ReminderSettings
from calibration.timeline.models import LeadingIndicator, SlipAction
from demodata.generate.batch import shift


def generate(batch, indicators, actions, sheets, constraints):
    settings_rows, feeds = [], []
    for seed in batch.orgs:
        row = ReminderSettings(organization=seed.org, checkpoint_lead_days="7, 1")
        batch.created(row, seed.cto, batch.at(shift(seed.today, weeks=-150), seed.rng))
        settings_rows.append(row)
        feeds.append(
            CalendarFeed(
                organization=seed.org,
                user=seed.ceo,
                token=f"bench-{seed.org.slug}-{seed.rng.getrandbits(64):016x}",
            )
        )
    batch.bulk(ReminderSettings, settings_rows)
    batch.bulk(CalendarFeed, feeds)

    reminders = []
    seeds = {seed.org.pk: seed for seed in batch.orgs}

    def sent(kind, obj, occurrence, day, recipients):
        seed = seeds[obj.organization_id]
        if day >= seed.today:
            return
        due_at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)
        for user in recipients:
            reminders.append(
                Reminder(
                    organization_id=obj.organization_id,
                    kind=kind,
                    content_type=types[type(obj)],
                    object_id=obj.pk,
                    occurrence=occurrence,
                    recipient=user,
                    due_at=due_at,
                    state=Reminder.SENT,
                    subject=f"{label(kind)}: {obj}"[:200],
                    created_at=due_at,
                    sent_at=due_at + datetime.timedelta(seconds=seed.rng.randint(1, 90)),
                )
            )

    types = ContentType.objects.get_for_models(LeadingIndicator, BetSheet, Constraint, SlipAction)

    for indicator in indicators:
        leaders = seeds[indicator.organization_id].leaders
        due = indicator._due
        sent("checkpoint_coming", indicator, f"1d-before-{due}", shift(due, days=-1), leaders)
        sent("checkpoint_due", indicator, f"due-{due}", due, leaders)
    for action in actions:
        sent("slip_action_due", action, f"due-{action.due_on}", action.due_on, [action.owner])
    for sheet in sheets:
        if sheet.session_at:
            on = sheet.session_at.date()
            leaders = seeds[sheet.organization_id].leaders
            for before in (7, 1):
                day = shift(on, days=-before)
                sent("alignment_coming", sheet, f"{before}d-before-{on}", day, leaders)
    for constraint in constraints:
        if constraint.revisit_on:
            on = constraint.revisit_on
            sent("constraint_revisit", constraint, f"revisit-{on}", on, constraint._seed.leaders)
    batch.copy(Reminder, reminders)
