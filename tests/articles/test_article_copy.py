"""New articles reach PostgreSQL by binary COPY (``articles.services._copy_articles``): the rows
must be exactly those ``bulk_create`` writes, and a post another feed holds falls back."""

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from articles import services
from articles.models import Article, Feed
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


def _ingest(url: str) -> None:
    fetch = feed_ingest_document(feed=Feed.objects.create(url=url), body=SAMPLE.read_bytes())
    assert fetch.entries_created == 8, fetch.message


def test_copied_articles_are_the_rows_bulk_create_writes(
    monkeypatch, django_capture_on_commit_callbacks
):
    _ingest("https://copy.example.org/feed/")
    copied = _rows()
    assert all(isinstance(a.pk, int) for a in Article.objects.all())
    Article.objects.all().delete()
    monkeypatch.setattr(
        services, "_copy_articles", lambda articles: Article.objects.bulk_create(articles)
    )
    _ingest("https://bulk.example.org/feed/")
    assert _rows() == copied
    assert copied[0]["highlights"] or copied[1]["highlights"]  # JSON columns came through


def test_a_post_another_feed_committed_first_falls_back_to_one_at_a_time(monkeypatch):
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
