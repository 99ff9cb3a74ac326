"""Cursor walks on a total order: every row once, whatever timestamps rows share, and the walk
ends. DRF's CursorPagination kept only the timestamp in a cursor and skipped ties by an offset
capped at 1,000, so a batch sharing one ``updated_at`` made an endless walk."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from articles.models import Article
from tests.factories import make_article
from tracker.models import Claim, ClaimAppearance

pytestmark = pytest.mark.django_db

BATCH = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ROWS = 1_150  # more than DRF's offset cutoff (1,000) share one timestamp


def walk(api, url: str) -> list[dict]:
    rows, pages = [], 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        rows += response.json()["results"]
        url = response.json()["next"]
        pages += 1
        assert pages < 100, "the walk does not end"
    return rows


@pytest.fixture
def batch_of_articles() -> set[int]:
    """One ingest batch: every article seen, published and updated at the same moment, and a
    few undated ones (published_at NULL)."""
    articles = Article.objects.bulk_create(
        Article(
            identity=uuid.uuid4().hex,
            title=f"Batch article {n}",
            content_hash=str(n),
            published_at=None if n % 100 == 0 else BATCH,
            first_seen_at=BATCH,
            updated_at=BATCH,
        )
        for n in range(ROWS)
    )
    # Around the batch, rows on either side of the shared timestamp.
    before = make_article(published_at=BATCH - timedelta(days=1), updated_at=BATCH - timedelta(1))
    after = make_article(published_at=BATCH + timedelta(days=1), updated_at=BATCH + timedelta(1))
    return {a.pk for a in articles} | {before.pk, after.pk}


@pytest.mark.parametrize(
    "ordering",
    ["updated_at", "-updated_at", "first_seen_at", "-first_seen_at", "published_at",
     "-published_at", "id", "-id"],
)  # fmt: skip
def test_an_article_walk_sees_each_row_once_and_ends(api, batch_of_articles, ordering):
    rows = walk(api, f"/api/v1/articles/?ordering={ordering}&page_size=200")
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == len(batch_of_articles)
    assert set(ids) == batch_of_articles


def test_published_at_puts_undated_articles_last_both_ways(api, batch_of_articles):
    for ordering in ("published_at", "-published_at"):
        rows = walk(api, f"/api/v1/articles/?ordering={ordering}&page_size=200")
        dated = [row["published_at"] is not None for row in rows]
        assert dated == sorted(dated, reverse=True)  # all dated ones, then the undated
        stamps = [row["published_at"] for row in rows if row["published_at"]]
        assert stamps == sorted(stamps, reverse=ordering.startswith("-"))


def test_previous_walks_back_over_the_same_rows(api, batch_of_articles):
    url, pages, last = "/api/v1/articles/?ordering=updated_at&page_size=200", [], None
    while url:
        data = api.get(url).json()
        pages.append([row["id"] for row in data["results"]])
        url, last = data["next"], data
    assert len(pages) > 2
    back, url = [], last["previous"]
    while url:
        data = api.get(url).json()
        back.insert(0, [row["id"] for row in data["results"]])
        url = data["previous"]
    assert back == pages[:-1]


@pytest.mark.parametrize("ordering", ["updated_at", "-updated_at", "created_at", "-created_at"])
def test_a_claim_walk_sees_each_row_once_and_ends(api, ordering):
    claims = Claim.objects.bulk_create(
        Claim(fingerprint=f"fp-{n}", statement=f"Statement {n}.", created_at=BATCH)
        for n in range(ROWS)
    )
    # Partners see claims stated in a published article.
    article = make_article()
    ClaimAppearance.objects.bulk_create(
        ClaimAppearance(claim=c, article=article, sentence=c.statement, location="body")
        for c in claims
    )
    Claim.objects.update(updated_at=BATCH)
    rows = walk(api, f"/api/v1/claims/?ordering={ordering}&page_size=200")
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == ROWS
    assert set(ids) == {c.pk for c in claims}


def _encode(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        _encode({"o": "-id", "v": 5, "i": "five", "r": False}),
        _encode({"o": "updated_at", "v": "yesterday", "i": 5, "r": False}),
        _encode({"o": "updated_at", "v": "2026-03-01T12:00:00", "i": 5, "r": False}),  # naive
        _encode({"o": "-updated_at", "v": "2026-03-01T12:00:00+00:00", "i": 5, "r": False}),
    ],
)
def test_a_bad_cursor_is_a_400_that_says_so(api, cursor):
    make_article()
    response = api.get(f"/api/v1/articles/?ordering=updated_at&cursor={cursor}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/invalid-cursor") and body["parameter"] == "cursor"
