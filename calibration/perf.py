"""Opt-in instrumentation for the benchmarks (benchmarks/pages.py, benchmarks/load.py).

Active only when the environment sets CALIBRATE_BENCHMARK=1: settings then put
`QueryCountMiddleware` first in MIDDLEWARE and the URLconf adds the `floor` view. Without
that variable nothing here is imported or routed, so production is unaffected.
"""

import time

from django.db import connection
from django.http import HttpResponse


class QueryCountMiddleware:
    """Counts the database queries of each request (all middleware included) and reports them,
    with the server-side time, in the X-Queries and X-Server-Ms response headers."""

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
