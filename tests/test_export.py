import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organization, User
from calibration.constraints.models import Constraint
from calibration.export import export_organization
from calibration.imports import import_organization
from calibration.models import Change, PlanningCycle
from calibration.timeline.models import Initiative


@pytest.fixture
def acme(db):
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


def test_an_export_reimports_into_an_empty_database_with_nothing_missing(acme):
    before = json.loads(json.dumps(export_organization(acme), default=str))
    cycle_count, change_count = PlanningCycle.objects.count(), Change.objects.count()

    Change.objects.all().delete()
    User.objects.all().delete()
    Organization.objects.all().delete()
    assert not PlanningCycle.objects.exists()

    org = import_organization(before)

    after = json.loads(json.dumps(export_organization(org), default=str))
    assert after["organization"][0]["pk"] != before["organization"][0]["pk"]  # new ids
    assert by_place(after) == by_place(before)
    assert (PlanningCycle.objects.count(), Change.objects.count()) == (cycle_count, change_count)
    assert set(org.memberships.values_list("user__email", flat=True)) == {
        "ceo@acme.example",
        "cto@acme.example",
        "board@acme.example",
        "priya@acme.example",  # the demo's second estimator (issue 16)
    }


def test_the_export_carries_no_password_hashes(acme):
    data = export_organization(acme)

    assert all("password" not in person["fields"] for person in data["users"])


def test_a_leader_downloads_json_and_csv(client, acme):
    client.force_login(User.objects.get(email="ceo@acme.example"))

    as_json = client.get(reverse("export", args=["acme"]) + "?download=json")
    as_csv = client.get(reverse("export", args=["acme"]) + "?download=csv")

    assert json.loads(as_json.content)["organization"][0]["fields"]["name"] == "Acme"
    names = zipfile.ZipFile(io.BytesIO(as_csv.content)).namelist()
    assert {
        "organization.csv",
        "members.csv",
        "calibration_PlanningCycle.csv",
        "calibration_Change.csv",
    } <= set(names)


def test_a_leader_finds_the_export_in_settings(client, acme):
    client.force_login(User.objects.get(email="cto@acme.example"))

    html = client.get(reverse("org_settings", args=["acme"])).content.decode()

    assert f'href="{reverse("export", args=["acme"])}"' in html
    assert "Export all of Acme" in html


def test_an_observer_cannot_export(client, acme):
    client.force_login(User.objects.get(email="board@acme.example"))

    assert client.get(reverse("export", args=["acme"]) + "?download=json").status_code == 403


def by_place(export):
    """The export with every id written as its row's place among its model's rows: an import
    gives each row a new id, in the order of the file, so the same data reads the same. An id
    that names no row of the file (history of a record deleted before the export) reads
    "deleted"."""
    sections = [export[name] for name in ("organization", "users", "memberships", "invitations")]
    sections += export["records"].values()
    places = {(row["model"], row["pk"]): n for rows in sections for n, row in enumerate(rows)}

    def place(model, pk):
        return places.get((model._meta.label_lower, pk), "deleted")

    for rows in sections:
        for row in rows:
            model, fields = apps.get_model(row["model"]), row["fields"]
            row["pk"] = place(model, row["pk"])
            for field in model._meta.concrete_fields:
                named = field.related_model not in (None, User, ContentType)  # by email, label
                if named and fields.get(field.name) is not None:
                    fields[field.name] = place(field.related_model, fields[field.name])
            if "object_id" in fields:
                fields["object_id"] = place(
                    apps.get_model(*fields["content_type"]), fields["object_id"]
                )
            for kept in (fields.get("old"), fields.get("new")):
                if isinstance(kept, dict) and "constraint_id" in kept:
                    kept["constraint_id"] = place(Constraint, kept["constraint_id"])
            for figure in fields.get("figures", []):
                figure["id"] = place(Initiative, figure["id"])
    return export
