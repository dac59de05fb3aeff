"""Safe shared editing: versioned records and the history of every change to them.

The CEO and the CTO edit the same records at the same time. Every editable model in
Calibrate extends SharedRecord and is changed only through its `create_shared`,
`save_shared` and `delete_shared` methods, which

* refuse a save made from a stale version (a compare-and-set on `version`, under the
  row's lock), raising EditConflict with the record as it now stands, so the form can show
  both sides;
* let the model apply the rules that follow from the change in one hook, `changed()`; and
* write a Change row — who, when, old → new per field — in the same transaction.
"""

import datetime
import decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Organization, single_line
from calibration.formats import stored_value_text
from calibration.ranges import date_in_range

BOOKKEEPING_FIELDS = {"id", "organization", "version", "created_at", "updated_at"}
# A base value the history cannot give: whatever the field holds now differs from it.
NOT_KNOWN = object()


class EditConflict(Exception):
    """Someone saved the record after this edit began. `current` is the record as it now is
    (None if it was deleted); `fields`, when known, the fields both people changed."""

    def __init__(self, current, fields=None):
        super().__init__("The record was changed by someone else.")
        self.current = current
        self.fields = fields


class SharedRecordQuerySet(models.QuerySet):
    def for_org(self, org):
        return self.filter(organization=org)


class SharedRecord(models.Model):
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SharedRecordQuerySet.as_manager()

    # The foreign key of a parent whose row every write of this record locks first (a bet
    # locks its sheet): writes to one parent's children queue behind each other, always
    # parent first, so two of them can never deadlock.
    locks_parent = None
    # Related records deleted with this one, each through delete_shared (so each deletion
    # is in the history), before this one goes.
    deleted_with = ()

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

    def clean_fields(self, exclude=None):
        """Besides each field's own rules: every one-line text (a CharField, not a
        TextField) holds one line."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if field.name in (exclude or ()) or field.name in errors:
                continue
            if isinstance(field, models.CharField) and not field.choices:
                try:
                    single_line(getattr(self, field.attname) or "")
                except ValidationError as error:
                    errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def snapshot(self):
        """Each tracked field as a person would read it, keyed by field name."""
        return {f.name: display_value(self, f) for f in self.tracked_fields()}

    def history(self):
        return Change.objects.filter(
            content_type=ContentType.objects.get_for_model(type(self)), object_id=self.pk
        ).select_related("by", "content_type", "organization")

    # --- the only ways to write ---------------------------------------------------------
    #
    # One path for every record: lock (the parent, then the row), compare the version,
    # write, let the model apply the rules that follow from the change (`changed`), then
    # record the Change — after the hook, so what the hook derived is in the history too.

    @classmethod
    def create_shared(cls, *, by, note="", **fields):
        with transaction.atomic():
            record = cls(**fields)
            record._lock_parent()
            record.full_clean()
            record.save()
            record.changed(None, by=by, note=note)
            record._record_change(Change.CREATED, {}, record.snapshot(), by, note)
        return record

    def save_shared(self, *, by, expected_version, note="", base=None):
        """Save this instance's field values, edited by someone who read the record at
        `expected_version`.

        When someone saved since, the edit is merged with theirs if `base` is given — the
        raw values (`raw_values`) the person was shown, for the fields they could edit; the
        other fields' base is what this instance held when it was loaded. Per field: one
        this person did not change takes what is stored now; one only they changed is
        applied; one both changed to different values is a conflict. Conflicts (or, without
        a base, any save since) raise EditConflict with the record as it now stands and
        the conflicting fields; nothing is written. After a merge, `kept_theirs` names the
        fields the other person's save contributed.
        """
        if self.pk is None:
            raise ValueError("save_shared() is for existing records; use create_shared().")
        loaded = getattr(self, "_loaded", None) or raw_values(self)
        kept, saved = (self.version, self.updated_at), False
        self.kept_theirs = []
        try:
            with transaction.atomic():
                self._lock_parent()
                before = self._lock(expected_version, mergeable=base is not None)
                if before.version != expected_version:
                    self._merge(before, {**loaded, **base})
                self.version = before.version + 1
                self.updated_at = timezone.now()
                self.save()
                self.changed(before, by=by, note=note)
                old, new = zip_changes(before.snapshot(), self.snapshot())
                if new:
                    self._record_change(Change.CHANGED, old, new, by, note)
            saved = True
        finally:
            if not saved:  # refused or failed: nothing was written, the instance says so
                self.version, self.updated_at = kept
        return self

    def patch_shared(self, *, by, expected_version, values, note=""):
        """Set `values` ({field name: value}) — the fields a client sends, as an API PATCH
        does — on this record, read at `expected_version`. A client keeps no copy of what it
        was shown, so the history says what changed since: a sent field someone else changed
        since then to another value is a conflict; the rest is merged as forms are."""
        since = self.fields_changed_since(expected_version)
        base = {
            name: NOT_KNOWN
            if since is None or name in since
            else raw_value(self, self._meta.get_field(name))
            for name in values
        }
        for name, value in values.items():
            setattr(self, self._meta.get_field(name).attname, value)
        return self.save_shared(by=by, expected_version=expected_version, note=note, base=base)

    def fields_changed_since(self, version):
        """The names of the fields saved after `version`, or None when the history cannot
        say (changes recorded before it kept versions)."""
        if version >= self.version:
            return set()
        changes = list(self.changes_since(version).values_list("version", "new", "old"))
        if {v for v, _, _ in changes} != set(range(version + 1, self.version + 1)):
            return None
        return {name for _, new, old in changes for name in (*new, *old)}

    def _merge(self, current, base):
        """Take what others saved since `base` into this instance, field by field (see
        save_shared); EditConflict when both changed a field to different values."""
        conflicts = []
        for field in self._meta.concrete_fields:
            if field.name in BOOKKEEPING_FIELDS:
                continue
            mine, theirs = raw_value(self, field), raw_value(current, field)
            was = base.get(field.name, theirs)
            if mine == was:
                if theirs != was:
                    setattr(self, field.attname, field.value_from_object(current))
                    self.kept_theirs.append(field.name)
            elif theirs not in (was, mine):
                conflicts.append(field.name)
        if conflicts:
            raise EditConflict(current, fields=conflicts)
        # Each change was valid alone; together they must be too (best before worst …).
        self.full_clean(validate_unique=False, validate_constraints=False)

    def delete_shared(self, *, by, expected_version, note=""):
        with transaction.atomic():
            self._lock_parent()
            before = self._lock(expected_version)
            last_state = before.snapshot()  # before its related records go
            self.changed(before, by=by, note=note, deleted=True)
            for name in self.deleted_with:
                for child in _related(self, name):
                    child.delete_shared(
                        by=by, expected_version=child.version, note=note or f"deleted with {self}"
                    )
            self._record_change(Change.DELETED, last_state, {}, by, note)
            self.delete()

    def changed(self, before, *, by, note, deleted=False):
        """The hook: the rules that follow from a change, run inside the write's
        transaction, under its locks. For a create or a save it runs after the row is
        written, with `before` the row as it was (None when created); for a delete
        (`deleted`) it runs before the row and its related records go. Raising (e.g.
        ValidationError) undoes the whole write. Fields derived from the change are written
        with `write_derived`."""

    def write_derived(self, **fields):
        """Set fields that follow from a change (an acknowledgement cleared, a baseline
        kept) on the row being written, within the same version step."""
        for name, value in fields.items():
            setattr(self, name, value)
        type(self)._base_manager.filter(pk=self.pk).update(**fields)

    def _lock_parent(self):
        """Lock the parent's row; refuse the write when the parent was deleted meanwhile."""
        if not self.locks_parent:
            return
        field = self._meta.get_field(self.locks_parent)
        parent_id = getattr(self, field.attname)
        parents = field.related_model._base_manager.select_for_update().filter(pk=parent_id)
        if parent_id is not None and parents.values_list("pk", flat=True).first() is None:
            raise ValidationError(
                f"The {field.related_model._meta.verbose_name} this belongs to was just "
                "deleted by someone else; nothing was saved."
            )

    def _lock(self, expected_version, mergeable=False):
        """The stored row, locked until the write commits; EditConflict unless it is still
        at `expected_version` — or, when the edit can be merged, unless it is gone (a
        deleted row is a conflict with nothing)."""
        model = type(self)
        before = model._base_manager.select_for_update().filter(pk=self.pk).first()
        if before is None or (before.version != expected_version and not mergeable):
            raise EditConflict(before)
        return before

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
            version=self.version,
        )

    def changes_since(self, version):
        """What was saved after `version` (the one a person had open), newest first."""
        return self.history().filter(version__gt=version)


def _related(record, name):
    """The records behind a reverse relation `name` (one-to-one or many), as a list."""
    related = getattr(record, name, None)
    if related is None:
        return []
    if hasattr(related, "all"):
        return list(related.all())
    return [related]


def raw_value(record, field):
    """A field's stored value in a plain, comparable form that survives JSON: a foreign key
    as its id, a date as ISO text, a decimal normalised, a list as it is."""
    value = field.value_from_object(record)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return value


def raw_values(record, names=None):
    """{field name: raw value} of the record's concrete fields (or of `names`)."""
    return {
        f.name: raw_value(record, f)
        for f in record._meta.concrete_fields
        if names is None or f.name in names
    }


def zip_changes(before, after):
    """(old, new): the values of the fields that differ between two snapshots."""
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


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
    # The record's version once this change was made (empty for changes recorded before the
    # history kept it): "what changed since the version you had open" is a query.
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            models.Index(fields=["organization", "-at"]),
        ]

    def __str__(self):
        return f"{self.object_repr} {self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    def field_changes(self):
        """(label, old, new) per field, labelled as the form labels them, each value written
        as a person reads it (calibration.formats): a choice by its label, a date as every
        page writes one, an amount in the organization's currency — even in changes stored
        before the snapshots wrote labels."""
        model = self.content_type.model_class()
        fields = {f.name: f for f in model._meta.fields} if model else {}
        money = getattr(model, "money_fields", ())
        currency = self.organization.currency

        def shown(name, value):
            return stored_value_text(
                fields.get(name), value, currency=currency, money=name in money
            )

        names = list(dict.fromkeys([*self.old.keys(), *self.new.keys()]))
        return [
            (
                str(fields[n].verbose_name).capitalize() if n in fields else n,
                shown(n, self.old.get(n)),
                shown(n, self.new.get(n)),
            )
            for n in names
        ]


class PlanningCycle(SharedRecord):
    """A strategic planning cycle: when it happens, undecided constraints come up for review."""

    name = models.CharField(max_length=100, help_text="For example “FY27 H1 planning”.")
    starts_on = models.DateField("starts on", validators=[date_in_range])
    ends_on = models.DateField("ends on", null=True, blank=True, validators=[date_in_range])
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The cycle cannot end before it starts."})
