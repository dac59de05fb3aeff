"""The configured services are the real ones: Redis for the cache and the Celery broker when
REDIS_URL is set (always in CI), PostgreSQL when DATABASE_URL says so."""

import pytest
from django.conf import settings
from django.core.cache import cache

from calibration.celery import app

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL not set: embedded defaults"
)


@needs_redis
def test_the_cache_is_redis_and_round_trips():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("calibrate-services-check", "pong", 10)
    assert cache.get("calibrate-services-check") == "pong"


@needs_redis
def test_the_celery_broker_is_redis_and_reachable():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.transport.driver_type == "redis"


def test_without_redis_the_broker_needs_no_server():
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL set: the broker is Redis")
    assert app.conf.broker_url == "filesystem://"
