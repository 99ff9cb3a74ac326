"""Hundreds of hostile or broken feeds: no crash, every failure logged with its reason, and
nothing already stored is lost."""

from collections import Counter

import feedparser
import pytest

from articles.models import Article, Feed, FeedFetch
from articles.tasks import fetch_feed
from tests.loopback import Response

from .feeds import item, rss
from .hostile import EXPANDED, corpus, entity_documents

pytestmark = pytest.mark.django_db


# Time limits no loaded machine reaches, for every feed but the ones meant to hit them: with
# a 1 s limit for all, a good feed fetched on a busy machine sometimes timed out.
AMPLE_TIME = {"CONNECT_TIMEOUT": 10.0, "READ_TIMEOUT": 10.0, "TOTAL_TIMEOUT": 20.0}
# The slow and dripping feeds take seconds to answer: short limits cut them off. A busy machine
# only makes them slower, so they time out all the same.
SHORT_TIME = {"CONNECT_TIMEOUT": 10.0, "READ_TIMEOUT": 0.25, "TOTAL_TIMEOUT": 0.5}
TIMED_OUT = {"slow", "drip"}


def test_hostile_corpus_is_logged_and_loses_nothing(loopback, settings):
    max_bytes = 256 * 1024
    settings.FEEDS = {**settings.FEEDS, "MAX_BYTES": max_bytes, **AMPLE_TIME}
    ample, short = settings.FEEDS, {**settings.FEEDS, **SHORT_TIME}
    # Every hostile feed first served a good document, so each has articles to lose.
    cases = corpus(loopback, max_bytes=max_bytes)
    assert len(cases) >= 200
    feeds = []
    for n, (_name, path, _outcomes) in enumerate(cases):
        loopback.route(f"/good/{n}", Response(200, {"Content-Type": "application/rss+xml"},
                                              rss(item(10_000 + n))))  # fmt: skip
        feed = Feed.objects.create(url=loopback.url(f"/good/{n}"))
        fetch_feed.delay(feed.pk).get()
        Feed.objects.filter(pk=feed.pk).update(url=loopback.url(path))
        feeds.append(feed)
    stored = list(Article.objects.order_by("id").values_list("id", "content_hash"))
    assert len(stored) == len(cases)

    outcomes: Counter = Counter()
    for feed, (name, _path, expected) in zip(feeds, cases, strict=True):
        settings.FEEDS = short if name in TIMED_OUT else ample
        result = fetch_feed.delay(feed.pk).get()  # raises if the task crashed
        fetch = FeedFetch.objects.filter(feed=feed).first()
        assert result == fetch.outcome
        assert fetch.outcome in expected, (name, fetch.outcome, fetch.error_message)
        if fetch.outcome != FeedFetch.Outcome.NEW_CONTENT:
            assert fetch.error_message, name
            feed.refresh_from_db()
            assert feed.last_error == fetch.error_message
            assert feed.consecutive_errors == 1
        outcomes[fetch.outcome] += 1

    assert set(stored) <= set(Article.objects.values_list("id", "content_hash"))
    print(dict(outcomes))
    assert len(outcomes) >= 6, outcomes


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(body, content_type) for _name, body, content_type in entity_documents()],
    ids=[name for name, _body, _content_type in entity_documents()],
)
def test_entity_declarations_are_refused_in_every_encoding(loopback, body, content_type):
    # The document is really hostile: the parser, left alone, expands the entity.
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    assert EXPANDED in parsed.entries[0].title

    loopback.route("/feed.xml", Response(200, {"Content-Type": "application/rss+xml"},
                                         rss(item(1))))  # fmt: skip
    feed = Feed.objects.create(url=loopback.url("/feed.xml"))
    assert fetch_feed.delay(feed.pk).get() == FeedFetch.Outcome.NEW_CONTENT
    stored = list(Article.objects.values_list("id", "content_hash"))

    loopback.route("/feed.xml", Response(200, {"Content-Type": content_type}, body))
    assert fetch_feed.delay(feed.pk).get() == FeedFetch.Outcome.UNSAFE_DOCUMENT
    fetch = FeedFetch.objects.filter(feed=feed).first()
    assert "entities" in fetch.error_message
    assert not Article.objects.filter(title__contains=EXPANDED).exists()
    assert list(Article.objects.values_list("id", "content_hash")) == stored
