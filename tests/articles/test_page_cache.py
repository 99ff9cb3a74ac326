"""The reader-page cache against hostile use: nothing of one visitor's is served to others
(issue 13, item 4)."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_claim, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_an_editors_flash_message_is_never_cached_into_a_public_page(client):
    # An editor's control leaves a flash message in the messages cookie...
    client.force_login(make_editor())
    claim = make_claim()
    client.post(f"/claims/{claim.pk}/review/", {"status": "no-such-status", "next": "/"})
    carried = client.cookies["messages"].value
    assert carried

    # ...and a request with that cookie alone (no session: anonymous) renders it for itself.
    anonymous_with_message = Client()
    anonymous_with_message.cookies["messages"] = carried
    own = anonymous_with_message.get("/")
    assert "Claim not changed" in own.content.decode()

    # Every other reader gets the page without it, from the cache or not.
    for _ in range(2):
        page = Client().get("/")
        assert page.status_code == 200
        assert "Claim not changed" not in page.content.decode()
    assert "private" in own["Cache-Control"]


def test_pages_an_editor_sees_are_private(client):
    client.force_login(make_editor())
    response = client.get("/claims/")
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_the_admin_is_private(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
