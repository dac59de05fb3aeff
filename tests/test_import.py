"""Importing an export: it only ever creates a new organization, whatever the file holds.

The file is the demo company Acme's export. The tests about other companies' rows import it
next to Acme itself, so every id in the file is the id of one of Acme's rows: an import that
wrote rows by id would overwrite them. The others import it into a database that holds
Globex (its CEO is Olga). Each hostile file is refused with one message naming the record
and the field, and leaves every table as it was."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from accounts.models import Invitation, Membership, Organization, User
from calibration.board.models import BoardSnapshot
from calibration.export import export_json, organization_models
from calibration.models import Change
from calibration.reminders.models import CalendarFeed
from calibration.timeline.models import Initiative
from tests.factories import OrganizationFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def acme(db):
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


@pytest.fixture(scope="module")
def acme_export(django_db_setup, django_db_blocker):
    """Acme's export, made once: the demo is built, exported and undone. Acme is made second,
    so that its id is not Globex's (SQLite hands out again the ids the rollback undid)."""
    with django_db_blocker.unblock(), transaction.atomic():
        OrganizationFactory()
        call_command("demo", verbosity=0)
        text = export_json(Organization.objects.get(slug="acme"))
        transaction.set_rollback(True)
    return text


@pytest.fixture
def data(acme_export, outsider):
    """Acme's export, to import into a database that holds Globex."""
    return json.loads(acme_export)


def write(tmp_path, data):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def database():
    """Every row of every table."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
    }


def company(org):
    """Every row of `org` in every table, its members' accounts included."""
    rows = {
        "organization": list(Organization.objects.filter(pk=org.pk).values_list()),
        "people": list(
            User.objects.filter(memberships__organization=org).order_by("pk").values_list()
        ),
    }
    for model in [Membership, Invitation, *organization_models()]:
        owned = model._base_manager.filter(organization=org).order_by("pk")
        rows[model._meta.label] = list(owned.values_list())
    return rows


def refused(path, **options):
    """The command's message for a file it refuses; every table is as it was."""
    before = database()
    with pytest.raises(CommandError) as refusal:
        call_command("import_organization", path, **options)
    assert database() == before
    return str(refusal.value)


def rows(data, label):
    return data["records"][label]


def as_initech(data):
    """Acme's file turned into another company's: Initech, with Initech's people, yet every
    id still that of one of Acme's rows."""
    text = json.dumps(data).replace("acme", "initech").replace("Acme", "Initech")
    return json.loads(text)


# --- another company's rows ------------------------------------------------------------------


def test_importing_a_file_whose_ids_are_another_companys_rows_changes_none_of_them(tmp_path, acme):
    data = json.loads(export_json(acme))
    before = company(acme)

    call_command("import_organization", write(tmp_path, as_initech(data)), verbosity=0)

    initech = Organization.objects.get(slug="initech")
    assert company(acme) == before
    assert initech.pk != acme.pk
    assert len(company(initech)["alignment.Bet"]) == len(before["alignment.Bet"])


def test_an_existing_person_is_linked_by_email_in_the_files_role_and_not_modified(tmp_path, acme):
    data = json.loads(export_json(acme))
    ceo = User.objects.get(email="ceo@acme.example")
    User.objects.filter(pk=ceo.pk).update(is_staff=True)
    for person in data["users"]:
        person["fields"]["name"] = "Mallory"
    before = list(User.objects.filter(pk=ceo.pk).values_list())

    call_command("import_organization", write(tmp_path, data), slug="acme-copy", verbosity=0)

    assert list(User.objects.filter(pk=ceo.pk).values_list()) == before
    copy = Organization.objects.get(slug="acme-copy")
    assert copy.memberships.get(user=ceo).role == "ceo"


def test_new_people_get_an_account_without_a_password_or_privileges(tmp_path, data):
    call_command("import_organization", write(tmp_path, data), verbosity=0)

    person = User.objects.get(email="ceo@acme.example")
    assert not person.has_usable_password()
    assert (person.is_staff, person.is_superuser) == (False, False)


def test_importing_with_a_new_slug_twice_makes_two_separate_organizations(tmp_path, data):
    path = write(tmp_path, data)

    call_command("import_organization", path, slug="acme-1", verbosity=0)
    call_command("import_organization", path, slug="acme-2", verbosity=0)

    first, second = (Organization.objects.get(slug=s) for s in ("acme-1", "acme-2"))
    bets = [{bet[0] for bet in company(org)["alignment.Bet"]} for org in (first, second)]
    assert len(bets[0]) == len(bets[1]) == len(rows(data, "alignment.Bet"))
    assert not bets[0] & bets[1]
    members = len(data["memberships"])
    assert first.memberships.count() == second.memberships.count() == members > 0


def test_a_file_whose_slug_exists_is_refused_never_merged(tmp_path, data):
    OrganizationFactory(name="Acme", slug="acme")

    message = refused(write(tmp_path, data))

    assert "accounts.Organization id" in message
    assert "field slug: an organization “acme” exists already" in message


def test_a_second_import_under_the_same_new_slug_is_refused(tmp_path, data):
    path = write(tmp_path, data)
    call_command("import_organization", path, slug="acme-copy", verbosity=0)

    assert "“acme-copy” exists already" in refused(path, slug="acme-copy")


# --- hostile files ---------------------------------------------------------------------------


def test_a_record_whose_organization_is_another_company_is_refused(tmp_path, data, outsider):
    bet = rows(data, "alignment.Bet")[0]
    bet["fields"]["organization"] = outsider.memberships.get().organization_id

    message = refused(write(tmp_path, data))

    assert f"alignment.Bet id {bet['pk']}, field organization: names organization" in message


def test_a_membership_into_another_company_is_refused(tmp_path, data, outsider):
    """Olga, Globex's CEO, made an observer of Globex by a file: refused."""
    data["users"].append({"model": "accounts.user", "pk": 99, "fields": {"email": outsider.email}})
    globex = outsider.memberships.get().organization_id
    membership = {"user": [outsider.email], "organization": globex, "role": "observer"}
    data["memberships"].append({"model": "accounts.membership", "pk": 99, "fields": membership})

    message = refused(write(tmp_path, data))

    assert "accounts.Membership id 99, field organization: names organization" in message


@pytest.mark.parametrize(
    "field, value",
    [
        ("is_staff", True),
        ("is_superuser", True),
        ("password", "pbkdf2_sha256$870000$salt$hash="),
        ("last_login", "2026-01-01T00:00:00Z"),
    ],
)
def test_a_person_whose_row_sets_anything_but_email_name_active_and_joined_is_refused(
    tmp_path, data, field, value
):
    data["users"][0]["fields"][field] = value

    message = refused(write(tmp_path, data))

    assert f"accounts.User id {data['users'][0]['pk']}, field {field}: a file never" in message


@pytest.mark.parametrize("section", ["invitations", "memberships", "organization"])
def test_a_person_hidden_in_another_section_is_refused(tmp_path, data, outsider, section):
    hidden = {"email": outsider.email, "password": "x", "is_staff": True, "is_superuser": True}
    data[section].append({"model": "accounts.user", "pk": outsider.pk, "fields": hidden})

    message = refused(write(tmp_path, data))

    assert f'{section}: "accounts.user" id {outsider.pk} does not belong here' in message


def test_a_person_hidden_among_the_records_is_refused(tmp_path, data, outsider):
    data["records"]["accounts.User"] = [
        {"model": "accounts.user", "pk": outsider.pk, "fields": {"is_superuser": True}}
    ]

    message = refused(write(tmp_path, data))

    assert "records: accounts.User is not a record type an organization holds" in message


def test_two_rows_of_one_model_with_the_same_id_are_refused(tmp_path, data):
    first = rows(data, "alignment.Bet")[0]
    rows(data, "alignment.Bet").append({**first, "fields": {**first["fields"], "title": "Twin"}})

    message = refused(write(tmp_path, data))

    assert f"alignment.Bet id {first['pk']}: the id {first['pk']} is used twice" in message


def test_a_reference_to_an_id_not_in_the_file_is_refused(tmp_path, data):
    bet = rows(data, "alignment.Bet")[0]
    bet["fields"]["sheet"] = 999999

    message = refused(write(tmp_path, data))

    assert (
        f"alignment.Bet id {bet['pk']}, field sheet: "
        "names alignment.BetSheet id 999999, which is not in this file"
    ) in message


def test_a_reference_to_a_person_who_is_not_a_member_in_the_file_is_refused(
    tmp_path, data, outsider
):
    initiative = rows(data, "timeline.Initiative")[0]
    initiative["fields"]["owner"] = [outsider.email]

    message = refused(write(tmp_path, data))

    assert (
        f"timeline.Initiative id {initiative['pk']}, field owner: "
        f'["{outsider.email}"] is not a member in this file'
    ) in message


def test_history_naming_a_type_of_record_no_organization_holds_is_refused(tmp_path, data, outsider):
    change = rows(data, "calibration.Change")[0]
    change["fields"].update(content_type=["accounts", "user"], object_id=outsider.pk)

    message = refused(write(tmp_path, data))

    assert f"calibration.Change id {change['pk']}, field content_type" in message
    assert "is not a record type of an organization" in message


@pytest.mark.parametrize(
    "markup, problem",
    [
        ('<g hx-post="/o/globex/constraints/1/delete/" hx-trigger="load"/>', "a hx-post attribute"),
        ("<script>alert(1)</script>", "a <script> element"),
        ('<a href="https://evil.example/"><text>Log in again</text></a>', "a <a> element"),
        ('<foreignObject><form action="https://evil.example/"></form></foreignObject>', "a <"),
    ],
)
def test_a_board_snapshot_whose_chart_holds_more_than_chart_markup_is_refused(
    tmp_path, data, markup, problem
):
    snapshot = rows(data, "board.BoardSnapshot")[0]
    snapshot["fields"]["svg"] = snapshot["fields"]["svg"].replace("</svg>", markup + "</svg>")

    message = refused(write(tmp_path, data))

    assert f"board.BoardSnapshot id {snapshot['pk']}, field svg: Not a chart" in message
    assert problem in message


def test_a_file_refused_by_a_rule_checked_after_its_rows_were_written_leaves_nothing(
    tmp_path, data
):
    """The model's own rules run once every row is written (they read related rows): the
    transaction takes the written rows back."""
    initiative = rows(data, "timeline.Initiative")[-1]
    initiative["fields"]["worst_date"] = "2000-01-01"

    message = refused(write(tmp_path, data))

    assert f"timeline.Initiative id {initiative['pk']}, field worst_date" in message


# --- malformed files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section, value, message",
    [
        ("format", "someone-else/1", "The file is not a Calibrate export"),
        ("records", None, "The export has no “records” section"),
        ("users", None, "The export has no “users” section"),
        ("records", [], "records: an object of record type"),
        ("memberships", {}, "memberships: a list of accounts.Membership rows"),
        ("organization", [], "organization: exactly one organization expected"),
    ],
)
def test_a_file_without_the_shape_of_an_export_is_refused(tmp_path, data, section, value, message):
    if value is None:
        del data[section]
    else:
        data[section] = value

    assert message in refused(write(tmp_path, data))


@pytest.mark.parametrize(
    "label, field, value, message",
    [
        ("timeline.Initiative", "start_date", 20270101, "20270101 is not text"),
        ("constraints.Path", "weeks_expected", "six", '"six" is not a whole number'),
        ("timeline.ForecastRecord", "p_meet", "0.5", '"0.5" is not a number'),
        ("timeline.Initiative", "start_date", "2027-02-30", "it is an invalid date"),
        ("timeline.Initiative", "version", -1, "greater than or equal to 0"),
        ("alignment.Bet", "side", "cfo", '"cfo" is not one of the choices'),
        ("timeline.Initiative", "title", "x" * 141, "at most 140 characters"),
        ("timeline.Initiative", "title", "nul \x00", "no database stores (NUL"),
        ("timeline.Initiative", "created_at", "2026-01-01T10:00", "its UTC offset"),
        ("timeline.Initiative", "secret", 1, "has no such field"),
        ("calibration.Change", "old", [], "an object of field values expected"),
        ("timeline.Initiative", "start_date", "1999-12-31", "Give a date between 2000 and"),
        ("timeline.Initiative", "worst_date", "9999-12-31", "Give a date between 2000 and"),
        ("timeline.SlipPlanStep", "days_after", 99999, "At most 365 days."),
        ("timeline.ForecastRecord", "p_meet", 1.5, "At most 1."),
        ("constraints.Path", "weeks_expected", 30000, "At most 520 weeks."),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_its_record_and_field(
    tmp_path, data, label, field, value, message
):
    row = rows(data, label)[0]
    row["fields"][field] = value

    refusal = refused(write(tmp_path, data))

    assert refusal.startswith("Nothing was imported.")
    assert f"{label} id {row['pk']}, field {field}: " in refusal
    assert message in refusal


def test_a_file_that_is_not_json_is_refused(tmp_path, db):
    path = tmp_path / "export.json"
    path.write_text('{"format": "calibrate-export/1", ', encoding="utf-8")

    assert "The file is not JSON (Expecting property name" in refused(str(path))


def test_a_file_over_the_size_limit_is_refused(tmp_path, data):
    path = write(tmp_path, data)

    message = refused(path, max_bytes=os.path.getsize(path) - 1)

    assert "The file is larger than" in message
    assert "--max-bytes" in message


def test_a_refused_file_ends_the_command_with_status_1_and_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "export.json"
    path.write_text("not an export", encoding="utf-8")

    run = subprocess.run(
        [sys.executable, "manage.py", "import_organization", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 1
    assert "CommandError: Nothing was imported. The file is not JSON" in run.stderr
    assert "Traceback" not in run.stderr


# --- what an import keeps -------------------------------------------------------------------


def test_the_history_follows_each_record_to_its_new_id(tmp_path, data):
    initiative = rows(data, "timeline.Initiative")[0]
    its_changes = [
        change["fields"]["action"]
        for change in rows(data, "calibration.Change")
        if change["fields"]["content_type"] == ["timeline", "initiative"]
        and change["fields"]["object_id"] == initiative["pk"]
    ]

    call_command("import_organization", write(tmp_path, data), verbosity=0)

    imported = Initiative.objects.get(
        organization__slug="acme", title=initiative["fields"]["title"]
    )
    assert sorted(change.action for change in imported.history()) == sorted(its_changes)


def test_the_history_of_a_record_deleted_before_the_export_names_an_id_no_row_has(tmp_path, data):
    (deleted_in_file,) = (
        c for c in rows(data, "calibration.Change") if c["fields"]["action"] == "deleted"
    )

    call_command("import_organization", write(tmp_path, data), verbosity=0)

    deleted = Change.objects.get(organization__slug="acme", action=Change.DELETED)
    model = deleted.content_type.model_class()
    assert not model._base_manager.filter(pk=deleted.object_id).exists()
    assert deleted.object_id != deleted_in_file["fields"]["object_id"]


def test_a_calendar_feed_gets_a_new_token_not_the_files(tmp_path, data):
    feed = {"organization": data["organization"][0]["pk"], "user": ["ceo@acme.example"]}
    feed["token"] = "known-to-whoever-wrote-the-file"
    data["records"]["reminders.CalendarFeed"] = [
        {"model": "reminders.calendarfeed", "pk": 1, "fields": feed}
    ]

    call_command("import_organization", write(tmp_path, data), verbosity=0)

    imported = CalendarFeed.objects.get(organization__slug="acme")
    assert imported.user.email == "ceo@acme.example"
    assert imported.token != feed["token"]


def test_an_imported_organization_opens_for_its_members(tmp_path, client, data):
    call_command("import_organization", write(tmp_path, data), verbosity=0)
    client.force_login(User.objects.get(email="ceo@acme.example"))
    snapshot = BoardSnapshot.objects.get(organization__slug="acme")

    pages = [
        reverse("home", args=["acme"]),
        reverse("history", args=["acme"]),
        reverse("board:snapshot", args=["acme", snapshot.pk]),
        reverse("board:compare", args=["acme", snapshot.pk]),
    ]

    assert [client.get(page).status_code for page in pages] == [200] * len(pages)
