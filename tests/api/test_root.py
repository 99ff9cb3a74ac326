"""``/api/v1/`` itself: an index of where each resource, export and the schema are, so a
partner who starts from the base URL finds the rest by following links."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_root_links_every_resource_export_and_the_schema(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    index = response.json()
    resources = {
        "articles", "entities", "entity-merges", "initiatives", "claims", "claim-deletions",
        "topics",
    }  # fmt: skip
    assert resources <= set(index)
    assert index["claims"] == "http://testserver/api/v1/claims/"
    assert set(index["export"]) == {
        "articles.csv", "articles.jsonl", "claims.csv", "claims.jsonl",
    }  # fmt: skip
    assert index["schema"] == "http://testserver/api/v1/schema/"
    for name in resources:  # every link answers the same key
        assert api.get(index[name]).status_code == 200, name


def test_the_root_needs_a_key_like_everything_under_api():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_root_takes_no_query_parameters(api):
    response = api.get("/api/v1/?page=2")
    assert response.status_code == 400
    assert "page" in response.json()["detail"]


def test_the_schema_documents_the_root(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    root = schema["paths"]["/api/v1/"]["get"]
    assert root["operationId"] == "api_root"
    properties = schema["components"]["schemas"]["ApiRoot"]["properties"]
    assert {"claims", "entity-merges", "export", "schema", "docs"} <= set(properties)
