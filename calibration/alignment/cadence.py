"""What the alignment conversation owes the leaders over time: reminders before and after
the quarterly session (sources and their mail), the sessions in the calendar feed, and the
alignment health line on the home page. The reminders engine reaches these through its
table of kinds (calibration/reminders/kinds.py)."""

from datetime import UTC, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from calibration.cadence import (
    Due,
    Event,
    Health,
    Message,
    NoLongerDue,
    counted,
    in_zones,
    long_date,
    uid,
    weekly_after,
    weekly_from_next_day,
)
from calibration.dates import add_days
from calibration.formats import date_text, moment_text
from calibration.quarters import Quarter

from .models import BetSheet, with_everything


def sheet_path(org_slug, sheet):
    return reverse("alignment:sheet", args=[org_slug, sheet.pk])


# --- no session scheduled ------------------------------------------------------------------


def unscheduled_sessions(window):
    """Two weeks before a quarter starts, if its sheet has no session scheduled."""
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    wanted = {}
    for org in Organization.objects.filter(time_zone__in=days_by_zone):
        for day in days_by_zone[org.time_zone]:
            quarter = Quarter.containing(day + timedelta(days=14), org.fiscal_year_start_month)
            if quarter.starts_on - timedelta(days=14) == day:
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


def describe_unscheduled(reminder, org):
    quarter = Quarter.containing(
        add_days(reminder.due_at.astimezone(org.tz).date(), 14), org.fiscal_year_start_month
    )
    sheet = BetSheet.for_quarter(org, quarter)
    if sheet and sheet.session_at:
        raise NoLongerDue("A session was scheduled meanwhile.")
    return Message(
        subject=f"No alignment session scheduled for {quarter.label} yet",
        intro=(
            f"{quarter.label} starts on {long_date(quarter.starts_on)} and no quarterly "
            "alignment session is scheduled for it. Put the CEO's five bets beside the "
            "CTO's five and pick a time to go through where they diverge."
        ),
        url=sheet_path(org.slug, sheet) if sheet else reverse("alignment:index", args=[org.slug]),
        link_text="Schedule the session",
    )


# --- the session coming ---------------------------------------------------------------------


def coming_sessions(window):
    """A week and a day before a scheduled session."""
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    first, last = window.day_range

    def owed(days):
        # Reminders fall 7 and 1 days before the session's local day: sessions from the
        # day after the first to a week after the last, widened by a day for time zones.
        return Q(
            session_at__gte=datetime.combine(min(days), time(0), tzinfo=UTC),
            session_at__lt=datetime.combine(max(days) + timedelta(days=9), time(0), tzinfo=UTC),
        )

    sheets = BetSheet.objects.filter(
        in_zones(days_by_zone, owed), session_at__isnull=False, held_on__isnull=True
    ).select_related("organization")
    for sheet in sheets:
        on = sheet.session_at.astimezone(sheet.organization.tz).date()
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


def describe_coming(reminder, sheet):
    if sheet.held_on or not sheet.session_at:
        raise NoLongerDue("The session was held or unscheduled meanwhile.")
    org = reminder.organization
    at = sheet.session_at.astimezone(org.tz)
    agenda = sheet.divergence_agenda()
    items = [
        f"{item.kind_label}: {item.bet.title} ({item.minutes} min)"
        + ("" if item.is_open else f" — decided: {item.call.short_label}")
        for item in agenda
    ]
    return Message(
        subject=f"Alignment session {sheet.label} on {moment_text(at, org.tz)}",
        intro=(
            f"Your quarterly alignment session for {sheet.label} is on "
            f"{moment_text(at, org.tz)} ({org.time_zone}), {sheet.session_minutes} minutes. "
            + (
                f"The divergence agenda has {counted(len(agenda), 'item')} as of today."
                if agenda
                else "Every bet is linked today: no divergence on the agenda."
            )
        ),
        url=sheet_path(org.slug, sheet),
        link_text="Open the bet sheet",
        items=items,
        items_title="Divergence agenda" if items else "",
    )


# --- calls still undecided after the session --------------------------------------------------


def undecided_calls(window):
    """Weekly after a held session while any agenda item has no call."""
    days_by_zone = window.days_by_zone()
    if not days_by_zone:
        return
    owed = in_zones(days_by_zone, lambda days: weekly_from_next_day("held_on", days))
    sheets = with_everything(BetSheet.objects.filter(owed, status=BetSheet.OPEN))
    for sheet in sheets:
        repetitions = list(weekly_after(sheet.held_on, window, timedelta(days=1)))
        if repetitions and sheet.open_items():
            for k, day in repetitions:
                yield Due(
                    "alignment_undecided",
                    sheet,
                    f"undecided-{sheet.held_on}-w{k}",
                    day,
                    last_day=day + timedelta(days=6),
                )


def describe_undecided(reminder, sheet):
    open_items = sheet.open_items()
    if not open_items or sheet.is_closed:
        raise NoLongerDue("Every call was made meanwhile.")
    org = reminder.organization
    return Message(
        subject=f"{counted(len(open_items), 'undecided call')} from the {sheet.label} session",
        intro=(
            f"The {sheet.label} alignment session was held on {long_date(sheet.held_on)}, "
            f"and {counted(len(open_items), 'divergence item')} "
            f"{'still has' if len(open_items) == 1 else 'still have'} no explicit call: "
            "continue, redirect or stop. (Weekly until every call is made.)"
        ),
        url=sheet_path(org.slug, sheet),
        link_text="Make the calls",
        items=[f"{i.bet.title} — {i.question}" for i in open_items],
        items_title="Still open",
    )


# --- the calendar feed and the home page ------------------------------------------------------


def session_events(org, since=None):
    sheets = BetSheet.objects.for_org(org).filter(session_at__isnull=False)
    for sheet in sheets:
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


def health(org, quarter, sheet, last_held, undecided):
    """From the sheets the home section read: this quarter's, and the last one held with its
    count of agenda items still without a call (`undecided`, counted in SQL by the home)."""
    last = (
        f"last session held {date_text(last_held.held_on)} ({last_held.label})"
        if last_held
        else "no alignment session held yet"
    )
    overdue = []
    if last_held and last_held.is_open:
        if undecided:
            overdue.append(
                (
                    f"{counted(undecided, 'undecided call')} from the {last_held.label} session",
                    sheet_path(org.slug, last_held),
                )
            )
    if sheet is None or not sheet.held_on:
        scheduled = sheet and sheet.session_at and sheet.session_at >= timezone.now()
        if not scheduled:
            overdue.append(
                (
                    f"No alignment session this quarter ({quarter.label})",
                    sheet_path(org.slug, sheet) if sheet else "",
                )
            )
    return Health("Alignment", last, overdue, reverse("alignment:index", args=[org.slug]), order=2)


# --- samples (Reminders → "send me a sample of each") -------------------------------------


def sample_organization(org, user):
    return org


def sample_session(org, user):
    return BetSheet.objects.for_org(org).filter(session_at__isnull=False).last()


def sample_held_session(org, user):
    return with_everything(BetSheet.objects.for_org(org).filter(held_on__isnull=False)).last()
