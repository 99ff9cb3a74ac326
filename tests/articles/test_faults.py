"""Faults during ingestion: a worker killed mid-run, Redis restarted, the database failing.

After each, every article exists exactly once and nothing half-written remains.
"""

import json
import shutil
import socket
import subprocess
from datetime import timedelta

import pytest
from django.db import OperationalError
from kombu import Connection

from articles import services
from articles.models import Article, ArticleFeed, Feed, FeedFetch
from articles.tasks import fetch_feed
from tests.loopback import Response
from tests.workers import Worker, broker_idle, new_queue, wait_for

from .feeds import item, rss

XML = {"Content-Type": "application/rss+xml"}
POSTS_PER_FEED = 5


@pytest.fixture
def not_eager():
    eager, fetch_feed.app.conf.task_always_eager = fetch_feed.app.conf.task_always_eager, False
    yield
    fetch_feed.app.conf.task_always_eager = eager


def make_feeds(loopback, count: int, *, delay: float = 0.0, start: int = 0) -> list[Feed]:
    feeds = []
    for n in range(start, start + count):
        posts = [item(n * 100 + k) for k in range(POSTS_PER_FEED)]
        loopback.route(f"/f{n}.xml", Response(200, XML, rss(*posts), delay=delay))
        feeds.append(Feed.objects.create(url=loopback.url(f"/f{n}.xml")))
    return feeds


def fetched(feeds) -> int:
    return (
        Feed.objects.filter(pk__in=[f.pk for f in feeds], fetches__outcome="new_content")
        .distinct()
        .count()
    )


def assert_each_article_once(feeds) -> None:
    assert Article.objects.count() == len(feeds) * POSTS_PER_FEED
    assert ArticleFeed.objects.count() == len(feeds) * POSTS_PER_FEED
    for feed in feeds:
        assert FeedFetch.objects.filter(feed=feed, outcome="new_content").count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_ingest_leaves_every_article_exactly_once(tmp_path, loopback, not_eager):
    feeds = make_feeds(loopback, 24, delay=0.4)
    queue = new_queue()
    # Unacknowledged tasks come back after the visibility timeout; locks of the killed fetches
    # expire after their own (short, for the test) lifetime.
    env = {
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
            {
                "visibility_timeout": 5,
                "unacked_restore_interval": 1,
                "unacked_restore_throttle": 1,
                # The killed worker may die holding the restore mutex: let it lapse quickly.
                "unacked_mutex_expire": 2,
            }
        ),
        "FEEDS_LOCK_SECONDS": "3",
    }
    first = Worker(queue, tmp_path / "first.log", **env).start()
    try:
        for feed in feeds:
            fetch_feed.apply_async(args=[feed.pk], queue=queue)
        assert wait_for(lambda: fetched(feeds) >= 3, 60), (tmp_path / "first.log").read_text()
    finally:
        first.kill()
    assert fetched(feeds) < len(feeds), "the worker must die mid-run for this test to mean much"

    second = Worker(queue, tmp_path / "second.log", **env).start()
    try:
        assert wait_for(lambda: fetched(feeds) == len(feeds), 120), (
            tmp_path / "second.log"
        ).read_text()
        # Every delivery done, the killed worker's redelivered too: they must change nothing.
        assert wait_for(lambda: broker_idle(queue), 60), (tmp_path / "second.log").read_text()
    finally:
        second.stop()
    assert_each_article_once(feeds)


@pytest.fixture
def redis_with_aof(tmp_path):
    """A Redis server of the test's own, persisting as docker-compose.yml prescribes."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server on PATH")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path / "redis"
    data.mkdir()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
               "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]  # fmt: skip

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process: subprocess.Popen

        def start(self):
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            assert wait_for(self.ping, 10)

        def ping(self) -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        def restart(self):
            # SHUTDOWN flushes the append-only file, as `docker compose restart redis` does.
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(b"SHUTDOWN\r\n")
            self.process.wait(timeout=10)
            self.start()

    server = Server()
    server.start()
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_queued_work_survives_a_redis_restart_and_ingestion_resumes(
    tmp_path, loopback, redis_with_aof
):
    queue = new_queue()
    waiting = make_feeds(loopback, 10)
    with Connection(redis_with_aof.url) as broker:
        for feed in waiting:  # queued while no worker runs...
            fetch_feed.apply_async(args=[feed.pk], queue=queue, connection=broker)
    redis_with_aof.restart()  # ...and Redis restarts before any worker takes them

    worker = Worker(queue, tmp_path / "worker.log", REDIS_URL=redis_with_aof.url).start()
    try:
        assert wait_for(lambda: fetched(waiting) == len(waiting), 90), (
            tmp_path / "worker.log"
        ).read_text()
        running = make_feeds(loopback, 10, delay=0.3, start=100)
        with Connection(redis_with_aof.url) as broker:
            for feed in running:
                fetch_feed.apply_async(args=[feed.pk], queue=queue, connection=broker)
        assert wait_for(lambda: fetched(running) >= 1, 60)
        redis_with_aof.restart()  # mid-run, with the worker connected
        assert wait_for(lambda: fetched(running) == len(running), 120), (
            tmp_path / "worker.log"
        ).read_text()
    finally:
        worker.stop()
    assert_each_article_once(waiting + running)


@pytest.mark.django_db(transaction=True)
def test_database_failure_mid_fetch_is_retried_and_leaves_no_partial_writes(loopback, monkeypatch):
    feed = make_feeds(loopback, 1)[0]
    real_upsert, attempts = services.articles_upsert, []

    def upsert_then_lose_the_connection(**kwargs):
        attempts.append(1)
        counts = real_upsert(**kwargs)  # the articles are written...
        if len(attempts) == 1:  # ...then the server goes away before the commit
            raise OperationalError("server closed the connection unexpectedly")
        return counts

    monkeypatch.setattr(services, "articles_upsert", upsert_then_lose_the_connection)
    # In-process, a retry re-runs the task at once instead of raising to the caller.
    monkeypatch.setitem(fetch_feed.app.conf, "task_eager_propagates", False)

    assert fetch_feed.delay(feed.pk).get() == "new_content"

    assert len(attempts) == 2
    assert fetch_feed.autoretry_for and fetch_feed.retry_backoff
    assert_each_article_once([feed])
    assert FeedFetch.objects.filter(feed=feed).count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_time_limited_fetch_killed_then_timed_out_is_logged_and_loses_nothing(
    tmp_path, loopback, not_eager
):
    feed = make_feeds(loopback, 1)[0]
    assert services.feed_fetch(feed_id=feed.pk).outcome == "new_content"
    stored = list(Article.objects.order_by("id").values_list("id", "content_hash"))
    # The feed now answers slower than the fetch may take (its read timeout would allow it).
    slow = rss(*(item(k) for k in range(900, 920)))
    loopback.route("/f0.xml", Response(200, XML, slow, delay=6.0))
    env = {
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
            {"visibility_timeout": 4, "unacked_restore_interval": 1,
             "unacked_restore_throttle": 1, "unacked_mutex_expire": 2}
        ),
        "FEEDS_LOCK_SECONDS": "3",
    }  # fmt: skip
    queue = new_queue()
    first = Worker(queue, tmp_path / "first.log", **env).start()
    try:
        fetch_feed.apply_async(args=[feed.pk], queue=queue, soft_time_limit=2, time_limit=20)
        assert wait_for(lambda: loopback.requests_to("/f0.xml")[1:], 60), (
            tmp_path / "first.log"
        ).read_text()
    finally:
        first.kill()  # mid-fetch: no log row, no ack
    assert FeedFetch.objects.filter(feed=feed).count() == 1

    second = Worker(queue, tmp_path / "second.log", **env).start()
    try:
        # Redelivered, the fetch runs into its soft time limit, which is logged like any failure.
        assert wait_for(lambda: FeedFetch.objects.filter(feed=feed).count() == 2, 90), (
            tmp_path / "second.log"
        ).read_text()
    finally:
        second.stop()
    failed = FeedFetch.objects.filter(feed=feed).first()
    assert failed.outcome == "time_limit", failed.error_message
    feed.refresh_from_db()
    assert feed.consecutive_errors == 1 and feed.last_error == failed.error_message
    assert feed.next_fetch_at > failed.finished_at + timedelta(minutes=20)
    assert list(Article.objects.order_by("id").values_list("id", "content_hash")) == stored
