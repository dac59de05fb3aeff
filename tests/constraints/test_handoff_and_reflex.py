"""A chosen path becomes an initiative with its timeline pre-filled; a new initiative or bet
asks whether it places a new demand on engineering."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse

from calibration.alignment.models import Bet, BetSheet, Side
from calibration.constraints.models import Constraint, Decision
from calibration.quarters import current_quarter
from calibration.timeline.models import Initiative
from tests.factories import OrganizationFactory, Role, member

from .conftest import make_constraint, make_path, new_constraint_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(org, cto, ceo):
    """The 50k → 200k constraint with its re-architecture path chosen."""
    constraint = make_constraint(org, cto)
    make_path(constraint, cto, title="Tune", weeks_expected=8)
    path = make_path(
        constraint,
        cto,
        title="Re-architect",
        weeks_best=16,
        weeks_expected=22,
        weeks_worst=30,
        risks="Live migration",
    )
    constraint.decision, constraint.chosen_path = Decision.CHOSEN, path
    constraint.record_decision(ceo)
    constraint.save_shared(by=ceo, expected_version=constraint.version)
    return constraint, path


def handoff_url(org, path):
    return reverse("constraints:path_to_initiative", args=[org.slug, path.pk])


def test_the_chosen_path_offers_the_hand_off(cto_client, org, chosen):
    constraint, path = chosen

    body = cto_client.get(reverse("constraints:detail", args=[org.slug, constraint.pk])).content
    assert b"Turn into an initiative" in body and handoff_url(org, path).encode() in body


def test_the_hand_off_prefills_the_three_dates_from_the_paths_weeks(cto_client, org, chosen, cto):
    constraint, path = chosen
    today = org.today()

    form = cto_client.get(handoff_url(org, path)).context["form"]

    assert form.initial["start_date"] == today
    assert form.initial["best_date"] == today + timedelta(weeks=16)
    assert form.initial["expected_date"] == today + timedelta(weeks=22)
    assert form.initial["worst_date"] == today + timedelta(weeks=30)
    assert form.initial["title"] == "Event pipeline throughput: Re-architect"
    assert "4×, +150,000" in form.initial["summary"]
    assert form.initial["expected_risks"] == "Live migration" and form.initial["owner"] == cto


def test_a_single_number_of_weeks_gives_three_equal_dates(org, chosen, cto):
    constraint, _ = chosen
    path = constraint.paths.get(title="Tune")
    assert len(set(path.initiative_dates(datetime.date(2027, 1, 4)))) == 1


def test_the_hand_off_creates_the_initiative_and_links_the_path(cto_client, org, chosen, cto):
    constraint, path = chosen
    today = org.today()
    data = {
        "title": "Re-architect ingest",
        "summary": "",
        "owner": cto.pk,
        "status": "proposed",
        "start_date": today.isoformat(),
        "best_date": (today + timedelta(weeks=16)).isoformat(),
        "expected_date": (today + timedelta(weeks=22)).isoformat(),
        "worst_date": (today + timedelta(weeks=30)).isoformat(),
        "version": 0,
    }

    response = cto_client.post(handoff_url(org, path), data)

    initiative = Initiative.objects.get()
    path.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("timeline:initiative", args=[org.slug, initiative.pk])
    assert path.initiative == initiative
    assert path.history().first().note == "became an initiative"
    detail = cto_client.get(reverse("constraints:detail", args=[org.slug, constraint.pk]))
    assert "Delivered by the initiative" in detail.content.decode()
    page = cto_client.get(response["Location"]).content.decode()
    assert "This initiative delivers" in page and "Raise a constraint for this" not in page


def test_the_hand_off_keeps_the_timeline_rules(cto_client, org, chosen, cto):
    constraint, path = chosen
    today = org.today()
    data = {
        "title": "Re-architect ingest",
        "owner": cto.pk,
        "status": "proposed",
        "start_date": today.isoformat(),
        "best_date": (today + timedelta(weeks=30)).isoformat(),
        "expected_date": (today + timedelta(weeks=22)).isoformat(),
        "worst_date": (today + timedelta(weeks=16)).isoformat(),
        "version": 0,
    }

    response = cto_client.post(handoff_url(org, path), data)

    assert response.status_code == 200 and not Initiative.objects.exists()
    assert response.context["form"].errors


def test_only_the_chosen_path_can_become_an_initiative(cto_client, org, chosen):
    constraint, _ = chosen
    other = constraint.paths.get(title="Tune")

    response = cto_client.get(handoff_url(org, other), follow=True)

    assert "is not the chosen path" in response.content.decode()


def test_observers_cannot_open_the_hand_off(client, org, chosen):
    client.force_login(member(org, Role.OBSERVER))
    assert client.get(handoff_url(org, chosen[1])).status_code == 403


# --- the reflex: a new initiative ---------------------------------------------------------------


def create_initiative(client, org, cto, title="Enter Germany"):
    today = org.today()
    return client.post(
        reverse("timeline:new", args=[org.slug]),
        {
            "title": title,
            "owner": cto.pk,
            "status": "proposed",
            "start_date": today.isoformat(),
            "best_date": (today + timedelta(weeks=10)).isoformat(),
            "expected_date": (today + timedelta(weeks=14)).isoformat(),
            "worst_date": (today + timedelta(weeks=20)).isoformat(),
            "version": 0,
        },
        follow=True,
    )


def test_a_new_initiative_asks_whether_it_places_a_demand_on_engineering(cto_client, org, cto):
    page = create_initiative(cto_client, org, cto).content.decode()

    initiative = Initiative.objects.get()
    assert "Does “Enter Germany” place a new demand on engineering?" in page
    assert f"/o/acme/constraints/new/?initiative={initiative.pk}" in page


def test_the_reflex_prefills_the_constraint_with_the_initiative(cto_client, org, cto):
    create_initiative(cto_client, org, cto)
    initiative = Initiative.objects.get()
    url = reverse("constraints:new", args=[org.slug]) + f"?initiative={initiative.pk}"

    form = cto_client.get(url).context["form"]
    assert form.initial["initiative"] == initiative.pk
    assert form.initial["demand_kind"] == "initiative"
    assert form.initial["demand"] == "Initiative “Enter Germany”"

    cto_client.post(url, new_constraint_data(demand_kind="initiative", initiative=initiative.pk))

    constraint = Constraint.objects.get()
    assert constraint.initiative == initiative
    detail = cto_client.get(reverse("constraints:detail", args=[org.slug, constraint.pk]))
    assert "Initiative: <a href" in detail.content.decode()


def test_the_reflex_is_not_shown_to_observers(client, org, cto):
    from django.test import Client

    leader = Client()
    leader.force_login(cto)
    create_initiative(leader, org, cto)
    client.force_login(member(org, Role.OBSERVER))

    page = client.get(reverse("timeline:initiative", args=[org.slug, Initiative.objects.get().pk]))

    assert "place a new demand on engineering" not in page.content.decode()


def test_another_companys_initiative_cannot_be_linked(cto_client, org, cto):
    other = OrganizationFactory(slug="globex")
    stranger = member(other, Role.CTO)
    foreign = Initiative.create_shared(
        by=stranger,
        organization=other,
        title="Secret",
        owner=stranger,
        start_date=datetime.date(2027, 1, 4),
        best_date=datetime.date(2027, 2, 1),
        expected_date=datetime.date(2027, 3, 1),
        worst_date=datetime.date(2027, 4, 1),
    )
    url = reverse("constraints:new", args=[org.slug])

    prefilled = cto_client.get(url + f"?initiative={foreign.pk}").context["form"]
    response = cto_client.post(url, new_constraint_data(initiative=foreign.pk))

    assert "initiative" not in prefilled.initial
    assert "Select a valid choice" in response.context["form"].errors["initiative"][0]
    assert not Constraint.objects.exists()


# --- the reflex: a new bet ----------------------------------------------------------------------


def test_a_new_bet_asks_whether_it_places_a_demand_on_engineering(ceo_client, org, ceo, cto):
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)

    response = ceo_client.post(
        reverse("alignment:add_bet", args=[org.slug, sheet.pk]),
        {
            "side": Side.CEO,
            "title": "Enter Germany",
            "expected_outcome": "20% of revenue",
            "confidence": "medium",
            "notes": "",
            "version": 0,
        },
        HTTP_HX_REQUEST="true",
    )

    bet = Bet.objects.get()
    body = response.content.decode()
    assert "Does “Enter Germany” place a new demand on engineering?" in body
    assert f"/o/acme/constraints/new/?bet={bet.pk}" in body

    form = ceo_client.get(f"/o/acme/constraints/new/?bet={bet.pk}").context["form"]
    assert (form.initial["bet"], form.initial["demand_kind"]) == (bet.pk, "bet")
    ceo_client.post("/o/acme/constraints/new/", new_constraint_data(demand_kind="bet", bet=bet.pk))
    assert Constraint.objects.get().bet == bet
