"""Everything an organization owns, out and back in.

The export is one JSON document: the organization, its members (without password hashes:
imported people set a new password through "forgot password"), invitations, every record of
every model that belongs to an organization, and the full change history, each row with its
id. Loading one back, always as a new organization, is calibration/imports.py. CSV gives one
file per record type for spreadsheets.
"""

import csv
import io
import json
import zipfile

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import Invitation, Membership, Organization, User

FORMAT = "calibrate-export/1"


def organization_models():
    """Models with an `organization` foreign key, parents before the records that point at them."""
    owned = [
        m
        for m in apps.get_models()
        if any(
            f.name == "organization" and f.is_relation and f.related_model is Organization
            for f in m._meta.fields
        )
        and m not in (Membership, Invitation)
    ]
    ordered, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for field in model._meta.fields:
            if (
                field.is_relation
                and field.related_model in owned
                and field.related_model is not model
            ):
                visit(field.related_model)
        ordered.append(model)

    for model in sorted(owned, key=lambda m: m._meta.label):
        visit(model)
    return ordered


def _serialize(queryset):
    return serializers.serialize("python", queryset, use_natural_foreign_keys=True)


def export_organization(org):
    users = User.objects.filter(memberships__organization=org).order_by("pk")
    people = _serialize(users.only("pk", "email", "name", "is_active", "date_joined"))
    for person in people:
        person["fields"] = {
            k: person["fields"][k] for k in ("email", "name", "is_active", "date_joined")
        }
    records = {}
    for model in organization_models():
        rows = _serialize(model._base_manager.filter(organization=org).order_by("pk"))
        if rows:
            records[model._meta.label] = rows
    return {
        "format": FORMAT,
        "organization": _serialize(Organization.objects.filter(pk=org.pk)),
        "users": people,
        "memberships": _serialize(org.memberships.order_by("pk")),
        "invitations": _serialize(org.invitations.order_by("pk")),
        "records": records,
    }


def export_json(org):
    return json.dumps(export_organization(org), cls=DjangoJSONEncoder, indent=1, ensure_ascii=False)


def export_csv_zip(org):
    """A zip with one CSV per record type: id, then each field as exported."""
    data = export_organization(org)
    groups = {
        "organization": data["organization"],
        "members": data["users"],
        "memberships": data["memberships"],
        "invitations": data["invitations"],
        **{label.replace(".", "_"): rows for label, rows in data["records"].items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in groups.items():
            columns = list(dict.fromkeys(k for row in rows for k in row["fields"]))
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["id", *columns])
            for row in rows:
                writer.writerow([row["pk"], *(_cell(row["fields"].get(c)) for c in columns)])
            archive.writestr(f"{name}.csv", out.getvalue())
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return "" if value is None else value
