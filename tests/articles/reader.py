"""Helpers for the reader-facing page tests: articles built through ingest or directly."""

import hashlib
import itertools
from datetime import UTC, datetime

import pytest
from django.core.cache import cache

from articles.models import Article, Feed
from articles.services import feed_ingest_document

from .feeds import rss

STATE_MEDIA_BODY = (
    "<h3>Highlights</h3><ul><li>Output of separated oxide rose 12% in 2025.</li>"
    "<li>A new line opens in Baotou.</li></ul>"
    "<p>The group says its magnet plant is running at full capacity.</p>"
    "<h3>REEx Take</h3><p>Claims of capacity need a second source.</p>"
    "<p>Source: Example Daily (translated)</p>"
    "<p><strong>Disclosure</strong></p>"
    "<p>Content from media affiliated with a Chinese state-owned enterprise.</p>"
)

_numbers = itertools.count(1)


# Test modules import these fixtures by their function names; tests ask for them by ``name``.
@pytest.fixture(autouse=True, name="empty_cache")
def empty_cache_fixture():
    """Cached pages must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(name="feed")
def feed_fixture(db) -> Feed:
    return Feed.objects.create(url="https://feeds.example.org/feed/", title="Example feed")


def ingest(feed: Feed, *items: str) -> None:
    fetch = feed_ingest_document(feed=feed, body=rss(*items))
    assert fetch.outcome == "new_content", fetch.error_message


def article_create(
    *,
    title: str | None = None,
    published_at: datetime | None = datetime(2026, 2, 2, 10, 0, tzinfo=UTC),
    **fields,
) -> Article:
    n = next(_numbers)
    title = title or f"Article number {n}"
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("content_html", f"<p>Body of {title}.</p>")
    fields.setdefault("content_text", f"Body of {title}.")
    fields.setdefault("url", f"https://news.example.org/posts/{n}/")
    return Article.objects.create(
        identity=hashlib.sha256(f"test:{n}".encode()).hexdigest(),
        content_hash=hashlib.sha256(title.encode()).hexdigest(),
        title=title,
        published_at=published_at,
        **fields,
    )
