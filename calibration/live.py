"""Live pages: what the other leader saves shows within seconds, and so does who is editing
what — without a reload, and without disturbing a form someone is typing in.

Transport: a poll every 2 seconds (`check`), chosen on the numbers (see the README's
Performance section): a page at rest asks "has anything in the organization changed since
data version V?" and gets 204 from one cache read, after the same session and membership
lookups every page makes. A server-sent-events connection would hold a gunicorn worker per
open page instead.

When the data version moved, the answer carries the `calibrate:changed` event; the page
then fetches itself again (`?live=1`) and swaps in its main region. Before it does,
static/js/live.js names every spot holding a form that is open or typed in (`keep`), with the
version of the record it edits; `keep_what_is_typed` marks those spots `hx-preserve` in the
fresh page, so htmx leaves them exactly as they are, and puts a notice above each one whose
record changed underneath. Saving it then merges (SharedRecord.save_shared).

Presence: the poll also names the spots with an open form (and a label: "the timelines");
each member's is kept a few seconds in the cache, so the others on the same page see
"Tom is editing the timelines" until his polls stop naming it.
"""

import hashlib
import re
from functools import wraps
from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape

from .pagecache import data_version

PRESENCE_SECONDS = 5  # two polls and a little: gone soon after the form closes
CHANGED_NOTICE = (
    "This changed while you were editing it. What you typed is kept; saving merges it with "
    "what was saved."
)
REMOVED_NOTICE = (
    "Something you were editing was removed meanwhile (see the history). What you typed is "
    "kept here so you can copy it."
)


def live_page(view=None, *, refresh=True):
    """Mark a page live: it polls for changes and presence, and (with `refresh`) its main
    region updates itself when something changed. The bet sheet keeps its own board poll."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.live = {"refresh": refresh}
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate


def is_refresh(request):
    """The page fetching itself again after a change (it answers whole, never a fragment)."""
    return request.GET.get("live") == "1"


def live_context(request):
    """For base.html: where a live page polls and refreshes itself from."""
    live = getattr(request, "live", None)
    if not live or request.method != "GET" or getattr(request, "org", None) is None:
        return {}
    query = request.GET.copy()
    for name in ("live", "keep"):
        query.pop(name, None)
    query["live"] = "1"
    return {
        "live": {
            "refresh": live["refresh"],
            "refresh_url": f"{request.path}?{query.urlencode()}",
            "version": data_version(request.org.pk),
            "page": request.path,
        }
    }


# --- the poll ---------------------------------------------------------------------------


def check(request, org):
    """204 while nothing changed and who else is editing here is the same; otherwise the
    poller again (with who is editing) and, when data changed, the `calibrate:changed` event."""
    page = request.GET.get("page", "")[:300]
    others = present(org, request.user, page, _editing(request))
    seen = _digest(others)
    current = str(data_version(org.pk))
    version = request.GET.get("v") or current  # no version: a first look, nothing missed
    changed = version != current
    if seen == request.GET.get("p", "") and "v" in request.GET:
        response = HttpResponse(status=204)
    else:
        live = {"version": version, "page": page, "others": others, "digest": seen}
        context = {"org": org, "live": live}
        response = HttpResponse(render_to_string("includes/live.html", context, request))
    if changed:
        response["HX-Trigger"] = "calibrate:changed"
    return response


def _editing(request):
    ids = request.GET.getlist("editing")[:10]
    labels = request.GET.getlist("label")[:10]
    return [(spot[:80], (labels[n] if n < len(labels) else "")[:80]) for n, spot in enumerate(ids)]


def present(org, user, page, editing):
    """Record where `user` is editing (spots on `page`); return the others editing on the
    same page: [(name, [labels])]. Each member's presence is a cache entry of its own (two
    leaders polling at once never overwrite each other), found through the organization's
    members, kept per data version (joining or leaving moves it)."""
    labels = sorted({label or "this page" for _, label in editing})
    mine = f"presence:{org.pk}:{user.pk}"
    if labels:
        cache.set(mine, {"name": str(user), "page": page, "labels": labels}, PRESENCE_SECONDS)
    else:
        cache.delete(mine)
    others = [f"presence:{org.pk}:{pk}" for pk in members(org) if pk != user.pk]
    return sorted(
        (entry["name"], entry["labels"])
        for entry in cache.get_many(others).values()
        if entry["page"] == page
    )


def members(org):
    key = f"members:{org.pk}:{data_version(org.pk)}"
    ids = cache.get(key)
    if ids is None:
        ids = list(org.memberships.values_list("user_id", flat=True))
        cache.set(key, ids, 3600)
    return ids


def _digest(others):
    return hashlib.sha256(repr(others).encode()).hexdigest()[:16] if others else ""


# --- keeping what is typed across a refresh -----------------------------------------------


class LiveMiddleware:
    """On a live refresh, the spots the person has a form in are kept as they are. After a
    person's own save made with htmx, their page's poller moves to the new version: the part
    they saved was just redrawn, and their own save is no reason to refresh the page under
    their hands."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or "text/html" not in response.get("Content-Type", "")
        ):
            return response
        if is_refresh(request):
            keep = [item.partition(":")[::2] for item in request.GET.getlist("keep")[:20]]
            response.content = keep_what_is_typed(response.content.decode(), keep).encode()
        elif request.method == "POST" and _own_save_on_a_live_page(request):
            page = urlsplit(request.headers["HX-Current-URL"]).path
            live = {"version": data_version(request.org.pk), "page": page, "others": []}
            poller = render_to_string("includes/live.html", {"org": request.org, "live": live})
            response.content += poller.replace(
                'id="live"', 'id="live" hx-swap-oob="true"', 1
            ).encode()
        return response


def _own_save_on_a_live_page(request):
    return bool(
        getattr(request, "htmx", None)
        and getattr(request, "org", None) is not None
        and request.headers.get("HX-Current-URL")
    )


def keep_what_is_typed(html, keep):
    """`keep`: [(element id, version typed from or "")]. Each element with that id gets
    hx-preserve (htmx puts the open one back in its place); above one whose record's
    data-version moved, a notice; one no longer on the page is kept in a box at the top."""
    removed = []
    for spot, typed_from in keep:
        pattern = re.compile(r'<(\w+)([^>]*?\sid="' + re.escape(spot) + r'"[^>]*)>')
        found = pattern.search(html)
        if not found:
            removed.append(spot)
            continue
        tag, attributes = found.groups()
        now = re.search(r'data-version="(\d+)"', attributes)
        notice = ""
        if now and typed_from and now.group(1) != typed_from:
            notice = f'<p class="live-notice" role="status">{CHANGED_NOTICE}</p>'
        html = (
            html[: found.start()]
            + notice
            + f"<{tag}{attributes} hx-preserve>"
            + html[found.end() :]
        )
    if removed:
        kept = "".join(f'<div id="{escape(spot)}" hx-preserve></div>' for spot in removed)
        box = f'<div class="live-removed" role="status"><p class="live-notice">{REMOVED_NOTICE}</p>{kept}</div>'
        html = re.sub(r'(<main[^>]*\sid="main"[^>]*>)', lambda m: m.group(1) + box, html, count=1)
    return html
