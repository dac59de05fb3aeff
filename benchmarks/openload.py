"""Open-loop load with think times: CEO/CTO pairs acting every 2–5 s, as people do.

benchmarks/load.py is closed-loop (each simulated person acts again as soon as an answer
comes back), so its latencies measure its own queue. Here each person acts on a schedule that
does not wait for the server: every 2–5 s (uniformly) a person reads a page (home, list,
initiative, constraints, bet sheet) or, one time in ten, edits the summary of the initiative
they share with their partner (reads the form and its version, types for 1–3 s, saves; two
saves from the same version: one is accepted, the other refused as a conflict). A person whose
answer comes late starts the next action at once: the schedule is kept, not reset.

First every person opens each of their pages once (not measured: the load starts from a day's
use, pages kept for each reader). Then, with the same server and nobody else, one person at a
time replays the same mix of actions on the same organizations without think time: the
*unloaded median*. Then the open
load runs for --duration seconds. It prints throughput per core, the web workers' CPU time per
request (read from /proc), p50/p95 beside the unloaded median, and the goal (issue 18): p95 ≤
3× the unloaded median, no errors, and load.py's data check (no lost or double save).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/calibrate_bench \\
        python benchmarks/openload.py --pairs 25 [--duration 60] [--kept off] [--workers 4]

--kept off serves every page rendered (PAGE_CACHE_SECONDS=0), to see what kept pages carry.
"""

import argparse
import http.client
import os
import random
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import VERSION, Stats, prepare, verify  # noqa: E402
from pages import DATABASE_URL, Client, Server, pct, setup_django  # noqa: E402

EDIT_SHARE = 0.1
THINK = (2.0, 5.0)  # seconds between the starts of one person's actions
TYPING = (1.0, 3.0)  # seconds between reading the edit form and saving it
MAX_P95_RATIO = 3.0
TICKS = os.sysconf("SC_CLK_TCK")


class Person:
    """One simulated person: their client, session and the organization's shared record."""

    def __init__(self, port, slug, initiative, role, sessionid, reads, seed):
        self.slug, self.initiative, self.role, self.reads = slug, initiative, role, reads
        self.rng = random.Random(seed)
        self.client = Client(port)
        self.csrf = secrets.token_hex(16)  # a 32-character secret, accepted unmasked
        self.client.cookies.update({"sessionid": sessionid, "csrftoken": self.csrf})
        self.section = f"/o/{slug}/timeline/{initiative.pk}/overview/"
        self.fixed = {
            "title": initiative.title,
            "owner": initiative.owner_id or "",
            "status": initiative.status,
            "start_date": initiative.start_date.isoformat(),
            "delivered_on": initiative.delivered_on.isoformat() if initiative.delivered_on else "",
        }
        self.saves = 0

    def timed(self, stats, method, path, body=None, headers=None):
        started = time.perf_counter()
        response, data = self.client.request(method, path, body, headers, retry=method == "GET")
        stats.record(time.perf_counter() - started, response.status)
        with stats.lock:  # the time inside Django (benchmarks.instrument), not in the queue
            stats.server_ms.append(float(response.getheader("X-Server-Ms", "nan")))
        return response, data

    def act(self, stats, typing=TYPING):
        """One action: a read, or an edit (form, typing, save), its outcome kept in `stats`."""
        if self.rng.random() >= EDIT_SHARE:
            self.timed(stats, "GET", self.rng.choice(self.reads))
            return
        response, body = self.timed(
            stats, "GET", self.section + "?edit", headers={"HX-Request": "true"}
        )
        found = VERSION.search(body.decode())
        if response.status != 200 or not found:
            with stats.lock:
                stats.unexpected.append((self.slug, self.role, "no version", response.status))
            return
        version = int(found.group(1))
        time.sleep(self.rng.uniform(*typing))
        self.saves += 1
        marker = f"Open load: {self.role} {self.slug} save {self.saves} from v{version}"
        data = {**self.fixed, "summary": marker, "version": version}
        data["csrfmiddlewaretoken"] = self.csrf
        response, body = self.timed(stats, "POST", self.section, data)
        with stats.lock:
            if response.status == 302:
                stats.accepted.setdefault(self.initiative.pk, []).append((version, marker))
            elif response.status == 200 and b'class="conflict"' in body:
                stats.refused.setdefault(self.initiative.pk, []).append(marker)
            else:
                stats.unexpected.append((self.slug, self.role, marker, response.status))


def timed_stats():
    """load.py's Stats, plus the server-side time of each request."""
    stats = Stats()
    stats.server_ms = []
    return stats


def safely(person, stats, **kwargs):
    """person.act, a dropped connection or a timeout counted as a client error."""
    try:
        person.act(stats, **kwargs)
    except (http.client.HTTPException, OSError) as error:
        with stats.lock:
            stats.errors.append(repr(error))


def live(person, stats, stop):
    """Act every THINK seconds from the previous action's start, until `stop`."""
    next_at = time.monotonic() + person.rng.uniform(0, THINK[1])  # not all at once
    while not stop.wait(max(0.0, next_at - time.monotonic())):
        next_at += person.rng.uniform(*THINK)
        safely(person, stats)


def workers_cpu_seconds(master_pid):
    """User + system CPU seconds of the gunicorn master's worker processes so far."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--pairs", type=int, default=25)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--unloaded", type=int, default=150, help="actions replayed alone")
    parser.add_argument("--kept", choices=["on", "off"], default="on")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.kept == "off":
        os.environ["PAGE_CACHE_SECONDS"] = "0"  # the server's environment: every page rendered

    setup_django(args.database_url)
    from django.utils import timezone

    prepared = prepare(args.pairs)
    with Server(args.database_url, workers=args.workers) as server:

        def people(tag):
            return [
                Person(
                    server.port, slug, initiative, role, sessionid, reads, f"{tag}-{slug}-{role}"
                )
                for slug, initiative, persons, reads in prepared
                for role, (_user, sessionid) in persons.items()
            ]

        # Every person has opened their pages before (not measured): the load starts from a
        # day's use, with pages kept for each reader, not from an empty cache.
        alone, quiet = timed_stats(), people(f"{args.seed}-alone")
        for person in quiet:
            for path in person.reads:
                person.client.request("GET", path)
        # Unloaded: the same mix, one person at a time, no think time.
        started_at = timezone.now()
        rng = random.Random(args.seed)
        for _ in range(args.unloaded):
            safely(rng.choice(quiet), alone, typing=(0, 0))
        unloaded = statistics.median(alone.times)

        stats, stop = timed_stats(), threading.Event()
        crowd = people(args.seed)
        threads = [threading.Thread(target=live, args=(p, stats, stop), daemon=True) for p in crowd]
        cpu_before = workers_cpu_seconds(server.process.pid)
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - began
        cpu = workers_cpu_seconds(server.process.pid) - cpu_before

    total = len(stats.times)
    cores = os.cpu_count()
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    accepted = sum(len(v) for v in stats.accepted.values())
    refused = sum(len(v) for v in stats.refused.values())
    # One data check over both phases: the unloaded replay saved too.
    for pk, saves in alone.accepted.items():
        stats.accepted.setdefault(pk, []).extend(saves)
    for pk, markers in alone.refused.items():
        stats.refused.setdefault(pk, []).extend(markers)
    stats.errors += alone.errors
    stats.unexpected += alone.unexpected
    p95 = pct(stats.times, 95) if stats.times else float("nan")
    print(
        f"{len(crowd)} people ({args.pairs} CEO/CTO pairs) acting every {THINK[0]:g}–{THINK[1]:g} s"
        f" ({EDIT_SHARE:.0%} edits), {elapsed:.0f} s, kept pages {args.kept}, gunicorn"
        f" {args.workers} workers, {cores} cores shared with PostgreSQL, Redis and the client"
    )
    print(f"unloaded        median {unloaded:.1f} ms over {len(alone.times)} requests alone")
    print(
        f"requests        {total:,}  ({total / elapsed:.1f}/s, {total / elapsed / cores:.1f}/s"
        f" per core)"
    )
    print(f"web CPU         {cpu * 1000 / max(total, 1):.1f} ms per request ({cpu:.1f} s)")
    if stats.times:
        print(
            f"latency ms      p50 {statistics.median(stats.times):.0f}  p95 {p95:.0f}  "
            f"p99 {pct(stats.times, 99):.0f}  max {max(stats.times):.0f}"
        )
        print(
            f"in Django ms    p50 {statistics.median(stats.server_ms):.0f}  "
            f"p95 {pct(stats.server_ms, 95):.0f}  (the rest: waiting for a worker)"
        )
    print(f"statuses        {dict(sorted(stats.statuses.items()))}")
    print(f"saves           {accepted} accepted, {refused} refused as conflicts")
    print(
        f"errors          {len(stats.errors)} client errors, {server_errors} 5xx, "
        f"{len(stats.unexpected)} unexpected answers"
    )
    for line in (stats.errors + [str(u) for u in stats.unexpected])[:10]:
        print(f"  {line}")
    problems = verify(prepared, stats, started_at)
    for line in problems[:20]:
        print(f"  data check: {line}")
    print("Data check " + ("FAILED" if problems else "passed: no lost or double save."))
    ratio = p95 / unloaded
    met = ratio <= MAX_P95_RATIO and not (problems or server_errors or stats.errors)
    print(
        f"Goal {'met' if met else 'missed'}: p95 {ratio:.1f}× the unloaded median"
        f" (≤ {MAX_P95_RATIO:g}×), {len(stats.errors) + server_errors} errors, data check"
        f" {'failed' if problems else 'passed'}."
    )
    sys.exit(0 if met and not stats.unexpected else 1)


if __name__ == "__main__":
    main()
