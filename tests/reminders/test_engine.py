"""The engine's guarantees: exclusive claims, leases that expire, a task delivered twice,
SMTP errors retried with a cap and then shown as failed, racing dispatchers, bounded queries."""

import smtplib
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calibration.models import PlanningCycle
from calibration.reminders import engine
from calibration.reminders.models import Reminder

from .conftest import make_org

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def claim_all(now=NINE):
    claimed = []
    engine.materialise(now)
    engine.claim(now, queue=claimed.extend)
    return claimed


@pytest.fixture
def claimed(cycle, leaders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(NINE, tick=False):
            return claim_all()


@pytest.mark.django_db
def test_a_claimed_reminder_is_not_claimed_again_while_its_lease_runs(
    claimed, django_capture_on_commit_callbacks
):
    assert len(claimed) == 2
    again = []
    with django_capture_on_commit_callbacks(execute=True):
        engine.claim(NINE + timedelta(minutes=9), queue=again.extend)
    assert again == []


@pytest.mark.django_db
def test_the_same_task_delivered_twice_sends_one_mail(claimed):
    pk, token = claimed[0]
    with time_machine.travel(NINE + timedelta(seconds=5), tick=False):
        assert engine.deliver(pk, token) == "sent"
        assert engine.deliver(pk, token) == "stale"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_worker_lost_before_sending_loses_nothing_the_lease_expires_and_it_goes_once(
    claimed, django_capture_on_commit_callbacks
):
    pk, token = claimed[0]
    with time_machine.travel(NINE, tick=False):
        assert engine.deliver(*claimed[1]) == "sent"
    # The worker took the task (swapped the token) and died before talking to SMTP.
    assert engine.take(pk, token, NINE + timedelta(seconds=1))
    later = NINE + engine.lease() + timedelta(minutes=1)
    again = []
    with django_capture_on_commit_callbacks(execute=True):
        engine.claim(later, queue=again.extend)
    assert [p for p, _ in again] == [pk]
    with time_machine.travel(later, tick=False):
        assert engine.deliver(*again[0]) == "sent"
        assert engine.deliver(pk, token) == "stale"  # the old message, redelivered
    assert sorted(m.to[0] for m in mail.outbox) == ["ceo@acme.test", "cto@acme.test"]


@pytest.mark.django_db
def test_smtp_errors_are_retried_with_growing_backoff_then_shown_as_failed(
    claimed, monkeypatch, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 3

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    pk, token = claimed[0]
    countdowns = []
    with time_machine.travel(NINE, tick=False):
        for _ in range(2):
            with pytest.raises(engine.RetryLater) as retry:
                engine.deliver(pk, token)
            token = retry.value.token
            countdowns.append(retry.value.countdown)
        assert engine.deliver(pk, token) == "failed"
    row = Reminder.objects.get(pk=pk)
    assert row.state == "failed" and row.attempts == 3
    assert "SMTPServerDisconnected" in row.last_error
    assert 15 <= countdowns[0] <= 30 and 30 <= countdowns[1] <= 60


def test_backoff_is_capped(settings):
    settings.REMINDER_RETRY_CAP_SECONDS = 100
    assert all(50 <= engine.backoff(n) <= 100 for n in range(8, 30))


@pytest.mark.django_db
def test_smtp_down_then_back_each_mail_goes_once(claimed, monkeypatch):
    real_send = mail.EmailMessage.send
    down = {"on": True}

    def flaky(self, *args, **kwargs):
        if down["on"]:
            raise ConnectionRefusedError(111, "Connection refused")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", flaky)
    retries = []
    with time_machine.travel(NINE, tick=False):
        for pk, token in claimed:
            with pytest.raises(engine.RetryLater) as retry:
                engine.deliver(pk, token)
            retries.append((pk, retry.value.token))
        down["on"] = False
        assert [engine.deliver(pk, t) for pk, t in retries] == ["sent", "sent"]
        assert [engine.deliver(pk, t) for pk, t in retries] == ["stale", "stale"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ceo@acme.test", "cto@acme.test"]


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_claim_each_reminder_once(settings):
    """Two threads, two database connections, dispatching the same due reminders at once."""
    for n in range(30):
        org, ceo, _ = make_org(f"race{n}", "Europe/London")
        PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    queued = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)

    def queue(items):
        with lock:
            queued.extend(items)

    def dispatcher():
        try:
            barrier.wait()
            for _ in range(3):
                engine.dispatch(now=NINE, batch=7, queue=queue)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pks = [pk for pk, _ in queued]
    assert len(pks) == len(set(pks)) == 60
    assert Reminder.objects.count() == 60


@pytest.mark.django_db
def test_claiming_a_batch_takes_the_same_queries_whatever_its_size(
    django_capture_on_commit_callbacks,
):
    for n in range(20):
        org, ceo, _ = make_org(f"q{n}", "Europe/London")
        PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    engine.materialise(NINE)
    counts = []
    for size in (2, 30):
        with CaptureQueriesContext(connection) as ctx:
            engine.claim(NINE, limit=size, queue=lambda c: None)
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 5


@pytest.mark.django_db
def test_materialising_takes_the_same_queries_whatever_the_number_of_companies():
    def queries(n, start):
        for i in range(n):
            org, ceo, _ = make_org(f"m{start + i}", "Europe/London")
            PlanningCycle.create_shared(
                by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2)
            )
        with CaptureQueriesContext(connection) as ctx:
            engine.materialise(NINE)
        return len(ctx)

    assert queries(2, 0) == queries(20, 100)


def test_beat_runs_the_one_dispatcher_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-reminders"]
    assert entry["task"] == "calibration.reminders.tasks.dispatch_reminders"
    assert entry["schedule"] <= 300


def test_only_the_idempotent_send_task_is_acknowledged_late_and_redelivered():
    from calibration.reminders.tasks import dispatch_reminders, send_reminder

    assert send_reminder.acks_late and send_reminder.reject_on_worker_lost
    assert send_reminder.max_retries is None  # the row's attempts are the cap
    assert not dispatch_reminders.acks_late  # beat runs it again in two minutes anyway


@pytest.mark.django_db
def test_a_mail_that_cannot_be_built_fails_visibly_instead_of_looping(claimed, monkeypatch):
    def broken(reminder, obj):
        raise KeyError("template variable")

    monkeypatch.setattr("calibration.reminders.mail.describe", broken)
    pk, token = claimed[0]
    with time_machine.travel(NINE, tick=False):
        assert engine.deliver(pk, token) == "failed"
    assert "KeyError" in Reminder.objects.get(pk=pk).last_error


@pytest.mark.django_db
def test_a_message_the_mail_layer_refuses_fails_once_and_shows_on_the_reminders_page(
    claimed, monkeypatch, ceo_client
):
    def refuse(self, *args, **kwargs):
        raise BadHeaderError("Header values can't contain newlines")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    pk, token = claimed[0]
    with time_machine.travel(NINE, tick=False):
        assert engine.deliver(pk, token) == "failed"
    reminder = Reminder.objects.get(pk=pk)
    assert (reminder.state, reminder.attempts) == ("failed", 1)
    page = ceo_client.get("/o/acme/reminders/").text
    assert "BadHeaderError" in page


@pytest.mark.django_db
def test_a_line_break_in_a_planning_cycle_name_is_refused(org, ceo):
    with pytest.raises(ValidationError) as refused:
        PlanningCycle.create_shared(
            by=ceo, organization=org, name="FY27\nBcc: everyone", starts_on=date(2026, 3, 2)
        )
    assert "one line" in refused.value.message_dict["name"][0]


@pytest.mark.django_db
def test_a_line_break_already_stored_never_reaches_a_mail_header(
    cycle, leaders, django_capture_on_commit_callbacks
):
    PlanningCycle.objects.filter(pk=cycle.pk).update(name="FY27\r\nBcc: everyone")
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(NINE, tick=False):
            claimed = claim_all()
    with time_machine.travel(NINE, tick=False):
        assert {engine.deliver(pk, token) for pk, token in claimed} == {"sent"}
    assert all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)
