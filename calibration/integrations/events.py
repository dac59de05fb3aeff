"""What happened, as webhook events — found, not announced.

No conversation calls us when something happens. Every change is already written down in
the same transaction as the change itself: the history (`Change`, with the record's
version), the slip events a slip plan leaves, the bet sheets' sessions. Each *source* here
reads those records for a window of time (the last day, every minute) and yields `Event`s
with an id that depends only on the record (`indicator.missed:indicator-12-v4`), so finding
the same event again, from any number of dispatches, is harmless: the delivery table's
unique key keeps one per endpoint. This is how the reminders engine finds what is due.

The one table, `KINDS`, names each kind and its source.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from calibration.alignment.models import BetSheet
from calibration.constraints.models import Constraint, Decision
from calibration.formats import moment_text
from calibration.models import Change
from calibration.timeline.models import Initiative, LeadingIndicator, SlipEvent

DATE_FIELDS = {
    "best_date": "best case",
    "expected_date": "expected case",
    "worst_date": "worst case",
    "commitment_date": "external commitment",
}
SEND_HOUR = datetime.time(9, 0)


@dataclass
class Event:
    kind: str
    event_id: str
    organization_id: int
    occurred_at: datetime.datetime
    summary: str  # one sentence a person reads in chat
    path: str = ""  # the page it concerns
    data: dict = field(default_factory=dict)


@dataclass
class Window:
    """Events that occurred in (since, now], for these organizations."""

    since: datetime.datetime
    now: datetime.datetime
    organization_ids: set


def site_url(path):
    return f"{settings.SITE_URL}{path}" if path else settings.SITE_URL


def _changes(window, model, actions=(Change.CHANGED,)):
    return (
        Change.objects.filter(
            organization__in=window.organization_ids,
            content_type=ContentType.objects.get_for_model(model),
            action__in=actions,
            at__gt=window.since,
            at__lte=window.now,
        )
        .select_related("by", "organization")
        .order_by("at", "pk")
    )


def _who(change):
    return str(change.by) if change.by else "Calibrate"


def _initiative_path(change, initiative_id):
    return reverse("timeline:initiative", args=[change.organization.slug, initiative_id])


# --- sources ----------------------------------------------------------------------------------


def indicators_resolved(window):
    """A leading indicator marked met or missed (by a person, the API or the checker)."""
    labels = {str(label): value for value, label in LeadingIndicator.Status.choices}
    changes = [
        c
        for c in _changes(window, LeadingIndicator, (Change.CREATED, Change.CHANGED))
        if labels.get(c.new.get("status")) in ("met", "missed")
    ]
    indicators = LeadingIndicator.objects.select_related("initiative").in_bulk(
        {c.object_id for c in changes}
    )
    for c in changes:
        status = labels[c.new["status"]]
        indicator = indicators.get(c.object_id)
        if indicator is None:  # deleted since: nothing to link to, nothing to tell
            continue
        yield Event(
            kind=f"indicator.{status}",
            event_id=f"indicator.{status}:indicator-{c.object_id}-v{c.version or c.pk}",
            organization_id=c.organization_id,
            occurred_at=c.at,
            summary=f"Leading indicator {status} — “{indicator.description}” "
            f"({indicator.initiative}), marked by {_who(c)}.",
            path=_initiative_path(c, indicator.initiative_id),
            data={
                "indicator": {"id": indicator.pk, "description": indicator.description},
                "initiative": {"id": indicator.initiative_id, "title": indicator.initiative.title},
                "status": status,
                "resolved_on": c.new.get(
                    "resolved_on", indicator.resolved_on and str(indicator.resolved_on)
                ),
                "evidence": c.new.get("evidence", indicator.evidence),
                "by": _who(c),
                "note": c.note,
            },
        )


def slip_plans_triggered(window):
    """A slip plan triggered: the slip and the actions it created."""
    events = (
        SlipEvent.objects.filter(
            organization__in=window.organization_ids,
            created_at__gt=window.since,
            created_at__lte=window.now,
        )
        .select_related("initiative", "organization")
        .prefetch_related("actions__owner")
    )
    for e in events:
        actions = [
            {
                "owner": str(a.owner) if a.owner else None,
                "tells": a.audience,
                "message": a.message,
                "due_on": a.due_on.isoformat(),
            }
            for a in e.actions.all()
        ]
        yield Event(
            kind="slip_plan.triggered",
            event_id=f"slip_plan.triggered:slipevent-{e.pk}",
            organization_id=e.organization_id,
            occurred_at=e.created_at,
            summary=f"Slip plan triggered for “{e.initiative}”: {e.cause}",
            path=reverse("timeline:initiative", args=[e.organization.slug, e.initiative_id]),
            data={
                "initiative": {"id": e.initiative_id, "title": e.initiative.title},
                "cause": e.cause,
                "detected_on": e.detected_on.isoformat(),
                "actions": actions,
            },
        )


def dates_changed(window):
    """The commitment or an estimate date set or moved (one event per save)."""
    for c in _changes(window, Initiative):
        moved = {name: label for name, label in DATE_FIELDS.items() if name in c.new}
        if not moved:
            continue
        lines = [
            f"{label}: {c.old.get(name) or 'none'} → {c.new.get(name) or 'none'}"
            for name, label in moved.items()
        ]
        yield Event(
            kind="dates.changed",
            event_id=f"dates.changed:initiative-{c.object_id}-v{c.version or c.pk}",
            organization_id=c.organization_id,
            occurred_at=c.at,
            summary=f"{_who(c)} moved dates of “{c.object_repr}”: {'; '.join(lines)}."
            + (f" Reason: {c.note}" if c.note else ""),
            path=_initiative_path(c, c.object_id),
            data={
                "initiative": {"id": c.object_id, "title": c.object_repr},
                "changes": {n: {"old": c.old.get(n), "new": c.new.get(n)} for n in moved},
                "reason": c.note,
                "by": _who(c),
            },
        )


def gaps_acknowledged(window):
    """The CEO or the CTO acknowledged the gap between the plan and the commitment."""
    for c in _changes(window, Initiative):
        roles = [r for r in ("ceo", "cto") if c.new.get(f"{r}_acknowledged_at")]
        for role in roles:
            yield Event(
                kind="gap.acknowledged",
                event_id=f"gap.acknowledged:initiative-{c.object_id}-v{c.version or c.pk}-{role}",
                organization_id=c.organization_id,
                occurred_at=c.at,
                summary=f"{_who(c)} ({role.upper()}) acknowledged the gap of “{c.object_repr}”.",
                path=_initiative_path(c, c.object_id),
                data={
                    "initiative": {"id": c.object_id, "title": c.object_repr},
                    "role": role,
                    "by": _who(c),
                },
            )


def sessions_due_tomorrow(window):
    """An alignment session tomorrow: told at 09:00 the day before, where the company is."""
    sheets = BetSheet.objects.filter(
        organization__in=window.organization_ids,
        status=BetSheet.OPEN,
        session_at__gt=window.since,
        session_at__lte=window.now + datetime.timedelta(days=2),
    ).select_related("organization")
    for sheet in sheets:
        tz = sheet.organization.tz
        day = sheet.session_at.astimezone(tz).date()
        told_at = datetime.datetime.combine(day - datetime.timedelta(days=1), SEND_HOUR, tzinfo=tz)
        if not (window.since < told_at <= window.now) or window.now >= sheet.session_at:
            continue
        yield Event(
            kind="session.due_tomorrow",
            event_id=f"session.due_tomorrow:betsheet-{sheet.pk}-{day.isoformat()}",
            organization_id=sheet.organization_id,
            occurred_at=told_at,
            summary=f"Alignment session for {sheet.label} tomorrow, "
            f"{moment_text(sheet.session_at, tz)}.",
            path=reverse("alignment:sheet", args=[sheet.organization.slug, sheet.pk]),
            data={
                "bet_sheet": {"id": sheet.pk, "quarter": sheet.label},
                "session_at": sheet.session_at.isoformat(),
                "open_items": sheet.open_item_count(),
            },
        )


def bet_sheets_closed(window):
    """A quarter's bet sheet closed, with the calls made on it."""
    closed = dict(BetSheet.STATUSES)[BetSheet.CLOSED]
    changes = [c for c in _changes(window, BetSheet) if c.new.get("status") == closed]
    sheets = BetSheet.objects.prefetch_related("calls__bet", "calls__made_by").in_bulk(
        {c.object_id for c in changes}
    )
    for c in changes:
        sheet = sheets.get(c.object_id)
        if sheet is None:
            continue
        calls = [
            {
                "bet": call.bet.title,
                "side": call.bet.side,
                "call": call.get_kind_display(),
                "reason": call.reason,
                "by": str(call.made_by) if call.made_by else None,
            }
            for call in sorted(sheet.calls.all(), key=lambda call: call.pk)
        ]
        yield Event(
            kind="bet_sheet.closed",
            event_id=f"bet_sheet.closed:betsheet-{c.object_id}-v{c.version or c.pk}",
            organization_id=c.organization_id,
            occurred_at=c.at,
            summary=f"{_who(c)} closed the bet sheet of {sheet.label} with {len(calls)} "
            f"call{'' if len(calls) == 1 else 's'}: "
            + ("; ".join(f"{x['bet']} — {x['call']}" for x in calls) or "none"),
            path=reverse("alignment:sheet", args=[c.organization.slug, c.object_id]),
            data={"bet_sheet": {"id": c.object_id, "quarter": sheet.label}, "calls": calls},
        )


def decisions_recorded(window):
    """A constraint's decision made or changed."""
    undecided = str(Decision.UNDECIDED.label)
    for c in _changes(window, Constraint):
        decision = c.new.get("decision")
        if "decision" not in c.new or decision in (None, "", undecided):
            continue
        yield Event(
            kind="decision.recorded",
            event_id=f"decision.recorded:constraint-{c.object_id}-v{c.version or c.pk}",
            organization_id=c.organization_id,
            occurred_at=c.at,
            summary=f"{_who(c)} recorded a decision on “{c.object_repr}”: {decision}"
            + (f" — {c.new['chosen_path']}" if c.new.get("chosen_path") else "")
            + (f". {c.new['decision_reason']}" if c.new.get("decision_reason") else "."),
            path=reverse("constraints:detail", args=[c.organization.slug, c.object_id]),
            data={
                "constraint": {"id": c.object_id, "capability": c.object_repr},
                "decision": decision,
                "chosen_path": c.new.get("chosen_path"),
                "reason": c.new.get("decision_reason", ""),
                "revisit_on": c.new.get("revisit_on"),
                "by": _who(c),
            },
        )


# The one table: each kind of event and the source that finds it. Kinds are stable strings
# receivers switch on; never rename one.
KINDS = {
    "slip_plan.triggered": ("A slip plan triggered", slip_plans_triggered),
    "indicator.missed": ("A leading indicator was missed", indicators_resolved),
    "indicator.met": ("A leading indicator was met", indicators_resolved),
    "dates.changed": ("The commitment or an estimate date changed", dates_changed),
    "gap.acknowledged": ("A leader acknowledged the gap", gaps_acknowledged),
    "session.due_tomorrow": ("An alignment session is due tomorrow", sessions_due_tomorrow),
    "bet_sheet.closed": ("A bet sheet was closed, with its calls", bet_sheets_closed),
    "decision.recorded": ("A constraint's decision was recorded", decisions_recorded),
    "test": ("A test event (the “send a test event” button)", None),
}
SOURCES = list(dict.fromkeys(source for _label, source in KINDS.values() if source))


def collect(window):
    if not window.organization_ids:
        return
    for source in SOURCES:
        yield from source(window)
