"""The pages that read a company's records in bulk name the company in every query that
touches a shared table, so PostgreSQL reads that company's rows by index instead of
scanning every company's (the reminders page, the calendar feed; the drift view in
tests/alignment/test_drift_scoping.py), and the calendar feed is kept compressed."""

import zlib

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from calibration.pagecache import data_version
from calibration.reminders.calendar import compressed_feed
from calibration.reminders.models import CalendarFeed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]


def unscoped(queries, table):
    """The queries that filter rows of `table` without saying which organization's."""
    found = []
    for query in queries:
        _, _, where = query["sql"].partition(" WHERE ")
        if f'"{table}".' in where and f'"{table}"."organization_id" =' not in where:
            found.append(query["sql"])
    return found


def test_the_reminders_page_reads_only_its_companys_initiatives(ceo_client):
    with CaptureQueriesContext(connection) as ctx:
        assert ceo_client.get("/o/acme/reminders/").status_code == 200
    assert unscoped(ctx.captured_queries, "timeline_initiative") == []


def test_the_calendar_feed_reads_only_its_companys_initiatives(org, ceo):
    feed = CalendarFeed.objects.create(organization=org, user=ceo)
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(f"/calendar/{feed.token}.ics").status_code == 200
    assert unscoped(ctx.captured_queries, "timeline_initiative") == []


def test_the_calendar_feed_is_kept_compressed(org, ceo, settings):
    settings.PAGE_CACHE_SECONDS = 300
    # A cache of its own: the embedded default (files) culls a third of its entries at random
    # once the whole run has filled it, which could drop the entry this test reads back.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    feed = CalendarFeed.objects.create(organization=org, user=ceo)
    body = Client().get(f"/calendar/{feed.token}.ics").content
    kept = cache.get(f"bytes:{org.pk}:{data_version(org.pk)}:{org.today()}:calendar.ics")
    assert zlib.decompress(kept) == body
    assert zlib.decompress(compressed_feed(org)) == body
