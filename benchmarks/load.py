"""Load run on loopback: CEO/CTO pairs reading pages and saving edits to shared records.

Serves Calibrate with gunicorn on 127.0.0.1 against DATABASE_URL (default
calibrate_bench, filled by `manage.py generate_dataset`). Each of --pairs organizations gets
two simulated people, its CEO and its CTO, who for --duration seconds (and at most
--max-actions actions in all: a read is one request, an edit two) read pages and edit the SAME initiative's summary: read the
edit form (its version), think, save. Two saves from the same version: one is accepted, the
other must be refused as a conflict. Then it prints throughput, p50/p95/p99 and errors, and
checks the data:

* every accepted save is in the database (the record's version counts them, its summary is
  the last one) and in its history (exactly one Change row with that summary);
* every refused save was refused as a conflict and left no trace;
* no 5xx responses.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/calibrate_bench \\
        python benchmarks/load.py [--pairs 50] [--duration 60] [--workers 4 --threads 1]
"""

import argparse
import random
import re
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import DATABASE_URL, Client, Server, pct, setup_django  # noqa: E402

VERSION = re.compile(r'name="version" value="(\d+)"')


def session_cookie(user):
    """A logged-in session made directly (no password hashing for 100 logins)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare(pairs):
    """[(slug, initiative, {role: (user, sessionid)}, read paths)] for `pairs` organizations."""
    from accounts.models import Organization
    from calibration.alignment.models import BetSheet
    from calibration.timeline.models import Initiative

    orgs = list(Organization.objects.filter(slug__startswith="gen-").order_by("slug")[:pairs])
    if len(orgs) < pairs:
        raise SystemExit(f"Only {len(orgs)} generated organizations; run generate_dataset.")
    prepared = []
    for org in orgs:
        initiative = Initiative.objects.for_org(org).filter(status="active").order_by("pk").first()
        people = {}
        for role in ("ceo", "cto"):
            user = org.member_with_role(role)
            people[role] = (user, session_cookie(user))
        base = f"/o/{org.slug}/"
        sheet = BetSheet.current_for(org)
        reads = [
            base,
            f"{base}timeline/",
            f"{base}timeline/{initiative.pk}/",
            f"{base}constraints/",
            f"{base}alignment/{sheet.pk}/" if sheet else f"{base}alignment/",
        ]
        prepared.append((org.slug, initiative, people, reads))
    return prepared


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = []
        self.statuses = {}
        self.errors = []
        self.accepted = {}  # initiative pk -> [(expected_version, marker)]
        self.refused = {}  # initiative pk -> [marker]
        self.unexpected = []

    def record(self, elapsed, status):
        with self.lock:
            self.times.append(elapsed * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def person(port, slug, initiative, role, sessionid, reads, stats, stop, budget, seed):
    rng = random.Random(seed)
    client = Client(port)
    csrf = secrets.token_hex(16)  # a 32-character secret, accepted unmasked
    client.cookies.update({"sessionid": sessionid, "csrftoken": csrf})
    section = f"/o/{slug}/timeline/{initiative.pk}/overview/"
    fixed = {
        "title": initiative.title,
        "owner": initiative.owner_id or "",
        "status": initiative.status,
        "start_date": initiative.start_date.isoformat(),
        "delivered_on": initiative.delivered_on.isoformat() if initiative.delivered_on else "",
    }
    n = 0
    while not stop.is_set() and budget.acquire(blocking=False):
        try:
            if rng.random() < 0.6:
                path = rng.choice(reads)
                started = time.perf_counter()
                response, _ = client.request("GET", path)
                stats.record(time.perf_counter() - started, response.status)
                continue
            # Read the edit form (and its version), think, save.
            started = time.perf_counter()
            response, body = client.request(
                "GET", section + "?edit", headers={"HX-Request": "true"}
            )
            stats.record(time.perf_counter() - started, response.status)
            found = VERSION.search(body.decode())
            if response.status != 200 or not found:
                stats.unexpected.append(
                    (slug, role, "no version in the edit form", response.status)
                )
                continue
            version = int(found.group(1))
            time.sleep(rng.uniform(0, 0.3))
            n += 1
            marker = f"Load test: {role} {slug} save {n} from v{version}"
            data = {**fixed, "summary": marker, "version": version, "csrfmiddlewaretoken": csrf}
            started = time.perf_counter()
            response, body = client.request("POST", section, data, retry=False)
            stats.record(time.perf_counter() - started, response.status)
            with stats.lock:
                if response.status == 302:
                    stats.accepted.setdefault(initiative.pk, []).append((version, marker))
                elif response.status == 200 and b'class="conflict"' in body:
                    stats.refused.setdefault(initiative.pk, []).append(marker)
                else:
                    stats.unexpected.append((slug, role, marker, response.status))
        except Exception as error:  # noqa: BLE001 — counted and reported
            with stats.lock:
                stats.errors.append(repr(error))


def verify(prepared, stats, started_at):
    """[problem] — empty when every accepted save is kept and every refused one is not."""
    from django.contrib.contenttypes.models import ContentType

    from calibration.models import Change
    from calibration.timeline.models import Initiative

    problems = []
    kind = ContentType.objects.get_for_model(Initiative)
    for _slug, initiative, _people, _reads in prepared:
        accepted = stats.accepted.get(initiative.pk, [])
        refused = stats.refused.get(initiative.pk, [])
        now = Initiative.objects.get(pk=initiative.pk)
        versions = [v for v, _ in accepted]
        if len(set(versions)) != len(versions):
            problems.append(f"{initiative.pk}: two saves accepted from the same version")
        if now.version != initiative.version + len(accepted):
            problems.append(
                f"{initiative.pk}: version {now.version}, expected "
                f"{initiative.version} + {len(accepted)} accepted saves"
            )
        if accepted and now.summary != max(accepted)[1]:
            problems.append(f"{initiative.pk}: the last accepted save is not what is stored")
        history = list(
            Change.objects.filter(
                content_type=kind, object_id=initiative.pk, at__gte=started_at
            ).values_list("new", flat=True)
        )
        written = [h.get("summary") for h in history if "summary" in h]
        for _, marker in accepted:
            if written.count(marker) != 1:
                problems.append(f"{initiative.pk}: accepted save not in the history: {marker}")
        for marker in refused:
            if marker in written:
                problems.append(f"{initiative.pk}: refused save found in the history: {marker}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--max-actions", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.utils import timezone

    prepared = prepare(args.pairs)
    stats, stop = Stats(), threading.Event()
    budget = threading.Semaphore(args.max_actions)
    with Server(args.database_url, workers=args.workers, threads=args.threads) as server:
        started_at = timezone.now()
        threads = [
            threading.Thread(
                target=person,
                args=(server.port, slug, initiative, role, sessionid, reads, stats, stop, budget),
                kwargs={"seed": f"{args.seed}-{slug}-{role}"},
                daemon=True,
            )
            for slug, initiative, people, reads in prepared
            for role, (_user, sessionid) in people.items()
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - began

    total = len(stats.times)
    accepted = sum(len(v) for v in stats.accepted.values())
    refused = sum(len(v) for v in stats.refused.values())
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    print(
        f"{len(threads)} simulated people ({args.pairs} CEO/CTO pairs), {elapsed:.0f} s, "
        f"gunicorn {args.workers} workers × {args.threads} threads"
    )
    print(f"requests        {total:,}  ({total / elapsed:.1f}/s)")
    if stats.times:
        print(
            f"latency ms      p50 {statistics.median(stats.times):.0f}  "
            f"p95 {pct(stats.times, 95):.0f}  p99 {pct(stats.times, 99):.0f}  "
            f"max {max(stats.times):.0f}"
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
    if problems:
        print("Data check FAILED:")
        for line in problems[:20]:
            print(f"  - {line}")
    else:
        print(
            "Data check passed: every accepted save is stored and in the history once, "
            "every refused save was a conflict and left no trace."
        )
    ok = not problems and not server_errors and not stats.errors and not stats.unexpected
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
