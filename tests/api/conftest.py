"""Fixtures shared by the API tests."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import make_api_key


@pytest.fixture
def api() -> APIClient:
    """A client holding a read key whose rate limit no test reaches."""
    _, raw = make_api_key(rate_per_minute=10_000)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache (Redis, when set) under the key's id: a new test
    database reuses ids, so counts left by an earlier run in the same minute would carry over."""
    cache.clear()
