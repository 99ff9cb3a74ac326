"""A real Celery worker process consuming from Redis, writing to the PostgreSQL test database."""

import pytest

from articles.models import Article, Feed, FeedFetch
from articles.tasks import fetch_feed
from tests.loopback import Response
from tests.workers import Worker, broker_idle, new_queue, wait_for

from .feeds import item, rss

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    """Send tasks to the broker from this process, as the web app does."""
    eager, fetch_feed.app.conf.task_always_eager = fetch_feed.app.conf.task_always_eager, False
    yield
    fetch_feed.app.conf.task_always_eager = eager


@pytest.fixture
def worker(tmp_path, not_eager):
    worker = Worker(new_queue(), tmp_path / "worker.log").start()
    yield worker
    worker.stop()


def test_worker_fetches_from_redis_queue_and_stores_articles(worker, loopback):
    loopback.route(
        "/feed.xml", Response(200, {"Content-Type": "application/rss+xml"}, rss(item(1), item(2)))
    )
    feed = Feed.objects.create(url=loopback.url("/feed.xml"))

    # Twice on purpose: the second finds the lock or the unchanged body, never a duplicate.
    fetch_feed.apply_async(args=[feed.pk], queue=worker.queue)
    fetch_feed.apply_async(args=[feed.pk], queue=worker.queue)

    assert wait_for(lambda: FeedFetch.objects.filter(feed=feed).exists()), worker.log.read_text()
    assert wait_for(lambda: Article.objects.count() == 2)
    assert wait_for(lambda: broker_idle(worker.queue)), worker.log.read_text()  # both ran
    assert Article.objects.count() == 2
    assert FeedFetch.objects.filter(outcome=FeedFetch.Outcome.NEW_CONTENT).count() == 1
