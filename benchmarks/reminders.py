#!/usr/bin/env python
"""Benchmark: dispatch 10,000 due reminders across 1,000 organizations into an SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/calibrate_bench \
        .venv/bin/python benchmarks/reminders.py [--orgs 1000] [--per-org 10] [--via inline|celery]

Prints the queries per claim batch and per mail, and the time per mail next to the time of
sending the very same messages straight to the sink with smtplib (no Calibrate), as a ratio.
Uses (and migrates) the database in DATABASE_URL; its rows for organizations named
"bench-*" are replaced on each run. `--via celery` sends through a real Celery worker (a
thread, solo pool) on REDIS_URL instead of calling the task body in-process.
"""

import argparse
import os
import smtplib
import socket
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calibration.settings")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Organization, User  # noqa: E402
from calibration.models import PlanningCycle  # noqa: E402
from calibration.reminders import engine  # noqa: E402
from calibration.reminders.mail import build_message  # noqa: E402
from calibration.reminders.models import Reminder  # noqa: E402

NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # past 09:00 in every zone used
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


def main():
    import logging
    import warnings

    warnings.filterwarnings("ignore", message="Limit for query logging exceeded")

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("celery").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--per-org", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--via", choices=["inline", "celery"], default="inline")
    args = parser.parse_args()

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    Reminder.objects.filter(organization__slug__startswith="bench-").delete()
    t = time.perf_counter()
    populate(args.orgs, args.per_org)
    print(
        f"setup: {args.orgs} organizations, {args.per_org} due reminders each "
        f"({time.perf_counter() - t:.1f} s)"
    )

    sink = Counter()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    # 1. materialise
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        made = engine.materialise(NOW)
        materialise_s = time.perf_counter() - t
    print(
        f"materialise: {made} reminders in {materialise_s:.2f} s, {len(q)} queries "
        f"(bulk insert in batches of 1000)"
    )

    # 2. claim in batches
    claimed, per_batch = [], []
    t = time.perf_counter()
    while True:
        with CaptureQueriesContext(connection) as q:
            ids = engine.claim(NOW, limit=args.batch, queue=claimed.extend)
        if not ids:
            break
        per_batch.append(len(q))
    claim_s = time.perf_counter() - t
    print(
        f"claim: {len(claimed)} in {len(per_batch)} batches of ≤{args.batch}, "
        f"{min(per_batch)}–{max(per_batch)} queries per batch, {claim_s:.2f} s"
    )

    # 3. send
    before = sink.count
    if args.via == "inline":
        queries = []
        t = time.perf_counter()
        for pk, token in claimed:
            with CaptureQueriesContext(connection) as q:
                engine.deliver(pk, token, now=NOW + timedelta(seconds=1))
            queries.append(len(q))
            reset_queries()
        send_s = time.perf_counter() - t
        print(
            f"send (task body in-process): {len(claimed)} mails, "
            f"{min(queries)}–{max(queries)} queries per mail"
        )
    else:
        from celery.contrib.testing.worker import start_worker

        from calibration.celery import app
        from calibration.reminders.tasks import send_reminder

        # The worker compares the claim's lease with the real clock: re-claim at real now.
        Reminder.objects.filter(pk__in=[pk for pk, _ in claimed]).update(
            claimed_until=datetime.now(UTC) + timedelta(hours=1)
        )
        app.control.purge()
        t = time.perf_counter()
        for pk, token in claimed:
            send_reminder.delay(pk, token)
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="ERROR"):
            while sink.count - before < len(claimed):
                time.sleep(0.05)
        send_s = time.perf_counter() - t
        print(f"send (real Celery worker on Redis, solo pool): {len(claimed)} mails")
    delivered = sink.count - before
    sent_rows = Reminder.objects.filter(
        organization__slug__startswith="bench-", state="sent"
    ).count()

    # 4. baseline: the same messages, built once, sent straight to the sink with smtplib,
    #    one connection per mail as Django's SMTP backend does for message.send().
    rows = Reminder.objects.filter(pk__in=[pk for pk, _ in claimed]).select_related(
        "organization", "recipient", "content_type"
    )
    raw = []
    for r in rows.iterator(chunk_size=2000):
        message = build_message(r, r.subject_object)
        raw.append((message.from_email, message.to, message.message().as_bytes(linesep="\r\n")))
    before = sink.count
    t = time.perf_counter()
    for sender, to, data in raw:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(sender, to, data)
    baseline_s = time.perf_counter() - t
    controller.stop()

    n = len(claimed)
    total = materialise_s + claim_s + send_s
    print()
    print(f"delivered to the sink: {delivered} mails; rows marked sent: {sent_rows}")
    print(
        f"Calibrate, dispatch + send: {total:.1f} s = {1000 * total / n:.2f} ms per mail "
        f"(materialise {1000 * materialise_s / n:.3f}, claim {1000 * claim_s / n:.3f}, "
        f"send {1000 * send_s / n:.2f})"
    )
    print(
        f"straight to SMTP (smtplib): {baseline_s:.1f} s = {1000 * baseline_s / n:.2f} ms "
        f"per mail ({sink.count - before} mails)"
    )
    print(f"ratio Calibrate / straight: {total / baseline_s:.2f}x")
    reset_queries()


if __name__ == "__main__":
    main()
