"""Celery tasks: the periodic dispatcher (beat) and the sends of reminders.

All are idempotent. `send_reminders` (a batch, what the dispatcher queues) and
`send_reminder` (one row) acknowledge late and are redelivered if their worker is
lost: a second delivery finds its claim token gone and does nothing. `dispatch_reminders`
acknowledges early and expires: beat runs it again in a few minutes anyway, and a pile of
stale dispatch messages after an outage would only repeat the same work.
"""

from celery import shared_task

from . import engine


@shared_task(acks_late=False, ignore_result=True, expires=240)
def dispatch_reminders():
    made, claimed = engine.dispatch()
    return {"materialised": made, "claimed": claimed}


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=None
)
def send_reminder(self, pk, token):
    try:
        return engine.deliver(pk, token)
    except engine.RetryLater as later:
        # Retry with the token this delivery now holds; the row's lease covers the wait. The
        # cap is the row's attempts (REMINDER_MAX_ATTEMPTS), so Celery's own is off.
        raise self.retry(
            args=(pk, later.token), countdown=later.countdown, exc=later.error
        ) from later


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=None
)
def send_reminders(self, token, pks):
    """A batch of one claim, through one SMTP connection; what must wait for the server is
    retried as a smaller batch with the token it now holds."""
    try:
        return engine.deliver_batch(pks, token)
    except engine.RetryLater as later:
        raise self.retry(
            args=(later.token, later.pks), countdown=later.countdown, exc=later.error
        ) from later
