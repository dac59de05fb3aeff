"""What a conversation owes the leaders over time, in plain data.

Each conversation app says, in its own `cadence.py`, which reminders are due (`Due`, from a
source that reads a `Window`), what each reminder's mail says (`Message`, or `NoLongerDue`
when it was settled meanwhile), which dated `Event`s go in the calendar feed, and the
`Health` line its home section shows. The reminders engine (calibration/reminders/) turns
these into rows, mail and feeds; nothing here sends or stores anything.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from calibration.dates import add_days
from calibration.formats import date_text

LEADERS = ("ceo", "cto")
SEND_HOUR = time(9, 0)  # reminders owed on a day go at 09:00 where the organization is
WEEK = timedelta(days=7)
DEFAULT_LEAD_DAYS = (7, 1)


@dataclass
class Due:
    """A reminder of `kind` about `obj`, due at 09:00 local on `day` — or at the instant `at`
    for one owed on an event (a mention, a slip plan that triggered) — for members with one
    of `roles` and/or the users with ids in `users`, except those in `skip_users`. When
    everything was down then, it still goes later (within the grace period) unless the
    organization's today is past `last_day` — e.g. "checkpoint coming" makes no sense once
    the checkpoint's day came."""

    kind: str
    obj: object
    occurrence: str
    day: date
    roles: tuple = LEADERS
    users: tuple = ()
    last_day: date | None = None
    at: datetime | None = None
    skip_users: tuple = ()


@dataclass
class Window:
    """The instants a dispatch covers: reminders due in (since, now]. `lead_days` holds each
    organization's checkpoint lead days (Reminders → settings) that differ from the default.
    `zones` are the time zones of the organizations: a reminder owed on a day is due at
    09:00 there, so `days_by_zone()` says which days a source must look at — usually none,
    since a dispatch covers a few minutes."""

    now: datetime
    since: datetime
    lead_days_by_org: dict = field(default_factory=dict, repr=False)
    zones: tuple = ()

    def days_by_zone(self):
        """{time zone: [local days whose 09:00 falls in (since, now]]}, only the zones with
        such a day."""
        found = {}
        for zone in self.zones:
            tz = ZoneInfo(zone)
            day = self.first_day
            while day <= self.last_day:
                if self.since < datetime.combine(day, SEND_HOUR, tzinfo=tz) <= self.now:
                    found.setdefault(zone, []).append(day)
                day += timedelta(days=1)
        return found

    @property
    def first_day(self):
        return self.since.date() - timedelta(days=1)

    @property
    def last_day(self):
        return self.now.date() + timedelta(days=1)

    @property
    def day_range(self):
        """Every local day whose 09:00 can fall in the window, in any time zone."""
        return (self.first_day, self.last_day)

    def lead_days(self, organization_id):
        return self.lead_days_by_org.get(organization_id, list(DEFAULT_LEAD_DAYS))

    def all_lead_days(self):
        values = {d for days in self.lead_days_by_org.values() for d in days}
        return sorted(values | set(DEFAULT_LEAD_DAYS))


@dataclass
class Message:
    """What a reminder mail says; the engine adds the greeting, links and unsubscribe."""

    subject: str
    intro: str
    url: str  # path of the page it concerns
    link_text: str
    items: list = field(default_factory=list)  # lines shown as a list (e.g. the agenda)
    items_title: str = ""


class NoLongerDue(Exception):
    """Raised by a describer when what the reminder was about was settled meanwhile (e.g. the
    checkpoint was marked); the reminder is cancelled instead of sent."""


@dataclass
class Event:
    """One dated entry of the calendar feed; `uid` is stable and `sequence` follows the
    record's version, so calendar apps update an event rather than duplicate it."""

    uid: str
    summary: str
    start: date
    end: date | None = None  # inclusive last day; None = a one-day event
    description: str = ""
    path: str = ""
    sequence: int = 0
    modified: datetime | None = None
    starts_at: datetime | None = None  # a timed event (e.g. a session) instead of all-day
    ends_at: datetime | None = None


def uid(kind, pk):
    return f"{kind}-{pk}@calibrate"


@dataclass
class Health:
    """A conversation's line on the home page: when it was last held or reviewed, and what
    is overdue ((text, path) pairs)."""

    conversation: str
    last: str
    overdue: list = field(default_factory=list)
    path: str = ""
    order: int = 0


def weekly_after(start, window, first_offset=WEEK):
    """(k, day) for the repetitions start + first_offset + (k-1) weeks that fall in the
    window's days: at most weekly, and only the current one."""
    first, last = window.day_range
    day = add_days(start, first_offset.days)  # held inside the calendar, whatever is stored
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


def weekly_from_next_day(date_field, days):
    """Q: rows whose weekly repetition — the day after `date_field`, then every 7 days — may
    fall on one of `days`: an earlier date on the right weekday (an index on the weekday
    serves it, however long the history; weekly_after() then says which repetition)."""
    weekdays = sorted({(day - timedelta(days=1)).isoweekday() for day in days})
    return Q(**{f"{date_field}__lt": max(days), f"{date_field}__iso_week_day__in": weekdays})


def in_zones(days_by_zone, condition, zone_field="organization__time_zone"):
    """Q: `condition(days)` for each zone's days, for the rows of organizations in that zone."""
    wanted = Q(pk__in=[])
    for zone, days in days_by_zone.items():
        wanted |= Q(**{zone_field: zone}) & condition(days)
    return wanted


def counted(n, one, many=None):
    """3, "item" → "3 items"; 1, "call" → "1 call"; the plural given where it is not "+s"."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def long_date(day):
    """ "2 Mar 2026": a mail writes a day as every page does (calibration.formats)."""
    return date_text(day)


# The reminders engine's periodic task, named rather than imported: the conversations say
# what is owed; the engine (which imports them) finds it.
DISPATCH_TASK = "calibration.reminders.tasks.dispatch_reminders"


def dispatch_soon():
    """Something owed at once was just recorded (a mention, a slip plan that triggered):
    once the transaction commits, ask a worker to dispatch now rather than at beat's next
    tick. The dispatch finds it through the sources like anything else, so it still goes
    exactly once, to members who want it."""
    transaction.on_commit(_queue_dispatch)


def _queue_dispatch():
    queue = getattr(settings, "REMINDER_QUEUE", None)
    current_app.send_task(DISPATCH_TASK, expires=240, **({"queue": queue} if queue else {}))
