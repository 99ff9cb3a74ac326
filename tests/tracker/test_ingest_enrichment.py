"""With a worker, ingest hands new and edited articles to the tracker's extraction through
``articles.signals.articles_changed``, once it has committed: articles never import the tracker
(docs/architecture.md). In-process, they are enriched inside the ingest's transaction:
``test_ingest_in_process.py``."""

import pytest

from articles import tasks as article_tasks
from articles.models import Article, Feed
from articles.services import feed_ingest_document
from tests.articles.feeds import item, rss
from tracker import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch) -> list[list[int]]:
    """A worker's ingest (Celery not eager): the extraction tasks it sends, by chunk."""
    monkeypatch.setitem(tasks.enrich_articles.app.conf, "task_always_eager", False)
    chunks: list[list[int]] = []
    monkeypatch.setattr(tasks.enrich_articles, "delay", chunks.append)
    monkeypatch.setattr(article_tasks.group_stories, "delay", lambda ids: None)  # not tested here
    return chunks


def ingest(feed: Feed, body: bytes, capture) -> None:
    with capture(execute=True):
        feed_ingest_document(feed=feed, body=body)


def test_new_articles_are_enqueued_for_enrichment_in_chunks_after_commit(
    enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "ENRICH_CHUNK", 2)
    feed = Feed.objects.create(url="https://feeds.example.org/feed/")
    ingest(feed, rss(*(item(n) for n in range(5))), django_capture_on_commit_callbacks)
    assert [len(chunk) for chunk in enqueued] == [2, 2, 1]
    assert sorted(sum(enqueued, [])) == sorted(Article.objects.values_list("id", flat=True))


def test_only_changed_articles_are_enqueued_again(enqueued, django_capture_on_commit_callbacks):
    feed = Feed.objects.create(url="https://feeds.example.org/feed/")
    ingest(feed, rss(item(1), item(2)), django_capture_on_commit_callbacks)
    enqueued.clear()
    ingest(feed, rss(item(1), item(2, body="<p>Edited.</p>")), django_capture_on_commit_callbacks)
    edited = Article.objects.get(url="https://feeds.example.org/posts/2/")
    assert enqueued == [[edited.pk]]


def test_nothing_is_enqueued_before_the_ingest_commits(enqueued):
    feed = Feed.objects.create(url="https://feeds.example.org/feed/")
    feed_ingest_document(feed=feed, body=rss(item(1)))  # the test's transaction never commits
    assert enqueued == []
