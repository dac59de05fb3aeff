"""Shared machinery for `manage.py generate_dataset`: a seeded, bulk-inserted dataset.

Each conversation has a module beside this one (timeline.py, alignment.py, constraints.py,
reminders.py) with a `generate(batch, ...)` that adds its records for the organizations of
one batch. Records are written with `bulk_create` (no per-row `create_shared`), so the
history (Change rows) is written here explicitly, in bulk, the way `create_shared` /
`save_shared` would have written it.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from calibration.models import Change

BATCH_SIZE = 2000


@dataclass
class OrgSeed:
    """One generated organization and its people, for the per-app generators."""

    org: object
    ceo: object
    cto: object
    observers: list
    today: datetime.date
    rng: random.Random
    big: bool = False
    scale: float = 1.0  # the tests make small organizations (0.05) and larger ones (0.3)

    @property
    def leaders(self):
        return [self.ceo, self.cto]

    def scaled(self, n, least=1):
        return max(least, round(n * self.scale))


@dataclass
class Batch:
    """The organizations of one batch, and the history rows their records imply."""

    orgs: list
    now: datetime.datetime
    changes: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def bulk(self, model, rows):
        """bulk_create `rows` (primary keys set on them) and count them."""
        rows = list(rows)
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        return rows

    def copy(self, model, rows):
        """Write leaf rows nobody needs the primary keys of (history, revisions, reminders)
        with PostgreSQL COPY — several times faster than INSERT; bulk_create elsewhere."""
        rows = list(rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        if not rows:
            return rows
        if connection.vendor != "postgresql":
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            return rows
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                    )
        return rows

    def at(self, day, rng, hour_from=8, hour_to=19):
        """An aware datetime on `day` during working hours (UTC), before now."""
        moment = datetime.datetime.combine(
            day,
            datetime.time(rng.randrange(hour_from, hour_to), rng.randrange(60)),
            tzinfo=datetime.UTC,
        )
        return min(moment, self.now)

    # --- history, as create_shared / save_shared write it ----------------------------------

    def created(self, record, by, at, note=""):
        record.created_at = record.updated_at = at
        self.changes.append((record, Change.CREATED, {}, record.snapshot(), by, at, note))

    def changed(self, record, old, new, by, at, note=""):
        record.updated_at = max(record.updated_at, at)
        record.version += 1
        self.changes.append((record, Change.CHANGED, old, new, by, at, note))

    def write_changes(self):
        """Write the Change rows of every record registered (after they have primary keys)."""
        types = {}
        rows = []
        for record, action, old, new, by, at, note in self.changes:
            model = type(record)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            if "constraint_id" in new and new["constraint_id"] is None:
                new["constraint_id"] = record.constraint_id  # known once the parent is saved
            rows.append(
                Change(
                    organization_id=record.organization_id,
                    content_type=types[model],
                    object_id=record.pk,
                    object_repr=str(record)[:200],
                    action=action,
                    by=by,
                    at=at,
                    old=old,
                    new=new,
                    note=note,
                )
            )
        self.changes = []
        return self.copy(Change, rows)


def shift(day, weeks=0, days=0):
    return day + datetime.timedelta(weeks=weeks, days=days)


def now():
    return timezone.now()
