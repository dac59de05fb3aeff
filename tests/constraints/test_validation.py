"""Bad input is refused with a clear message at its field, and nothing typed is lost."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calibration.constraints.models import Constraint, Path

from .conftest import make_constraint, make_path, new_constraint_data, path_data

pytestmark = pytest.mark.django_db


def post_new(client, org, **changes):
    return client.post(reverse("constraints:new", args=[org.slug]), new_constraint_data(**changes))


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


def test_a_constraint_is_recorded_with_thousands_separators(cto_client, org):
    response = post_new(cto_client, org)

    constraint = Constraint.objects.get()
    assert response.status_code == 302
    assert (constraint.current_value, constraint.required_value) == (50000, 200000)


def test_zero_and_negative_values_are_refused_at_their_fields(cto_client, org):
    response = post_new(cto_client, org, current_value="0", required_value="-5")

    assert field_errors(response, "current_value") == ["Enter a number above zero."]
    assert field_errors(response, "required_value") == ["Enter a number above zero."]
    assert not Constraint.objects.exists()
    assert 'value="Globex partnership"' in response.content.decode() or (
        "Globex partnership" in response.content.decode()
    )


def test_a_value_that_is_not_a_number_is_refused(cto_client, org):
    response = post_new(cto_client, org, current_value="lots")

    assert field_errors(response, "current_value") == ["Enter a number, e.g. 50000 or 50,000."]
    assert 'value="lots"' in response.content.decode()


def test_a_value_typed_in_another_unit_is_refused_at_its_field(cto_client, org):
    response = post_new(
        cto_client,
        org,
        unit="ms",
        direction="lower",
        current_value="0.8 s",
        required_value="200 ms",
    )

    assert field_errors(response, "current_value") == [
        "Both values are in the same unit: give this one in ms, not s (or change the unit)."
    ]
    assert field_errors(response, "required_value") == []


def test_a_value_typed_with_the_constraint_unit_is_accepted(cto_client, org):
    post_new(
        cto_client,
        org,
        unit="ms",
        direction="lower",
        current_value="800 ms",
        required_value="200ms",
    )

    assert Constraint.objects.get().current_value == 800


def test_a_unit_that_starts_with_a_number_is_refused(cto_client, org):
    response = post_new(cto_client, org, unit="50000 events/s")

    assert "Give the unit alone" in field_errors(response, "unit")[0]


def test_the_unit_is_required(cto_client, org):
    response = post_new(cto_client, org, unit="  ")

    assert field_errors(response, "unit") == ["This field is required."]


def test_a_new_need_already_met_points_at_the_direction(cto_client, org):
    response = post_new(cto_client, org, direction="lower")

    assert "already meets this (lower is better)" in field_errors(response, "required_value")[0]


def test_a_needed_by_date_in_the_past_is_refused(cto_client, org):
    response = post_new(cto_client, org, needed_by=(date.today() - timedelta(days=3)).isoformat())

    assert field_errors(response, "needed_by") == [
        "That date has passed: when is it needed from now on?"
    ]


def test_links_must_be_web_addresses(cto_client, org):
    response = post_new(cto_client, org, demand_links="https://wiki.example/globex\nnot a link")

    assert "“not a link” is not a web address" in field_errors(response, "demand_links")[0]


def test_the_database_refuses_non_positive_values_too(org, cto):
    with pytest.raises(ValidationError) as refused:
        make_constraint(org, cto, current_value=0)
    assert "current_value" in refused.value.message_dict


# --- paths --------------------------------------------------------------------------------


def add_path(client, org, constraint, **changes):
    url = reverse("constraints:path_add", args=[org.slug, constraint.pk])
    return client.post(url, path_data(**changes))


def test_a_path_needs_a_cost_in_money_or_people_months(cto_client, org, constraint):
    response = add_path(cto_client, org, constraint, cost_money="", cost_people_months="")

    assert field_errors(response, "cost_money") == [
        "Give the cost in money, in people-months, or both."
    ]
    assert not Path.objects.exists()


def test_a_path_range_must_be_in_order(cto_client, org, constraint):
    response = add_path(cto_client, org, constraint, weeks_best="30", weeks_worst="10")

    assert field_errors(response, "weeks_best") == [
        "The best case cannot take longer than the expected case."
    ]
    assert field_errors(response, "weeks_worst") == [
        "The worst case cannot be shorter than the expected case."
    ]


def test_a_path_needs_positive_weeks(cto_client, org, constraint):
    response = add_path(cto_client, org, constraint, weeks_expected="0")

    assert field_errors(response, "weeks_expected") == ["Enter a number above zero."]


def test_three_paths_are_lettered_a_b_c(cto_client, org, constraint):
    for title in ("Tune", "Re-architect", "Buy"):
        add_path(cto_client, org, constraint, title=title)

    assert [str(p) for p in constraint.paths.all()] == [
        "Path A: Tune",
        "Path B: Re-architect",
        "Path C: Buy",
    ]


def test_a_fourth_path_is_refused_with_a_clear_message(cto_client, org, constraint, cto):
    for title in ("Tune", "Re-architect", "Buy"):
        make_path(constraint, cto, title=title)

    response = add_path(cto_client, org, constraint, title="Outsource")

    body = response.content.decode()
    assert "A constraint has at most three paths." in body
    assert 'value="Outsource"' in body
    assert constraint.paths.count() == 3


def test_a_fourth_path_is_refused_by_the_model_as_well(org, constraint, cto):
    for title in ("Tune", "Re-architect", "Buy"):
        make_path(constraint, cto, title=title)

    with pytest.raises(ValidationError, match="at most three paths"):
        make_path(constraint, cto, title="Outsource")


def test_a_removed_path_frees_its_letter(cto_client, org, constraint, cto):
    a, b, c = (make_path(constraint, cto, title=t) for t in ("Tune", "Re-architect", "Buy"))
    url = reverse("constraints:path_delete", args=[org.slug, constraint.pk, b.pk])
    cto_client.post(url, {"version": b.version})

    add_path(cto_client, org, constraint, title="Outsource")

    assert [str(p) for p in constraint.paths.all()] == [
        "Path A: Tune",
        "Path B: Outsource",
        "Path C: Buy",
    ]


# --- the decision ----------------------------------------------------------------------------


def decide(client, org, constraint, **fields):
    data = {"decision": "", "chosen_path": "", "decision_reason": "", "revisit_on": ""}
    data.update(fields)
    data["version"] = constraint.version
    url = reverse("constraints:edit", args=[org.slug, constraint.pk, "decision"])
    return client.post(url, data)


def test_choosing_needs_a_path(ceo_client, org, constraint):
    response = decide(ceo_client, org, constraint, decision="chosen")

    assert field_errors(response, "chosen_path") == ["Choose the path we take."]


def test_declining_needs_a_reason(ceo_client, org, constraint):
    response = decide(ceo_client, org, constraint, decision="declined")

    assert field_errors(response, "decision_reason") == ["Say why we won't do it."]
    constraint.refresh_from_db()
    assert constraint.decision == ""


def test_revisiting_needs_a_future_date(ceo_client, org, constraint):
    missing = decide(ceo_client, org, constraint, decision="revisit")
    past = decide(ceo_client, org, constraint, decision="revisit", revisit_on="2020-01-01")

    assert field_errors(missing, "revisit_on") == ["Give the date we look at this again."]
    assert field_errors(past, "revisit_on") == ["Pick a date after today."]


def test_a_decision_must_be_chosen(ceo_client, org, constraint):
    response = decide(ceo_client, org, constraint, decision_reason="hmm")

    assert "Choose: a path" in field_errors(response, "decision")[0]


def test_a_path_cannot_be_chosen_before_the_trade_off_is_stated(ceo_client, org, cto):
    constraint = make_constraint(org, cto, tradeoff_people="")
    path = make_path(constraint, cto)

    response = decide(ceo_client, org, constraint, decision="chosen", chosen_path=path.pk)

    assert "State the trade-off" in field_errors(response, "decision")[0]


def test_a_path_of_another_constraint_cannot_be_chosen(ceo_client, org, constraint, cto):
    other = make_path(make_constraint(org, cto, capability="Search"), cto)

    response = decide(ceo_client, org, constraint, decision="chosen", chosen_path=other.pk)

    assert "Select a valid choice" in field_errors(response, "chosen_path")[0]


def test_a_recommendation_needs_its_reason(cto_client, org, constraint, cto):
    path = make_path(constraint, cto)
    url = reverse("constraints:edit", args=[org.slug, constraint.pk, "recommendation"])

    response = cto_client.post(
        url, {"recommended_path": path.pk, "recommendation_reason": "", "version": 1}
    )

    assert field_errors(response, "recommendation_reason") == [
        "Say why this path: the reason is the point."
    ]
