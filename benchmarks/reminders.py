#!/usr/bin/env python
"""Benchmark: dispatch 10,000 due reminders across 1,000 organizations into an SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/calibrate_bench REDIS_URL=redis://… \
        .venv/bin/python benchmarks/reminders.py [--orgs 1000] [--per-org 10] [--via both]

Runs the whole path — materialise, claim, send in batches (engine.deliver_batch, one SMTP
connection each) — once with the send task's body in-process (inline) and once through a
real Celery worker (a thread, solo pool) on REDIS_URL, and prints each next to the time of
sending the very same messages, built beforehand, with plain smtplib over one connection,
as a ratio. Inline, it also prints the queries per mail, dispatch included.
Uses (and migrates) the database in DATABASE_URL; its rows for organizations named
"bench-*" are replaced on each run.
"""

import argparse
import logging
import os
import smtplib
import socket
import sys
import threading
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calibration.settings")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Organization, User  # noqa: E402
from calibration.celery import app  # noqa: E402
from calibration.models import PlanningCycle  # noqa: E402
from calibration.reminders import engine  # noqa: E402
from calibration.reminders.mail import build_message  # noqa: E402
from calibration.reminders.models import DispatchMark, Reminder  # noqa: E402
from calibration.reminders.tasks import send_reminders  # noqa: E402

NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # past 09:00 in every zone used
QUEUE = f"reminders-bench-{os.getpid()}"  # our own queue: never purge anyone else's
DAY = date(2026, 3, 2)


class Counter:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(orgs, per_org):
    """`orgs` companies with a CEO and a CTO and per_org/2 cycles starting today: per_org
    due reminders each."""
    Organization.objects.filter(slug__startswith="bench-").delete()
    User.objects.filter(email__endswith="@bench.test").delete()
    zones = ["Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "UTC"]
    new_orgs = Organization.objects.bulk_create(
        Organization(name=f"Bench {n}", slug=f"bench-{n}", time_zone=zones[n % len(zones)])
        for n in range(orgs)
    )
    users = User.objects.bulk_create(
        User(email=f"{role}{n}@bench.test", name=f"{role.upper()} {n}", password="!")
        for n in range(orgs)
        for role in ("ceo", "cto")
    )
    Membership.objects.bulk_create(
        Membership(organization=org, user=users[2 * i + j], role=role)
        for i, org in enumerate(new_orgs)
        for j, role in enumerate(("ceo", "cto"))
    )
    PlanningCycle.objects.bulk_create(
        PlanningCycle(organization=org, name=f"Cycle {k}", starts_on=DAY)
        for org in new_orgs
        for k in range(per_org // 2)
    )


def run(args, via, sink, port):
    """Populate, dispatch and send every due mail `via` inline or celery. Returns (seconds,
    mails, the claimed (pk, token) pairs)."""
    Reminder.objects.filter(organization__slug__startswith="bench-").delete()
    DispatchMark.objects.all().delete()
    populate(args.orgs, args.per_org)
    delivered_before = sink.count
    queries = CaptureQueriesContext(connection)

    with queries:
        t = time.perf_counter()
        made = engine.materialise(NOW)
        materialise_s = time.perf_counter() - t
        claimed = []
        t = time.perf_counter()
        while engine.claim(NOW, limit=args.batch, queue=claimed.extend):
            pass
        claim_s = time.perf_counter() - t
    dispatch_queries = len(queries)
    batches = batched(claimed, settings.REMINDER_SEND_BATCH)

    if via == "inline":
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            for token, pks in batches:  # the task body, in-process
                engine.deliver_batch(pks, token, now=NOW + timedelta(seconds=1))
            send_s = time.perf_counter() - t
        per_mail = (dispatch_queries + len(q)) / max(1, len(claimed))
    else:
        # The worker compares the claim's lease with the real clock: re-claim at real now.
        Reminder.objects.filter(pk__in=[pk for pk, _ in claimed]).update(
            claimed_until=datetime.now(UTC) + timedelta(hours=1)
        )
        t = time.perf_counter()
        for token, pks in batches:
            send_reminders.apply_async((token, pks), queue=QUEUE)
        worker = start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="ERROR", queues=[QUEUE]
        )
        with worker:
            while sink.count - delivered_before < len(claimed):
                time.sleep(0.02)
        send_s = time.perf_counter() - t
        per_mail = None
    sent_rows = Reminder.objects.filter(
        organization__slug__startswith="bench-", state="sent"
    ).count()
    total = materialise_s + claim_s + send_s
    n = len(claimed)
    print(
        f"  {via}: {made} materialised in {materialise_s:.2f} s, {n} claimed in "
        f"{claim_s:.2f} s, sent in {send_s:.2f} s ({len(batches)} batches); "
        f"{sink.count - delivered_before} delivered, {sent_rows} rows marked sent"
        + (f"; {per_mail:.2f} queries per mail" if per_mail is not None else "")
    )
    return total, n, claimed


def batched(claimed, size):
    """[(token, pks)] as engine.queue_sends splits a claim into send tasks."""
    by_token = {}
    for pk, token in claimed:
        by_token.setdefault(token, []).append(pk)
    return [
        (token, pks[start : start + size])
        for token, pks in by_token.items()
        for start in range(0, len(pks), size)
    ]


def baseline(claimed, port):
    """The same messages, built beforehand, sent straight to the sink with smtplib: over one
    connection for all of them (the cheapest plain way), then a connection per mail.
    Returns both times."""
    rows = Reminder.objects.filter(pk__in=[pk for pk, _ in claimed]).select_related(
        "organization", "recipient", "content_type"
    )
    raw = []
    for r in rows.iterator(chunk_size=2000):
        message = build_message(r, r.subject_object)
        raw.append((message.from_email, message.to, message.message().as_bytes(linesep="\r\n")))
    t = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, to, data in raw:
            smtp.sendmail(sender, to, data)
    one_connection = time.perf_counter() - t
    # The yardstick the issue measured against: a new connection per mail.
    t = time.perf_counter()
    for sender, to, data in raw:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(sender, to, data)
    return one_connection, time.perf_counter() - t


def main():
    warnings.filterwarnings("ignore", message="Limit for query logging exceeded")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("celery").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--per-org", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500, help="rows per claim")
    parser.add_argument("--via", choices=["inline", "celery", "both"], default="both")
    args = parser.parse_args()

    settings.DEBUG = False
    settings.REMINDER_SEND_BATCH = getattr(settings, "REMINDER_SEND_BATCH", 100)
    settings.REMINDER_QUEUE = QUEUE
    call_command("migrate", verbosity=0)

    sink = Counter()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    print(
        f"{args.orgs} organizations, {args.per_org} due reminders each, claims of "
        f"{args.batch}, send batches of {settings.REMINDER_SEND_BATCH}; "
        f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    )
    results = {}
    for via in ["inline", "celery"] if args.via == "both" else [args.via]:
        total, n, claimed = run(args, via, sink, port)
        straight = baseline(claimed, port)
        results[via] = (total, n, straight)
    controller.stop()
    print()
    for via, (total, n, (straight, per_mail)) in results.items():
        print(
            f"{via:<7} Calibrate dispatch + send {total:6.1f} s = {1000 * total / n:.2f} ms/mail; "
            f"plain smtplib, one connection {straight:5.1f} s = {1000 * straight / n:.2f} "
            f"ms/mail: ratio {total / straight:.2f}x; a connection per mail "
            f"{per_mail:5.1f} s: ratio {total / per_mail:.2f}x"
        )
    reset_queries()


if __name__ == "__main__":
    main()
