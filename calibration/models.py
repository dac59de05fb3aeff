"""Safe shared editing: versioned records and the history of every change to them.

The CEO and the CTO edit the same records at the same time. Every editable model in
Calibrate extends SharedRecord and is changed only through its `create_shared`,
`save_shared` and `delete_shared` methods, which

* refuse a save made from a stale version (a compare-and-set on `version`), raising
  EditConflict with the record as it now stands, so the form can show both sides; and
* write a Change row — who, when, old → new per field — in the same transaction.
"""

import datetime
import decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization

BOOKKEEPING_FIELDS = {"id", "organization", "version", "created_at", "updated_at"}


class EditConflict(Exception):
    """Someone saved the record after this edit began. `current` is the record as it now is
    (None if it was deleted)."""

    def __init__(self, current):
        super().__init__("The record was changed by someone else.")
        self.current = current


class SharedRecordQuerySet(models.QuerySet):
    def for_org(self, org):
        return self.filter(organization=org)


class SharedRecord(models.Model):
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    # --- what the history shows -------------------------------------------------------

    @classmethod
    def tracked_fields(cls):
        return [
            f
            for f in cls._meta.concrete_fields
            if f.name not in BOOKKEEPING_FIELDS and getattr(f, "editable", True)
        ]

    def snapshot(self):
        """Each tracked field as a person would read it, keyed by field name."""
        return {f.name: display_value(self, f) for f in self.tracked_fields()}

    def history(self):
        return Change.objects.filter(
            content_type=ContentType.objects.get_for_model(type(self)), object_id=self.pk
        ).select_related("by", "content_type")

    # --- the only ways to write ---------------------------------------------------------

    @classmethod
    def create_shared(cls, *, by, note="", **fields):
        with transaction.atomic():
            record = cls(**fields)
            record.full_clean()
            record.save()
            record._record_change(Change.CREATED, {}, record.snapshot(), by, note)
        return record

    def save_shared(self, *, by, expected_version, note=""):
        """Save this instance's field values if nobody saved since `expected_version`.

        The conditional UPDATE takes the row lock, so of two concurrent saves from the
        same version exactly one matches; the other sees 0 rows and gets EditConflict.
        """
        if self.pk is None:
            raise ValueError("save_shared() is for existing records; use create_shared().")
        model = type(self)
        with transaction.atomic():
            self._claim_version(expected_version)
            before = model._base_manager.get(pk=self.pk).snapshot()
            self.version = expected_version + 1
            self.updated_at = timezone.now()
            self.save()
            after = self.snapshot()
            changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
            if changed:
                self._record_change(Change.CHANGED, *zip_changes(changed), by, note)
        return self

    def delete_shared(self, *, by, expected_version, note=""):
        with transaction.atomic():
            self._claim_version(expected_version)
            self._record_change(Change.DELETED, self.snapshot(), {}, by, note)
            self.delete()

    def _claim_version(self, expected_version):
        """Compare-and-set: move the stored version past `expected_version`, or raise
        EditConflict when someone saved since. Must run inside the write's transaction: the
        UPDATE holds the row lock until it commits."""
        model = type(self)
        claimed = model._base_manager.filter(pk=self.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise EditConflict(model._base_manager.filter(pk=self.pk).first())

    def _record_change(self, action, old, new, by, note):
        Change.objects.create(
            organization_id=self.organization_id,
            content_type=ContentType.objects.get_for_model(type(self)),
            object_id=self.pk,
            object_repr=str(self)[:200],
            action=action,
            by=by,
            old=old,
            new=new,
            note=note,
        )


def zip_changes(changed):
    return {k: old for k, (old, _) in changed.items()}, {k: new for k, (_, new) in changed.items()}


def display_value(record, field):
    if field.is_relation:
        related = getattr(record, field.name)
        return None if related is None else str(related)
    value = getattr(record, field.attname)
    if field.choices and value not in (None, ""):
        return str(getattr(record, f"get_{field.name}_display")())
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


class Change(models.Model):
    """One create, change or delete of a shared record: who, when, and old → new values."""

    CREATED, CHANGED, DELETED = "created", "changed", "deleted"
    ACTIONS = [(CREATED, "created"), (CHANGED, "changed"), (DELETED, "deleted")]

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="changes")
    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=8, choices=ACTIONS)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            models.Index(fields=["organization", "-at"]),
        ]

    def __str__(self):
        return f"{self.object_repr} {self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    def field_changes(self):
        """(label, old, new) per field, labelled as the form labels them."""
        model = self.content_type.model_class()
        labels = (
            {f.name: str(f.verbose_name).capitalize() for f in model._meta.fields} if model else {}
        )
        names = list(dict.fromkeys([*self.old.keys(), *self.new.keys()]))
        return [(labels.get(n, n), self.old.get(n), self.new.get(n)) for n in names]


class PlanningCycle(SharedRecord):
    """A strategic planning cycle: when it happens, undecided constraints come up for review."""

    name = models.CharField(max_length=100, help_text="For example “FY27 H1 planning”.")
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on", null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The cycle cannot end before it starts."})
