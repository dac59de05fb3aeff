"""Read-only means read-only: the board observer walks every page of the demo company and
is shown nothing that can only end in a refusal — no form it may not submit, no link or
fragment that answers 403. (tests/browser/test_observer.py walks the same pages by eye.)"""

from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from accounts.models import Organization, User
from tests import urlwalk

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


@pytest.fixture
def observer_client(acme):
    client = Client()
    client.force_login(User.objects.get(email="board@acme.example"))
    return client


def refused_controls(client, org):
    """(page, control) for each form or link shown to this client that refuses it."""
    ids = urlwalk.record_ids(org)
    found = []
    for url, _name, html in urlwalk.get_pages(client, org, ids):
        parsed = urlwalk.parse(html)
        for form in parsed.forms:
            if form["method"] != "post":
                continue
            target = urlsplit(urljoin(url, form["action"] or url)).path
            if not target.startswith(f"/o/{org.slug}/"):
                continue  # logging out, say: not the organization's to refuse
            view = resolve(target).func
            if not getattr(view, "members_may_post", False):
                found.append((url, f"form posting to {target}"))
        for link in dict.fromkeys(parsed.links):
            target = urljoin(url, link)
            if not urlsplit(target).path.startswith(f"/o/{org.slug}/"):
                continue
            if client.get(target).status_code == 403:
                found.append((url, f"link to {target}"))
    return found


def test_an_observer_is_shown_nothing_that_would_be_refused(acme, observer_client):
    assert refused_controls(observer_client, acme) == []


def test_a_page_for_writers_only_tells_an_observer_why(acme, observer_client):
    response = observer_client.get(f"/o/{acme.slug}/timeline/new/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Only the CEO and the CTO can do this." in page
    assert f'href="/o/{acme.slug}/"' in page  # the way back, inside the layout
