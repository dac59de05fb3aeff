"""End to end with the real services: a Celery worker consuming from Redis (a thread, or a
separate process that is killed), a real SMTP server (aiosmtpd) receiving the mail, and the
test database committed (transactional) so the worker sees the rows.

Every test ends with each due mail delivered exactly once."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from calibration.celery import app
from calibration.models import PlanningCycle
from calibration.reminders import engine
from calibration.reminders.kinds import KINDS
from calibration.reminders.models import Reminder, ReminderPreference
from calibration.reminders.tasks import send_reminder

from .conftest import make_org

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL is not set: these tests need a real Celery worker on Redis",
    ),
]

ROOT = Path(__file__).resolve().parents[2]


def close_db(**kwargs):
    connections.close_all()  # in the worker thread, after each task: no lingering sessions


# A queue of this test run's own: test runs sharing the Redis database (other apps' tests,
# other checkouts) neither consume nor purge these messages, nor these tests theirs.
QUEUE = f"reminders-test-{os.getpid()}"


def purge():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


@pytest.fixture
def broker(settings):
    settings.REMINDER_QUEUE = QUEUE
    purge()
    yield app
    purge()


def thread_worker():
    return start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[QUEUE]
    )


@pytest.fixture
def worker(broker, smtp):
    """A real Celery worker (solo pool) in a thread, consuming from Redis."""
    task_postrun.connect(close_db, weak=False)
    try:
        with thread_worker() as w:
            yield w
    finally:
        task_postrun.disconnect(close_db)


def due_company(slug, tz="Asia/Tokyo"):
    """A company whose planning cycle started on the latest day whose 09:00 local has passed."""
    org, ceo, cto = make_org(slug, tz)
    local = timezone.now().astimezone(org.tz)
    day = local.date() if local.hour >= 9 else local.date() - timedelta(days=1)
    cycle = PlanningCycle.create_shared(by=ceo, organization=org, name="H1 planning", starts_on=day)
    # Only constraint reviews, so the mails counted do not depend on the day the tests run
    # (e.g. "no alignment session scheduled" two weeks before a quarter).
    others = sorted(set(KINDS) - {"constraint_review"})
    for user in (ceo, cto):
        ReminderPreference.create_shared(by=user, organization=org, user=user, muted_kinds=others)
    return org, cycle


def settle(sink, expected, extra=1.0):
    """Wait for `expected` mails, then a moment longer so a duplicate would show."""
    sink.wait_for(expected)
    time.sleep(extra)
    return sink.received()


def test_the_worker_sends_each_due_mail_once_with_the_exact_content(worker, smtp):
    org, cycle = due_company("tokyo")
    engine.dispatch()
    received = settle(smtp.sink, 2)
    assert sorted(rcpt[0] for rcpt, _ in received) == ["ceo@tokyo.test", "cto@tokyo.test"]
    day = f"{cycle.starts_on:%-d %b %Y}"
    for _rcpt, message in received:
        # Django folds the encoded subject onto a continuation line: strip the fold's space.
        subject = str(message["Subject"]).strip()
        assert subject == f"[Tokyo] “H1 planning” starts {day}: review the open constraints"
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        link = f"{settings.SITE_URL}/o/tokyo/planning/{cycle.pk}/"
        assert f"Review the constraints: {link}" in text and f'href="{link}"' in html
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}


def test_the_same_task_delivered_twice_sends_once(worker, smtp):
    due_company("twice")

    def queue_twice(claimed):
        for pk, token in claimed:
            send_reminder.apply_async((pk, token), queue=QUEUE)
            send_reminder.apply_async((pk, token), queue=QUEUE)

    engine.dispatch(queue=queue_twice)
    received = settle(smtp.sink, 2, extra=2.0)
    assert sorted(rcpt[0] for rcpt, _ in received) == ["ceo@twice.test", "cto@twice.test"]


def test_two_dispatchers_racing_send_every_mail_once(worker, smtp):
    for n in range(5):
        due_company(f"race{n}")
    barrier = threading.Barrier(2)

    def dispatcher():
        try:
            barrier.wait()
            engine.dispatch(batch=3)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    received = settle(smtp.sink, 10, extra=2.0)
    recipients = sorted(rcpt[0] for rcpt, _ in received)
    assert recipients == sorted(f"{r}@race{n}.test" for n in range(5) for r in ("ceo", "cto"))


def test_smtp_down_then_back_every_mail_goes_once(worker, smtp, settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 0.5
    settings.REMINDER_MAX_ATTEMPTS = 8
    due_company("flaky")
    smtp.stop()
    engine.dispatch()
    deadline = time.monotonic() + 20
    while not Reminder.objects.filter(attempts__gte=1).count() == 2:
        assert time.monotonic() < deadline, "the worker never tried"
        time.sleep(0.1)
    assert smtp.sink.received() == []
    smtp.start()
    received = settle(smtp.sink, 2, extra=1.5)
    assert sorted(rcpt[0] for rcpt, _ in received) == ["ceo@flaky.test", "cto@flaky.test"]
    rows = Reminder.objects.all()
    assert {r.state for r in rows} == {"sent"} and all(r.attempts >= 2 for r in rows)


def test_smtp_down_for_good_ends_failed_and_on_the_home_page(worker, smtp, settings, client):
    settings.REMINDER_RETRY_BASE_SECONDS = 0.2
    settings.REMINDER_MAX_ATTEMPTS = 3
    org, _ = due_company("down")
    smtp.stop()
    engine.dispatch()
    deadline = time.monotonic() + 20
    while Reminder.objects.filter(state="failed").count() < 2:
        assert time.monotonic() < deadline, "never gave up"
        time.sleep(0.1)
    client.force_login(org.member_with_role("ceo"))
    assert "2 failed" in client.get("/o/down/").text


def worker_process(smtp):
    db = settings.DATABASES["default"]
    url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
        **{k: db.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT", "NAME")}
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "SITE_URL": settings.SITE_URL,
    }
    command = [sys.executable, "-m", "celery", "-A", "calibration", "worker", "--pool=solo"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"]
    command += ["-Q", QUEUE]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="a worker process shares the test database only on PostgreSQL",
)
def test_a_worker_killed_before_a_send_loses_nothing(broker, smtp):
    due_company("killed")
    smtp.sink.hold_mail.set()  # the SMTP server stalls: the worker is caught before the send
    process = worker_process(smtp)
    try:
        engine.dispatch()
        assert smtp.sink.in_mail.wait(60), "the worker process never reached the SMTP server"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    smtp.sink.hold_mail.clear()
    assert smtp.sink.received() == []
    assert Reminder.objects.filter(state="claimed").count() == 2
    task_postrun.connect(close_db, weak=False)
    try:
        with thread_worker():
            smtp.sink.wait_for(1)  # the reminder still queued goes now
            engine.dispatch(now=timezone.now() + engine.lease() + timedelta(seconds=1))
            received = settle(smtp.sink, 2, extra=1.5)
    finally:
        task_postrun.disconnect(close_db)
    assert sorted(rcpt[0] for rcpt, _ in received) == ["ceo@killed.test", "cto@killed.test"]
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}
