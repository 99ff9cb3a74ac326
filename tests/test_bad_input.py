"""Bad input is the client's error: a 4xx that says why, with the usual headers, never a 500
(issue 13, item 9). The search page's own cases are in tests/articles/test_search.py."""

import base64
import json

import pytest
from django.contrib import admin
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_api_key, make_article, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner() -> APIClient:
    _, raw = make_api_key(scopes=["read", "export"], rate_per_minute=10_000)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize("url", ["/api/v1/export/claims.csv", "/api/v1/export/claims.jsonl"])
def test_export_with_a_bad_updated_since_is_a_400_before_streaming(partner, url):
    make_claim(articles=[make_article()])
    response = partner.get(url, {"updated_since": "garbage"})
    assert response.status_code == 400
    assert not response.streaming
    assert json.loads(response.content)["parameter"] == "updated_since"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/api/v1/claims/", "p=%FF%FE"),  # not an id: was a 500 from the query
        ("/api/v1/articles/", "p=abc"),
        ("/api/v1/articles/?ordering=updated_at", "p=not-a-time"),
    ],
)
def test_a_cursor_whose_position_the_field_cannot_hold_is_invalid_not_a_500(partner, path, raw):
    make_claim(articles=[make_article()])
    separator = "&" if "?" in path else "?"
    response = partner.get(f"{path}{separator}cursor={_cursor(raw)}")
    assert response.status_code == 400
    assert "cursor" in response.content.decode().lower()


def test_a_good_cursor_still_pages(partner):
    for _ in range(3):
        make_article()
    first = partner.get("/api/v1/articles/", {"page_size": 2}).json()
    second = partner.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 1


# Digits Python's str.isdigit() accepts and int() does not ("²"), digits int() accepts from
# other scripts ("١٢", "٣"), and numbers past any id.
ODD_NUMBERS = ["²", "١٢", "٣", "99999999999999999999999"]


def test_every_admin_list_answers_unicode_digits_without_a_500(admin_client):
    make_claim(articles=[make_article()])
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for value in ODD_NUMBERS:
            for name in ("p", "id__exact", "q", "o"):
                response = admin_client.get(url, {name: value})
                if response.status_code >= 500:
                    failures.append(f"{url}?{name}={value}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("name", ["initiative", "article"])
@pytest.mark.parametrize("value", ["²", "1x", "-1", "99999999999999999999999"])
def test_review_queue_refuses_a_parameter_that_is_not_an_id_with_a_reason(
    admin_client, name, value
):
    response = admin_client.get(reverse("admin:tracker_review_queue"), {name: value})
    assert response.status_code == 400
    assert f"?{name}= must be an id" in response.content.decode()


def test_review_queue_still_filters_by_a_good_id(admin_client):
    response = admin_client.get(reverse("admin:tracker_review_queue"), {"initiative": "12"})
    assert response.status_code == 200
