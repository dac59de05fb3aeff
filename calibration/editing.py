"""Forms and view helpers for editing SharedRecords safely.

Every form for a shared record extends SharedRecordForm. It carries, in hidden fields, the
version the person started from (required: a post without it is refused, never saved
unchecked) and a signed copy of the values it showed them (the *base*). When someone else
saved in between, the save is a three-way merge (SharedRecord.save_shared): what only the
other person changed is kept, what only this person changed is applied, and only a field
both changed differently is a conflict. The conflict panel shows those fields alone — as
they were, theirs, yours — with a choice for each; everything else the form holds is
already merged, so saving from the panel writes only what this person changed or chose.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError
from django.shortcuts import render

from .formats import DEFAULT_CURRENCY, stored_value_text
from .live import is_refresh
from .models import BOOKKEEPING_FIELDS, EditConflict, raw_value, raw_values

BASE_SALT = "calibrate.editing.base"
CONFLICT_MESSAGE = (
    "{who} saved this while you were editing. You both changed the same thing: what you "
    "typed is kept below; for each field both of you changed, choose which to keep, then "
    "save again."
)
MERGED_MESSAGE = "{who} changed {fields} meanwhile; both changes are kept."
DELETED_MESSAGE = "Someone deleted this while you were editing. Your changes were not saved."
MISSING_VERSION = (
    "This form is out of date (it did not say which version you edited). Reload the page."
)
SAME_MOMENT = (
    "Someone saved the same thing at the same moment. What you typed is kept below: look at "
    "the page again, then save."
)


class SharedRecordForm(forms.ModelForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": MISSING_VERSION}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.conflict_fields = []
        self.conflict_deleted = False
        self.merged = ""
        # The record as loaded for this request: the base of what the form does not edit.
        self.instance._loaded = raw_values(self.instance)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0
            self._base_token = self.sign_base(self.instance)
        else:
            self._base_token = self.data.get(self.base_name, "")
            self._apply_choices()

    @property
    def base_name(self):
        """The hidden input carrying the base (includes/form_fields.html renders it)."""
        return self.add_prefix("base")

    @property
    def base_token(self):
        return self._base_token

    # --- the base: what the person was shown ------------------------------------------

    def edited_fields(self):
        """The model fields this form edits."""
        names = set(self.fields) - BOOKKEEPING_FIELDS
        return [f for f in self.instance._meta.concrete_fields if f.name in names]

    def sign_base(self, record):
        if record.pk is None:
            return ""
        values = {f.name: raw_value(record, f) for f in self.edited_fields()}
        return signing.dumps(
            {"pk": record.pk, "version": record.version, "values": values},
            salt=BASE_SALT,
            compress=True,
        )

    def base_values(self):
        """The values the person was shown, if the form carried them for this record at
        the version it says (anything else — missing, tampered, another record — is None:
        the save is then checked strictly, as before merging existed)."""
        try:
            signed = signing.loads(self.data.get(self.base_name, ""), salt=BASE_SALT)
        except signing.BadSignature:
            return None
        version = self.data.get(self.add_prefix("version"), "")
        if signed.get("pk") != self.instance.pk or str(signed.get("version")) != version:
            return None
        return signed["values"]

    def changed_by_you(self):
        """The fields whose value this person changed from what they were shown."""
        base = self.base_values() if self.instance.pk else None
        if base is None:
            return self.changed_data
        proposed = self.instance.__class__(**{})
        changed = []
        for field in self.edited_fields():
            if field.name not in self.cleaned_data:
                continue
            field.save_form_data(proposed, self.cleaned_data[field.name])
            if raw_value(proposed, field) != base.get(field.name):
                changed.append(field.name)
        return changed

    def _apply_choices(self):
        """On a conflict panel, "keep theirs" for a field puts the saved value back in it."""
        base = self.base_values()
        if not base:
            return
        data = self.data.copy()
        for name, value in base.items():
            if self.data.get(self.add_prefix(f"keep-{name}")) == "theirs" and name in self.fields:
                self._put(data, name, value)
        self.data = data

    def _put(self, data, name, raw):
        """Show raw value `raw` (as raw_value gives it) in field `name` of `data`."""
        field = self.fields[name]
        key = self.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if raw:
                data[key] = "on"
            else:
                data.pop(key, None)
            return
        shown = field.widget.format_value(field.prepare_value(field.to_python(raw)))
        if isinstance(shown, list):
            data.setlist(key, shown)
        else:
            data[key] = "" if shown is None else shown

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, MISSING_VERSION)
        return cleaned

    def add_error(self, field, error):
        """A model rule (raised by `clean()` or while saving) about a field this form does
        not show goes to the top of the form, named; one about a field that already says
        what is wrong with it is not repeated."""
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            placed = {}
            for name, errors in error.error_dict.items():
                if name in self.fields:
                    if name not in self.errors:
                        placed.setdefault(name, []).extend(errors)
                elif name == NON_FIELD_ERRORS:
                    placed.setdefault(NON_FIELD_ERRORS, []).extend(errors)
                else:
                    label = self._label_of(name)
                    placed.setdefault(NON_FIELD_ERRORS, []).extend(
                        f"{label}: {m}" for e in errors for m in e.messages
                    )
            if not placed:
                return
            error = ValidationError(placed)
        super().add_error(field, error)

    def _label_of(self, name):
        try:
            return str(self.instance._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:
            return name

    def save_shared(self, *, by, organization=None, note="", **extra):
        """Create or update the record; raises EditConflict when the version is stale."""
        instance = self.instance
        for name, value in extra.items():
            setattr(instance, name, value)
        if instance.pk is None:
            if organization is not None:
                instance.organization = organization
            fields = {
                f.attname: getattr(instance, f.attname)
                for f in instance._meta.concrete_fields
                if not f.primary_key
            }
            self.instance = type(instance).create_shared(by=by, note=note, **fields)
        else:
            instance.save_shared(
                by=by,
                expected_version=self.cleaned_data["version"],
                note=note,
                base=self.base_values(),
            )
            if instance.kept_theirs:
                self.merged = MERGED_MESSAGE.format(
                    who=_last_author(instance), fields=self._labels(instance.kept_theirs)
                )
        self._save_m2m()
        return self.instance

    def show_conflict(self, current, fields=None):
        """Keep what was typed; show the fields both changed (all of them when the save
        could not be merged); move the version and the base forward to what is saved, and
        put the other person's values in the fields only they changed."""
        if current is None:
            self.conflict_deleted = True
            self.add_error(None, DELETED_MESSAGE)
            return
        # What both started from, read before the version and the base move forward below.
        self.conflict_base = self.base_values()
        base = self.conflict_base or {}
        data = self.data.copy()
        for field in self.edited_fields():
            if fields is not None and field.name not in fields:
                theirs = raw_value(current, field)
                if self._typed(field) == base.get(field.name) and theirs != base.get(field.name):
                    self._put(data, field.name, theirs)
        data[self.add_prefix("version")] = current.version
        data[self.base_name] = self._base_token = self.sign_base(current)
        self.data = data
        self.conflict = current
        self.conflict_fields = fields
        self.add_error(None, CONFLICT_MESSAGE.format(who=_last_author(current)))

    def _typed(self, field):
        """The raw value of what the person typed in `field` (None if it does not parse)."""
        proposed = self.instance.__class__()
        try:
            field.save_form_data(proposed, self.fields[field.name].clean(self._raw_input(field)))
        except ValidationError:
            return None
        return raw_value(proposed, field)

    def _raw_input(self, field):
        bound = self[field.name]
        return bound.field.widget.value_from_datadict(self.data, self.files, bound.html_name)

    def _labels(self, names):
        labels = [
            str(self.fields[n].label) if n in self.fields else self._label_of(n) for n in names
        ]
        return ", ".join(f"“{label.lower()}”" for label in labels)

    def _shown(self, field, raw, *, named=False):
        """A value of the conflict table — the base's raw value, what is saved (as the
        history writes it), what was typed — as a person reads it: a choice by its label,
        a record by its name, a date as every page writes it, an amount in the currency.
        `named`: a related record is already written by its name (the saved snapshot)."""
        if raw in (None, ""):
            return "—"
        if field.many_to_one and not named:
            raw = self._related_name(field, raw)
        organization = getattr(self.instance, "organization", None)
        shown = stored_value_text(
            field,
            raw,
            currency=organization.currency if organization else DEFAULT_CURRENCY,
            money=field.name in getattr(self.instance, "money_fields", ()),
        )
        return "—" if shown is None else shown

    def _related_name(self, field, pk):
        """A foreign key's id as the record's name (what the form offers for it)."""
        choices = getattr(self.fields.get(field.name), "queryset", None)
        if choices is None:
            return pk
        related = choices.filter(pk=pk).first()
        return str(related) if related is not None else pk

    def conflict_rows(self):
        """(label, as it was, theirs, yours, field name) for each field both people changed."""
        if self.conflict is None:
            return []
        theirs_display = self.conflict.snapshot()
        rows = []
        for field in self.edited_fields():
            if self.conflict_fields is not None and field.name not in self.conflict_fields:
                continue
            yours = self._raw_input(field)
            if isinstance(yours, list):
                yours = ", ".join(yours)
            if self.conflict_fields is None and self._typed(field) == raw_value(
                self.conflict, field
            ):
                continue
            theirs = theirs_display.get(field.name, raw_value(self.conflict, field))
            was = (self.conflict_base or {}).get(field.name)
            rows.append(
                {
                    "label": self.fields[field.name].label,
                    "was": self._shown(field, was),
                    "theirs": self._shown(field, theirs, named=True),
                    "yours": self._shown(field, yours),
                    "choice": self.add_prefix(f"keep-{field.name}"),
                    "input": self[field.name].auto_id,
                }
            )
        return rows


def _last_author(record):
    last = record.history().first()
    return str(last.by) if last and last.by else "Someone else"


def save_or_explain(form, request, *, organization=None, note="", **extra):
    """Validate and save a SharedRecordForm as the person making `request`. True when
    saved (merged with what someone saved meanwhile, if that was so: the person is told);
    otherwise the form carries the reason and nothing was written: its field errors, a rule
    the model checked while saving (under the record's lock, e.g. a quarter closed a moment
    ago), a conflict on the fields both changed, or a save that collided with another at
    the same moment."""
    if not form.is_valid():
        return False
    try:
        form.save_shared(by=request.user, organization=organization, note=note, **extra)
    except EditConflict as conflict:
        form.show_conflict(conflict.current, conflict.fields)
    except ValidationError as error:
        form.add_error(None, error if hasattr(error, "error_dict") else error.messages)
    except IntegrityError:
        # A database rule caught what the checks before it could not see yet: another
        # save of the same kind committed in between (a sixth bet, a second settings row).
        form.add_error(None, SAME_MOMENT)
    else:
        if form.merged:
            messages.info(request, form.merged)
        return True
    return False


def wants_fragment(request):
    """Whether to answer with the edited part of the page only: an htmx request, and not
    htmx restoring a page from its history, nor a live page fetching itself again after a
    change (those need the whole page)."""
    return bool(
        request.htmx and not request.htmx.history_restore_request and not is_refresh(request)
    )


def delete_or_ask_again(request, record, template_context):
    """Delete `record` from the version the person had open; when someone saved it since,
    nothing is deleted and the confirmation page asks again, showing what changed.
    Returns None when deleted, else the page to show."""
    try:
        opened = int(request.POST.get("version", ""))
    except ValueError:
        opened = -1
    try:
        record.delete_shared(by=request.user, expected_version=opened)
    except EditConflict as conflict:
        if conflict.current is None:
            return None  # deleted by someone else meanwhile: what the person wanted
        context = {
            **template_context,
            "record": conflict.current,
            "changed_meanwhile": conflict.current.changes_since(opened),
        }
        return render(request, "calibration/confirm_delete.html", context, status=409)
    return None
