import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organization, User
from calibration.export import export_organization, import_organization
from calibration.models import Change, PlanningCycle


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
    assert after == before
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


def test_an_observer_cannot_export(client, acme):
    client.force_login(User.objects.get(email="board@acme.example"))

    assert client.get(reverse("export", args=["acme"]) + "?download=json").status_code == 403
