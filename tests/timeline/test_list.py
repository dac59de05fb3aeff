"""The initiatives list: sorted, 50 live initiatives a page."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

D = datetime.date


def list_page(client, org, query=""):
    return client.get(reverse("timeline:list", args=[org.slug]) + query).content.decode()


@pytest.fixture
def fifty_one(make_initiative):
    """Initiative 01 … Initiative 51, live, planned a day apart in that order."""
    return [
        make_initiative(
            title=f"Initiative {n:02}",
            expected_date=D(2027, 5, 3) + datetime.timedelta(days=n),
            worst_date=D(2027, 8, 2),
        )
        for n in range(1, 52)
    ]


def test_the_list_shows_fifty_and_says_how_many_there_are(cto_client, org, fifty_one):
    page = list_page(cto_client, org, "?sort=plan")
    assert "1–50 of 51 live initiatives" in page
    assert "Initiative 50" in page and "Initiative 51" not in page


def test_the_second_page_shows_the_51st_initiative(cto_client, org, fifty_one):
    page = list_page(cto_client, org, "?sort=plan&page=2")
    assert "51–51 of 51 live initiatives" in page
    assert "Initiative 51" in page and "Initiative 50" not in page


def test_page_links_keep_the_sort(cto_client, org, fifty_one):
    assert 'href="?sort=plan&amp;page=2"' in list_page(cto_client, org, "?sort=plan")


def test_a_short_list_has_no_page_links(cto_client, org, make_initiative):
    make_initiative(title="Payments platform")
    assert 'class="pager' not in list_page(cto_client, org)


def test_list_sorts_by_tracking(cto_client, org, make_initiative, make_indicator, cto):
    ahead = make_initiative(title="Ahead of plan")
    guard = make_indicator(ahead, if_missed="expected")
    guard.status, guard.resolved_on, guard.evidence = "met", D(2027, 2, 14), "Shipped"
    guard.save_shared(by=cto, expected_version=guard.version)
    make_initiative(title="On plan")
    slipping = make_initiative(
        title="Slipping", commitment_date=D(2027, 6, 1), commitment_audience="board"
    )
    missed = make_indicator(slipping, if_missed="worst")
    missed.status, missed.resolved_on = "missed", D(2027, 2, 16)
    missed.save_shared(by=cto, expected_version=missed.version)
    page = list_page(cto_client, org, "?sort=tracking")
    assert page.index("Slipping") < page.index("On plan") < page.index("Ahead of plan")


def test_list_sorts_by_next_checkpoint(cto_client, org, make_initiative, make_indicator):
    make_indicator(make_initiative(title="Due in March"), due_on=D(2027, 3, 1))
    by_week = make_initiative(title="Due in week 7")  # starts 2027-01-04: due 2027-02-22
    make_indicator(by_week, due_on=None, due_week=7)
    make_initiative(title="Nothing pending")
    page = list_page(cto_client, org, "?sort=checkpoint")
    assert page.index("Due in week 7") < page.index("Due in March") < page.index("Nothing pending")
