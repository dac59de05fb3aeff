"""Pages run a fixed number of SQL queries whatever the number of initiatives, revisions,
indicators and slip actions."""

import datetime

import pytest
from django.urls import reverse

from calibration.timeline.models import Initiative
from tests.queries import count_queries

pytestmark = pytest.mark.usefixtures("rendered_every_time")

D = datetime.date


def grow(org, cto, ceo, make_initiative, make_indicator, make_step, n):
    """n initiatives, each with n revised dates, n indicators (one missed) and a slip plan."""
    for k in range(n):
        i = make_initiative(
            title=f"Initiative {k}",
            status="active",
            commitment_date=D(2027, 4, 1),
            commitment_audience="board",
        )
        for r in range(n):
            i.worst_date = D(2027, 7, 1) + datetime.timedelta(days=r)
            i.save_shared(by=cto, expected_version=i.version, note=f"revision {r}")
        make_step(i)
        for j in range(n):
            make_indicator(i, description=f"Checkpoint {j}", due_on=D(2027, 2, 1 + j))
        first = i.indicators.first()
        first.status, first.resolved_on = "missed", D(2027, 2, 2)
        first.save_shared(by=cto, expected_version=first.version)
        i.acknowledge(by=ceo, role="ceo", expected_version=Initiative.objects.get(pk=i.pk).version)
    return Initiative.objects.for_org(org).last()


@pytest.fixture
def sizes(org, ceo, cto, make_initiative, make_indicator, make_step):
    def at(n):
        return grow(org, cto, ceo, make_initiative, make_indicator, make_step, n)

    return at


@pytest.mark.parametrize("page", ["list", "home", "calibration"])
def test_list_pages_have_a_fixed_query_count(cto_client, org, sizes, page):
    url = (
        reverse("home", args=[org.slug])
        if page == "home"
        else reverse(f"timeline:{page}", args=[org.slug])
    )
    sizes(1)
    small = count_queries(cto_client, url)
    sizes(5)
    assert count_queries(cto_client, url) == small


def test_initiative_page_has_a_fixed_query_count(cto_client, org, sizes):
    small_one = sizes(1)
    small = count_queries(cto_client, reverse("timeline:initiative", args=[org.slug, small_one.pk]))
    big_one = sizes(6)
    big = count_queries(cto_client, reverse("timeline:initiative", args=[org.slug, big_one.pk]))
    assert big == small
