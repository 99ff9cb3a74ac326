"""gzip for a key's answers (lists, details, streamed exports), never for pages that carry a CSRF
token; and every keyed answer tells the key's rate limit (RateLimit, RateLimit-Policy)."""

import gzip
import json

import pytest
from rest_framework.test import APIClient

from tests.factories import make_api_key, make_article, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    _, raw = make_api_key(scopes=["read", "export"], rate_per_minute=500)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_a_list_is_gzipped_when_asked_and_still_answers_304(partner):
    for n in range(20):
        make_article(title=f"Article number {n}", summary="A summary that repeats. " * 10)
    plain = partner.get("/api/v1/articles/")
    assert "Content-Encoding" not in plain
    zipped = partner.get("/api/v1/articles/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"] and "Authorization" in zipped["Vary"]
    assert len(zipped.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    again = partner.get(
        "/api/v1/articles/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]
    )
    assert again.status_code == 304


def test_a_streamed_export_is_gzipped(partner):
    article = make_article()
    for n in range(30):
        make_claim(
            articles=[article], statement=f"The reserve holds {n} tonnes, say officials. " * 3
        )
    response = partner.get("/api/v1/export/claims.jsonl", HTTP_ACCEPT_ENCODING="gzip")
    assert response.streaming and response["Content-Encoding"] == "gzip"
    lines = gzip.decompress(b"".join(response.streaming_content)).decode().splitlines()
    assert len(lines) == 30 and json.loads(lines[0])["statement"]


def test_pages_with_csrf_tokens_are_not_compressed(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "csrfmiddlewaretoken" in response.content.decode()
    assert "Content-Encoding" not in response


@pytest.mark.usefixtures("frozen_clock")
def test_every_keyed_answer_tells_the_rate_limit():
    _, raw = make_api_key(rate_per_minute=3)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    answers = [
        client.get("/api/v1/topics/"),
        client.get("/api/v1/topics/?nope=1"),  # a 400
        client.get("/api/v1/topics/missing/"),  # a 404
        client.get("/api/v1/topics/"),  # over the limit: 429
    ]
    assert [a.status_code for a in answers] == [200, 400, 404, 429]
    for answer in answers:
        assert answer["RateLimit-Policy"] == '"per-key";q=3;w=60'
    remaining = [a["RateLimit"].split(";")[1] for a in answers]
    assert remaining == ["r=2", "r=1", "r=0", "r=0"]
    assert answers[0]["RateLimit"].split("t=")[1] == "30"  # the clock stands 30 s into the minute


def test_answers_without_a_key_carry_no_rate_limit():
    response = APIClient().get("/api/v1/topics/")
    assert response.status_code == 401 and "RateLimit" not in response
