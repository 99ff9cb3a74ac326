"""Errors under /api/ are RFC 9457 problem details, and a mistaken query is a 400 that says what
is wrong rather than an answer to another question (a parameter silently ignored)."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from reex import problems
from tests.factories import make_api_key, make_article

pytestmark = pytest.mark.django_db

TYPE = "tag:reex-tracker,2026:problem/"


def assert_problem(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == TYPE + kind
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/?updated_since=",
        "/api/v1/claims/?updated_since=",
        "/api/v1/entities/?updated_since=",
        "/api/v1/articles/?topic=",
    ],
)
def test_an_empty_parameter_is_a_400_not_ignored(api, url):
    make_article(title="Listed", is_hidden=True)
    body = assert_problem(api.get(url), 400, "invalid-parameter")
    assert body["parameter"] in url and "without a value" in body["detail"]


def test_an_empty_updated_since_on_an_export_is_a_400():
    _, raw = make_api_key(scopes=["export"])
    response = APIClient().get(
        "/api/v1/export/claims.jsonl?updated_since=", HTTP_AUTHORIZATION=f"Api-Key {raw}"
    )
    assert_problem(response, 400, "invalid-parameter")


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/articles/?updated_sinse=2026-01-01", "updated_sinse"),
        ("/api/v1/claims/?initiatve=vault", "initiatve"),
        ("/api/v1/topics/?page=2", "page"),
        ("/api/v1/articles/1/?ordering=id", "ordering"),
    ],
)
def test_an_unknown_parameter_is_a_400_naming_it(api, url, parameter):
    make_article()
    body = assert_problem(api.get(url), 400, "unknown-parameter")
    assert body["parameter"] == parameter


@pytest.mark.parametrize("ordering", ["title", "-published_at_", "created_at"])
def test_an_unknown_ordering_is_a_400_listing_the_known_ones(api, ordering):
    body = assert_problem(
        api.get(f"/api/v1/articles/?ordering={ordering}"), 400, "invalid-ordering"
    )
    assert "first_seen_at" in body["detail"]


def test_a_bad_filter_value_names_the_parameter(api):
    body = assert_problem(
        api.get("/api/v1/articles/?updated_since=yesterday"), 400, "invalid-parameter"
    )
    assert body["parameter"] == "updated_since" and body["errors"]["updated_since"]


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here/", "/api/v2/articles/", "/api/v1/articles/x/"]
)
def test_an_unknown_route_is_a_problem_404(api, url):
    assert_problem(api.get(url), 404, "not-found")


def test_a_missing_detail_is_a_problem_404(api):
    assert_problem(api.get("/api/v1/articles/987654/"), 404, "not-found")


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_authentication_errors_are_problems():
    body = assert_problem(APIClient().get("/api/v1/articles/"), 401, "not-authenticated")
    assert "Api-Key" in body["detail"]
    response = APIClient().get("/api/v1/articles/", HTTP_AUTHORIZATION="Api-Key reex_nope")
    assert_problem(response, 401, "invalid-api-key")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_missing_scope_is_a_problem_403(api):
    assert_problem(api.get("/api/v1/export/claims.csv"), 403, "permission-denied")


@pytest.mark.usefixtures("frozen_clock")
def test_the_rate_limit_is_a_problem_429_with_retry_after():
    _, raw = make_api_key(rate_per_minute=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get("/api/v1/topics/").status_code == 200
    response = client.get("/api/v1/topics/")
    assert_problem(response, 429, "rate-limited")
    assert int(response["Retry-After"]) >= 1


def test_a_server_error_under_the_api_is_a_problem():
    response = problems.server_error(RequestFactory().get("/api/v1/articles/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert problems.server_error(RequestFactory().get("/")).status_code == 500


def test_the_schema_documents_the_errors_of_every_operation():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    assert "Problem" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "429", "500"):
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content, (method, path, status)
