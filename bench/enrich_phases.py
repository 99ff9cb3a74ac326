"""Where a first ``enrich --all`` spends its time, phase by phase, against enriching again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/enrich_phases.py

Generated articles (``--articles``, stored with extraction queued, as a backfill leaves them) are
enriched in the task's chunks of 200, each chunk in its own transaction as the task runs it:
first as never enriched (every row new), then again with nothing changed. Each phase of
``articles_enrich`` is timed by wrapping the function that does it; the commit is timed where
Django commits. Phases nest (``claims.*`` are inside ``reconcile_claims``), so the shares add up
to more than the whole; what no phase covers is reading the articles, the enrichment stamps and
the topics' counts. This is the measure behind the ``enrich --all`` paragraph of
``docs/PERFORMANCE.md``: which part a faster design would have to cut.
"""

import argparse
import functools
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, setup_django  # noqa: E402

PHASES = [
    # (module, function, label)
    ("tracker.services.enrichment", "extraction.extract", "extract"),
    ("tracker.services.enrichment", "_reconcile_links", "links (entities, initiatives, topics)"),
    ("tracker.services.enrichment", "suggestions.entity_suggestions_record", "entity suggestions"),
    ("tracker.services.enrichment", "reconcile_claims", "reconcile_claims"),
    ("tracker.services.enrichment_claims", "_stored_claims", "  claims: read stored claims"),
    ("tracker.services.enrichment_claims", "_stored_appearances", "  claims: read appearances"),
    ("tracker.services.enrichment_claims", "_insert_claims", "  claims: insert claims"),
    ("tracker.services.enrichment_claims", "_link_claims", "  claims: link to names"),
]


def timed(owner, name: str, label: str, spent: Counter) -> None:
    """Replace ``owner.name`` by a wrapper that adds its time to ``spent[label]``."""
    function = getattr(owner, name)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000, help="generated articles")
    args = parser.parse_args()

    setup_django()
    import importlib
    import logging

    from django.conf import settings
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper

    logging.disable(logging.INFO)
    settings.FEEDS = {**settings.FEEDS, "MAX_ITEMS": args.articles + 100}
    from ingest import extraction_queued, generated_feed

    from articles.models import Article, Feed
    from articles.services import feed_ingest_document
    from tracker.models import ArticleEnrichment
    from tracker.reference import read_reference
    from tracker.services.enrichment import articles_enrich
    from tracker.services.reference import reference_load

    reference_load(data=read_reference())
    feed = Feed.objects.create(url="https://bench.example.org/phases/feed/")
    with extraction_queued():
        feed_ingest_document(feed=feed, body=generated_feed(args.articles))
    ids = list(Article.objects.values_list("id", flat=True))

    spent: Counter = Counter()
    for module, path, label in PHASES:
        owner = importlib.import_module(module)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        timed(owner, name, label, spent)
    timed(BaseDatabaseWrapper, "commit", "commit (deferred foreign-key checks, WAL)", spent)

    print(f"# enrich --all, phase by phase — {machine()}")
    print(f"{len(ids)} generated articles, chunks of 200, one transaction each")
    for name in ("first enrichment", "enriching again, nothing changed"):
        spent.clear()
        ArticleEnrichment.objects.all().delete()  # forced anyway; the stamps are rewritten
        started = time.perf_counter()
        for chunk in range(0, len(ids), 200):  # the task's chunk size
            with transaction.atomic():
                articles_enrich(article_ids=ids[chunk : chunk + 200], force=True)
        whole = time.perf_counter() - started
        per = 1000 / len(ids)
        print(f"\n{name}: {whole * per:.3f} ms an article, {len(ids) / whole:.0f} articles/s")
        print("| phase | ms an article | share |")
        print("| --- | --- | --- |")
        for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
            print(f"| {label} | {seconds * per:.3f} | {seconds / whole:.2f} |")
        rest = whole - sum(s for label, s in spent.items() if not label.startswith("  "))
        print(f"| the rest (reads, stamps, counts, Python between) | {rest * per:.3f} | "
              f"{rest / whole:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
