"""The API's one write path: the same shared save the pages use, with its refusals as HTTP.

A client sends the version it read and only the fields it changes. The record is loaded
fresh within the token's organization, the values are checked as the forms check them
(the model's own rules), then `patch_shared` writes them under the row's lock: from a
stale version it merges with what others saved since, and only a field someone else
changed to another value is a conflict (409, naming the fields, with the current values).
Every write is in the record's history as made by the token's member, with a note that
says it came through the API.
"""

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError

from calibration.models import EditConflict, raw_value

VIA_API = "via the API"


def note(reason=""):
    reason = reason.strip()
    return f"{VIA_API}: {reason}" if reason else VIA_API


class Refused(Exception):
    """A write refused with `status` and the JSON `body` to answer it with."""

    def __init__(self, status, body):
        super().__init__(body.get("detail", ""))
        self.status, self.body = status, body


def field_errors(error):
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def invalid(errors):
    return Refused(400, {"detail": "The request is not valid.", "errors": errors})


def write(record, *, by, version, values, reason=""):
    """Save `values` ({field: value}) on `record` as `by`, from `version`; raises Refused."""
    if version > record.version:
        raise invalid(
            {"version": [f"This record was never at version {version}; it is at {record.version}."]}
        )
    candidate = copy.copy(record)
    for name, value in values.items():
        setattr(candidate, record._meta.get_field(name).attname, value)
    try:
        candidate.full_clean()
    except ValidationError as error:
        raise invalid(field_errors(error)) from None
    try:
        record.patch_shared(by=by, expected_version=version, values=values, note=note(reason))
    except EditConflict as conflict:
        raise Refused(409, conflict_body(conflict, values)) from None
    except ValidationError as error:  # a rule the model checked under the lock
        raise invalid(field_errors(error)) from None
    except IntegrityError:
        raise Refused(
            409, {"detail": "Someone saved the same thing at the same moment: read it again."}
        ) from None
    return record


def conflict_body(conflict, values):
    current = conflict.current
    if current is None:
        return {"detail": "Someone deleted this meanwhile.", "fields": None, "current": {}}
    shown = {"version": current.version}
    for name in values:
        shown[name] = raw_value(current, current._meta.get_field(name))
    return {
        "detail": "Someone else changed the same fields since the version you read: read it "
        "again, then decide.",
        "fields": conflict.fields,
        "current": shown,
    }
