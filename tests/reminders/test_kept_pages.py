"""Reminders change pages from the worker, outside any request: a kept page
(calibration/pagecache.py) must still show them at the next read."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.test_page_cache import get, reader

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_reminder_the_worker_sends_shows_on_the_home_page_at_the_next_read(
    org, ceo, cycle, leaders, run
):
    browser = reader(ceo)
    home = reverse("home", args=[org.slug])
    assert "No reminder sent yet" in get(browser, home)
    sent = run(NINE)
    assert sent
    page = get(browser, home)
    assert "No reminder sent yet" not in page
    assert sent[0].subject in page
