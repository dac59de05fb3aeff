"""Forms and view helpers for editing SharedRecords safely.

Every form for a shared record extends SharedRecordForm. It carries the version the
person started from in a required hidden field: a post without it is refused (never
saved unchecked). When someone else saved in between, the form keeps everything the
person typed, shows the other person's current values beside it, and moves its version
forward, so saving again is a deliberate choice made with both versions in view.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models

from .models import EditConflict

CONFLICT_MESSAGE = (
    "{who} saved this while you were editing. Your changes are kept below, next to theirs: "
    "review them and save again to keep yours."
)
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
        self.conflict_deleted = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

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
            instance.save_shared(by=by, expected_version=self.cleaned_data["version"], note=note)
        self._save_m2m()
        return self.instance

    def show_conflict(self, current, changed_by=None):
        """Keep the typed values, show `current` beside them, and move the version forward."""
        data = self.data.copy()
        if current is None:
            self.conflict_deleted = True
            self.add_error(None, DELETED_MESSAGE)
            return
        data[self.add_prefix("version")] = current.version
        self.data = data
        self.conflict = current
        last = current.history().first()
        who = str(changed_by or (last.by if last and last.by else "Someone else"))
        self.add_error(None, CONFLICT_MESSAGE.format(who=who))

    def conflict_rows(self):
        """(label, yours, theirs) for each field where the two versions differ."""
        if self.conflict is None:
            return []
        theirs_display = self.conflict.snapshot()
        rows = []
        for name, field in self.fields.items():
            if name == "version" or name not in self._meta.fields:
                continue
            if isinstance(field, forms.ModelMultipleChoiceField):
                raw = self.data.getlist(self.add_prefix(name))
                theirs = {o.pk for o in getattr(self.conflict, name).all()}
            else:
                raw = self.data.get(self.add_prefix(name), "")
                theirs = getattr(self.conflict, name, None)
            if not _same_value(field, raw, theirs):
                shown = theirs_display.get(name, theirs)
                rows.append((field.label, raw, "—" if shown in (None, "") else shown))
        return rows


def _same_value(field, raw, theirs):
    try:
        yours = field.clean(raw)
    except forms.ValidationError:
        return False
    if isinstance(theirs, models.Model):
        theirs = theirs.pk
    if isinstance(yours, models.Model):
        yours = yours.pk
    if hasattr(yours, "__iter__") and not isinstance(yours, str):
        yours = {getattr(o, "pk", o) for o in yours}
    if yours in (None, "") and theirs in (None, ""):
        return True
    return yours == theirs


def save_or_explain(form, *, by, organization=None, note="", **extra):
    """Validate and save a SharedRecordForm. True when saved; otherwise the form carries
    the reason and nothing was written: its field errors, a rule the model checked while
    saving (under the record's lock, e.g. a quarter closed a moment ago), a conflict with
    both versions, or a save that collided with another at the same moment."""
    if not form.is_valid():
        return False
    try:
        form.save_shared(by=by, organization=organization, note=note, **extra)
    except EditConflict as conflict:
        form.show_conflict(conflict.current)
    except ValidationError as error:
        form.add_error(None, error if hasattr(error, "error_dict") else error.messages)
    except IntegrityError:
        # A database rule caught what the checks before it could not see yet: another
        # save of the same kind committed in between (a sixth bet, a second settings row).
        form.add_error(None, SAME_MOMENT)
    else:
        return True
    return False


def wants_fragment(request):
    """Whether to answer with the edited part of the page only: an htmx request, and not
    htmx restoring a page from its history (that needs the whole page)."""
    return bool(request.htmx and not request.htmx.history_restore_request)
