"""Webhook delivery: find events, queue one delivery per endpoint, send each exactly once.

The discipline of the reminders engine (calibration/reminders/engine.py), for HTTP:

1. materialise(now): every event source (events.KINDS) yields what happened in the last
   WEBHOOK_GRACE_SECONDS; each event becomes a Delivery per active endpoint of its
   organization that existed when it happened, inserted with ON CONFLICT DO NOTHING on the
   UNIQUE (endpoint, event_id): any number of dispatches queue it once.
2. claim(now): a conditional UPDATE turns due rows (waiting, or claimed with an expired
   lease) into claimed ones with a fresh token; the send tasks are queued after commit.
3. deliver(pk, token): the task swaps the claim's token for its own (a second delivery of
   the same task message finds it gone and does nothing), POSTs, logs the attempt, and
   marks the row delivered only after a 2xx. Anything else is tried again with exponential
   backoff and jitter up to WEBHOOK_MAX_ATTEMPTS, then the row is failed (the endpoint's
   page shows it).

A worker killed mid-send loses nothing: the lease expires and the next dispatch claims the
row again. The one window for a repeat is a crash after the receiver answered 2xx and before
the row was marked: every request carries the event's id (X-Calibrate-Event-Id, and "id"
in the body) so a receiver drops the copy.
"""

import logging
import random
import time
import uuid
from datetime import timedelta

import httpx
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calibration.pagecache import touch_organization

from . import events, formats, vault
from .models import Delivery, DeliveryAttempt, WebhookEndpoint

log = logging.getLogger(__name__)

SEND_TASK = "calibration.integrations.tasks.send_webhook"


def conf(name, default):
    return getattr(settings, name, default)


def lease():
    return timedelta(seconds=conf("WEBHOOK_LEASE_SECONDS", 300))


def grace():
    return timedelta(seconds=conf("WEBHOOK_GRACE_SECONDS", 24 * 60 * 60))


def max_attempts():
    return conf("WEBHOOK_MAX_ATTEMPTS", 8)


def timeout():
    return conf("WEBHOOK_TIMEOUT_SECONDS", 10)


def backoff(attempts):
    """Seconds before attempt `attempts + 1`: exponential, capped, jittered on the top half."""
    base = conf("WEBHOOK_RETRY_BASE_SECONDS", 30)
    cap = conf("WEBHOOK_RETRY_CAP_SECONDS", 3600)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)


# --- 1. materialise ---------------------------------------------------------------------------


def delivery_for(event, endpoint):
    return Delivery(
        organization_id=event.organization_id,
        endpoint=endpoint,
        event_id=event.event_id[:120],
        kind=event.kind,
        summary=event.summary[:300],
        payload={"path": event.path, "data": event.data},
        occurred_at=event.occurred_at,
        due_at=event.occurred_at,
    )


def materialise(now=None):
    """Queue a Delivery for every event of the window and every endpoint. Idempotent."""
    now = now or timezone.now()
    endpoints = {}
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        endpoints.setdefault(endpoint.organization_id, []).append(endpoint)
    window = events.Window(since=now - grace(), now=now, organization_ids=set(endpoints))
    rows = [
        delivery_for(event, endpoint)
        for event in events.collect(window)
        for endpoint in endpoints[event.organization_id]
        if event.occurred_at >= endpoint.created_at  # no replay of what came before it
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


# --- 2. claim -----------------------------------------------------------------------------------


def claimable(now):
    return Delivery.objects.filter(due_at__lte=now).filter(
        Q(state=Delivery.PENDING) | Q(state=Delivery.CLAIMED, claimed_until__lt=now)
    )


def claim(now=None, limit=500, queue=None, only=None):
    """Claim up to `limit` due deliveries (or just the ids in `only`) and queue their sends
    after commit. The UPDATE repeats the condition, so of two dispatchers each sends only the
    rows that hold its own token."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    queue = queue or queue_sends
    with transaction.atomic():
        rows = claimable(now)
        if only is not None:
            rows = rows.filter(pk__in=only)
        ids = list(
            rows.order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        claimable(now).filter(pk__in=ids).update(
            state=Delivery.CLAIMED, claim_token=token, claimed_until=now + lease()
        )
        ids = list(Delivery.objects.filter(claim_token=token).values_list("pk", flat=True))
        claimed = [(pk, token) for pk in ids]
        transaction.on_commit(lambda: queue(claimed))
    return ids


def queue_sends(claimed):
    queue = conf("WEBHOOK_QUEUE", None)
    for pk, token in claimed:
        current_app.send_task(SEND_TASK, (pk, token), **({"queue": queue} if queue else {}))


def dispatch(now=None, queue=None):
    """What beat runs every minute: materialise, then claim. Returns (queued, claimed)."""
    now = now or timezone.now()
    made = materialise(now)
    return made, len(claim(now, queue=queue))


def send_soon(ids):
    """A delivery made just now (the test button): claim it after commit and send it at
    once, rather than at the next dispatch."""
    transaction.on_commit(lambda: claim(only=ids))


# --- 3. deliver -----------------------------------------------------------------------------------


class RetryLater(Exception):
    def __init__(self, token, countdown, error):
        super().__init__(error)
        self.token, self.countdown, self.error = token, countdown, error


def take(pk, token, now):
    """Swap the claim's token for a fresh one: of two runs of the same task, one wins."""
    mine = uuid.uuid4().hex
    taken = Delivery.objects.filter(
        pk=pk, state=Delivery.CLAIMED, claim_token=token, claimed_until__gte=now
    ).update(claim_token=mine, claimed_until=now + lease())
    return mine if taken else None


def deliver(pk, token, now=None):
    """Send delivery `pk` if claim `token` is still ours. Returns "delivered", "stale",
    "cancelled" or "failed"; raises RetryLater when the receiver should be tried again."""
    mine = take(pk, token, now or timezone.now())
    if mine is None:
        return "stale"
    delivery = Delivery.objects.select_related("endpoint", "organization").get(pk=pk)
    try:
        return send(delivery, mine)
    finally:  # the endpoint's page shows the outcome
        touch_organization(delivery.organization_id)


def send(delivery, mine):
    mine_q = Delivery.objects.filter(pk=delivery.pk, claim_token=mine)
    endpoint = delivery.endpoint
    if not endpoint.active:
        mine_q.update(
            state=Delivery.CANCELLED, claim_token="", last_error="The endpoint is paused."
        )
        return "cancelled"
    try:
        url = endpoint.url
        body, headers = formats.request_for(endpoint, delivery, delivery.organization)
    except vault.InvalidToken:
        return give_up(
            mine_q,
            delivery,
            "The endpoint's stored URL or secret cannot be read "
            "with this server's key (CALIBRATE_SECRETS_KEY changed?).",
        )
    attempt = delivery.attempts + 1
    started = time.monotonic()
    code, error = None, ""
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout())
        code = response.status_code
    except (httpx.HTTPError, httpx.InvalidURL) as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    elapsed = int((time.monotonic() - started) * 1000)
    now = timezone.now()
    delivered = code is not None and 200 <= code < 300
    if not delivered:
        error = error or f"The receiver answered {code}."
    final = not delivered and attempt >= max_attempts()
    countdown = None if delivered or final else backoff(attempt)
    retry_at = None if countdown is None else now + timedelta(seconds=countdown)
    DeliveryAttempt.objects.create(
        organization_id=delivery.organization_id,
        delivery=delivery,
        number=attempt,
        response_code=code,
        error=error,
        milliseconds=elapsed,
        retry_at=retry_at,
    )
    if delivered:
        mine_q.update(
            state=Delivery.DELIVERED,
            attempts=attempt,
            response_code=code,
            delivered_at=now,
            claim_token="",
            claimed_until=None,
            last_error="",
        )
        return "delivered"
    if final:
        log.warning("webhook delivery %s failed after %s attempts: %s", delivery.pk, attempt, error)
        mine_q.update(
            state=Delivery.FAILED,
            attempts=attempt,
            response_code=code,
            last_error=error,
            claim_token="",
        )
        return "failed"
    # The claim covers the wait and the next try; if this worker is gone by then, the lease
    # runs out and the dispatcher claims the row again at `due_at`.
    mine_q.update(
        attempts=attempt,
        response_code=code,
        last_error=error,
        due_at=retry_at,
        claimed_until=retry_at + lease(),
    )
    raise RetryLater(mine, countdown, error)


def give_up(mine_q, delivery, error):
    mine_q.update(state=Delivery.FAILED, last_error=error, claim_token="")
    log.warning("webhook delivery %s cannot be sent: %s", delivery.pk, error)
    return "failed"


# --- the test button ------------------------------------------------------------------------------


def send_test_event(endpoint, by):
    """A test delivery to `endpoint`, queued at once."""
    now = timezone.now()
    event = events.Event(
        kind="test",
        event_id=f"test:{uuid.uuid4().hex}",
        organization_id=endpoint.organization_id,
        occurred_at=now,
        summary=f"A test event from Calibrate, sent by {by}. If you can read this, the "
        f"endpoint “{endpoint.name}” works.",
        data={"by": str(by)},
    )
    delivery = delivery_for(event, endpoint)
    delivery.save()
    send_soon([delivery.pk])
    return delivery
