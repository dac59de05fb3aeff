"""Celery tasks of the integrations: the webhook dispatcher (beat, every minute), one
webhook send, and the daily check of the leading indicators linked to a tracker.

As the reminders' tasks: the send acknowledges late and is redelivered if its worker is
lost (a second run finds its claim token gone and does nothing); the periodic ones
acknowledge early and expire, since beat runs them again soon anyway.
"""

from celery import shared_task

from . import checker, delivery


@shared_task(acks_late=False, ignore_result=True, expires=50)
def dispatch_webhooks():
    queued, claimed = delivery.dispatch()
    return {"queued": queued, "claimed": claimed}


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=None
)
def send_webhook(self, pk, token):
    try:
        return delivery.deliver(pk, token)
    except delivery.RetryLater as later:
        # The cap is the row's attempts (WEBHOOK_MAX_ATTEMPTS), so Celery's own is off.
        raise self.retry(
            args=(pk, later.token), countdown=later.countdown, exc=Exception(later.error)
        ) from later


@shared_task(acks_late=False, ignore_result=True, expires=3600)
def check_sources():
    return checker.check_all()
