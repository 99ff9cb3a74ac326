"""Fixtures shared by the API tests."""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_api_key


@pytest.fixture
def api() -> APIClient:
    """A client holding a read key whose rate limit no test reaches."""
    _, raw = make_api_key(rate_per_minute=10_000)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client
