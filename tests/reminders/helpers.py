"""Shared helpers for the rule tests: dispatch at a frozen instant, delivering in-process."""

from datetime import UTC, datetime


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def london_nine(day):
    """09:00 in Europe/London on `day` (acme's time zone), as an aware datetime."""
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def to(mails):
    return sorted(m.to[0] for m in mails)


def subjects(mails):
    return sorted({m.subject for m in mails})
