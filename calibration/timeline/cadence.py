"""What the timeline conversation owes the leaders over time: checkpoint and slip-plan
reminders (sources and their mail), their calendar events, and the timeline's health line
on the home page. The reminders engine reaches these through its table of kinds
(calibration/reminders/kinds.py)."""

from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from calibration.cadence import (
    Due,
    Event,
    Health,
    Message,
    NoLongerDue,
    in_zones,
    long_date,
    uid,
    weekly_after,
    weekly_from_next_day,
)
from calibration.dates import add_days
from calibration.formats import date_text

from .models import (
    COMMITMENT,
    EstimateRevision,
    LeadingIndicator,
    SlipAction,
    initiative_url,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

# --- checkpoints (leading indicators) ------------------------------------------------------


def checkpoints(window):
    """Before a checkpoint (each organization's lead days), on its day, then weekly while
    nobody marks it."""
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    first, last = window.day_range
    leads = (0, *window.all_lead_days())

    def owed(days):
        on_a_day = {add_days(day, lead) for day in days for lead in leads}
        return Q(due_date__in=on_a_day) | weekly_from_next_day("due_date", days)

    pending = (
        LeadingIndicator.objects.pending()
        .of_active_initiatives()
        .filter(in_zones(days_by_zone, owed))
        .select_related("initiative")
    )
    for indicator in pending:
        due = indicator.due_date
        for lead in window.lead_days(indicator.organization_id):
            day = add_days(due, -lead)  # a checkpoint stored in the year 1 has no day before
            if first <= day <= last:
                yield Due(
                    "checkpoint_coming",
                    indicator,
                    f"{lead}d-before-{due}",
                    day,
                    last_day=add_days(due, -1),
                )
        if first <= due <= last:
            yield Due("checkpoint_due", indicator, f"due-{due}", due, last_day=due)
        for k, day in weekly_after(due, window, first_offset=DAY):
            yield Due(
                "checkpoint_overdue",
                indicator,
                f"overdue-{due}-w{k}",
                day,
                last_day=day + timedelta(days=6),
            )


def _checkpoint_message(reminder, indicator, subject, intro):
    if indicator.status != LeadingIndicator.Status.PENDING:
        raise NoLongerDue(f"The checkpoint was marked {indicator.status}.")
    org = reminder.organization
    initiative = indicator.initiative
    due = indicator.due_date_value()
    missed = dict(LeadingIndicator.IF_MISSED).get(indicator.if_missed, "")
    return Message(
        subject=subject.format(initiative=initiative, indicator=indicator, due=long_date(due)),
        intro=intro.format(initiative=initiative, indicator=indicator, due=long_date(due))
        + (f" If it is missed, {missed}." if missed else ""),
        url=initiative_url(org)(initiative.pk),
        link_text="Open the initiative and mark the checkpoint",
    )


def describe_checkpoint_coming(reminder, indicator):
    return _checkpoint_message(
        reminder,
        indicator,
        "Checkpoint on {due}: {indicator} ({initiative})",
        "A checkpoint of “{initiative}” is coming up on {due}: “{indicator}”.",
    )


def describe_checkpoint_due(reminder, indicator):
    return _checkpoint_message(
        reminder,
        indicator,
        "Checkpoint due today: {indicator} ({initiative})",
        "Today, {due}, “{indicator}” must be true for “{initiative}”. "
        "Mark it met (with the evidence) or missed.",
    )


def describe_checkpoint_overdue(reminder, indicator):
    return _checkpoint_message(
        reminder,
        indicator,
        "Overdue checkpoint: {indicator} ({initiative})",
        "“{indicator}” was due on {due} for “{initiative}” and nobody has marked it "
        "met or missed. Until someone does, the timeline is guesswork. "
        "(You will hear about it weekly until it is marked.)",
    )


# --- slip-plan actions ----------------------------------------------------------------------


def slip_actions(window):
    """An action's owner hears on its due date; both leaders weekly once it is overdue."""
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    first, last = window.day_range

    def owed(days):
        return Q(due_on__in=days) | weekly_from_next_day("due_on", days)

    for action in SlipAction.objects.open().filter(in_zones(days_by_zone, owed)):
        if first <= action.due_on and action.owner_id:
            yield Due(
                "slip_action_due",
                action,
                f"due-{action.due_on}",
                action.due_on,
                roles=(),
                users=(action.owner_id,),
                last_day=action.due_on,
            )
        for k, day in weekly_after(action.due_on, window, first_offset=DAY):
            yield Due(
                "slip_action_overdue",
                action,
                f"overdue-{action.due_on}-w{k}",
                day,
                last_day=day + timedelta(days=6),
            )


def _slip_message(reminder, action, overdue):
    if action.done_at:
        raise NoLongerDue("The action was marked done.")
    org = reminder.organization
    who = action.owner or "its owner"
    text = action.message.strip().splitlines()[0][:120] if action.message.strip() else ""
    if overdue:
        subject = f"Overdue slip-plan action: {who} tells {action.audience}"
        intro = (
            f"The slip plan of “{action.initiative}” said {who} would tell "
            f"{action.audience} by {long_date(action.due_on)}, and it is not marked done."
        )
    else:
        subject = f"Today: tell {action.audience} about “{action.initiative}”"
        intro = (
            f"“{action.initiative}” slipped, and the slip plan you agreed in advance says "
            f"you tell {action.audience} by today, {long_date(action.due_on)}."
        )
    return Message(
        subject=subject,
        intro=intro,
        url=initiative_url(org)(action.initiative_id),
        link_text="Open the slip plan",
        items=[text] if text else [],
        items_title="What to say" if text else "",
    )


def describe_slip_action_due(reminder, action):
    return _slip_message(reminder, action, overdue=False)


def describe_slip_action_overdue(reminder, action):
    return _slip_message(reminder, action, overdue=True)


# --- a slip plan that just triggered ----------------------------------------------------------


def triggered_actions(window):
    """The moment a slip plan triggers, each action's owner hears what slipped and what the
    plan says they do (the home page shows the actions to both leaders)."""
    created = SlipAction.objects.filter(
        created_at__gt=window.since, created_at__lte=window.now, owner__isnull=False
    )
    for action in created:
        yield Due(
            "slip_triggered",
            action,
            "triggered",
            action.created_at.date(),
            roles=(),
            users=(action.owner_id,),
            at=action.created_at,
        )


def describe_slip_triggered(reminder, action):
    if action.done_at:
        raise NoLongerDue("The action was marked done.")
    org = reminder.organization
    text = action.message.strip().splitlines()[0][:200] if action.message.strip() else ""
    return Message(
        subject=f"Slip plan triggered: tell {action.audience} by {long_date(action.due_on)}",
        intro=(
            f"“{action.initiative}” slipped. {action.event.cause} The slip plan you agreed in "
            f"advance says you tell {action.audience} by {long_date(action.due_on)}."
        ),
        url=initiative_url(org)(action.initiative_id),
        link_text="Open the slip plan",
        items=[text] if text else [],
        items_title="What to say" if text else "",
    )


# --- dates moved ---------------------------------------------------------------------------------


def _moves(revisions):
    """The revisions a leader is told about: the commitment set or moved, an estimate moved
    (not the dates an initiative starts with)."""
    return [r for r in revisions if r.field == COMMITMENT or r.old_date is not None]


def date_changes(window):
    """When the commitment or an estimate date moves, the other leader hears it once, an
    hour after the first move: every move of that hour in one mail."""
    recent = EstimateRevision.objects.filter(
        at__gt=window.since - HOUR, at__lte=window.now
    ).select_related("initiative")
    hours = {}
    for revision in _moves(recent):
        hour = revision.at.replace(minute=0, second=0, microsecond=0)
        hours.setdefault((revision.initiative_id, hour), []).append(revision)
    for (_, hour), revisions in hours.items():
        authors = {r.by_id for r in revisions}
        yield Due(
            "dates_changed",
            revisions[0].initiative,
            f"dates-{hour:%Y%m%d%H}",
            hour.date(),
            at=hour + HOUR,
            # Who moved them all needs no mail about it; with two authors, each hears of
            # the other's moves.
            skip_users=tuple(authors) if len(authors) == 1 else (),
        )


def describe_date_changes(reminder, initiative):
    hour = datetime.strptime(reminder.occurrence, "dates-%Y%m%d%H").replace(tzinfo=UTC)
    revisions = _moves(
        EstimateRevision.objects.filter(initiative=initiative, at__gte=hour, at__lt=hour + HOUR)
        .exclude(by=reminder.recipient_id)
        .select_related("by")
        .order_by("at", "pk")
    )
    if not revisions:
        raise NoLongerDue("Only the recipient moved its dates in that hour.")
    who = ", ".join(sorted({str(r.by or "Someone") for r in revisions}))
    moved = [
        f"{r.get_field_display().capitalize()}: "
        f"{date_text(r.old_date, missing='none')} → "
        f"{date_text(r.new_date, missing='none')}" + (f" — “{r.reason}”" if r.reason else "")
        for r in revisions
    ]
    return Message(
        subject=f"{who} moved dates of “{initiative}”",
        intro=f"{who} changed {'a date' if len(moved) == 1 else 'dates'} of “{initiative}”.",
        url=initiative_url(reminder.organization)(initiative.pk),
        link_text="Open the initiative",
        items=moved,
        items_title="What moved",
    )


# --- the calendar feed ----------------------------------------------------------------------

CHECKPOINT_EVENT_FIELDS = (
    "organization",
    "initiative",
    "description",
    "status",
    "version",
    "updated_at",
    "due_on",
    "due_week",
    "due_date",
    "initiative__title",
    "initiative__start_date",
)


def checkpoint_events(org, since=None):
    indicators = (
        LeadingIndicator.objects.for_org(org)
        .of_active_initiatives()
        # A week number past the year 9999 has no date (add_weeks stops there): no event.
        .filter(due_date__isnull=False)
        # Said of the initiative too: PostgreSQL then reads this company's initiatives by
        # their index rather than every company's active ones.
        .filter(initiative__organization=org)
        .select_related("initiative")
        .only(*CHECKPOINT_EVENT_FIELDS)
    )
    if since is not None:
        indicators = indicators.filter(due_date__gte=since)
    url = initiative_url(org)
    for indicator in indicators:
        state = "" if indicator.status == "pending" else f" ({indicator.status})"
        yield Event(
            uid=uid("checkpoint", indicator.pk),
            summary=f"Checkpoint: {indicator} — {indicator.initiative}{state}",
            start=indicator.due_date,
            path=url(indicator.initiative_id),
            sequence=indicator.version,
            modified=indicator.updated_at,
        )


def slip_action_events(org, since=None):
    url = initiative_url(org)
    for action in SlipAction.objects.for_org(org).open().select_related("owner", "initiative"):
        yield Event(
            uid=uid("slipaction", action.pk),
            summary=f"Slip plan: {action.owner or 'someone'} tells {action.audience} "
            f"({action.initiative})",
            start=action.due_on,
            description=action.message,
            path=url(action.initiative_id),
            sequence=action.version,
            modified=action.updated_at,
        )


# --- health on the home page ----------------------------------------------------------------


def health(org, *, last_acknowledged, any_active, not_acknowledged, late):
    """From what the home section counted in SQL: the latest acknowledgement of an active
    initiative's gap, whether any initiative is active, the first active initiatives not
    acknowledged by both [(pk, title)] and the first late checkpoints [(due, indicator,
    initiative)]."""
    if last_acknowledged:
        last = f"last acknowledged {date_text(timezone.localtime(last_acknowledged, org.tz))}"
    elif any_active:
        last = "no timeline acknowledged yet"
    else:
        last = "no active initiative yet"
    url = initiative_url(org)
    overdue = [
        (f"“{title}”: timeline not acknowledged by both", url(pk)) for pk, title in not_acknowledged
    ]
    overdue += [
        (f"Checkpoint “{c}” ({i}) overdue since {long_date(due)}", url(i.pk)) for due, c, i in late
    ]
    return Health("Timeline", last, overdue, reverse("timeline:list", args=[org.slug]), order=1)


# --- samples (Reminders → "send me a sample of each") -------------------------------------


def sample_indicator(org, user):
    return LeadingIndicator.objects.for_org(org).pending().select_related("initiative").first()


def sample_action(org, user):
    return SlipAction.objects.for_org(org).open().select_related("initiative", "event").first()


def sample_moved_initiative(org, user):
    moved = EstimateRevision.objects.for_org(org).filter(old_date__isnull=False).order_by("-at")
    revision = moved.select_related("initiative").first()
    return revision.initiative if revision else None
