"""New articles reach PostgreSQL by binary COPY (``articles.services._copy_articles``), and
their links to the feed too: the rows must be exactly those ``bulk_create`` writes, and a post
another feed holds falls back to one at a time."""

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from articles import services
from articles.models import Article, ArticleFeed, Feed
from articles.parsing import parse_feed
from articles.services import feed_ingest_document

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "reex-sample-feed.xml"
COMPARED = [
    f.attname
    for f in Article._meta.concrete_fields
    if f.name not in ("id", "first_seen_at", "updated_at", "search_vector", "story")
]


def _rows() -> list[dict]:
    return list(Article.objects.order_by("identity").values(*COMPARED))


def _ingest(url: str) -> Feed:
    feed = Feed.objects.create(url=url)
    fetch = feed_ingest_document(feed=feed, body=SAMPLE.read_bytes())
    assert fetch.entries_created == 8, fetch.message
    return feed


def test_copied_articles_are_the_rows_bulk_create_writes(monkeypatch):
    _ingest("https://copy.example.org/feed/")
    copied = _rows()
    Article.objects.all().delete()
    monkeypatch.setattr(
        services, "_copy_articles", lambda articles: Article.objects.bulk_create(articles)
    )
    _ingest("https://bulk.example.org/feed/")
    assert _rows() == copied
    assert any(row["highlights"] for row in copied)  # JSON columns came through


def test_copied_links_carry_each_posts_categories():
    feed = _ingest("https://copy.example.org/feed/")
    parsed = parse_feed(SAMPLE.read_bytes(), url="https://copy.example.org/feed/")
    expected = {e.identity: e.categories for e in parsed.entries}
    links = ArticleFeed.objects.filter(feed=feed)
    assert {link.article.identity: link.categories for link in links} == expected
    assert any(expected.values())
    first = links.first()
    assert first.first_seen_at == first.last_seen_at == first.article.first_seen_at


def test_a_post_another_feed_committed_first_falls_back_to_one_at_a_time():
    _ingest("https://first.example.org/feed/")
    taken = Article.objects.order_by("id").first()
    fresh = Article(identity=taken.identity, title="the same post", content_hash="x")
    new = Article(identity="a-new-post", title="a new post", content_hash="y")
    with transaction.atomic():
        created = services._create_articles([new, fresh])
    assert created == [new] and new.pk is not None and not new._state.adding
    assert fresh.pk == taken.pk  # the stored one, untouched
    assert Article.objects.get(identity="a-new-post").title == "a new post"
    with pytest.raises(IntegrityError), transaction.atomic():
        services._copy_articles([Article(identity=taken.identity, content_hash="z")])
