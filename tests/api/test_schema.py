"""The OpenAPI schema, its docs pages (offline: our static files only), and schemathesis against
the running app: whatever it sends, no response is a 5xx, and every status, content type and
body it gets back is one the schema documents for that operation."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from rest_framework.test import APIClient

from tests.factories import (
    link_article,
    make_api_key,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_topic,
)

EXAMPLES = 25  # per operation
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.mark.django_db
def test_the_schema_is_openapi_3_and_lists_every_resource():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for resource in ("articles", "entities", "initiatives", "claims", "topics"):
        assert f"/api/v1/{resource}/" in paths
    assert "/api/v1/articles/{id}/" in paths and "/api/v1/initiatives/{slug}/" in paths
    assert schema["components"]["securitySchemes"]["ApiKey"]["type"] == "apiKey"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_load_only_our_own_files(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(("/static/", "/api/v1/")) for s in sources), sources
    assert "cdn" not in html.lower() and "googleapis" not in html
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.fixture
def partner_key(django_db_blocker) -> str:
    with django_db_blocker.unblock():
        _, raw = make_api_key(scopes=["read", "export"], rate_per_minute=100_000)
        initiative, entity, topic = make_initiative(slug="vault"), make_entity(), make_topic()
        for n in range(3):
            article = make_article(title=f"Article {n}", is_hidden=n == 2)
            link_article(article, initiative)
            link_article(article, entity)
            link_article(article, topic)
            make_claim(articles=[article], subject_initiative=initiative)
    return raw


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    live_server, partner_key, tmp_path
):
    # Hypothesis caches what it learns in a directory: a temporary one, not the work tree.
    set_hypothesis_home_dir(tmp_path)
    # Each operation gets its own Hypothesis run, driven from here rather than through
    # schemathesis' pytest plugin, so the live server and the data are set up once.
    api_schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    headers = {"Authorization": f"Api-Key {partner_key}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        # Inputs schemathesis found turning into database errors, kept as regressions.
        "/api/v1/claims/?article=99999999999999999999999",
        "/api/v1/entities/%00/",
        "/api/v1/articles/99999999999999999999999/",
        "/api/v1/articles/?updated_since=2000-01-01T00:00:00%2B16:00",
        "/api/v1/articles/?published_after=9999-12-31T23:59:59-05:00",
    ],
)
def test_odd_input_never_causes_a_server_error(url):
    _, raw = make_api_key()
    response = APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code < 500, response.content[:300]
