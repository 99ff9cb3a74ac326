"""A real Celery worker process consuming from Redis, writing to the PostgreSQL test database."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article, Feed, FeedFetch
from articles.tasks import fetch_feed
from tests.loopback import Response

from .feeds import item, rss

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker` on a queue of its own; yields the queue name, stops it after."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reex.settings.test",
        "DATABASE_URL": database_url(),  # the test database pytest-django created
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "reex", "worker", "-Q", queue,
             "--concurrency", "2", "--loglevel", "INFO", "-n", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    eager, fetch_feed.app.conf.task_always_eager = fetch_feed.app.conf.task_always_eager, False
    try:
        yield queue
    finally:
        fetch_feed.app.conf.task_always_eager = eager
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.returncode not in (0, -signal.SIGTERM):
            print(log.read_text())


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_fetches_from_redis_queue_and_stores_articles(worker, loopback):
    loopback.route(
        "/feed.xml", Response(200, {"Content-Type": "application/rss+xml"}, rss(item(1), item(2)))
    )
    feed = Feed.objects.create(url=loopback.url("/feed.xml"))

    # Twice on purpose: the second finds the lock or the unchanged body, never a duplicate.
    fetch_feed.apply_async(args=[feed.pk], queue=worker)
    fetch_feed.apply_async(args=[feed.pk], queue=worker)

    assert wait_for(lambda: FeedFetch.objects.filter(feed=feed).exists()), "no fetch logged"
    assert wait_for(lambda: Article.objects.count() == 2)
    time.sleep(1.0)
    assert Article.objects.count() == 2
    assert FeedFetch.objects.filter(outcome=FeedFetch.Outcome.NEW_CONTENT).count() == 1
