"""Ingest benchmark: ratios measured side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/ingest.py

It creates (and drops) its own test database next to the one DATABASE_URL names.

1. Full ingest of the shared seed feed (parse, sanitize, sections, upsert, fetch log) divided by
   ``feedparser.parse`` with default options of the same bytes: with extraction queued for a
   worker (as in production; target <= 1.5), and with extraction run in-process (issue 17:
   target <= 1.0, goal 0.5). And both divided by the nearest peer, the ``reader`` library's
   update of the same feed from a local file into a fresh SQLite database (feedparser + SQLite,
   no extraction; installed here when missing; target < 0.7).
   Beside them, a lower bound for the in-process ingest: feedparser with its sanitizer off (the
   parse any ingest needs) plus the time the in-process ingest spends in database calls
   (statements and commits, driver included), with and without extraction's text work alone
   (``extract`` over the same articles, no database). Nothing else of ours is in it.
   The same two ingests with the parse forced to feedparser alone (the ingest before the
   feedparser-rs fast path), in the same rounds: the before/after of that change.
   The database calls of one ingest of each kind are counted too: statements, commits, and
   reads of articles once it has written them.
   And the parse alone: ``parse_feed`` (fast path, then cleaning, sections and URLs of every
   entry) and its feedparser-only reading, against ``feedparser.parse``; and the fast path's
   reading of the document alone (``fastparse.read``: encoding, expat's vocabulary check,
   feedparser-rs, feedparser's dates), which replaces feedparser's parse.
2. An unchanged re-fetch of the same feed divided by the full in-process ingest. Target <= 0.02.
3. Backfill of a generated 5,000-entry feed in one process, extraction queued, entries per
   second. Target >= 2,000.
4. ``enrich --all`` over 10,000 generated articles, articles per second. Target >= 1,000.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, interleaved, machine, setup_django  # noqa: E402


def generated_feed(entries: int, *, start: int = 0) -> bytes:
    """A WordPress-like feed with ``entries`` posts of about the seed's shape (made-up text)."""
    items = []
    for n in range(start, start + entries):
        body = (
            "<h3>Highlights</h3><ul>"
            f"<li>Output reached {n % 90 + 10}% of plan in quarter {n % 4 + 1}.</li>"
            f"<li>EXIM approved up to ${n % 20 + 1} billion in loans for Project Vault.</li></ul>"
            + "".join(
                f"<p>Paragraph {p} of post {n} on separation capacity, magnets and prices; "
                f"MP Materials reported shipments of {n * 3 + p} tonnes, according to Reuters.</p>"
                for p in range(6)
            )
            + f"<h3>REEx Take</h3><p>Post {n} matters for supply chains.</p>"
            "<p>Source: Example Wire</p>"
        )
        items.append(
            f"<item><title>Generated post {n}</title>"
            f"<link>https://bench.example.org/posts/{n}/</link>"
            f'<guid isPermaLink="false">https://bench.example.org/?p={n}</guid>'
            f"<pubDate>Mon, 02 Feb 2026 10:00:00 +0000</pubDate>"
            f"<category><![CDATA[Bench]]></category>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            f"<slash:comments>{n % 5}</slash:comments></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        "<title>Bench</title><link>https://bench.example.org</link><description>b</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@contextmanager
def database_time(spent: list[float]):
    """Append to ``spent`` the seconds the block spends in database statements and commits."""
    from django.db import connection

    total = 0.0

    def timed_statement(execute, sql, params, many, context):
        nonlocal total
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            total += time.perf_counter() - started

    plain_commit = connection._commit  # type: ignore[attr-defined]

    def timed_commit():
        nonlocal total
        started = time.perf_counter()
        try:
            return plain_commit()
        finally:
            total += time.perf_counter() - started

    connection._commit = timed_commit  # type: ignore[attr-defined]
    try:
        with connection.execute_wrapper(timed_statement):
            yield
    finally:
        del connection._commit  # type: ignore[attr-defined]  # back to the class's method
        spent.append(total)


@contextmanager
def database_calls(counted: dict):
    """Count in ``counted`` what the block asks of the database: statements, commits (explicit
    ones, and the write statements run in autocommit, which commit by themselves), and the
    reads of articles that come after the block's first INSERT of articles (reads back)."""
    from django.db import connection

    counted.update(statements=0, commits=0, article_reads_after_insert=0)
    written = False

    def count(execute, sql, params, many, context):
        nonlocal written
        counted["statements"] += 1
        head = sql.lstrip()[:6].upper()
        if head in ("INSERT", 'COPY "') and '"articles_article"' in sql.split("(", 1)[0]:
            written = True
        elif written and head == "SELECT" and '"articles_article"' in sql:
            counted["article_reads_after_insert"] += 1
        if head not in ("SELECT", "BEGIN") and not connection.in_atomic_block:
            counted["commits"] += 1
        return execute(sql, params, many, context)

    plain_commit = connection._commit  # type: ignore[attr-defined]

    def counting_commit():
        counted["commits"] += 1
        return plain_commit()

    connection._commit = counting_commit  # type: ignore[attr-defined]
    try:
        with connection.execute_wrapper(count):
            yield
    finally:
        del connection._commit  # type: ignore[attr-defined]


@contextmanager
def extraction_queued():
    """Send enrichment to the broker instead of running it here, as a fetch worker does."""
    from reex.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


READER = "reader>=3.12,<4"  # the peer: feedparser + SQLite, no extraction (reader.readthedocs.io)


def reader_peer(seed: bytes):
    """``(update, setup)``: the ``reader`` library's update of the seed feed from a local file
    into a fresh SQLite database each round, installed into this environment when missing (with
    ``sgmllib3k``, which its vendored feedparser imports)."""
    try:
        import reader
    except ImportError:
        print(f"installing {READER} for the peer measure", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", READER, "sgmllib3k"], check=True
        )
        import reader
    folder = Path(tempfile.mkdtemp(prefix="reex-bench-reader-"))
    (folder / "seed.xml").write_bytes(seed)
    state: dict = {"reader": None, "round": 0}

    def setup():
        if state["reader"] is not None:
            state["reader"].close()
        state["round"] += 1
        state["reader"] = reader.make_reader(
            str(folder / f"round-{state['round']}.sqlite"), feed_root=str(folder)
        )
        state["reader"].add_feed("seed.xml")

    def update():
        state["reader"].update_feeds()
        assert state["reader"].get_entry_counts().total == 25

    return update, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="interleaved rounds")
    parser.add_argument("--backfill", type=int, default=5000)
    parser.add_argument("--enrich", type=int, default=10000)
    args = parser.parse_args()

    setup_django()
    import logging

    from django.conf import settings

    # The backfill is one document of --backfill items: FEEDS_MAX_ITEMS (1,000 by default)
    # would drop most of them.
    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": max(args.backfill, args.enrich)}

    import feedparser

    logging.disable(logging.INFO)  # no per-task log lines inside the timings
    from articles import fastparse, services
    from articles.models import Article, Feed
    from articles.parsing import FEEDPARSER, parse_feed
    from articles.services import feed_ingest_document
    from tracker.reference import read_reference
    from tracker.services.enrichment import articles_enrich
    from tracker.services.reference import reference_load

    # Extraction matches against the real reference names, as it does in production.
    reference_load(data=read_reference())
    seed = (SHARED / "feeds" / "rareearthexchanges-clean-energy.xml").read_bytes()
    feed = Feed.objects.create(url="https://bench.example.org/seed/feed/")

    def reset():
        Article.objects.all().delete()
        Feed.objects.filter(pk=feed.pk).update(body_hash="")
        feed.body_hash = ""

    def full_ingest():
        fetch = feed_ingest_document(feed=feed, body=seed)
        assert fetch.entries_created == 25, fetch

    def unchanged_refetch():
        fetch = feed_ingest_document(feed=feed, body=seed)
        assert fetch.outcome == "unchanged_body", fetch

    # The seed's articles as extraction reads them, for timing its text work alone.
    from tracker.extraction import ArticleText, extract
    from tracker.lexicon import current_lexicon

    full_ingest()
    texts = [
        ArticleText(pk, title, text, tuple(highlights or ()), disclosure)
        for pk, title, text, highlights, disclosure in Article.objects.values_list(
            "id", "title", "content_text", "highlights", "disclosure"
        )
    ]
    reset()
    lexicon = current_lexicon()
    eager_database: list[float] = []

    def eager_ingest():
        with database_time(eager_database):
            full_ingest()

    def queued_ingest():
        with extraction_queued():
            full_ingest()

    @contextmanager
    def feedparser_only():
        """The ingest as it was before the fast path: every document read by feedparser."""
        fast = services.parse_feed
        services.parse_feed = partial(parse_feed, parser=FEEDPARSER)
        try:
            yield
        finally:
            services.parse_feed = fast

    def queued_ingest_before():
        with feedparser_only():
            queued_ingest()

    def eager_ingest_before():
        with feedparser_only():
            full_ingest()

    url = "https://bench.example.org/seed/feed/"
    assert parse_feed(seed, url=url).parser != FEEDPARSER, "the seed no longer takes the fast path"

    reader_update = reader_peer(seed)
    times = interleaved(
        {
            "parse": lambda: feedparser.parse(seed),
            "reader": reader_update,
            "bare parse": lambda: feedparser.parse(
                seed, sanitize_html=False, resolve_relative_uris=False
            ),
            "fast read": lambda: fastparse.read(seed, {"content-type": "application/xml"}),
            "parse_feed": lambda: parse_feed(seed, url=url),
            "parse_feed, feedparser only": lambda: parse_feed(seed, url=url, parser=FEEDPARSER),
            "extract": lambda: [extract(lexicon, text) for text in texts],
            "queued": (queued_ingest, reset),
            "eager": (eager_ingest, reset),
            "queued before": (queued_ingest_before, reset),
            "eager before": (eager_ingest_before, reset),
            "refetch": unchanged_refetch,  # after "eager": the same body again
        },
        rounds=args.repeat,
    )
    calls: dict[str, dict] = {"queued": {}, "eager": {}}
    for name, ingest in (("queued", queued_ingest), ("eager", full_ingest)):
        reset()
        with database_calls(calls[name]):
            ingest()
    reset()
    parse_s, queued_s, eager_s = times["parse"], times["queued"], times["eager"]
    refetch_s = times["refetch"]
    bare_s, database_s = times["bare parse"], min(eager_database)
    extract_s = times["extract"]
    ours_s, ours_before_s = times["parse_feed"], times["parse_feed, feedparser only"]
    read_s = times["fast read"]
    reader_s = times["reader"]
    queued_before_s, eager_before_s = times["queued before"], times["eager before"]

    reset()
    body = generated_feed(args.backfill)
    backfill_feed = Feed.objects.create(url="https://bench.example.org/backfill/feed/")
    with extraction_queued():
        started = time.perf_counter()
        fetch = feed_ingest_document(feed=backfill_feed, body=body)
        backfill_s = time.perf_counter() - started
    assert fetch.entries_created == args.backfill, fetch

    more = Feed.objects.create(url="https://bench.example.org/more/feed/")
    with extraction_queued():
        feed_ingest_document(
            feed=more, body=generated_feed(args.enrich - args.backfill, start=args.backfill)
        )
    ids = list(Article.objects.values_list("id", flat=True))
    started = time.perf_counter()
    for chunk in range(0, len(ids), 200):  # the task's chunk size
        articles_enrich(article_ids=ids[chunk : chunk + 200], force=True)
    enrich_s = time.perf_counter() - started

    print(f"# Ingest benchmark — {machine()}")
    print(f"feedparser.parse(seed, defaults):        {parse_s * 1000:8.1f} ms")
    print(f"reader: update_feeds() of the seed:      {reader_s * 1000:8.1f} ms")
    print(f"full ingest, extraction queued:          {queued_s * 1000:8.1f} ms")
    print(f"full ingest, extraction in-process:      {eager_s * 1000:8.1f} ms")
    print(f"full ingest, queued, feedparser only:    {queued_before_s * 1000:8.1f} ms")
    print(f"full ingest, in-process, feedparser only:{eager_before_s * 1000:8.1f} ms")
    print(f"parse_feed(seed), fast path:             {ours_s * 1000:8.1f} ms")
    print(f"parse_feed(seed), feedparser only:       {ours_before_s * 1000:8.1f} ms")
    print(f"feedparser.parse, sanitizer off:         {bare_s * 1000:8.1f} ms")
    print(f"  the fast path's reading alone:         {read_s * 1000:8.1f} ms")
    print(f"  database calls of the in-process ingest: {database_s * 1000:6.1f} ms")
    print(f"  extract() over its {len(texts)} articles, no database:  {extract_s * 1000:6.1f} ms")
    for name, label in (("queued", "extraction queued"), ("eager", "extraction in-process")):
        c = calls[name]
        print(
            f"  database calls, {label}: {c['statements']} statements, {c['commits']} commits, "
            f"{c['article_reads_after_insert']} reads of articles after writing them"
        )
    print(f"unchanged re-fetch:                      {refetch_s * 1000:8.1f} ms")
    print(f"backfill {args.backfill} entries ({len(body) / 1e6:.1f} MB):   {backfill_s:8.2f} s")
    print(f"enrich --all, {len(ids)} articles:           {enrich_s:8.2f} s")
    print()
    print("| measure | ratio / rate | target |")
    print("| --- | --- | --- |")
    print(
        f"| full ingest (extraction queued) ÷ feedparser.parse "
        f"| {queued_s / parse_s:.2f}× | ≤ 1.5× |"
    )
    print(
        f"| full ingest + extraction (in-process) ÷ feedparser.parse | {eager_s / parse_s:.2f}× "
        f"| ≤ 1.0× (goal 0.5×) |"
    )
    print(
        f"| full ingest + extraction ÷ reader's update of the same feed "
        f"| {eager_s / reader_s:.2f}× (queued: {queued_s / reader_s:.2f}×) | < 0.7× |"
    )
    print(
        f"| the same, feedparser only (before the fast path) "
        f"| {queued_before_s / parse_s:.2f}× / {eager_before_s / parse_s:.2f}× | (before) |"
    )
    print(
        f"| parse_feed (fast path; cleaning, sections, URLs included) ÷ feedparser.parse "
        f"| {ours_s / parse_s:.3f}× | (reported) |"
    )
    print(
        f"| the fast path's reading alone (fastparse.read) ÷ feedparser.parse "
        f"| {read_s / parse_s:.3f}× (÷ sanitizer off: {read_s / bare_s:.3f}×) | (reported) |"
    )
    print(
        f"| parse_feed, feedparser only ÷ feedparser.parse "
        f"| {ours_before_s / parse_s:.2f}× | (before) |"
    )
    print(
        f"| after ÷ before the fast path, same rounds: parse_feed / queued ingest / in-process "
        f"| {ours_s / ours_before_s:.2f}× / {queued_s / queued_before_s:.2f}× / "
        f"{eager_s / eager_before_s:.2f}× | (reported) |"
    )
    print(
        f"| lower bound of the in-process ingest (sanitizer-off parse + its database calls) "
        f"÷ feedparser.parse | {(bare_s + database_s) / parse_s:.2f}× | (reported) |"
    )
    print(
        f"| the same + extraction's text work alone ÷ feedparser.parse "
        f"| {(bare_s + database_s + extract_s) / parse_s:.2f}× | (reported) |"
    )
    print(
        f"| unchanged re-fetch ÷ full ingest (in-process) | {refetch_s / eager_s:.3f}× "
        f"(÷ queued: {refetch_s / queued_s:.3f}×) | ≤ 0.02× |"
    )
    print(f"| backfill, one process | {args.backfill / backfill_s:.0f} entries/s | ≥ 2,000 |")
    print(f"| enrich --all | {len(ids) / enrich_s:.0f} articles/s | ≥ 1,000 |")


if __name__ == "__main__":
    main()
