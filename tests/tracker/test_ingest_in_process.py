"""In-process (Celery eager: the embedded default, ``bin/demo``), an ingest enriches its articles
inside its own transaction, from the articles as it wrote them (``articles.signals
.articles_written``): one commit for the whole fetch, and nothing it wrote read back.

These tests commit for real (``transaction=True``): commits are what they count.
"""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import tasks as article_tasks
from articles.models import Article, Feed, FeedFetch, Story
from articles.services import feed_ingest_document
from articles.stories import stories_assign
from tests.articles.feeds import item, rss
from tests.articles.stories_corpus import HALDEN_DAILY, HALDEN_WIRE, outlet_feed, report
from tracker import extraction, tasks
from tracker.lexicon import lexicon_version
from tracker.models import (
    ArticleEnrichment,
    ArticleInitiative,
    ArticleTopic,
    Claim,
    ClaimAppearance,
    EntitySighting,
    EntitySuggestion,
    Mention,
    Topic,
)
from tracker.reference import read_reference
from tracker.selectors import articles_to_enrich
from tracker.services.enrichment import articles_enrich
from tracker.services.reference import reference_load

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE_FEED = Path(__file__).resolve().parents[1] / "data" / "reex-sample-feed.xml"


@pytest.fixture
def reference():
    reference_load(data=read_reference())


@pytest.fixture
def worker(monkeypatch) -> dict[str, list[list[int]]]:
    """A worker's ingest (Celery not eager); returns the tasks it sends after commit, by chunk:
    the extraction's and the grouping into stories'."""
    monkeypatch.setitem(tasks.enrich_articles.app.conf, "task_always_eager", False)
    sent: dict[str, list[list[int]]] = {"enrich": [], "stories": []}
    monkeypatch.setattr(tasks.enrich_articles, "delay", sent["enrich"].append)
    monkeypatch.setattr(article_tasks.group_stories, "delay", sent["stories"].append)
    return sent


@contextmanager
def commits_counted():
    """Counts the commits the block makes: explicit ones, and every write statement run in
    autocommit (outside any atomic block), which commits by itself."""
    counted = {"commits": 0, "autocommitted": []}
    plain_commit = connection._commit

    def counting_commit():
        counted["commits"] += 1
        return plain_commit()

    def watch(execute, sql, params, many, context):
        reads = sql.lstrip().upper().startswith(("SELECT", "BEGIN"))  # BEGIN: SQLite's
        if not connection.in_atomic_block and not reads:
            counted["autocommitted"].append(sql)
        return execute(sql, params, many, context)

    connection._commit = counting_commit
    try:
        with connection.execute_wrapper(watch):
            yield counted
    finally:
        del connection._commit  # back to the class's method


def ingest(feed: Feed, body: bytes) -> FeedFetch:
    fetch = feed_ingest_document(feed=feed, body=body)
    assert fetch.outcome == FeedFetch.Outcome.NEW_CONTENT, fetch.error_message
    return fetch


def tracker_rows() -> dict[str, set]:
    """Everything enrichment and grouping write, named by what does not depend on row ids
    (articles by URL, claims by fingerprint): comparable across two runs."""
    url = dict(Article.objects.values_list("id", "url"))
    fingerprint = dict(Claim.objects.values_list("id", "fingerprint"))
    key = dict(EntitySuggestion.objects.values_list("id", "key"))
    link = ("origin", "state", "matched_text", "confidence")
    claim_fields = [
        f.attname
        for f in Claim._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    ]
    return {
        "mentions": {
            (url[a], e, *rest)
            for a, e, *rest in Mention.objects.values_list(
                "article_id", "entity_id", *link, "occurrences"
            )
        },
        "initiatives": {
            (url[a], i, *rest)
            for a, i, *rest in ArticleInitiative.objects.values_list(
                "article_id", "initiative_id", *link, "basis"
            )
        },
        "topics": {
            (url[a], t, *rest)
            for a, t, *rest in ArticleTopic.objects.values_list("article_id", "topic_id", *link)
        },
        "topic counts": set(Topic.objects.values_list("id", "link_count")),
        "claims": set(Claim.objects.values_list(*claim_fields)),
        "appearances": {
            (fingerprint[c], url[a], *rest)
            for c, a, *rest in ClaimAppearance.objects.values_list(
                "claim_id", "article_id", "sentence", "location", "position"
            )
        },
        "claim entities": {
            (fingerprint[c], e)
            for c, e in Claim.entities.through.objects.values_list("claim_id", "entity_id")
        },
        "claim initiatives": {
            (fingerprint[c], i)
            for c, i in Claim.initiatives.through.objects.values_list("claim_id", "initiative_id")
        },
        "enrichment": {
            (url[a], *rest)
            for a, *rest in ArticleEnrichment.objects.values_list(
                "article_id", "content_hash", "lexicon_version"
            )
        },
        "suggestions": set(
            EntitySuggestion.objects.values_list("key", "name", "kind", "state", "article_count")
        ),
        "sightings": {
            (key[s], url[a], context)
            for s, a, context in EntitySighting.objects.values_list(
                "suggestion_id", "article_id", "context"
            )
        },
        "stories": {
            frozenset(
                url[pk] for pk in Article.objects.filter(story=story).values_list("id", flat=True)
            )
            for story in Story.objects.all()
        },
    }


def forget_everything_ingested() -> None:
    Article.objects.all().delete()
    Claim.objects.all().delete()
    EntitySuggestion.objects.all().delete()
    Story.objects.all().delete()
    FeedFetch.objects.all().delete()
    Feed.objects.all().delete()


def test_in_process_ingest_of_the_sample_feed_commits_once(reference):
    feed = Feed.objects.create(url="https://sample.example.org/feed/")
    with commits_counted() as counted:
        fetch = ingest(feed, SAMPLE_FEED.read_bytes())
    assert fetch.entries_created > 0
    assert counted["commits"] == 1
    assert counted["autocommitted"] == []
    # ...and what it committed is the enriched articles.
    assert ArticleEnrichment.objects.count() == fetch.entries_created
    assert Mention.objects.exists() and ClaimAppearance.objects.exists()


def test_in_process_ingest_reads_back_none_of_the_articles_it_wrote(reference):
    feed = Feed.objects.create(url="https://sample.example.org/feed/")
    with CaptureQueriesContext(connection) as captured:
        ingest(feed, SAMPLE_FEED.read_bytes())
    statements = [query["sql"] for query in captured.captured_queries]
    first_write = next(
        n
        for n, sql in enumerate(statements)
        # New articles go in by COPY on PostgreSQL, by INSERT elsewhere.
        if sql.startswith(('INSERT INTO "articles_article"', 'COPY "articles_article"'))
    )
    reads = [
        sql
        for sql in statements[first_write:]
        if sql.startswith("SELECT") and re.search(r'(FROM|JOIN) "articles_article"', sql)
    ]
    # The one read of articles left is of the others: the stories' neighbours, which leave the
    # ingest's own articles out (grouping has them in memory).
    assert len(reads) == 1, reads
    ids = list(Article.objects.values_list("id", flat=True))
    assert 'NOT ("articles_article"."id" IN (' in reads[0]
    assert all(str(pk) in reads[0] for pk in ids)
    if connection.vendor == "postgresql":  # and their links, claims' appearances are copied in
        assert any(sql.startswith('COPY "tracker_mention"') for sql in statements)
        assert any(sql.startswith('COPY "tracker_claimappearance"') for sql in statements)
    # Nor anything that would refer to them: nothing can yet.
    for table in ("tracker_articleenrichment", "tracker_mention", "tracker_claimappearance"):
        assert not [
            sql
            for sql in statements
            if sql.startswith("SELECT") and re.search(rf'FROM "{table}"', sql)
        ], table


WIRE_URL, DAILY_URL = "https://wire.example.com/news/1/", "https://daily.example.net/news/3/"


def ingest_sample_and_two_outlets() -> None:
    """The sample feed, then two outlets' reports of one event (a story)."""
    ingest(Feed.objects.create(url="https://sample.example.org/feed/"), SAMPLE_FEED.read_bytes())
    for url, title, text, site, day in (
        ("https://wire.example.com/feed/", "Oxide Wire", HALDEN_WIRE, "wire.example.com", 3),
        ("https://daily.example.net/rss/", "Magnet Daily", HALDEN_DAILY, "daily.example.net", 4),
    ):
        n = 1 if site.startswith("wire") else 3
        body = outlet_feed(report(n, text, site=site, day=day), title=title)
        ingest(Feed.objects.create(url=url, title=title), body)


def test_in_process_ingest_writes_what_the_worker_path_writes(reference, worker):
    # A worker's ingest: the articles commit, their enrichment and grouping are enqueued; the
    # workers run them.
    ingest_sample_and_two_outlets()
    assert worker["enrich"] and worker["stories"]
    for chunk in worker["stories"]:
        stories_assign(article_ids=chunk)
    for chunk in worker["enrich"]:
        articles_enrich(article_ids=chunk)
    worker["enrich"].clear()
    worker["stories"].clear()
    tasks.enrich_articles.app.conf.task_always_eager = True  # the fixture restores it after
    queued = tracker_rows()
    forget_everything_ingested()

    ingest_sample_and_two_outlets()
    in_process = tracker_rows()
    assert worker == {"enrich": [], "stories": []}  # all done in the ingest's transaction

    assert queued["claims"] and queued["mentions"] and queued["appearances"]
    assert frozenset({WIRE_URL, DAILY_URL}) in queued["stories"]
    for name in queued:
        assert in_process[name] == queued[name], name


def test_refetch_of_an_edited_post_updates_its_enrichment(reference):
    feed = Feed.objects.create(url="https://feeds.example.org/feed/")
    ingest(feed, rss(item(1, body="<p>MP Materials shipped 1,200 tonnes of NdPr oxide.</p>")))
    article = Article.objects.get()
    before = ArticleEnrichment.objects.get(article=article).content_hash
    assert ClaimAppearance.objects.filter(article=article, claim__value=1200).exists()
    assert Mention.objects.filter(article=article, entity__name="MP Materials").exists()

    with commits_counted() as counted:
        fetch = ingest(
            feed,
            rss(
                item(1, body="<p>Energy Fuels shipped 900 tonnes of NdPr oxide, Reuters said.</p>")
            ),
        )

    assert fetch.entries_updated == 1 and counted["commits"] == 1
    article.refresh_from_db()
    enrichment = ArticleEnrichment.objects.get(article=article)
    assert enrichment.content_hash == article.content_hash != before
    values = set(
        ClaimAppearance.objects.filter(article=article).values_list("claim__value", flat=True)
    )
    assert 900 in values and 1200 not in values
    assert Mention.objects.filter(article=article, entity__name="Energy Fuels").exists()
    assert not Mention.objects.filter(article=article, entity__name="MP Materials").exists()


def test_extraction_crash_keeps_the_articles_and_is_recorded_in_the_fetch_log(
    reference, monkeypatch
):
    def broken(lexicon, article):
        raise RuntimeError("extraction bug")

    monkeypatch.setattr(extraction, "extract", broken)
    handed_on: list = []
    monkeypatch.setattr(tasks.enrich_articles, "delay", handed_on.append)
    feed = Feed.objects.create(url="https://feeds.example.org/feed/")

    fetch = feed_ingest_document(feed=feed, body=rss(item(1), item(2)))

    # The articles are stored and the fetch succeeded: a bug after parsing does not keep a
    # feed's posts out, nor count as the feed's failure (which would pause it).
    assert fetch.outcome == FeedFetch.Outcome.NEW_CONTENT
    assert fetch.entries_created == 2 and Article.objects.count() == 2
    assert "RuntimeError: extraction bug" in fetch.error_message
    assert "tracker/" in fetch.error_message  # where it failed
    feed.refresh_from_db()
    assert feed.consecutive_errors == 0 and feed.body_hash
    # Nothing of the failed enrichment stays, and it is not run again after the commit: the
    # articles wait for `manage.py enrich`.
    assert not ArticleEnrichment.objects.exists() and not Mention.objects.exists()
    assert handed_on == []
    monkeypatch.undo()
    assert articles_to_enrich(lexicon_version=lexicon_version()).count() == 2


def test_worker_ingest_enqueues_after_commit_and_enriches_nothing_itself(reference, worker):
    feed = Feed.objects.create(url="https://sample.example.org/feed/")
    with commits_counted() as counted:
        fetch = ingest(feed, SAMPLE_FEED.read_bytes())
    assert counted["commits"] == 1  # the articles and the fetch log
    ids = sorted(Article.objects.values_list("id", flat=True))
    assert len(ids) == fetch.entries_created
    assert sorted(sum(worker["enrich"], [])) == ids
    assert sorted(sum(worker["stories"], [])) == ids
    assert not ArticleEnrichment.objects.exists() and not Mention.objects.exists()
