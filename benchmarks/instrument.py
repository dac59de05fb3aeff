"""Instrumentation for the benchmarks (benchmarks/pages.py, benchmarks/load.py).

Used only by servers started with DJANGO_SETTINGS_MODULE=benchmarks.settings: those settings
put `QueryCountMiddleware` first in MIDDLEWARE and their URLconf (benchmarks/urls.py) adds
the `floor` view. The product's settings and URLconf never import this module.
"""

import os
import time

from django.db import connection
from django.http import HttpResponse
from django.urls import reverse

from accounts.models import Organization
from calibration.alignment.models import BetSheet
from calibration.board import urls as board_urls
from calibration.constraints.models import Constraint
from calibration.reminders.models import CalendarFeed
from calibration.timeline.models import Initiative


class QueryCountMiddleware:
    """Counts the database queries of each request (all middleware included) and reports them,
    with the server-side time and the worker process, in the X-Queries, X-Server-Ms and
    X-Worker response headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count[0])
        response["X-Worker"] = str(os.getpid())
        response["X-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return response


def floor(request, org, size=0):
    """The floor a page is compared with: authenticated, through the same middleware (the
    organization resolved), returning a fixed page of `?size=` bytes and doing nothing else."""
    try:
        size = max(0, min(int(request.GET.get("size", "1000")), 10_000_000))
    except ValueError:
        size = 1000
    head = b"<!doctype html><title>floor</title><p>"
    body = head + b"x" * max(0, size - len(head))
    return HttpResponse(body, content_type="text/html; charset=utf-8")


# --- the main pages and fragments, for benchmarks/pages.py and tests/test_query_counts.py


def board_paths(slug):
    """The board-prep view's pages: its first two routes that take no argument but the
    organization."""
    found = []
    for pattern in board_urls.urlpatterns:
        if pattern.name and not pattern.pattern.converters:
            found.append((f"board: {pattern.name}", reverse(f"board:{pattern.name}", args=[slug])))
    return found[:2]


def main_pages(slug):
    """[(name, path, headers)] — every main page and fragment of organization `slug`."""
    org = Organization.objects.get(slug=slug)
    base = f"/o/{slug}/"
    initiative = (
        Initiative.objects.for_org(org).filter(status="active").order_by("-expected_date").first()
    )
    sheet = BetSheet.current_for(org) or BetSheet.latest_for(org)
    constraint = Constraint.objects.for_org(org).order_by("pk").first()
    feed = CalendarFeed.objects.filter(organization=org).first()
    htmx = {"HX-Request": "true"}
    pages = [
        ("home", base, {}),
        ("initiatives list", f"{base}timeline/", {}),
        ("initiative page", f"{base}timeline/{initiative.pk}/", {}),
        ("initiative section (htmx)", f"{base}timeline/{initiative.pk}/timelines/", htmx),
        ("calibration", f"{base}timeline/calibration/", {}),
    ]
    board = board_paths(slug)
    pages += [(name, path, {}) for name, path in board]
    pages += [
        ("bet sheet", f"{base}alignment/{sheet.pk}/", {}),
        ("bet sheet poll (htmx)", f"{base}alignment/{sheet.pk}/board/?rev=0", htmx),
        ("drift view", f"{base}alignment/drift/", {}),
        ("constraints list", f"{base}constraints/", {}),
        ("constraint page", f"{base}constraints/{constraint.pk}/", {}),
        ("history", f"{base}history/", {}),
        ("reminders", f"{base}reminders/", {}),
    ]
    if feed:
        pages.append(("calendar feed", f"/calendar/{feed.token}.ics", {}))
    return pages, bool(board)
