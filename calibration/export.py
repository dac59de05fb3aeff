"""Everything an organization owns, out and back in.

The export is one JSON document: the organization, its members (without password hashes:
imported people set a new password through "forgot password"), invitations, every record of
every model that belongs to an organization, and the full change history. Primary keys are
kept, so an export loads into an empty database exactly as it was. CSV gives one file per
record type for spreadsheets.
"""

import csv
import io
import json
import zipfile

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

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


def import_organization(data):
    """Load an export into a database that does not hold this organization yet."""
    if data.get("format") != FORMAT:
        raise ValueError(f"Not a Calibrate export (expected format {FORMAT}).")
    users = []
    for person in data["users"]:
        fields = dict(person["fields"], password="!")  # unusable until reset
        users.append({"model": person["model"], "pk": person["pk"], "fields": fields})
    groups = [data["organization"], users, data["memberships"], data["invitations"]]
    labels = {m._meta.label: m for m in organization_models()}
    groups += [data["records"][label] for label in labels if label in data["records"]]
    unknown = set(data["records"]) - set(labels)
    if unknown:
        raise ValueError(
            f"The export holds record types this version does not know: {sorted(unknown)}"
        )
    with transaction.atomic():
        with connection.constraint_checks_disabled():
            for group in groups:
                for obj in serializers.deserialize("python", group, handle_forward_references=True):
                    obj.save()
        connection.check_constraints()
        _reset_sequences()
    return Organization.objects.get(pk=data["organization"][0]["pk"])


def _reset_sequences():
    """Imported rows keep their ids; make the next ids follow them (PostgreSQL)."""
    models = [Organization, User, Membership, Invitation, *organization_models()]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
