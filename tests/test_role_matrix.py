"""The role matrix, generated from the URLconf: for every organization URL and method,
anonymous → log in, non-member → 404 (tests/test_tenancy.py), observer → reads only,
CEO and CTO → allowed."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Organization, User
from tests import urlwalk

pytestmark = pytest.mark.django_db


def client_for(email):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """For each URL pattern: the path a leader can open, and how CEO, CTO and observer fare."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("demo", verbosity=0)
            acme = Organization.objects.get(slug="acme")
            ids = urlwalk.record_ids(acme, per_type=3)
            ceo, cto, observer = (
                client_for(f"{who}@acme.example") for who in ("ceo", "cto", "board")
            )
            opened = urlwalk.leader_urls(ceo, acme, ids)
            rows = []
            for route, pattern, _conv in urlwalk.org_patterns():
                if route not in opened:
                    rows.append((pattern, route, None, None, None, None))
                    continue
                _, url, ceo_get = opened[route]
                rows.append(
                    (
                        pattern,
                        route,
                        url,
                        ceo_get,
                        cto.get(url).status_code,
                        observer.get(url).status_code,
                    )
                )
            transaction.set_rollback(True)
    return rows


def test_every_organization_url_is_reachable_by_a_leader(matrix):
    unreachable = [route for _, route, url, *_ in matrix if url is None]
    assert not unreachable, (
        f"no demo record opens these routes, so the matrix cannot check them: {unreachable}"
    )


def test_ceo_and_cto_may_open_every_page(matrix):
    for _, _route, url, ceo_get, cto_get, _ in matrix:
        assert ceo_get in (200, 302, 405), (url, ceo_get)
        assert cto_get == ceo_get, (url, cto_get)


def test_observers_read_what_leaders_read_except_leader_only_pages(matrix):
    for pattern, _route, url, ceo_get, _, observer_get in matrix:
        leader_only = getattr(pattern.callback, "leaders_only", False)
        if ceo_get == 405:  # a POST-only action: refusing the observer first is right too
            assert observer_get in (403, 405), (url, observer_get)
        else:
            assert observer_get == (403 if leader_only else ceo_get), (url, observer_get)
