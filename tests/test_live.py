"""Live pages: the other leader's saved change and their presence show within one poll, and a
page fetching itself again keeps every form someone is typing in."""

import pytest
from django.test import Client
from django.urls import reverse

from calibration.pagecache import data_version
from tests.timeline.conftest import new_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative(org, cto):
    return new_initiative(org, cto)


def poll(client, org, page, version=None, **params):
    query = {"v": version if version is not None else data_version(org.pk), "page": page}
    query.update(params)
    return client.get(reverse("live", args=[org.slug]), query, HTTP_HX_REQUEST="true")


def page_of(initiative):
    return reverse("timeline:initiative", args=[initiative.organization.slug, initiative.pk])


def test_a_live_page_polls_from_the_version_it_shows(ceo_client, org, initiative):
    page = ceo_client.get(page_of(initiative)).content.decode()
    assert f"?v={data_version(org.pk)}&amp;page=" in page and 'id="live-refresh"' in page


def test_nothing_changed_answers_204_without_a_body(ceo_client, org, initiative):
    response = poll(ceo_client, org, page_of(initiative))
    assert response.status_code == 204 and response.content == b""
    assert "HX-Trigger" not in response


def test_nothing_changed_costs_only_what_every_page_costs(
    ceo_client, org, initiative, django_assert_max_num_queries
):
    poll(ceo_client, org, page_of(initiative))
    # The session, the user and their memberships — what the tenancy check reads for any page.
    with django_assert_max_num_queries(3):
        assert poll(ceo_client, org, page_of(initiative)).status_code == 204


def test_a_save_by_the_other_leader_tells_the_page_to_refresh(ceo_client, org, initiative, cto):
    seen = data_version(org.pk)
    initiative.worst_date = initiative.worst_date.replace(month=8)
    initiative.save_shared(by=cto, expected_version=initiative.version)

    response = poll(ceo_client, org, page_of(initiative), version=seen)

    assert response["HX-Trigger"] == "calibrate:changed"


def test_the_other_leader_editing_here_shows_and_goes(ceo_client, cto, org, initiative):
    tom = Client()
    tom.force_login(cto)
    page = page_of(initiative)
    poll(tom, org, page, editing="section-timelines", label="the timelines")

    shown = poll(ceo_client, org, page)
    assert shown.status_code == 200
    assert "Tom CTO is editing the timelines." in shown.content.decode()

    digest = shown.content.decode().split("p=")[1].split('"')[0]
    poll(tom, org, page)  # Tom closed the form: his poll names nothing
    gone = poll(ceo_client, org, page, p=digest)
    assert gone.status_code == 200 and "is editing" not in gone.content.decode()


def test_presence_is_per_page(ceo_client, cto, org, initiative):
    tom = Client()
    tom.force_login(cto)
    poll(tom, org, page_of(initiative), editing="section-timelines", label="the timelines")
    elsewhere = poll(ceo_client, org, reverse("timeline:list", args=[org.slug]))
    assert elsewhere.status_code == 204


def test_a_refresh_keeps_the_form_being_typed_in(ceo_client, org, initiative):
    response = ceo_client.get(
        page_of(initiative),
        {"live": "1", "keep": f"section-timelines:{initiative.version}"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" in body  # the whole page, for htmx to pick the main region from
    section = body.split('id="section-timelines"')[1].split(">")[0]
    assert "hx-preserve" in section
    assert "This changed while you were editing it" not in body


def test_a_refresh_says_when_the_record_being_edited_changed_underneath(
    ceo_client, org, initiative, cto
):
    opened_at = initiative.version
    initiative.best_risks = "Vendor API changes"
    initiative.save_shared(by=cto, expected_version=opened_at)

    body = ceo_client.get(
        page_of(initiative),
        {"live": "1", "keep": f"section-timelines:{opened_at}"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    notice, section = body.split('id="section-timelines"')[0], body
    assert "This changed while you were editing it" in notice
    assert "hx-preserve" in section.split('id="section-timelines"')[1].split(">")[0]


def test_a_form_for_something_removed_meanwhile_is_kept_apart(ceo_client, org, initiative):
    body = ceo_client.get(
        page_of(initiative), {"live": "1", "keep": "indicator-999:1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "was removed meanwhile" in body
    assert '<div id="indicator-999" hx-preserve></div>' in body


def test_observers_see_who_is_editing_too(client, observer, cto, org, initiative):
    tom = Client()
    tom.force_login(cto)
    poll(tom, org, page_of(initiative), editing="section-overview", label="the overview")
    client.force_login(observer)
    assert "Tom CTO is editing the overview." in poll(client, org, page_of(initiative)).text
