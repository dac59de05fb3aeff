"""A claim's mails go in batches: one SMTP connection, a couple of queries per mail, each
organization's data version moved once — and still each mail exactly once when the server
refuses one message or goes away in the middle of a batch."""

import smtplib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calibration.models import PlanningCycle
from calibration.reminders import engine
from calibration.reminders.models import Reminder

from .conftest import make_org

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def batch(django_capture_on_commit_callbacks):
    """Six companies with a planning cycle starting today: twelve mails claimed in one batch,
    as (token, pks)."""
    for n in range(6):
        org, ceo, _ = make_org(f"batch{n}", "Europe/London")
        PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    claimed = []
    with django_capture_on_commit_callbacks(execute=True):
        engine.dispatch(now=NINE, queue=claimed.extend)
    (token,) = {token for _, token in claimed}
    return token, [pk for pk, _ in claimed]


def test_a_batch_sends_every_mail_through_one_smtp_connection(batch, smtp):
    token, pks = batch
    with time_machine.travel(NINE, tick=False):
        outcomes = engine.deliver_batch(pks, token)
    assert set(outcomes.values()) == {"sent"}
    assert len(smtp.sink.wait_for(12)) == 12
    assert len(smtp.sink.peers) == 1


def test_a_batch_makes_at_most_two_queries_per_mail(batch):
    token, pks = batch
    with time_machine.travel(NINE, tick=False), CaptureQueriesContext(connection) as ctx:
        engine.deliver_batch(pks, token)
    assert len(mail.outbox) == 12
    assert len(ctx) <= 2 * 12


def test_a_batch_moves_each_organizations_data_version_once(batch, monkeypatch):
    token, pks = batch
    moved = []
    monkeypatch.setattr(engine, "touch_organization", moved.append)
    with time_machine.travel(NINE, tick=False):
        engine.deliver_batch(pks, token)
    assert len(moved) == len(set(moved)) == 6


def test_the_dispatcher_queues_one_task_per_batch(batch, settings, monkeypatch):
    settings.REMINDER_SEND_BATCH = 5
    sent = []
    monkeypatch.setattr(engine.current_app, "send_task", lambda name, args, **kw: sent.append(args))
    token, pks = batch
    engine.queue_sends([(pk, token) for pk in pks])
    assert [len(p) for _, p in sent] == [5, 5, 2]


def test_a_server_gone_mid_batch_keeps_what_it_accepted_and_sends_the_rest_once_later(
    batch, monkeypatch
):
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def gone_after_four(self, *args, **kwargs):
        calls["n"] += 1
        if 5 <= calls["n"] <= 6:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", gone_after_four)
    token, pks = batch
    with time_machine.travel(NINE, tick=False):
        with pytest.raises(engine.RetryLater) as first:
            engine.deliver_batch(pks, token)
        assert len(mail.outbox) == 4 and len(first.value.pks) == 8
        with pytest.raises(engine.RetryLater) as second:  # still down
            engine.deliver_batch(first.value.pks, first.value.token)
        outcomes = engine.deliver_batch(second.value.pks, second.value.token)
    assert set(outcomes.values()) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Reminder.objects.values_list("recipient__email", flat=True)
    )
    assert Reminder.objects.filter(state="sent").count() == 12


def test_a_refused_recipient_waits_alone_and_the_rest_of_the_batch_goes(batch, monkeypatch):
    real_send = mail.EmailMessage.send
    refused = "ceo@batch3.test"

    def refuse_one(self, *args, **kwargs):
        if self.to == [refused]:
            raise smtplib.SMTPRecipientsRefused({refused: (550, b"Mailbox unavailable")})
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse_one)
    token, pks = batch
    with time_machine.travel(NINE, tick=False):
        with pytest.raises(engine.RetryLater) as retry:
            engine.deliver_batch(pks, token)
    assert len(mail.outbox) == 11
    (waiting,) = retry.value.pks
    row = Reminder.objects.get(pk=waiting)
    assert (row.recipient.email, row.state, row.attempts) == (refused, "claimed", 1)
