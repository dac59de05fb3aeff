"""Fixtures for the reminders tests: a real SMTP sink (aiosmtpd on 127.0.0.1, a free port)
and a real Celery worker on Redis (skipped, with the reason, when REDIS_URL is unset)."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail

from calibration.models import PlanningCycle
from calibration.reminders import engine
from tests.factories import OrganizationFactory, Role, member


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: integration with a real Celery worker, Redis and an SMTP server"
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Records every message the SMTP server accepted (after DATA). `hold_mail` makes the
    server stall in MAIL FROM, as a slow server would, so a test can stop a worker mid-send."""

    def __init__(self):
        self.messages = []
        self.peers = set()  # the client address of each connection that delivered mail
        self.hold_mail = threading.Event()
        self.in_mail = threading.Event()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.in_mail.set()
        while self.hold_mail.is_set():
            await asyncio.sleep(0.05)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
            self.peers.add(session.peer)
        return "250 Message accepted for delivery"

    def received(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received()) >= count:
                return self.received()
            time.sleep(0.05)
        return self.received()


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.sink = Sink()
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1; Django sends to it through the SMTP backend."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def leaders(org, ceo, cto, observer):
    return {"ceo": ceo, "cto": cto, "observer": observer}


@pytest.fixture
def cycle(org, ceo):
    """A planning cycle in acme (Europe/London) starting on 2 March 2026."""
    from datetime import date

    return PlanningCycle.create_shared(
        by=ceo, organization=org, name="FY27 H1 planning", starts_on=date(2026, 3, 2)
    )


def make_org(slug, tz, **kw):
    org = OrganizationFactory(name=slug.title(), slug=slug, time_zone=tz, **kw)
    ceo = member(org, Role.CEO, name=f"{slug} CEO", email=f"ceo@{slug}.test")
    cto = member(org, Role.CTO, name=f"{slug} CTO", email=f"cto@{slug}.test")
    return org, ceo, cto


__all__ = ["make_org", "timedelta", "settings"]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """dispatch_at(now): one dispatch at `now`, its sends delivered in-process after commit
    as a worker would; returns the mails sent by this dispatch."""

    def dispatch_at(now, queue=None):
        before = len(mail.outbox)

        def deliver_now(claimed):
            for pk, token in claimed:
                engine.deliver(pk, token, now=now)

        with time_machine.travel(now, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                engine.dispatch(now=now, queue=queue or deliver_now)
        return mail.outbox[before:]

    return dispatch_at
