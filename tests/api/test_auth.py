"""Who may call the partner API: keys hashed at rest, revocable, scoped."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from partners.models import ApiKey
from partners.services import api_key_revoke
from tests.factories import make_api_key, make_article

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"
EXPORT = "/api/v1/export/articles.csv"


def client_with(raw: str | None = None) -> APIClient:
    client = APIClient()
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_no_key_is_401_with_a_challenge():
    response = client_with().get(ARTICLES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_bearer_key_or_the_x_api_key_header_works_too():
    make_article(title="Visible")
    _, raw = make_api_key()
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert bearer.get(ARTICLES).status_code == 200
    header = APIClient()
    header.credentials(HTTP_X_API_KEY=raw)
    assert header.get(ARTICLES).status_code == 200


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Token abc", "Api-Key", "Bearer "])
def test_credentials_in_a_form_we_cannot_read_get_a_401_that_says_how(authorization):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get(ARTICLES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "Authorization: Api-Key <key>" in response.json()["detail"]


def test_an_unknown_key_is_401():
    _, raw = make_api_key()
    assert client_with(raw[:-4] + "xxxx").get(ARTICLES).status_code == 401
    assert client_with("reex_nonsense").get(ARTICLES).status_code == 401


def test_a_revoked_key_is_401():
    api_key, raw = make_api_key()
    assert client_with(raw).get(ARTICLES).status_code == 200
    api_key_revoke(api_key=api_key)
    response = client_with(raw).get(ARTICLES)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_key_without_the_scope_is_403():
    _, read_only = make_api_key(scopes=["read"])
    _, export_only = make_api_key(scopes=["export"])
    assert client_with(read_only).get(EXPORT).status_code == 403
    assert client_with(export_only).get(ARTICLES).status_code == 403


def test_a_valid_key_reads_and_exports_with_its_scopes():
    make_article(title="Visible")
    _, raw = make_api_key(scopes=["read", "export"])
    response = client_with(raw).get(ARTICLES)
    assert response.status_code == 200
    assert [a["title"] for a in response.json()["results"]] == ["Visible"]
    assert client_with(raw).get(EXPORT).status_code == 200


def test_the_key_also_works_in_x_api_key():
    _, raw = make_api_key()
    assert APIClient().get(ARTICLES, HTTP_X_API_KEY=raw).status_code == 200


def test_only_a_hash_of_the_key_is_stored():
    api_key, raw = make_api_key()
    stored = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert raw not in str(stored)
    assert raw.startswith(api_key.prefix) and len(raw) > 40
    assert len(api_key.key_hash) == 64


def test_create_api_key_prints_a_working_key_once():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key", "Newsroom", "--scopes", "read", "export", "--rate", "30",
        stdout=out, stderr=err,
    )  # fmt: skip
    raw = out.getvalue().strip()
    api_key = ApiKey.objects.get(name="Newsroom")
    assert (api_key.scopes, api_key.rate_per_minute) == (["read", "export"], 30)
    assert "shown only this once" in err.getvalue()
    assert client_with(raw).get(ARTICLES).status_code == 200
