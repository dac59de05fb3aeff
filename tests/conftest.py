"""Shared fixtures: one company (acme) with its CEO, CTO and a board observer, and an
outsider who leads another company — the alice/bob/charlie of Healthchecks' tests."""

import os
import uuid

import pytest
from django.conf import settings

from tests.factories import OrganizationFactory, Role, member


def pytest_configure(config):
    if os.environ.get("CALIBRATE_REQUIRE_SERVICES"):
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"CI must test on PostgreSQL, but DATABASE_URL gives {engine}.")
        if not settings.REDIS_URL:
            raise pytest.UsageError("CI must test with Redis, but REDIS_URL is not set.")


@pytest.fixture(autouse=True)
def own_cache_namespace(settings):
    """Each test counts in its own cache keys: the cache may be a Redis that outlives the run
    (throttle counters from an earlier test or run must not leak in)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every member a test creates has a password; the production hasher takes a good part of
    a second per hash by design. Tests that are about passwords work the same with MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rendered_every_time(settings):
    """For tests that count what rendering a page costs: no kept pages (pagecache.py)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def ceo(org):
    return member(org, Role.CEO, name="Ada CEO", email="ceo@acme.test")


@pytest.fixture
def cto(org):
    return member(org, Role.CTO, name="Tom CTO", email="cto@acme.test")


@pytest.fixture
def observer(org):
    return member(org, Role.OBSERVER, name="Bea Board", email="board@acme.test")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def outsider(other_org):
    """The CEO of another company: must never see anything of acme."""
    return member(other_org, Role.CEO, name="Olga Outsider", email="olga@globex.test")


@pytest.fixture
def ceo_client(client, ceo):
    client.force_login(ceo)
    return client


@pytest.fixture
def cto_client(ceo, cto):
    from django.test import Client

    c = Client()
    c.force_login(cto)
    return c
