"""Walks the URLconf, so every page added later is covered without editing this file.

For every URL under /o/<org>/: anonymous visitors are sent to log in; a member of another
company gets 404 both for the company's own URLs and for any of its objects reached
through their own company's URLs; an observer gets 403 on every POST."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Membership, Organization, Role, User
from tests import urlwalk
from tests.factories import OrganizationFactory, member, user
from tests.urlwalk import build, org_patterns

pytestmark = pytest.mark.django_db


def stranger(org):
    """The CEO of another company. Their membership's id is far from any id acme uses, so a
    200 can only mean acme's object was reached, not the stranger's own."""
    person = user(name="Olga Outsider")
    Membership.objects.create(pk=987_654_321, user=person, organization=org, role=Role.CEO)
    return person


@pytest.fixture
def acme():
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


@pytest.fixture
def record_ids(acme):
    """A couple of ids of each kind of record acme has: objects a stranger must never reach."""
    return urlwalk.record_ids(acme)


def test_the_walk_finds_the_organization_pages():
    names = {p.name for _, p, _ in org_patterns()}
    assert {"home", "org_settings", "planning_cycle"} <= names


def test_anonymous_visitors_are_sent_to_log_in(client, acme, record_ids):
    for route, _, conv in org_patterns():
        url = build(route, conv, acme.slug, record_ids[0])
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_member_of_another_company_gets_404_for_its_urls_and_objects(client, acme, record_ids):
    stranger_org = OrganizationFactory(slug="globex")
    client.force_login(stranger(stranger_org))
    for route, _, conv in org_patterns():
        own_url = build(route, conv, acme.slug, record_ids[0])
        for method in (client.get, client.post):
            assert method(own_url).status_code == 404, own_url
        if urlwalk.takes_object(conv):
            for object_id in record_ids:
                url = build(route, conv, stranger_org.slug, object_id)
                for method in (client.get, client.post):
                    assert method(url).status_code in (404, 405), (
                        f"{url} reached another company's object"
                    )


def test_an_observer_gets_403_on_every_post(client, acme, record_ids):
    client.force_login(member(acme, Role.OBSERVER))
    for route, pattern, conv in org_patterns():
        if getattr(pattern.callback, "members_may_post", False):
            continue  # changes only the member's own things (their action, their feed)
        url = build(route, conv, acme.slug, record_ids[0])
        assert client.post(url, {"version": 1}).status_code == 403, url


def test_a_stranger_reaching_for_a_real_object_through_their_own_company_gets_404(
    client, acme, record_ids
):
    """The same URLs a leader of acme opens, with the stranger's company in place of acme's."""
    leader = Client()
    leader.force_login(acme.member_with_role(Role.CEO))
    opened = urlwalk.leader_urls(leader, acme, record_ids)
    stranger_org = OrganizationFactory(slug="globex")
    client.force_login(stranger(stranger_org))
    for route, (_pattern, url, _status) in opened.items():
        if not urlwalk.takes_object(dict(urlwalk.converters_of(route))):
            continue
        theirs = url.replace(f"/o/{acme.slug}/", f"/o/{stranger_org.slug}/", 1)
        for method in (client.get, client.post):
            assert method(theirs).status_code in (404, 405), f"{theirs} reached acme's object"


def test_no_page_of_a_company_names_anyone_from_another(client, acme, record_ids):
    """Every choice of a person (an owner, who tells whom) is a member of this company."""
    outsider = stranger(OrganizationFactory(slug="globex"))
    client.force_login(User.objects.get(email="ceo@acme.example"))

    pages = urlwalk.get_pages(client, acme, record_ids)

    leaks = [url for url, _, html in pages if outsider.name in html or outsider.email in html]
    assert len(pages) > 20 and leaks == []
