"""Each key has its own rate limit; over it, 429 with Retry-After."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import make_api_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

URL = "/api/v1/topics/"


def statuses(raw: str, n: int) -> list:
    client = APIClient()
    responses = [client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}") for _ in range(n)]
    return responses


def check_limits_are_per_key():
    _, slow = make_api_key(name="Slow", rate_per_minute=3)
    _, other = make_api_key(name="Other", rate_per_minute=3)
    responses = statuses(slow, 4)
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[-1]["Retry-After"] == "30"  # the clock stands 30 s into the minute
    # Another key's budget is untouched.
    assert [r.status_code for r in statuses(other, 3)] == [200, 200, 200]


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_over_the_limit_is_429_with_retry_after_in_memory():
    cache.clear()
    check_limits_are_per_key()


@pytest.mark.redis
def test_over_the_limit_is_429_with_retry_after_in_redis():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.clear()  # counters from an earlier run may carry the same key ids
    api_key, raw = make_api_key(name="Counted", rate_per_minute=5)
    statuses(raw, 2)
    keys = [k for k in cache._cache.get_client().keys(f"*partners:rate:{api_key.pk}:*")]
    assert len(keys) == 1  # the counter lives in Redis, shared by every web process
    check_limits_are_per_key()
