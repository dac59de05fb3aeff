"""The shared-editing mechanism, through its first user: planning cycles."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from calibration.models import Change, EditConflict, PlanningCycle


@pytest.fixture
def cycle(org, ceo):
    return PlanningCycle.create_shared(
        by=ceo, organization=org, name="H1 planning", starts_on=date(2027, 1, 10)
    )


def edit(client, org, cycle, version, **changes):
    data = {
        "name": cycle.name,
        "starts_on": "2027-01-10",
        "ends_on": "",
        "notes": "",
        "version": version,
    }
    data.update(changes)
    return client.post(reverse("planning_cycle", args=[org.slug, cycle.pk]), data)


@pytest.mark.django_db
def test_creating_a_record_is_kept_in_history(cycle, ceo):
    change = cycle.history().get()
    assert (change.action, change.by, change.new["name"]) == ("created", ceo, "H1 planning")


@pytest.mark.django_db
def test_a_change_is_kept_with_old_and_new_values(ceo_client, org, cycle, ceo):
    edit(ceo_client, org, cycle, 1, notes="Offsite in Lisbon")

    change = cycle.history().first()
    assert change.action == "changed" and change.by == ceo
    assert change.field_changes() == [("Notes", "", "Offsite in Lisbon")]


@pytest.mark.django_db
def test_a_stale_save_is_refused_and_keeps_both_versions(ceo_client, cto_client, org, cycle):
    edit(ceo_client, org, cycle, 1, notes="CEO: offsite")

    response = edit(cto_client, org, cycle, 1, notes="CTO: remote")

    body = response.content.decode()
    cycle.refresh_from_db()
    assert cycle.notes == "CEO: offsite"
    assert "Ada CEO saved this while you were editing" in body
    assert "CTO: remote" in body and "CEO: offsite" in body
    assert response.context["form"]["version"].value() == 2


@pytest.mark.django_db
def test_saving_again_after_seeing_the_conflict_keeps_yours(ceo_client, cto_client, org, cycle):
    edit(ceo_client, org, cycle, 1, notes="CEO: offsite")
    edit(cto_client, org, cycle, 1, notes="CTO: remote")

    edit(cto_client, org, cycle, 2, notes="CTO: remote")

    cycle.refresh_from_db()
    assert cycle.notes == "CTO: remote"
    assert [c.new.get("notes") for c in cycle.history()] == ["CTO: remote", "CEO: offsite", ""]


@pytest.mark.django_db
def test_a_form_without_its_version_is_refused_not_saved(ceo_client, org, cycle):
    response = edit(ceo_client, org, cycle, "", notes="sneaky")

    cycle.refresh_from_db()
    assert cycle.notes == ""
    assert "did not say which version" in response.content.decode()


@pytest.mark.django_db
def test_a_bad_value_is_explained_at_its_field_and_the_input_kept(ceo_client, org, cycle):
    response = edit(ceo_client, org, cycle, 1, ends_on="2026-12-01", notes="keep me")

    form = response.context["form"]
    assert form.errors["ends_on"] == ["The cycle cannot end before it starts."]
    assert "keep me" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.ends_on is None


@pytest.mark.django_db
def test_deleting_is_kept_in_history(ceo_client, org, cycle):
    ceo_client.post(reverse("delete_planning_cycle", args=[org.slug, cycle.pk]), {"version": 1})

    assert not PlanningCycle.objects.exists()
    deleted = Change.objects.get(action="deleted")
    assert deleted.old["name"] == "H1 planning"


@pytest.mark.django_db
def test_deleting_a_record_someone_just_changed_is_refused(ceo_client, org, cycle, cto):
    cycle.notes = "changed"
    cycle.save_shared(by=cto, expected_version=1)

    ceo_client.post(reverse("delete_planning_cycle", args=[org.slug, cycle.pk]), {"version": 1})

    assert PlanningCycle.objects.filter(pk=cycle.pk).exists()


@pytest.mark.django_db
def test_the_inline_edit_returns_the_row_fragment_when_saved(ceo_client, org, cycle):
    response = ceo_client.post(
        reverse("planning_cycle", args=[org.slug, cycle.pk]),
        {"name": "H1 planning", "starts_on": "2027-01-10", "notes": "x", "version": 1},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="cycle-{cycle.pk}">')
    assert "<html" not in body


@pytest.mark.django_db(transaction=True)
def test_two_truly_concurrent_saves_one_wins_one_conflicts(org, ceo, cto):
    """Two threads, two database connections, the same starting version, at the same time."""
    cycle = PlanningCycle.create_shared(
        by=ceo, organization=org, name="H1", starts_on=date(2027, 1, 10)
    )
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(person, notes):
        try:
            mine = PlanningCycle.objects.get(pk=cycle.pk)
            mine.notes = notes
            barrier.wait(timeout=10)
            mine.save_shared(by=person, expected_version=1)
            outcomes[person.name] = "saved"
        except EditConflict:
            outcomes[person.name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(p, f"{p.name} notes")) for p in (ceo, cto)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    cycle.refresh_from_db()
    assert (cycle.notes, cycle.version) == (f"{winner} notes", 2)
    assert cycle.history().filter(action="changed").count() == 1


@pytest.mark.django_db
def test_deleting_asks_first(ceo_client, org, cycle):
    response = ceo_client.get(reverse("delete_planning_cycle", args=[org.slug, cycle.pk]))

    assert "Delete “H1 planning”?" in response.content.decode()
    assert PlanningCycle.objects.filter(pk=cycle.pk).exists()


@pytest.mark.django_db
def test_deleting_a_record_changed_meanwhile_asks_again_showing_what_changed(
    ceo_client, org, cycle, cto
):
    cycle.notes = "Offsite moved to Porto"
    cycle.save_shared(by=cto, expected_version=1)
    url = reverse("delete_planning_cycle", args=[org.slug, cycle.pk])

    asked = ceo_client.post(url, {"version": 1})

    page = asked.content.decode()
    assert asked.status_code == 409 and "It changed since you opened it" in page
    assert "Tom CTO" in page and "Offsite moved to Porto" in page
    assert PlanningCycle.objects.filter(pk=cycle.pk).exists()
    ceo_client.post(url, {"version": asked.context["record"].version})
    assert not PlanningCycle.objects.filter(pk=cycle.pk).exists()


@pytest.mark.django_db
def test_a_patch_from_a_stale_version_merges_fields_nobody_else_changed(cycle, ceo, cto):
    PlanningCycle.objects.get(pk=cycle.pk).patch_shared(
        by=ceo, expected_version=1, values={"notes": "Offsite in Lisbon"}
    )

    PlanningCycle.objects.get(pk=cycle.pk).patch_shared(
        by=cto, expected_version=1, values={"name": "H1 offsite"}
    )

    cycle.refresh_from_db()
    assert (cycle.name, cycle.notes, cycle.version) == ("H1 offsite", "Offsite in Lisbon", 3)


@pytest.mark.django_db
def test_a_patch_of_a_field_changed_since_is_a_conflict_naming_it(cycle, ceo, cto):
    PlanningCycle.objects.get(pk=cycle.pk).patch_shared(
        by=ceo, expected_version=1, values={"notes": "Offsite in Lisbon"}
    )

    with pytest.raises(EditConflict) as conflict:
        PlanningCycle.objects.get(pk=cycle.pk).patch_shared(
            by=cto, expected_version=1, values={"notes": "Remote", "name": "H1 remote"}
        )

    assert conflict.value.fields == ["notes"]
    cycle.refresh_from_db()
    assert (cycle.name, cycle.notes) == ("H1 planning", "Offsite in Lisbon")
