"""A path's cost in money: typed as a person says it, stored as a number, shown in the
organization's currency."""

from decimal import Decimal

import pytest
from django.urls import reverse

from calibration.constraints.models import Path

from .conftest import make_path, path_data

pytestmark = pytest.mark.django_db


def add_path(client, org, constraint, **changes):
    url = reverse("constraints:path_add", args=[org.slug, constraint.pk])
    return client.post(url, path_data(**changes))


def detail(client, org, constraint, query=""):
    url = reverse("constraints:detail", args=[org.slug, constraint.pk]) + query
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("$400k", 400_000), ("400k", 400_000), ("400,000", 400_000), ("1.2m", 1_200_000)],
)
def test_a_cost_is_typed_as_a_person_says_it_and_stored_as_a_number(
    cto_client, org, constraint, typed, stored
):
    response = add_path(cto_client, org, constraint, cost_money=typed)

    assert response.status_code == 302
    assert Path.objects.get().cost_money == Decimal(stored)


def test_a_cost_that_is_not_an_amount_is_refused_at_its_field(cto_client, org, constraint):
    response = add_path(cto_client, org, constraint, cost_money="about a lot")

    assert response.context["form"].errors["cost_money"] == [
        "Enter an amount, such as 400000, 400,000, $400k or 1.2m (k for thousands, m for millions)."
    ]
    assert not Path.objects.exists()


def test_a_cost_is_shown_in_the_organizations_currency(cto_client, org, constraint, cto):
    org.currency = "EUR"
    org.save()
    make_path(constraint, cto, cost_money=Decimal("400000"), cost_people_months=Decimal("1"))

    assert "€400,000 + 1 people-months" in detail(cto_client, org, constraint)


def test_the_cost_field_names_the_currency(cto_client, org, constraint):
    assert "Cost in money (USD)" in detail(cto_client, org, constraint, "?edit=new-path")


def test_an_edited_cost_comes_back_in_the_field_as_a_person_reads_it(
    cto_client, org, constraint, cto
):
    path = make_path(constraint, cto, cost_money=Decimal("1250000.00"))

    assert 'value="1,250,000"' in detail(cto_client, org, constraint, f"?edit=path-{path.pk}")


@pytest.mark.parametrize("typed", [str(10**308), "1e300k", "999999999999999999999999999999m"])
def test_an_amount_too_large_to_count_in_cents_is_refused_at_its_field(
    cto_client, org, constraint, typed
):
    response = add_path(cto_client, org, constraint, cost_money=typed)

    assert response.status_code == 200
    assert response.context["form"].errors["cost_money"]
    assert not Path.objects.exists()
