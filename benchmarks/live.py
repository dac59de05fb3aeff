"""Live-page benchmark: what an open page costs while nothing changes.

Every open organization page asks `/o/<slug>/live/` every 2 seconds "has anything changed
since data version V, and is anyone else editing here?" (calibration/live.py). This prints,
against the same gunicorn server and database as benchmarks/pages.py:

1. the *nothing changed* check (204) for the CEO of `bigco` and of a regular organization:
   its queries, median and p95, and the ratio to the floor (an authenticated empty page
   through the same middleware, measured right after it);
2. *idle open pages*: --pages open pages (default 200) spread over CEO/CTO sessions of
   generated organizations, each polling every 2 s for --duration seconds as live.js does
   (the first poll at a random moment of the first 2 s): polls answered, share answered 204,
   p50/p95/p99 latency, errors, and the CPU the gunicorn workers spent per poll and in all
   (from /proc; the load client runs on the same cores and is reported too).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/calibrate_bench \\
        python benchmarks/live.py [--pages 200] [--duration 30] [--workers 2]
"""

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import session_cookie  # noqa: E402
from pages import DATABASE_URL, Client, Server, measure, pct, setup_django  # noqa: E402

POLL_SECONDS = 2.0
TICKS = os.sysconf("SC_CLK_TCK")
POLLER = re.compile(r'hx-get="([^"]*/live/\?[^"]*)"')


def cpu_seconds(pid):
    """User + system CPU of a process and its children (the gunicorn master and workers)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def poll_path(client, page):
    """The poll URL a page at rest asks: its own version and the digest of who is editing,
    read from the poller the server renders (the first poll of a page)."""
    slug = page.split("/")[2]
    response, body = client.request(
        "GET", f"/o/{slug}/live/?page={urllib.parse.quote(page)}", headers={"HX-Request": "true"}
    )
    if response.status != 200:
        raise RuntimeError(f"first poll of {page}: HTTP {response.status}")
    return POLLER.search(body.decode()).group(1).replace("&amp;", "&")


def logged_in(port, user):
    client = Client(port)
    client.cookies["sessionid"] = session_cookie(user)
    return client


def check_cost(server, slug, requests, workers):
    from accounts.models import Membership

    ceo = Membership.objects.get(organization__slug=slug, role="ceo").user
    client = logged_in(server.port, ceo)
    path = poll_path(client, f"/o/{slug}/timeline/")
    headers = {"HX-Request": "true"}
    check = measure(client, path, headers, requests, workers)
    floor = measure(client, f"/o/{slug}/__floor__/?size=0", {}, requests, workers)
    check_ms, floor_ms = statistics.median(check["times"]), statistics.median(floor["times"])
    queries = ",".join(str(q) for q in sorted(check["queries"]))
    print(
        f"{slug[:30]:<32}{check['status']:>5}{queries:>8}{check_ms:>9.2f}{pct(check['times'], 95):>8.2f}"
        f"{floor_ms:>10.2f}{check_ms / floor_ms:>8.1f}×"
    )
    return check["status"] == 204


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times, self.statuses, self.errors = [], {}, 0

    def add(self, ms, status):
        with self.lock:
            self.times.append(ms)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def error(self):
        with self.lock:
            self.errors += 1


def open_page(port, cookie, page, stop, tally, seed):
    """One open page: polls every 2 s (its own connection, as a browser tab has)."""
    rng = random.Random(seed)
    client = Client(port)
    client.cookies["sessionid"] = cookie
    path = poll_path(client, page)
    next_at = time.monotonic() + rng.uniform(0, POLL_SECONDS)
    while not stop.is_set():
        delay = next_at - time.monotonic()
        if delay > 0 and stop.wait(delay):
            break
        next_at += POLL_SECONDS
        started = time.perf_counter()
        try:
            response, _ = client.request("GET", path, headers={"HX-Request": "true"})
        except OSError:
            tally.error()
            continue
        tally.add((time.perf_counter() - started) * 1000, response.status)


def idle_pages(server, pages, duration):
    from accounts.models import Membership

    sessions = []
    slugs = (
        Membership.objects.filter(organization__slug__startswith="gen-", role__in=["ceo", "cto"])
        .select_related("user", "organization")
        .order_by("organization__slug", "role")
    )
    for membership in slugs[: max(2, pages // 10)]:
        sessions.append((membership.organization.slug, session_cookie(membership.user)))
    reads = ["timeline/", "constraints/", "alignment/", "", "history/"]
    stop, tally, threads = threading.Event(), Tally(), []
    for n in range(pages):
        slug, cookie = sessions[n % len(sessions)]
        page = f"/o/{slug}/{reads[n % len(reads)]}"
        args = (server.port, cookie, page, stop, tally, n)
        threads.append(threading.Thread(target=open_page, args=args, daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(POLL_SECONDS + 1)  # every page has made its first (rendering) poll
    with tally.lock:
        tally.times.clear()
        tally.statuses.clear()
    server_cpu, client_cpu = cpu_seconds(server.process.pid), time.process_time()
    started = time.monotonic()
    time.sleep(duration)
    elapsed = time.monotonic() - started
    server_cpu = cpu_seconds(server.process.pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    with tally.lock:
        times, statuses, errors = list(tally.times), dict(tally.statuses), tally.errors
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    polls = len(times)
    print(
        f"\n== {pages} idle open pages ({len(sessions)} sessions), one poll each every "
        f"{POLL_SECONDS:g} s, {elapsed:.0f} s measured"
    )
    print(f"polls answered        {polls} ({polls / elapsed:.1f}/s; expected {pages / 2:.0f}/s)")
    print(f"statuses              {statuses}; errors {errors}")
    if times:
        print(
            f"latency ms            p50 {pct(times, 50):.1f}  p95 {pct(times, 95):.1f}  "
            f"p99 {pct(times, 99):.1f}"
        )
        print(
            f"web CPU               {server_cpu:.1f} s in all, {server_cpu / polls * 1000:.2f} ms "
            f"per poll, {server_cpu / elapsed:.2f} of one core"
        )
    print(f"load client CPU       {client_cpu:.1f} s ({client_cpu / elapsed:.2f} of one core)")
    return errors == 0 and not any(status >= 500 for status in statuses)


def run(args):
    setup_django(args.database_url)
    from accounts.models import Organization

    small = Organization.objects.filter(slug__startswith="gen-").order_by("slug").first()
    slugs = ["bigco"] + ([small.slug] if small else [])
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    ok = True
    with Server(args.database_url, workers=args.workers) as server:
        print(
            f"\n== the 'nothing changed' check ({args.requests} requests, gunicorn "
            f"{args.workers} workers)"
        )
        print(f"{'org':<32}{'st':>5}{'queries':>8}{'ms':>9}{'p95':>8}{'floor ms':>10}{'ratio':>9}")
        for slug in slugs:
            ok = check_cost(server, slug, args.requests, args.workers) and ok
        if small:
            ok = idle_pages(server, args.pages, args.duration) and ok
    print(f"\nload average after: {Path('/proc/loadavg').read_text().strip()}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
