"""Fetching feeds over HTTP from a loopback server: scheduling, backoff, locks, redirects."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, Feed, FeedFetch
from articles.services import FeedBusy, feed_fetch, feed_resume
from articles.tasks import fetch_due_feeds, fetch_feed
from tests.loopback import Response

from .feeds import item, rss

pytestmark = pytest.mark.django_db
Outcome = FeedFetch.Outcome
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
BODY = rss(item(1), item(2), item(3))


@pytest.fixture
def make_feed(loopback):
    def make(path="/feed.xml", **fields):
        return Feed.objects.create(url=loopback.url(path), **fields)

    return make


def fetch(feed):
    result = feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    return result


def test_conditional_get_turns_the_second_fetch_into_not_modified(loopback, make_feed):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(304)
        return Response(
            200, {**RSS_TYPE, "ETag": '"v1"', "Last-Modified": "Mon, 02 Feb 2026"}, BODY
        )

    loopback.route("/feed.xml", conditional)
    feed = make_feed()

    assert fetch(feed).outcome == Outcome.NEW_CONTENT
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon, 02 Feb 2026")
    second = fetch(feed)

    assert second.outcome == Outcome.NOT_MODIFIED
    assert second.http_status == 304
    assert loopback.requests[1].headers["If-Modified-Since"] == "Mon, 02 Feb 2026"
    assert Article.objects.count() == 3
    assert feed.next_fetch_at > timezone.now() + timedelta(minutes=25)


def test_identical_body_is_not_parsed_again(loopback, make_feed):
    loopback.route("/feed.xml", Response(200, RSS_TYPE, BODY))
    feed = make_feed()
    fetch(feed)
    stamps = list(Article.objects.values_list("updated_at", flat=True))

    result = fetch(feed)

    assert result.outcome == Outcome.UNCHANGED_BODY
    assert result.entries_seen == 0
    assert list(Article.objects.values_list("updated_at", flat=True)) == stamps


def test_permanent_redirect_moves_the_feed_and_temporary_does_not(loopback, make_feed):
    loopback.route("/moved.xml", Response(301, {"Location": "/hop.xml"}))
    loopback.route("/hop.xml", Response(308, {"Location": loopback.url("/feed.xml")}))
    loopback.route("/temp.xml", Response(302, {"Location": "/feed.xml"}))
    loopback.route("/feed.xml", Response(200, RSS_TYPE, BODY))
    moved, temp = make_feed("/moved.xml"), make_feed("/temp.xml")

    assert "moved permanently" in fetch(moved).error_message
    assert fetch(temp).outcome == Outcome.NEW_CONTENT

    assert moved.url == loopback.url("/feed.xml")
    assert temp.url == loopback.url("/temp.xml")
    assert Article.objects.count() == 3


def test_permanent_redirect_onto_a_tracked_feed_keeps_both(loopback, make_feed):
    loopback.route("/old.xml", Response(301, {"Location": "/feed.xml"}))
    loopback.route("/feed.xml", Response(200, RSS_TYPE, BODY))
    existing, old = make_feed("/feed.xml"), make_feed("/old.xml")

    result = fetch(old)

    assert f"already tracked as feed #{existing.pk}" in result.error_message
    assert old.url == loopback.url("/old.xml")


def test_gone_pauses_the_feed(loopback, make_feed):
    loopback.route("/feed.xml", Response(410))
    feed = make_feed()

    result = fetch(feed)

    assert (result.outcome, result.http_status) == (Outcome.HTTP_ERROR, 410)
    assert feed.is_paused
    assert "410" in feed.paused_reason
    assert not Feed.objects.due(timezone.now() + timedelta(days=30)).exists()


def test_too_many_requests_honours_retry_after(loopback, make_feed):
    loopback.route("/feed.xml", Response(429, {"Retry-After": "7200"}))
    feed = make_feed()
    before = timezone.now()

    fetch(feed)

    wait = feed.next_fetch_at - before
    assert timedelta(seconds=7190) < wait < timedelta(seconds=7300)
    assert feed.consecutive_errors == 1


def test_failures_back_off_exponentially_then_pause_and_keep_articles(
    loopback, make_feed, settings
):
    settings.FEEDS = {**settings.FEEDS, "PAUSE_AFTER_ERRORS": 3}
    responses = iter([Response(200, RSS_TYPE, BODY)] + [Response(500)] * 3)
    loopback.route("/feed.xml", lambda request: next(responses))
    feed = make_feed(fetch_interval_minutes=10)
    fetch(feed)

    waits = []
    for _ in range(3):
        started = timezone.now()
        result = fetch(feed)
        waits.append(round((feed.next_fetch_at - started).total_seconds() / 60))

    assert result.outcome == Outcome.HTTP_ERROR and result.http_status == 500
    assert waits == [10, 20, 40]
    assert feed.is_paused
    assert "3 failed fetches in a row" in feed.paused_reason
    assert Article.objects.count() == 3

    feed_resume(feed=feed)
    feed.refresh_from_db()
    assert (feed.is_paused, feed.consecutive_errors) == (False, 0)


def test_loopback_is_refused_unless_allowed(loopback, make_feed, settings):
    settings.FEEDS = {**settings.FEEDS, "ALLOW_LOOPBACK": False}
    loopback.route("/feed.xml", Response(200, RSS_TYPE, BODY))
    feed = make_feed()

    result = fetch(feed)

    assert result.outcome == Outcome.BLOCKED_ADDRESS
    assert "127.0.0.1" in result.error_message
    assert loopback.requests == []


def test_oversized_feed_is_refused_and_recorded(loopback, make_feed, settings):
    settings.FEEDS = {**settings.FEEDS, "MAX_BYTES": 1024}
    loopback.route("/feed.xml", Response(200, RSS_TYPE, rss(*(item(n) for n in range(50)))))
    feed = make_feed()

    result = fetch(feed)

    assert result.outcome == Outcome.TOO_LARGE
    assert Article.objects.count() == 0


def test_a_feed_is_never_fetched_twice_at_once(loopback, make_feed):
    feed = make_feed()
    cache.add(f"feed-fetch-lock:{feed.pk}", "someone-else", timeout=60)
    try:
        with pytest.raises(FeedBusy):
            feed_fetch(feed_id=feed.pk)
    finally:
        cache.delete(f"feed-fetch-lock:{feed.pk}")
    assert loopback.requests == []


def test_scheduler_fetches_due_feeds_once_and_twice_is_harmless(
    loopback, make_feed, django_capture_on_commit_callbacks
):
    loopback.route("/feed.xml", Response(200, RSS_TYPE, BODY))
    loopback.route("/later.xml", Response(200, RSS_TYPE, BODY))
    due = make_feed()
    make_feed("/later.xml", next_fetch_at=timezone.now() + timedelta(hours=1))
    make_feed("/paused.xml", status=Feed.Status.PAUSED)

    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_due_feeds.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_due_feeds.delay().get() == 0

    assert [r.path for r in loopback.requests] == ["/feed.xml"]
    assert FeedFetch.objects.get().feed == due
    assert Article.objects.count() == 3


# --- failures outside the foreseen outcomes: logged, counted, backed off ---------------------


def test_items_beyond_the_cap_are_dropped_and_the_log_says_so(loopback, make_feed, settings):
    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": 5}
    loopback.route("/feed.xml", Response(200, RSS_TYPE, rss(*(item(n) for n in range(12)))))
    feed = make_feed()

    result = fetch(feed)

    assert result.outcome == Outcome.NEW_CONTENT
    assert (result.entries_seen, result.entries_created, result.entries_dropped) == (5, 5, 7)
    assert "dropped 7" in result.error_message and "FEEDS_MAX_ITEMS" in result.error_message
    # The first items of the document are kept: feeds list their newest posts first.
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        f"Post number {n}" for n in range(5)
    ]


def test_absurd_comment_counts_are_clamped_before_the_database(loopback, make_feed):
    posts = [item(1, comments=2**40), item(2, comments=-3), item(3, comments=12)]
    loopback.route("/feed.xml", Response(200, RSS_TYPE, rss(*posts)))
    feed = make_feed()

    assert fetch(feed).outcome == Outcome.NEW_CONTENT

    counts = dict(Article.objects.values_list("title", "comment_count"))
    assert counts == {"Post number 1": 2**31 - 1, "Post number 2": None, "Post number 3": 12}


def _first_good_fetch(loopback, make_feed):
    loopback.route("/feed.xml", Response(200, RSS_TYPE, BODY))
    feed = make_feed(fetch_interval_minutes=10)
    assert fetch(feed).outcome == Outcome.NEW_CONTENT
    loopback.route("/feed.xml", Response(200, RSS_TYPE, rss(*(item(n) for n in range(1, 9)))))
    return feed, list(Article.objects.order_by("id").values_list("id", "content_hash"))


def _assert_failure_counted(feed, result, outcome, stored):
    assert result.outcome == outcome
    assert FeedFetch.objects.filter(feed=feed).first() == result
    assert feed.consecutive_errors == 1
    assert feed.last_error == result.error_message
    assert feed.next_fetch_at > timezone.now() + timedelta(minutes=9)  # backed off
    # The failed attempt wrote nothing, and did not remember the body as seen.
    assert list(Article.objects.order_by("id").values_list("id", "content_hash")) == stored


def test_soft_time_limit_mid_ingest_is_logged_counted_and_backed_off(
    loopback, make_feed, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    from articles import services

    feed, stored = _first_good_fetch(loopback, make_feed)
    body_hash = feed.body_hash
    real_upsert = services.articles_upsert

    def upsert_then_run_out_of_time(**kwargs):
        real_upsert(**kwargs)  # the articles are written, then the signal arrives
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "articles_upsert", upsert_then_run_out_of_time)

    outcome = fetch_feed.delay(feed.pk).get()  # the task itself does not crash
    feed.refresh_from_db()

    result = FeedFetch.objects.filter(feed=feed).first()
    assert outcome == Outcome.TIME_LIMIT
    _assert_failure_counted(feed, result, Outcome.TIME_LIMIT, stored)
    assert feed.body_hash == body_hash
    assert "time limit" in result.error_message
    assert "upsert_then_run_out_of_time" in result.error_message  # where it stopped

    monkeypatch.setattr(services, "articles_upsert", real_upsert)
    assert fetch(feed).outcome == Outcome.NEW_CONTENT  # the same document is read again
    assert Article.objects.count() == 8


@pytest.mark.postgres
def test_database_error_mid_ingest_is_logged_counted_and_backed_off(
    loopback, make_feed, monkeypatch, settings
):
    from articles import parsing

    settings.FEEDS = {**settings.FEEDS, "PAUSE_AFTER_ERRORS": 2}
    feed, stored = _first_good_fetch(loopback, make_feed)
    # Any value PostgreSQL refuses will do; without the clamp a comment count is one.
    monkeypatch.setattr(parsing, "MAX_COUNT", 2**40)
    loopback.route("/feed.xml", Response(200, RSS_TYPE, rss(item(1, comments=2**40))))

    result = fetch(feed)

    _assert_failure_counted(feed, result, Outcome.DATABASE_ERROR, stored)
    assert "DataError" in result.error_message
    fetch(feed)  # the same failure again: it counts toward the pause
    assert feed.is_paused and feed.consecutive_errors == 2
