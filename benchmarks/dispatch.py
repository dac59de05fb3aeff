#!/usr/bin/env python
"""Benchmark: the reminder dispatcher's tick (materialise) at two dataset sizes, side by side.

    python benchmarks/dispatch.py postgres://…/calibrate_rem500 postgres://…/calibrate_rem2000

Each database holds a generated dataset (`manage.py generate_dataset --orgs N`). For each one,
in a transaction rolled back at the end (the database is left as it was), the script runs:

* a first tick at 12:00 UTC tomorrow (no 09:00 in any generated time zone is near): it covers
  whatever the dataset leaves uncovered, up to the grace period;
* quiet ticks every 2 minutes after it, where nothing new is due: the median is the figure
  that must not grow with the number of companies;
* the tick that reaches 09:00 in New York (14:00 UTC), where that zone's day falls due: its
  cost follows what is newly due.

It prints the median time, queries and rows created of each, per database.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(ticks):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calibration.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organization
    from calibration.reminders import engine
    from calibration.reminders.models import Reminder

    settings.DEBUG = False
    # Tomorrow: nothing in a generated dataset is written after today, so these ticks find
    # only what the calendar makes due, not the generator's own recent writes.
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    noon += timedelta(days=1)

    def tick(now):
        before = Reminder.objects.count()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            engine.materialise(now)
            elapsed = time.perf_counter() - started
        return elapsed, len(ctx), Reminder.objects.count() - before

    result = {"orgs": Organization.objects.count()}
    with transaction.atomic():
        result["first"] = tick(noon)
        quiet = [tick(noon + timedelta(minutes=2 * k)) for k in range(1, ticks + 1)]
        result["quiet"] = (
            statistics.median(t for t, _, _ in quiet),
            max(q for _, q, _ in quiet),
            sum(r for _, _, r in quiet),
        )
        tick(noon + timedelta(hours=1, minutes=58))
        result["nine_new_york"] = tick(noon + timedelta(hours=2))
        transaction.set_rollback(True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*")
    parser.add_argument("--ticks", type=int, default=9, help="quiet ticks to take the median of")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.ticks)))
        return
    results = []
    for url in args.databases:
        out = subprocess.run(
            [sys.executable, __file__, "--one", "--ticks", str(args.ticks)],
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    header = "".join(f"{r['orgs']:>22,} orgs" for r in results)
    print(f"{'tick':<34}{header}")
    for label, name in [
        ("first tick (catch-up)", "first"),
        (f"quiet tick (median of {args.ticks})", "quiet"),
        ("09:00 in New York", "nine_new_york"),
    ]:
        cells = "".join(
            f"{1000 * r[name][0]:>9.1f} ms {r[name][1]:>3} q {r[name][2]:>6} new" for r in results
        )
        print(f"{label:<34}{cells}")


if __name__ == "__main__":
    main()
