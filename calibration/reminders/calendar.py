"""Each member's private iCalendar (RFC 5545) feed: the organization's dated events.

The conversations say which events they have (their `cadence.py`), listed in CALENDAR;
UIDs are stable (<kind>-<pk>@calibrate) and SEQUENCE follows the record's version, so
calendar apps update an event in place rather than duplicate it.
"""

import hashlib
import zlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent

from calibration.alignment import cadence as alignment
from calibration.constraints import cadence as constraints
from calibration.dates import add_days, add_minutes
from calibration.timeline import cadence as timeline

# Each a function (org, since=None) → Events; one that can filters by `since` in the
# database (a big organization has thousands of past checkpoints the reminders page skips).
CALENDAR = [
    constraints.planning_cycle_events,
    constraints.revisit_events,
    timeline.checkpoint_events,
    timeline.slip_action_events,
    alignment.session_events,
]


# RFC 5545 integers are 32-bit: a version stored past that still makes a feed (a calendar app
# only compares sequences, and a record edited two billion times has stopped changing).
MOST_SEQUENCE = 2**31 - 1


def organization_events(org, since=None):
    """Every dated event of `org`, or only those from `since` on."""
    found = [event for provider in CALENDAR for event in provider(org, since=since)]
    if since is not None:
        found = [e for e in found if (e.end or e.start) >= since]
    return sorted(found, key=lambda e: (e.start, e.summary))


def compressed_feed(org):
    """The feed's bytes, zlib-compressed as they are kept. Serialising with icalendar costs
    ~1 ms an event (seconds for a big organization), so they are cached under a digest of
    the events themselves: any change to what the feed says is a new key, never a stale
    feed. Kept compressed, as pagecache keeps pages: a big company's feed is ~450 KB of
    text that compresses about tenfold."""
    items = organization_events(org)
    digest = hashlib.sha256(
        repr((org.name, org.time_zone, settings.SITE_URL, items)).encode()
    ).hexdigest()
    key = f"reminders:feed:{org.pk}:{digest}"
    kept = cache.get(key)
    if kept is None:
        kept = zlib.compress(serialize_feed(org, items), 1)
        cache.set(key, kept, 24 * 60 * 60)
    return kept


def build_feed(org):
    """The feed's bytes."""
    return zlib.decompress(compressed_feed(org))


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
        # The ends are held inside the calendar: an event stored on 9999-12-31 still ends.
        if item.starts_at:
            event.add("dtstart", item.starts_at)
            event.add("dtend", item.ends_at or add_minutes(item.starts_at, 60))
        else:
            event.add("dtstart", item.start)
            event.add("dtend", add_days(item.end or item.start, 1))
        event.add("summary", item.summary)
        event.add("sequence", min(item.sequence, MOST_SEQUENCE))
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
