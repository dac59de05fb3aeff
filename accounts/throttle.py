"""A small fixed-window counter in the cache (Redis in production), for limits that
django-axes does not cover, such as password-reset requests."""

import hashlib

from django.core.cache import cache


def over_limit(scope, key, limit, window_seconds):
    """Count one more attempt for (scope, key); True once more than `limit` were made in the window."""
    digest = hashlib.sha256(f"{scope}:{key}".lower().encode()).hexdigest()[:32]
    cache_key = f"throttle:{scope}:{digest}"
    cache.add(cache_key, 0, window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window_seconds)
        count = 1
    return count > limit
