"""A per-token rate limit: each token may make `per_minute` requests in a clock minute.

Counted in the shared cache (Redis in production), so every web process counts the same
requests. A fixed window is coarse — a client can make twice the limit across a minute's
edge — but it costs one INCR per request and is easy to explain in a 429's Retry-After.
"""

import time

from django.core.cache import cache
from ninja.errors import Throttled

WINDOW = 60


def check(token, now=None):
    """Count this request against `token`; raise Throttled (429) when it is over its limit."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts the window
        cache.set(key, 1, WINDOW + 5)
        count = 1
    if count > token.per_minute:
        raise Throttled(wait=int(WINDOW - now % WINDOW) + 1)
