"""Each member's private iCalendar (RFC 5545) feed: the organization's dated events.

Event providers register with @events and yield Event rows for one organization; UIDs are
stable (<kind>-<pk>@calibrate) and SEQUENCE follows the record's version, so calendar apps
update an event in place rather than duplicate it.
"""

import hashlib
import inspect
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent

from calibration.models import PlanningCycle

EVENT_SOURCES = []


@dataclass
class Event:
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


def events(function):
    EVENT_SOURCES.append(function)
    return function


def uid(kind, pk):
    return f"{kind}-{pk}@calibrate"


@events
def planning_cycles(org):
    for cycle in PlanningCycle.objects.for_org(org):
        yield Event(
            uid=uid("planningcycle", cycle.pk),
            summary=f"Planning cycle: {cycle.name} — review open constraints",
            start=cycle.starts_on,
            end=cycle.ends_on,
            description=cycle.notes,
            path=reverse("planning_cycle", args=[org.slug, cycle.pk]),
            sequence=cycle.version,
            modified=cycle.updated_at,
        )


def organization_events(org, since=None):
    """Every dated event of `org`, or only those from `since` on. Providers that take a
    `since` keyword filter in the database (a big organization has thousands of past
    checkpoints the reminders page does not show)."""
    from . import sources  # noqa: F401 — the conversation sources register events too

    found = []
    for provider in EVENT_SOURCES:
        takes_since = "since" in inspect.signature(provider).parameters
        found += provider(org, since=since) if takes_since else provider(org)
    if since is not None:
        found = [e for e in found if (e.end or e.start) >= since]
    return sorted(found, key=lambda e: (e.start, e.summary))


def build_feed(org):
    """The feed's bytes. Serialising with icalendar costs ~1 ms an event (seconds for a big
    organization), so the bytes are cached under a digest of the events themselves: any
    change to what the feed says is a new key, never a stale feed."""
    items = organization_events(org)
    digest = hashlib.sha256(
        repr((org.name, org.time_zone, settings.SITE_URL, items)).encode()
    ).hexdigest()
    key = f"reminders:feed:{org.pk}:{digest}"
    feed = cache.get(key)
    if feed is None:
        feed = serialize_feed(org, items)
        cache.set(key, feed, 24 * 60 * 60)
    return feed


def serialize_feed(org, items):
    calendar = Calendar()
    calendar.add("prodid", "-//Calibrate//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Calibrate · {org.name}")
    calendar.add("x-wr-timezone", org.time_zone)
    stamp = timezone.now()
    for item in items:
        event = ICalEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        if item.starts_at:
            event.add("dtstart", item.starts_at)
            event.add("dtend", item.ends_at or item.starts_at + timedelta(hours=1))
        else:
            event.add("dtstart", item.start)
            event.add("dtend", (item.end or item.start) + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("transp", "TRANSPARENT")
        if item.modified:
            event.add("last-modified", item.modified)
        if item.path:
            event.add("url", settings.SITE_URL + item.path)
        description = "\n\n".join(
            part for part in (item.description, settings.SITE_URL + item.path) if part
        )
        if description:
            event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
