"""Generate a realistic dataset for benchmarks: N organizations (2–5 members each, 60
initiatives with 10 revisions and 5 indicators, 12 quarters of bet sheets, 30 constraints,
the reminders they imply) plus one large organization, `bigco`, with 200 active initiatives.

Deterministic from --seed (dates are relative to today). Written with bulk inserts, the
history (Change rows) included; every user gets the same precomputed password hash.
Run it on an empty database: `manage.py migrate && manage.py generate_dataset --orgs 500`.
"""

import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, Organization, Role, User
from demodata.generate import alignment, constraints, reminders, timeline
from demodata.generate.batch import Batch, OrgSeed

PASSWORD = "calibrate-bench"
ORGS_PER_BATCH = 20
BIG_SLUG = "bigco"

FIRST = "Ada Tom Bea Omar Lena Raj Mia Ivan Sara Kofi Yuki Noah Elif Jonas Priya Diego Hana Liam".split()
LAST = "Chen Okafor Novak Haddad Larsen Mehta Rossi Petrov Kim Mensah Sato Walsh Demir Berg".split()
PREFIX = "North South Blue Bright Iron Silver Green Red Clear Swift Quiet Bold Open True".split()
SUFFIX = "wind field stone path works labs forge bridge line point harbor peak ridge gate".split()
KIND = "Analytics Health Logistics Payments Robotics Energy Learning Security Travel Foods".split()
TIME_ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore"]


class Command(BaseCommand):
    help = "Generate a realistic benchmark dataset (bulk inserts, deterministic from --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=500, help="Organizations (plus bigco).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-big", action="store_true", help="Skip the large 'bigco'.")

    def handle(self, *args, orgs, seed, no_big, **options):
        if (
            Organization.objects.filter(slug=BIG_SLUG).exists()
            or Organization.objects.filter(slug__startswith="gen-").exists()
        ):
            raise CommandError(
                "A generated dataset is already here; start from an empty database "
                "(manage.py flush, or drop and migrate)."
            )
        started = time.monotonic()
        password = make_password(PASSWORD, salt="calibratebench")  # one hash for everyone
        plan = ([] if no_big else [(0, True)]) + [(i, False) for i in range(1, orgs + 1)]
        totals = {}
        for start in range(0, len(plan), ORGS_PER_BATCH):
            chunk = plan[start : start + ORGS_PER_BATCH]
            with transaction.atomic():
                batch = generate_batch(chunk, seed, password)
            for label, n in batch.counts.items():
                totals[label] = totals.get(label, 0) + n
            done = start + len(chunk)
            self.stdout.write(
                f"  {done}/{len(plan)} organizations, {time.monotonic() - started:.0f} s",
                ending="\r" if done < len(plan) else "\n",
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.report(totals, elapsed)

    def report(self, totals, elapsed):
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} s:"))
        for label, n in sorted(totals.items()):
            self.stdout.write(f"  {label:<28} {n:>10,}")
        self.stdout.write(f"  {'total rows':<28} {sum(totals.values()):>10,}")
        big = Organization.objects.filter(slug=BIG_SLUG).first()
        if big:
            self.stdout.write(
                f"Large organization: /o/{BIG_SLUG}/  CEO login: ceo@{BIG_SLUG}.example  "
                f"password: {PASSWORD}"
            )
        small = Organization.objects.filter(slug__startswith="gen-").order_by("slug").first()
        if small:
            self.stdout.write(
                f"A regular organization: /o/{small.slug}/  CEO login: ceo@{small.slug}.example"
                f"  password: {PASSWORD}"
            )


def generate_batch(chunk, seed, password, scale=1.0):
    """Generate the organizations of `chunk` ([(index, is_big)]) and everything in them."""
    now = timezone.now()
    batch = Batch(orgs=[], now=now)
    users, memberships, org_rows, people = [], [], [], []
    for index, big in chunk:
        rng = random.Random(f"{seed}-{index}")
        if big:
            name, slug, size = "BigCo", BIG_SLUG, 5
        else:
            name = f"{rng.choice(PREFIX)}{rng.choice(SUFFIX)} {rng.choice(KIND)}"
            slug, size = f"gen-{index:05d}-{slugify(name)}", rng.randint(2, 5)
        org = Organization(
            name=name,
            slug=slug[:60],
            time_zone=rng.choice(TIME_ZONES),
            fiscal_year_start_month=rng.choice([1, 1, 1, 4, 7, 10]),
            created_at=now,
        )
        org_rows.append(org)
        domain = f"{org.slug}.example"
        roles = [Role.CEO, Role.CTO] + [Role.OBSERVER] * (size - 2)
        members = []
        for n, role in enumerate(roles):
            local = role if role != Role.OBSERVER else f"observer{n - 1}"
            user = User(
                email=f"{local}@{domain}",
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password=password,
            )
            users.append(user)
            members.append((user, role))
        people.append((org, members, rng, big))
    batch.bulk(Organization, org_rows)
    batch.bulk(User, users)
    for org, members, rng, big in people:
        for user, role in members:
            memberships.append(Membership(user=user, organization=org, role=role))
        batch.orgs.append(
            OrgSeed(
                org=org,
                ceo=members[0][0],
                cto=members[1][0],
                observers=[u for u, _ in members[2:]],
                today=org.today(),
                rng=rng,
                big=big,
            )
        )
    batch.bulk(Membership, memberships)

    indicators, actions = timeline.generate(batch)
    sheets = alignment.generate(batch)
    constraint_rows = constraints.generate(batch)
    reminders.generate(batch, indicators, actions, sheets, constraint_rows)
    batch.write_changes()
    return batch
