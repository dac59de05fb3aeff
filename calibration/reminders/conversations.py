"""The reminder sources, calendar events and health of the three conversations' records.

Each block is active once its app's models exist (the apps are built in parallel); the
engine does not change when one is added.
"""

from datetime import UTC, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization

from .calendar import Event, events, uid
from .engine import Due, source
from .health import Health, health_source, safe_reverse
from .mail import Message, NoLongerDue, describer

WEEK = timedelta(days=7)


def weekly_after(start, window, first_offset=WEEK):
    """(k, day) for the repetitions start + first_offset + (k-1) weeks that fall in the
    window's days: at most weekly, and only the current one."""
    first, last = window.day_range
    day = start + first_offset
    k = 1
    if day < first:
        skip = (first - day).days // 7
        day += skip * WEEK
        k += skip
    while day <= last:
        if day >= first:
            yield k, day
        day += WEEK
        k += 1


def fmt(day):
    return f"{day:%A %-d %B %Y}"


# =========================================================================================
# Timeline: checkpoints (leading indicators) and slip-plan actions
# =========================================================================================

try:
    from calibration.timeline.models import Initiative, LeadingIndicator, SlipAction
except ImportError:  # pragma: no cover — the timeline app is not merged yet
    LeadingIndicator = None


if LeadingIndicator is not None:

    def tracked_checkpoints():
        return (
            LeadingIndicator.objects.with_due_date()
            .pending()
            .filter(initiative__status=Initiative.Status.ACTIVE)
            .select_related("initiative")
        )

    CHECKPOINT_EVENT_FIELDS = (
        "organization",
        "initiative",
        "description",
        "status",
        "version",
        "updated_at",
        "due_on",
        "due_week",
        "initiative__title",
        "initiative__start_date",
    )

    def initiative_path(org_slug, initiative_id):
        return safe_reverse("timeline:initiative", org_slug, initiative_id) or safe_reverse(
            "timeline:list", org_slug
        )

    @source
    def checkpoints(window):
        first, last = window.day_range
        leads = window.all_lead_days()
        queryset = tracked_checkpoints().filter(due_date__lte=last + timedelta(days=max(leads)))
        for indicator in queryset:
            due = indicator.due_date
            for lead in window.lead_days(indicator.organization_id):
                day = due - timedelta(days=lead)
                if first <= day <= last:
                    yield Due(
                        "checkpoint_coming",
                        indicator,
                        f"{lead}d-before-{due}",
                        day,
                        last_day=due - timedelta(days=1),
                    )
            if first <= due <= last:
                yield Due("checkpoint_due", indicator, f"due-{due}", due, last_day=due)
            for k, day in weekly_after(due, window, first_offset=timedelta(days=1)):
                yield Due(
                    "checkpoint_overdue",
                    indicator,
                    f"overdue-{due}-w{k}",
                    day,
                    last_day=day + timedelta(days=6),
                )

    def checkpoint_message(reminder, indicator, subject, intro):
        if indicator.status != LeadingIndicator.Status.PENDING:
            raise NoLongerDue(f"The checkpoint was marked {indicator.status}.")
        org = reminder.organization
        initiative = indicator.initiative
        due = indicator.due_date_value()
        missed = dict(LeadingIndicator.IF_MISSED).get(indicator.if_missed, "")
        return Message(
            subject=subject.format(initiative=initiative, indicator=indicator, due=due),
            intro=intro.format(initiative=initiative, indicator=indicator, due=fmt(due))
            + (f" If it is missed, {missed}." if missed else ""),
            url=initiative_path(org.slug, initiative.pk),
            link_text="Open the initiative and mark the checkpoint",
        )

    @describer("checkpoint_coming")
    def describe_checkpoint_coming(reminder, indicator):
        return checkpoint_message(
            reminder,
            indicator,
            "Checkpoint on {due:%-d %b}: {indicator} ({initiative})",
            "A checkpoint of “{initiative}” is coming up on {due}: “{indicator}”.",
        )

    @describer("checkpoint_due")
    def describe_checkpoint_due(reminder, indicator):
        return checkpoint_message(
            reminder,
            indicator,
            "Checkpoint due today: {indicator} ({initiative})",
            "Today, {due}, “{indicator}” must be true for “{initiative}”. "
            "Mark it met (with the evidence) or missed.",
        )

    @describer("checkpoint_overdue")
    def describe_checkpoint_overdue(reminder, indicator):
        return checkpoint_message(
            reminder,
            indicator,
            "Overdue checkpoint: {indicator} ({initiative})",
            "“{indicator}” was due on {due} for “{initiative}” and nobody has marked it "
            "met or missed. Until someone does, the timeline is guesswork. "
            "(You will hear about it weekly until it is marked.)",
        )

    @source
    def slip_actions(window):
        first, last = window.day_range
        for action in SlipAction.objects.open().filter(due_on__lte=last):
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
            for k, day in weekly_after(action.due_on, window, first_offset=timedelta(days=1)):
                yield Due(
                    "slip_action_overdue",
                    action,
                    f"overdue-{action.due_on}-w{k}",
                    day,
                    last_day=day + timedelta(days=6),
                )

    def slip_message(reminder, action, overdue):
        if action.done_at:
            raise NoLongerDue("The action was marked done.")
        org = reminder.organization
        who = action.owner or "its owner"
        text = action.message.strip().splitlines()[0][:120] if action.message.strip() else ""
        if overdue:
            subject = f"Overdue slip-plan action: {who} tells {action.audience}"
            intro = (
                f"The slip plan of “{action.initiative}” said {who} would tell "
                f"{action.audience} by {fmt(action.due_on)}, and it is not marked done."
            )
        else:
            subject = f"Today: tell {action.audience} about “{action.initiative}”"
            intro = (
                f"“{action.initiative}” slipped, and the slip plan you agreed in advance says "
                f"you tell {action.audience} by today, {fmt(action.due_on)}."
            )
        return Message(
            subject=subject,
            intro=intro,
            url=initiative_path(org.slug, action.initiative_id),
            link_text="Open the slip plan",
            items=[text] if text else [],
            items_title="What to say" if text else "",
        )

    @describer("slip_action_due")
    def describe_slip_action_due(reminder, action):
        return slip_message(reminder, action, overdue=False)

    @describer("slip_action_overdue")
    def describe_slip_action_overdue(reminder, action):
        return slip_message(reminder, action, overdue=True)

    def late_checkpoints(initiatives, today):
        """(due date, indicator, initiative) of the pending checkpoints past their date, the
        most overdue first, from indicators already loaded (those with a date or a week)."""
        late = [
            (c.due_date_value(i), c, i)
            for i in initiatives
            for c in i.indicators.all()
            if (c.due_on or c.due_week is not None) and c.is_overdue(today, i)
        ]
        return sorted(late, key=lambda row: (row[0], row[1].pk))

    @events
    def checkpoint_events(org, since=None):
        indicators = (
            LeadingIndicator.objects.for_org(org)
            .with_due_date()
            .filter(initiative__status=Initiative.Status.ACTIVE)
            .select_related("initiative")
            .only(*CHECKPOINT_EVENT_FIELDS)
        )
        if since is not None:
            indicators = indicators.filter(due_date__gte=since)
        paths = {}  # one reverse() per initiative, not per checkpoint
        for indicator in indicators:
            state = "" if indicator.status == "pending" else f" ({indicator.status})"
            if indicator.initiative_id not in paths:
                paths[indicator.initiative_id] = initiative_path(org.slug, indicator.initiative_id)
            yield Event(
                uid=uid("checkpoint", indicator.pk),
                summary=f"Checkpoint: {indicator} — {indicator.initiative}{state}",
                start=indicator.due_date,
                path=paths[indicator.initiative_id],
                sequence=indicator.version,
                modified=indicator.updated_at,
            )

    @events
    def slip_action_events(org):
        for action in SlipAction.objects.for_org(org).open().select_related("owner", "initiative"):
            yield Event(
                uid=uid("slipaction", action.pk),
                summary=f"Slip plan: {action.owner or 'someone'} tells {action.audience} "
                f"({action.initiative})",
                start=action.due_on,
                description=action.message,
                path=initiative_path(org.slug, action.initiative_id),
                sequence=action.version,
                modified=action.updated_at,
            )

    @health_source
    def timeline_health(org, today, earlier):
        # The timeline section read the live initiatives with their indicators.
        initiatives = [
            i for i in earlier["timeline"]["initiatives"] if i.status == Initiative.Status.ACTIVE
        ]
        acknowledged = [
            max(t for t in (i.ceo_acknowledged_at, i.cto_acknowledged_at) if t)
            for i in initiatives
            if i.ceo_acknowledged_at or i.cto_acknowledged_at
        ]
        if acknowledged:
            last = f"last acknowledged {timezone.localtime(max(acknowledged), org.tz):%-d %b %Y}"
        elif initiatives:
            last = "no timeline acknowledged yet"
        else:
            last = "no active initiative yet"
        overdue = [
            (f"“{i.title}”: timeline not acknowledged by both", initiative_path(org.slug, i.pk))
            for i in initiatives
            if not (i.ceo_acknowledged_at and i.cto_acknowledged_at)
        ][:5]
        overdue += [
            (
                f"Checkpoint “{c}” ({i}) overdue since {due:%-d %b}",
                initiative_path(org.slug, i.pk),
            )
            for due, c, i in late_checkpoints(initiatives, today)[:5]
        ]
        return Health("Timeline", last, overdue, safe_reverse("timeline:list", org.slug), order=1)


# =========================================================================================
# Alignment: quarterly sessions
# =========================================================================================

try:
    from calibration.alignment.models import BetSheet
    from calibration.quarters import Quarter
except ImportError:  # pragma: no cover
    BetSheet = None


if BetSheet is not None:

    def with_agenda(queryset):
        """Sheets with what their divergence agenda needs, in a fixed number of queries."""
        from calibration.alignment import models as alignment_models

        prefetch = getattr(alignment_models, "with_everything", None)
        return prefetch(queryset) if prefetch else queryset

    def sheet_path(org_slug, sheet):
        return safe_reverse("alignment:sheet", org_slug, sheet.pk) or safe_reverse(
            "alignment:index", org_slug
        )

    @source
    def alignment_unscheduled(window):
        """Two weeks before a quarter starts, if its sheet has no session scheduled."""
        first, last = window.day_range
        wanted = {}
        for org in Organization.objects.all():
            today_quarter = Quarter.containing(first, org.fiscal_year_start_month)
            for quarter in (today_quarter.next(), today_quarter.next().next()):
                day = quarter.starts_on - timedelta(days=14)
                if first <= day <= last:
                    wanted[(org.pk, quarter.fiscal_year, quarter.number)] = (org, quarter, day)
        if not wanted:
            return
        scheduled = set(
            BetSheet.objects.filter(
                organization__in={org for org, _, _ in wanted.values()},
                session_at__isnull=False,
            ).values_list("organization_id", "fiscal_year", "quarter_number")
        )
        for key, (org, quarter, day) in wanted.items():
            if key not in scheduled:
                yield Due(
                    "alignment_unscheduled",
                    org,
                    f"unscheduled-{quarter.label}",
                    day,
                    last_day=quarter.starts_on - timedelta(days=1),
                )

    @describer("alignment_unscheduled")
    def describe_alignment_unscheduled(reminder, org):
        quarter = Quarter.containing(
            reminder.due_at.astimezone(org.tz).date() + timedelta(days=14),
            org.fiscal_year_start_month,
        )
        sheet = BetSheet.for_quarter(org, quarter)
        if sheet and sheet.session_at:
            raise NoLongerDue("A session was scheduled meanwhile.")
        return Message(
            subject=f"No alignment session scheduled for {quarter.label} yet",
            intro=(
                f"{quarter.label} starts on {fmt(quarter.starts_on)} and no quarterly "
                "alignment session is scheduled for it. Put the CEO's five bets beside the "
                "CTO's five and pick a time to go through where they diverge."
            ),
            url=(sheet_path(org.slug, sheet) if sheet else "")
            or safe_reverse("alignment:index", org.slug)
            or reverse("home", args=[org.slug]),
            link_text="Schedule the session",
        )

    def session_day(sheet, tz):
        return sheet.session_at.astimezone(tz).date()

    @source
    def alignment_sessions(window):
        first, last = window.day_range
        # Reminders fall 7 and 1 days before the session's local day: sessions on days
        # first+1 … last+7, widened by a day either side for time zones.
        sheets = BetSheet.objects.filter(
            session_at__isnull=False,
            held_on__isnull=True,
            session_at__gte=datetime.combine(first, time(0), tzinfo=UTC),
            session_at__lt=datetime.combine(last + timedelta(days=9), time(0), tzinfo=UTC),
        ).select_related("organization")
        for sheet in sheets:
            on = session_day(sheet, sheet.organization.tz)
            for before in (7, 1):
                day = on - timedelta(days=before)
                if first <= day <= last:
                    yield Due(
                        "alignment_coming",
                        sheet,
                        f"{before}d-before-{on}",
                        day,
                        last_day=on - timedelta(days=1),
                    )

    @describer("alignment_coming")
    def describe_alignment_coming(reminder, sheet):
        if sheet.held_on or not sheet.session_at:
            raise NoLongerDue("The session was held or unscheduled meanwhile.")
        org = reminder.organization
        at = sheet.session_at.astimezone(org.tz)
        agenda = sheet.divergence_agenda()
        items = [
            f"{item.kind_label}: {item.bet.title} ({item.minutes} min)"
            + ("" if item.is_open else " — decided")
            for item in agenda
        ]
        return Message(
            subject=f"Alignment session {sheet.label} on {at:%a %-d %b at %H:%M}",
            intro=(
                f"Your quarterly alignment session for {sheet.label} is on "
                f"{at:%A %-d %B at %H:%M} ({org.time_zone}), {sheet.session_minutes} minutes. "
                + (
                    f"The divergence agenda has {len(agenda)} item(s) as of today."
                    if agenda
                    else "Every bet is linked today: no divergence on the agenda."
                )
            ),
            url=sheet_path(org.slug, sheet),
            link_text="Open the bet sheet",
            items=items,
            items_title="Divergence agenda" if items else "",
        )

    @source
    def alignment_undecided(window):
        first, last = window.day_range
        sheets = with_agenda(
            BetSheet.objects.filter(held_on__isnull=False, held_on__lte=last, status=BetSheet.OPEN)
        )
        for sheet in sheets:
            repetitions = list(weekly_after(sheet.held_on, window, timedelta(days=1)))
            if repetitions and sheet_open_items(sheet):
                for k, day in repetitions:
                    yield Due(
                        "alignment_undecided",
                        sheet,
                        f"undecided-{sheet.held_on}-w{k}",
                        day,
                        last_day=day + timedelta(days=6),
                    )

    def sheet_open_items(sheet):
        try:
            return sheet.open_items()
        except Exception:  # noqa: BLE001 — the agenda needs the sheet's related rows
            return []

    @describer("alignment_undecided")
    def describe_alignment_undecided(reminder, sheet):
        open_items = sheet_open_items(sheet)
        if not open_items or sheet.is_closed:
            raise NoLongerDue("Every call was made meanwhile.")
        org = reminder.organization
        return Message(
            subject=f"{len(open_items)} undecided call(s) from the {sheet.label} session",
            intro=(
                f"The {sheet.label} alignment session was held on {fmt(sheet.held_on)}, "
                f"and {len(open_items)} divergence item(s) still have no explicit call: "
                "continue, redirect or stop. (Weekly until every call is made.)"
            ),
            url=sheet_path(org.slug, sheet),
            link_text="Make the calls",
            items=[f"{i.bet.title} — {i.question}" for i in open_items],
            items_title="Still open",
        )

    @events
    def session_events(org):
        for sheet in BetSheet.objects.for_org(org).filter(session_at__isnull=False):
            yield Event(
                uid=uid("alignmentsession", sheet.pk),
                summary=f"Quarterly alignment session {sheet.label}"
                + (" (held)" if sheet.held_on else ""),
                start=sheet.session_at.astimezone(org.tz).date(),
                starts_at=sheet.session_at,
                ends_at=sheet.session_ends_at,
                path=sheet_path(org.slug, sheet),
                sequence=sheet.version,
                modified=sheet.updated_at,
            )

    @health_source
    def alignment_health(org, today, earlier):
        # The alignment section read the last held sheet and this quarter's, with their bets.
        section = earlier["alignment"]
        held = section["last_held"]
        last = (
            f"last session held {held.held_on:%-d %b %Y} ({held.label})"
            if held
            else "no alignment session held yet"
        )
        overdue = []
        if held and held.is_open:
            undecided = len(sheet_open_items(held))
            if undecided:
                overdue.append(
                    (
                        f"{undecided} undecided call(s) from the {held.label} session",
                        sheet_path(org.slug, held),
                    )
                )
        current, sheet = section["quarter"], section["sheet"]
        if sheet is None or not sheet.held_on:
            scheduled = sheet and sheet.session_at and sheet.session_at >= timezone.now()
            if not scheduled:
                overdue.append(
                    (
                        f"No alignment session this quarter ({current.label})",
                        sheet_path(org.slug, sheet) if sheet else "",
                    )
                )
        return Health(
            "Alignment", last, overdue, safe_reverse("alignment:index", org.slug), order=2
        )


# =========================================================================================
# Constraints: revisit-on dates (reviews at planning cycles are in sources.py)
# =========================================================================================

try:
    from calibration.constraints.models import Constraint, Decision
except ImportError:  # pragma: no cover
    Constraint = None


if Constraint is not None:

    def constraint_path(org_slug, constraint):
        return safe_reverse("constraints:detail", org_slug, constraint.pk) or safe_reverse(
            "constraints:list", org_slug
        )

    @source
    def constraint_revisits(window):
        first, last = window.day_range
        for constraint in Constraint.objects.filter(
            decision=Decision.REVISIT, revisit_on__range=(first, last)
        ):
            on = constraint.revisit_on
            yield Due("constraint_revisit", constraint, f"revisit-{on}", on)

    @describer("constraint_revisit")
    def describe_constraint_revisit(reminder, constraint):
        if constraint.decision != Decision.REVISIT:
            raise NoLongerDue("The constraint was decided meanwhile.")
        org = reminder.organization
        return Message(
            subject=f"Revisit today: {constraint}",
            intro=(
                f"You agreed to look at “{constraint}” again on {fmt(constraint.revisit_on)}. "
                "Has the gap changed? Choose a path, decline it, or set a new date."
            ),
            url=constraint_path(org.slug, constraint),
            link_text="Revisit the constraint",
        )

    @events
    def revisit_events(org):
        for constraint in Constraint.objects.for_org(org).filter(
            decision=Decision.REVISIT, revisit_on__isnull=False
        ):
            yield Event(
                uid=uid("constraintrevisit", constraint.pk),
                summary=f"Revisit constraint: {constraint}",
                start=constraint.revisit_on,
                path=constraint_path(org.slug, constraint),
                sequence=constraint.version,
                modified=constraint.updated_at,
            )
