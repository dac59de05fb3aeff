"""A small fixed-window counter in the cache (Redis in production), for limits that
django-axes does not cover, such as password-reset requests."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The visitor's address. Behind a reverse proxy, CLIENT_IP_HEADER names the header it sets
    (e.g. HTTP_X_FORWARDED_FOR); the last entry is the one our proxy added, which a client
    cannot forge. Used by django-axes (AXES_CLIENT_IP_CALLABLE) and by our own limits."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _cache_key(scope, key):
    digest = hashlib.sha256(f"{scope}:{key}".lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def attempts(scope, key):
    """How many attempts were counted for (scope, key) in the current window."""
    return cache.get(_cache_key(scope, key), 0)


def over_limit(scope, key, limit, window_seconds):
    """Count one more attempt for (scope, key); True once more than `limit` were made in the window."""
    cache_key = _cache_key(scope, key)
    cache.add(cache_key, 0, window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window_seconds)
        count = 1
    return count > limit
