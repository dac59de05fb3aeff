"""Pages kept until something in their organization changes.

Reading a page costs far more than serving it: a large company's initiatives list or board
renders hundreds of rows. Yet between two edits every reader of that page is shown the same
bytes. So each organization has a *data version*, moved forward by every write to anything it
owns, and a rendered page is kept under a key naming that version, the reader, the URL and
the organization's date. A write never has to find and delete pages: it moves the version,
and the pages kept under the old one are simply never asked for again (they expire).

Safety rests on two rules:

* Every write moves the version. Saves and deletes of any model with an `organization`
  (and of organizations, memberships, users) do it through signals; the few queryset
  `.update()` calls that change what a page shows call `touch_organization` themselves.
* The version moves twice: at once, and again when the transaction commits. The first stops
  serving pages that are about to be wrong; the second discards any page rendered from the
  old rows in between (a reader who read the new version before the commit).

A kept page is a convenience, never the record: every save still goes through the
compare-and-set of `SharedRecord`, so a page shown a moment stale can only lead to a
refused, explained save, never to a lost one. The TTL bounds what no write announces
(time passing: "last fetched 3 minutes ago").
"""

import hashlib
import time
import zlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

from accounts.models import Membership, Organization, User

SKIPPED_HEADERS = {"set-cookie", "content-length"}


def _version_key(org_id):
    return f"orgdata:{org_id}"


def data_version(org_id):
    """The organization's current data version (a number that only grows)."""
    key = _version_key(org_id)
    version = cache.get(key)
    if version is None:
        # Never seen or evicted: start from the clock, above any number used before.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def _bump(org_id):
    key = _version_key(org_id)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: starting afresh is a move forward
        cache.add(key, time.time_ns(), timeout=None)


def touch_organization(org_id):
    """Something the organization owns changed: pages kept for it are out of date."""
    if org_id is None:
        return
    _bump(org_id)
    transaction.on_commit(lambda: _bump(org_id))


def _organizations_of(instance):
    if isinstance(instance, Organization):
        return [instance.pk]
    if isinstance(instance, User):
        return list(instance.memberships.values_list("organization_id", flat=True))
    if isinstance(instance, Membership):  # every page's header lists the member's companies
        theirs = Membership.objects.filter(user_id=instance.user_id)
        return {instance.organization_id, *theirs.values_list("organization_id", flat=True)}
    org_id = getattr(instance, "organization_id", None)
    return [org_id] if org_id is not None else []


def _saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or update_fields == frozenset({"last_login"}):  # fixtures; a log-in shows nowhere
        return
    for org_id in _organizations_of(instance):
        touch_organization(org_id)


def _deleted(sender, instance, **kwargs):
    for org_id in _organizations_of(instance):
        touch_organization(org_id)


def connect_signals():
    post_save.connect(_saved, dispatch_uid="pagecache-saved")
    post_delete.connect(_deleted, dispatch_uid="pagecache-deleted")


# --- keeping pages -----------------------------------------------------------------------


def page_key(request, org):
    """Everything a kept page may depend on: who reads it (their role and CSRF secret
    included), where, which organization state and which day there, and the htmx headers
    the views answer to."""
    htmx = sorted((k, v) for k, v in request.headers.items() if k.lower().startswith("hx-"))
    parts = (
        org.pk,
        data_version(org.pk),
        org.today().isoformat(),
        request.user.pk,
        request.membership.role,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.get_full_path(),
        htmx,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and getattr(request, "membership", None) is not None
        # Without a CSRF cookie the page would mint one: that response sets a cookie.
        and settings.CSRF_COOKIE_NAME in request.COOKIES
        # A page showing a flash message shows it once.
        and len(messages.get_messages(request)) == 0
    )


def _keep(key, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = {k: v for k, v in response.items() if k.lower() not in SKIPPED_HEADERS}
    # Compressed: markup shrinks ~10×, and moving 1.5 MB (the board) out of Redis costs
    # more than inflating 150 KB.
    content = zlib.compress(response.content, 1)
    cache.set(key, (content, headers), settings.PAGE_CACHE_SECONDS)


def kept_until_changed(view):
    """Serve the page as it was last rendered for this reader, unless anything in the
    organization changed since (see the module docstring). Only GETs; writes pass through."""

    @wraps(view)
    def wrapper(request, org, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, org, *args, **kwargs)
        key = page_key(request, org)
        kept = cache.get(key)
        if kept is not None:
            content, headers = kept
            get_token(request)  # the kept page carries a token: keep the cookie fresh
            return HttpResponse(zlib.decompress(content), headers=headers)
        response = view(request, org, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.add_post_render_callback(lambda rendered: _keep(key, rendered))
        else:
            _keep(key, response)
        return response

    return wrapper


def kept_bytes(org, name, build):
    """`build()`'s bytes for the organization, kept until anything in it changes — for
    responses outside /o/, such as the calendar feed, which are the same for every reader."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return build()
    key = f"bytes:{org.pk}:{data_version(org.pk)}:{org.today().isoformat()}:{name}"
    return cache.get_or_set(key, build, settings.PAGE_CACHE_SECONDS)
