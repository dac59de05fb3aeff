"""A leader removes a leading indicator from the initiative page: asked first, through the
shared delete path (the version it was read at, a row in the history)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from calibration.integrations.models import IndicatorSource, TrackerConnection
from calibration.models import Change
from calibration.timeline.models import LeadingIndicator
from tests.integrations.conftest import connect, link

HTMX = {"HTTP_HX_REQUEST": "true"}
DESCRIPTION = "Data migration completed"


@pytest.fixture
def indicator(initiative, make_indicator):
    return make_indicator(initiative, description=DESCRIPTION)


def remove_url(indicator):
    return reverse("timeline:delete_indicator", args=[indicator.organization.slug, indicator.pk])


def deletions_of(record):
    """How many times the history says `record` was deleted."""
    return Change.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        action=Change.DELETED,
    ).count()


def page_url(indicator):
    return reverse(
        "timeline:initiative", args=[indicator.organization.slug, indicator.initiative_id]
    )


def test_the_initiative_page_offers_a_leader_to_remove_an_indicator(ceo_client, indicator):
    page = ceo_client.get(page_url(indicator)).content.decode()

    assert f'href="{remove_url(indicator)}"' in page
    assert f"Remove the leading indicator “{DESCRIPTION}”?" in page


def test_removing_without_javascript_asks_first(ceo_client, indicator):
    response = ceo_client.get(remove_url(indicator))

    assert response.status_code == 200
    assert f"Delete “{DESCRIPTION}”?" in response.content.decode()
    assert LeadingIndicator.objects.filter(pk=indicator.pk).exists()


def test_a_confirmed_removal_leaves_the_page_and_is_in_the_history(ceo_client, org, indicator):
    response = ceo_client.post(remove_url(indicator), {"version": indicator.version}, follow=True)

    page = response.content.decode()
    assert f"Leading indicator “{DESCRIPTION}” removed (kept in the history)." in page
    assert f"<td>{DESCRIPTION}</td>" not in page
    assert not LeadingIndicator.objects.filter(pk=indicator.pk).exists()
    history = ceo_client.get(reverse("history", args=[org.slug])).content.decode()
    assert DESCRIPTION in history
    assert deletions_of(indicator) == 1


def test_removing_with_htmx_answers_with_the_page_body_without_the_indicator(ceo_client, indicator):
    response = ceo_client.post(remove_url(indicator), {"version": indicator.version}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#initiative-body"
    assert f"Leading indicator “{DESCRIPTION}” removed" in body
    assert f"<td>{DESCRIPTION}</td>" not in body


def test_a_removal_from_a_stale_version_is_refused_with_what_changed(ceo_client, cto, indicator):
    opened = indicator.version
    indicator.evidence = "Half the tables moved"
    indicator.save_shared(by=cto, expected_version=opened)

    response = ceo_client.post(remove_url(indicator), {"version": opened})

    assert response.status_code == 409
    assert "It changed since you opened it" in response.content.decode()
    assert LeadingIndicator.objects.filter(pk=indicator.pk).exists()


def test_a_stale_removal_with_htmx_is_explained_and_keeps_the_indicator(ceo_client, cto, indicator):
    opened = indicator.version
    indicator.evidence = "Half the tables moved"
    indicator.save_shared(by=cto, expected_version=opened)

    response = ceo_client.post(remove_url(indicator), {"version": opened}, **HTMX)

    body = response.content.decode()
    assert f"“{DESCRIPTION}” changed since you opened the page, so it was not removed." in body
    assert f"<td>{DESCRIPTION}</td>" in body


def test_an_observer_sees_no_remove_control(observer, indicator):
    client = Client()
    client.force_login(observer)

    page = client.get(page_url(indicator)).content.decode()

    assert remove_url(indicator) not in page


def test_an_observer_cannot_remove_an_indicator(observer, indicator):
    client = Client()
    client.force_login(observer)

    response = client.post(remove_url(indicator), {"version": indicator.version})

    assert response.status_code == 403
    assert LeadingIndicator.objects.filter(pk=indicator.pk).exists()


def test_another_companys_member_gets_404(outsider, other_org, indicator):
    client = Client()
    client.force_login(outsider)
    elsewhere = reverse("timeline:delete_indicator", args=[other_org.slug, indicator.pk])

    assert client.post(elsewhere, {"version": indicator.version}).status_code == 404
    assert client.post(remove_url(indicator), {"version": indicator.version}).status_code == 404
    assert LeadingIndicator.objects.filter(pk=indicator.pk).exists()


def test_a_tracker_link_goes_with_its_indicator_into_the_history(ceo_client, cto, indicator):
    github = connect(
        indicator.organization, cto, TrackerConnection.GITHUB, "https://api.github.com"
    )
    source = link(indicator, github, "acme/billing#3", cto)

    ceo_client.post(remove_url(indicator), {"version": indicator.version})

    assert not IndicatorSource.objects.filter(pk=source.pk).exists()
    assert deletions_of(source) == 1
