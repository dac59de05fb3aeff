"""Kept pages (calibration/pagecache.py): a page read again is served as rendered, and
anything that changes what it shows — an edit by the other leader, a mail sent by the worker,
a new day — shows on the very next read."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.crypto import get_random_string

from calibration import pagecache
from calibration.timeline.models import Initiative, LeadingIndicator
from tests.timeline.conftest import D, new_initiative


def reader(user):
    """A browser: logged in, carrying the CSRF cookie its log-in page gave it."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return client


def get(client, url, **headers):
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


@pytest.fixture
def initiative(org, cto):
    return new_initiative(org, cto, title="Payments platform")


def test_a_page_read_again_is_served_as_rendered(org, ceo, initiative):
    ceo_browser = reader(ceo)
    url = reverse("timeline:list", args=[org.slug])
    first = get(ceo_browser, url)
    assert queries(ceo_browser, url) <= 3  # who is asking: session, user, membership
    assert get(ceo_browser, url) == first


def test_the_other_leaders_edit_shows_on_the_next_read(org, ceo, cto, initiative):
    ceo_browser, cto_browser = reader(ceo), reader(cto)
    url = reverse("timeline:list", args=[org.slug])
    assert "Payments platform" in get(ceo_browser, url)
    get(cto_browser, reverse("timeline:initiative", args=[org.slug, initiative.pk]))
    response = cto_browser.post(
        reverse("timeline:overview", args=[org.slug, initiative.pk]),
        {
            "version": initiative.version,
            "title": "Payments platform v2",
            "summary": "",
            "owner": initiative.owner_id,
            "delivered_on": "",
            "status": initiative.status,
            "start_date": initiative.start_date,
        },
    )
    assert response.status_code in (200, 302)
    assert Initiative.objects.get(pk=initiative.pk).title == "Payments platform v2"
    assert "Payments platform v2" in get(ceo_browser, url)


def test_a_change_made_outside_any_page_shows_too(org, ceo, cto, initiative):
    ceo_browser = reader(ceo)
    url = reverse("timeline:initiative", args=[org.slug, initiative.pk])
    get(ceo_browser, url)
    initiative.title = "Ledger rewrite"
    initiative.save_shared(by=cto, expected_version=initiative.version)
    assert "Ledger rewrite" in get(ceo_browser, url)


def test_each_reader_gets_their_own_page(org, ceo, observer, initiative):
    url = reverse("timeline:initiative", args=[org.slug, initiative.pk])
    edit_controls = "Change the timelines"
    assert edit_controls in get(reader(ceo), url)
    assert edit_controls not in get(reader(observer), url)


def test_a_fragment_and_its_page_are_kept_apart(org, ceo, initiative):
    ceo_browser = reader(ceo)
    url = reverse("timeline:timelines", args=[org.slug, initiative.pk])
    assert "<html" in get(ceo_browser, url)
    assert "<html" not in get(ceo_browser, url, **{"HX-Request": "true"})
    assert "<html" in get(ceo_browser, url)


def test_another_companys_edit_leaves_this_ones_pages_alone(org, other_org, ceo, outsider):
    before = pagecache.data_version(org.pk)
    new_initiative(other_org, outsider, title="Globex thing")
    assert pagecache.data_version(org.pk) == before


def test_a_flash_message_is_shown_once(org, ceo):
    ceo_browser = reader(ceo)
    home = reverse("home", args=[org.slug])
    get(ceo_browser, home)
    response = ceo_browser.post(
        reverse("planning_cycles", args=[org.slug]),
        {"version": 0, "name": "FY27 H1", "starts_on": "2027-01-04", "ends_on": "2027-06-30"},
        follow=True,
    )
    assert "added" in response.content.decode()
    planning = reverse("planning_cycles", args=[org.slug])
    assert "added" not in get(ceo_browser, planning)


def test_a_new_day_renders_the_page_afresh(org, ceo, cto, initiative):

    LeadingIndicator.create_shared(
        by=cto,
        organization=org,
        initiative=initiative,
        description="Data migration completed",
        due_on=D(2027, 2, 15),
        if_missed="worst",
    )
    url = reverse("timeline:initiative", args=[org.slug, initiative.pk])
    with time_machine.travel(datetime.datetime(2027, 2, 14, 12, tzinfo=datetime.UTC)) as clock:
        ceo_browser = reader(ceo)
        assert "overdue" not in get(ceo_browser, url)
        clock.move_to(datetime.datetime(2027, 2, 17, 12, tzinfo=datetime.UTC))
        assert "overdue" in get(ceo_browser, url)


def test_a_renamed_member_is_renamed_everywhere(org, ceo, cto, initiative):
    ceo_browser = reader(ceo)
    url = reverse("timeline:initiative", args=[org.slug, initiative.pk])
    assert "Tom CTO" in get(ceo_browser, url)
    cto.name = "Tomás Ruiz"
    cto.save()
    assert "Tomás Ruiz" in get(ceo_browser, url)


def test_joining_another_company_shows_in_the_header_at_once(org, ceo, other_org, initiative):
    from tests.factories import Role

    ceo_browser = reader(ceo)
    url = reverse("timeline:list", args=[org.slug])
    assert "Globex" not in get(ceo_browser, url)
    other_org.memberships.create(user=ceo, role=Role.OBSERVER)
    assert "Globex" in get(ceo_browser, url)


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_again_when_the_write_commits(org, cto):
    """A reader between the write and its commit may keep a page of the old rows under the
    new version; the second move at commit leaves that page behind."""
    before = pagecache.data_version(org.pk)
    with transaction.atomic():
        new_initiative(org, cto)
        during = pagecache.data_version(org.pk)
    after = pagecache.data_version(org.pk)
    assert before < during < after
