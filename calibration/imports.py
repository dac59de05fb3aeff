"""Loading an export as a new organization, whatever the file holds.

Anyone can edit an export file, so the import trusts nothing in it and only ever creates:

* a new organization: a slug that exists is refused (`slug=` imports under another one);
* an account only for an email that has none yet, with an unusable password (people set one
  through "forgot password"). An existing account is linked by email as a member, in the
  role the file gives, and never changed: a file says nothing about a person but email, name,
  is_active and date_joined, and those count only for a new account;
* every other row, with a new id. Every reference is remapped through the file: a foreign
  key must name a row of the same file, a person a member in it, a content type one of the
  organization's record types; a reference to anything else is refused. The history and the
  reminders name their record by type and id, and two JSON values keep ids (a path's
  constraint in the history, a board snapshot's initiatives): these may name a record
  deleted before the export, which gets a new id too, one that no row has or will have.

Every value goes through its model field (type, range, choices, real dates) and every row
through its model's constraints before it is written, then through the model's own rules
(`clean`) once the rows it refers to are there. All in one transaction: anything wrong
refuses the whole file with one message naming the record (model and id in the file) and the
field.
"""

import datetime
import json
import math
from typing import NamedTuple

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from accounts.models import Invitation, Membership, Organization, User
from calibration.export import FORMAT, organization_models
from calibration.models import Change

MAX_BYTES = 50_000_000
# All a file may say about a person, and only when the email has no account yet.
PERSON_FIELDS = ("email", "name", "is_active", "date_joined")
# A key to a private URL is never taken from a file: imported calendar feeds get new ones.
KEYS = {("reminders.CalendarFeed", "token")}
# Their clean() judges an edit, not a record: a closed quarter's sheet refuses any change to
# its bets, links and calls, and the imported ones are that quarter's record, not a change.
EDIT_RULES = {"alignment.Bet", "alignment.BetLink", "alignment.Call"}
NUMBER = (int, float)
TYPE_NAMES = {str: "text", int: "a whole number", NUMBER: "a number", bool: "true or false"}


class Refused(ValueError):
    """The file is not imported; the message says why, naming the record and the field."""


class Ref(NamedTuple):
    """A reference in the file, to `model`'s row `key` (its id in the file; for a person, the
    email; for a content type, the model), given its new id when the rows are written."""

    model: type
    key: object


def read_export(path, max_bytes=MAX_BYTES):
    """The JSON in the file at `path`; refused when larger than `max_bytes` or not JSON."""
    try:
        with open(path, "rb") as file:
            raw = file.read(max_bytes + 1)
    except OSError as error:
        raise Refused(f"Cannot read {path}: {error.strerror or error}.") from error
    if len(raw) > max_bytes:
        raise Refused(
            f"The file is larger than {max_bytes:,} bytes, the limit (--max-bytes changes it)."
        )
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except UnicodeDecodeError as error:
        raise Refused("The file is not UTF-8 text, so not an export.") from error
    except RecursionError as error:
        raise Refused("The file is not an export: its JSON is nested too deeply.") from error
    except ValueError as error:
        raise Refused(f"The file is not JSON ({error}).") from error


def _not_json(name):
    raise ValueError(f"{name} is not a number JSON allows")


def import_organization(data, *, slug=None):
    """Create the organization an export holds as a new one, with new ids; return it."""
    plan = Plan(data)
    try:
        with transaction.atomic():
            return plan.write(slug)
    except (IntegrityError, DataError) as error:
        # Every value and constraint was checked before writing: only a write made meanwhile
        # (the same slug or email a moment ago) gets here.
        raise Refused(
            f"The database refused the import, so nothing was written: {error}"
        ) from error


class Plan:
    """Everything in the file, checked and with its references found, before any write."""

    def __init__(self, data):
        self.file = _sections(data)  # model → {id in the file: fields as written}
        (self.org_id,) = self.file[Organization]
        self.types = {m._meta.label_lower: m for m in organization_models()}
        self.gone = {}  # model → ids named only by the history, reminders or JSON values
        self.rows = {Organization: self._rows(Organization), User: self._people()}
        self.emails = {values["email"] for values in self.rows[User].values()}
        for model in [Membership, Invitation, *organization_models()]:
            self.rows[model] = self._rows(model)
        members = {values["user_id"].key for values in self.rows[Membership].values()}
        for pk, values in self.rows[User].items():
            if values["email"] not in members:
                raise Refused(f"{_record(User, pk)}: not a member in this file.")

    # --- reading the file -------------------------------------------------------------

    def _people(self):
        people = self._rows(User, allowed=PERSON_FIELDS)
        emails = set()
        for pk, values in people.items():
            if not values.get("email"):
                raise Refused(f"{_record(User, pk)}, field email: missing.")
            values["email"] = values["email"].lower()
            if values["email"] in emails:
                raise Refused(f"{_record(User, pk)}, field email: {values['email']} twice.")
            emails.add(values["email"])
        return people

    def _rows(self, model, allowed=None):
        """{id in the file: values by attname} for `model`; references as Refs."""
        return {
            pk: self._values(model, pk, fields, allowed)
            for pk, fields in self.file.get(model, {}).items()
        }

    def _values(self, model, pk, given, allowed):
        where = _record(model, pk)
        fields = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
        for name in given:
            if allowed and name not in allowed:
                raise Refused(
                    f"{where}, field {name}: a file never sets this; only "
                    f"{', '.join(allowed)} are read, and only for a new account."
                )
            if name not in fields:
                raise Refused(f"{where}, field {name}: {model._meta.label} has no such field.")
        values = {}
        for name, field in fields.items():
            at = f"{where}, field {name}"
            if allowed and name not in allowed:
                continue
            if name not in given:
                if not _may_be_left_out(field):
                    raise Refused(f"{at}: missing.")
            elif field.is_relation:
                values[field.attname] = self._reference(field, given[name], at)
            else:
                values[field.attname] = _checked(field, given[name], at)
        if "object_id" in values and "content_type_id" in values:
            values["object_id"] = self._named(
                f"{where}, field object_id", values["content_type_id"].key, values["object_id"]
            )
        self._ids_in_json(model, values, where)
        return values

    def _reference(self, field, value, at):
        target = field.related_model
        if value is None:
            if field.null:
                return None
            raise Refused(f"{at}: missing.")
        if target is Organization:
            if not _is_id(value) or value != self.org_id:
                raise Refused(
                    f"{at}: names organization {_shown(value)}; "
                    f"this file holds organization {self.org_id} only."
                )
            return Ref(Organization, value)
        if target is User:
            # An export names people by email (their natural key): ["ceo@example.com"].
            email = value[0] if isinstance(value, list) and len(value) == 1 else None
            if not isinstance(email, str) or email.lower() not in self.emails:
                raise Refused(f"{at}: {_shown(value)} is not a member in this file.")
            return Ref(User, email.lower())
        if target is ContentType:
            label = ".".join(value) if _is_pair_of_text(value) else None
            if label not in self.types:
                raise Refused(f"{at}: {_shown(value)} is not a record type of an organization.")
            return Ref(ContentType, self.types[label])
        if not _is_id(value) or value not in self.file.get(target, {}):
            raise Refused(
                f"{at}: names {target._meta.label} id {_shown(value)}, which is not in this file."
            )
        return Ref(target, value)

    def _named(self, at, model, pk):
        """A record named by type and id: a row of the file, or one deleted before the export."""
        if not _is_id(pk):
            raise Refused(f"{at}: {_shown(pk)} is not an id of {model._meta.label}.")
        if pk not in self.file.get(model, {}):
            self.gone.setdefault(model, set()).add(pk)
        return Ref(model, pk)

    def _ids_in_json(self, model, values, where):
        """Ids kept inside JSON values, remapped like references (in copies: the file's data
        stays as it was): a path's snapshot in the history names its constraint; a board
        snapshot's rows name their initiatives."""
        if model is Change:
            path = apps.get_model("constraints.Path")
            constraint = apps.get_model("constraints.Constraint")
            for name in ("old", "new"):
                kept = values.get(name, {})
                if not isinstance(kept, dict):
                    raise Refused(f"{where}, field {name}: an object of field values expected.")
                if values["content_type_id"].key is path and kept.get("constraint_id") is not None:
                    named = self._named(f"{where}, field {name}", constraint, kept["constraint_id"])
                    values[name] = {**kept, "constraint_id": named}
        if model._meta.label == "board.BoardSnapshot" and "figures" in values:
            rows = values["figures"]
            if not (isinstance(rows, list) and all(isinstance(row, dict) for row in rows)):
                raise Refused(f"{where}, field figures: a list of board rows expected.")
            initiative = apps.get_model("timeline.Initiative")
            at = f"{where}, field figures"
            values["figures"] = [
                {**row, "id": self._named(at, initiative, row.get("id"))} for row in rows
            ]

    # --- writing it -------------------------------------------------------------------

    def write(self, slug):
        """Create every row, with new ids; return the new organization. Run in a transaction."""
        org = self._organization(slug)
        people = self._accounts()
        ids = self._new_ids()

        def new_id(ref):
            if ref.model is Organization:
                return org.pk
            if ref.model is User:
                return people[ref.key].pk
            if ref.model is ContentType:
                return ContentType.objects.get_for_model(ref.key).pk
            return ids[ref.model][ref.key]

        written = []
        for model in [Membership, Invitation, *organization_models()]:
            for pk, values in self.rows[model].items():
                row = model(pk=ids[model][pk], **_resolved(values, new_id))
                for label, name in KEYS:
                    if model._meta.label == label:
                        setattr(row, name, model._meta.get_field(name).get_default())
                where = _record(model, pk)
                # Not the id: it came from the table's counter, so nothing has it.
                _check(where, row.validate_unique, exclude=[model._meta.pk.name])
                _check(where, row.validate_constraints)
                row.save(force_insert=True)
                written.append((where, row))
        for where, row in written:
            if row._meta.label not in EDIT_RULES:
                _check(where, row.clean)
        return org

    def _organization(self, slug):
        values = dict(self.rows[Organization][self.org_id])
        values["slug"] = slug or values.get("slug", "")
        where = _record(Organization, self.org_id)
        if Organization.objects.filter(slug=values["slug"]).exists():
            raise Refused(
                f"{where}, field slug: an organization “{values['slug']}” exists already, and "
                "an import never merges into one. Import it under a new slug (--slug)."
            )
        org = Organization(**values)
        _check(where, org.full_clean)
        org.save()
        return org

    def _accounts(self):
        """email → account: an existing one as it is, or a new one without a password."""
        accounts = {}
        for pk, values in self.rows[User].items():
            account = User.objects.filter(email__iexact=values["email"]).first()
            if account is None:
                account = User(**values)
                account.set_unusable_password()
                _check(_record(User, pk), account.full_clean)
                account.save()
            accounts[values["email"]] = account
        return accounts

    def _new_ids(self):
        """model → {id in the file: new id}, for its rows and for the deleted records named;
        in the order of the file's ids."""
        ids = {}
        for model in {*self.rows, *self.gone} - {Organization, User}:
            old = sorted(self.rows.get(model, {})) + sorted(self.gone.get(model, ()))
            ids[model] = dict(zip(old, unused_ids(model, len(old)), strict=True))
        return ids


def _sections(data):
    """model → {id in the file: fields} for every section, each row checked for its shape."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Refused(f"The file is not a Calibrate export (format {FORMAT}).")
    for name in ("organization", "users", "memberships", "invitations", "records"):
        if name not in data:
            raise Refused(f"The export has no “{name}” section.")
    if not isinstance(data["records"], dict):
        raise Refused("records: an object of record type → rows expected.")
    types = {m._meta.label: m for m in organization_models()}
    for label in data["records"]:
        if label not in types:
            raise Refused(f"records: {label} is not a record type an organization holds.")
    sections = [
        ("organization", Organization, data["organization"]),
        ("users", User, data["users"]),
        ("memberships", Membership, data["memberships"]),
        ("invitations", Invitation, data["invitations"]),
        *((f"records: {label}", types[label], rows) for label, rows in data["records"].items()),
    ]
    found = {model: _section(name, model, rows) for name, model, rows in sections}
    if len(found[Organization]) != 1:
        raise Refused("organization: exactly one organization expected.")
    return found


def _section(name, model, rows):
    if not isinstance(rows, list):
        raise Refused(f"{name}: a list of {model._meta.label} rows expected.")
    found = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
            raise Refused(f"{name}: each row is an object with model, pk and fields.")
        pk = row.get("pk")
        if not _is_id(pk):
            raise Refused(f"{name}: {_shown(pk)} is not an id (a whole number above 0).")
        if row.get("model") != model._meta.label_lower:
            raise Refused(
                f"{name}: {_shown(row.get('model'))} id {pk} does not belong here; "
                f"only {model._meta.label} rows do."
            )
        if pk in found:
            raise Refused(f"{_record(model, pk)}: the id {pk} is used twice.")
        found[pk] = row["fields"]
    return found


def _checked(field, value, at):
    """`value` as `field` stores it: the JSON type an export writes, then the field's own
    conversion and validators (real dates, ranges, lengths) and its choices."""
    if value is None:
        if field.null:
            return None
        raise Refused(f"{at}: missing.")
    wanted = _json_type(field)
    if wanted and (
        not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool)
    ):
        raise Refused(f"{at}: {_shown(value)} is not {TYPE_NAMES[wanted]}.")
    if _unstorable(value):
        raise Refused(f"{at}: holds what no database stores (NUL, half a UTF-16 pair, infinity).")
    try:
        value = field.to_python(value)
        field.run_validators(value)
    except ValidationError as error:
        raise Refused(f"{at}: {' '.join(error.messages)}") from error
    # Not field.clean(): "blank" is a rule for forms (a new record's history is an empty
    # change), and it skips the choices of fields that are not editable.
    if field.choices and value not in dict(field.flatchoices) and not (value == "" and field.blank):
        raise Refused(f"{at}: {_shown(value)} is not one of the choices.")
    if isinstance(value, datetime.datetime):
        _check_moment(value, at)
    return value


def _check_moment(value, at):
    if value.tzinfo is None:
        raise Refused(f"{at}: a date and time needs its UTC offset, as an export writes it.")
    try:
        value.astimezone(datetime.UTC)  # how every database keeps it
    except OverflowError as error:
        raise Refused(f"{at}: out of range.") from error


def _may_be_left_out(field):
    """A field left out takes its default: it needs one, or must be able to stay empty."""
    if field.is_relation:
        return field.null
    return field.has_default() or field.null or field.empty_strings_allowed


def _json_type(field):
    """The JSON type an export writes for `field` (None: any JSON value)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return None
    if kind == "BooleanField":
        return bool
    if kind.endswith(("IntegerField", "AutoField")):
        return int
    if kind == "FloatField":
        return NUMBER
    return str


def _unstorable(value):
    """Whether `value` holds what no database stores: a NUL character, half of a UTF-16
    pair, or an infinite number."""
    if isinstance(value, str):
        return "\x00" in value or (not value.isascii() and not _encodes(value))
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def _encodes(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _resolved(value, new_id):
    """`value` with each Ref in it (nested in JSON too) replaced by its new id."""
    if isinstance(value, Ref):
        return new_id(value)
    if isinstance(value, list):
        return [_resolved(v, new_id) for v in value]
    if isinstance(value, dict):
        return {k: _resolved(v, new_id) for k, v in value.items()}
    return value


def _check(where, check, **options):
    """Run a model check; its ValidationError becomes Refused, naming record and field."""
    try:
        check(**options)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, messages = next(iter(error.message_dict.items()))
            field = "" if name == NON_FIELD_ERRORS else f", field {name}"
            raise Refused(f"{where}{field}: {' '.join(messages)}") from error
        raise Refused(f"{where}: {' '.join(error.messages)}") from error
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        # A rule that cannot even read a value (a number where it expects a list) refuses it.
        raise Refused(f"{where}: a value its rules cannot read ({error}).") from error


def unused_ids(model, count):
    """`count` ids for `model`'s table that no row has and none will be given: taken from
    the table's own counter, which only moves forward."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        if connection.vendor == "sqlite":
            # An AUTOINCREMENT table never gives out an id at or below its sqlite_sequence.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            last = found[0] if found else 0
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count]
            )
            return list(range(last + 1, last + count + 1))
    raise NotImplementedError(f"Importing needs PostgreSQL or SQLite, not {connection.vendor}.")


def _record(model, pk):
    return f"{model._meta.label} id {pk}"


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_pair_of_text(value):
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _shown(value):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"
