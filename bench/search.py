"""Search benchmark at scale: PostgreSQL full-text search vs a naive ``icontains`` search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/search.py

Builds a generated corpus (``--articles``, default 100,000) in a throwaway test database, indexes
it, then times one search results page both ways, side by side, for common and rare terms:

- full text: ``articles.search.search_articles`` as the search page runs it (count of the capped
  matches + the first 20, ranked, with highlighted snippets);
- icontains: the same page done naively (count of every match + the newest 20), the way a
  plain ``filter(content_text__icontains=q)`` search or an admin search works.

Target: full text at least 50× faster.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median_of, setup_django  # noqa: E402

TERMS = {"common": "China", "medium": "germanium"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_django()
    import logging

    from django.conf import settings
    from django.db.models import Q
    from tqdm import tqdm

    logging.disable(logging.INFO)
    if not settings.IS_POSTGRES:
        sys.exit("bench/search.py needs PostgreSQL: set DATABASE_URL")
    from articles.models import Article
    from articles.search import search_articles, search_vectors_update
    from tracker.corpus import corpus_generate
    from tracker.reference import read_reference
    from tracker.services.reference import reference_load

    reference_load(data=read_reference())
    with tqdm(total=args.articles, desc="corpus", file=sys.stderr) as bar:
        corpus_generate(articles=args.articles, progress=lambda n: bar.update(n - bar.n))
    with tqdm(total=args.articles, desc="search index", file=sys.stderr) as bar:
        while done := search_vectors_update(seconds=5):
            bar.update(done)
    from django.db import connection

    from tracker.models import Entity

    # One generated company: named in a few hundred of the articles.
    TERMS["rare"] = Entity.objects.filter(name__endswith="0042").values_list("name", flat=True)[0]

    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute("VACUUM ANALYZE articles_article")

    def full_text(q):
        results = search_articles(q=q)
        return results.count(), list(results[:20])

    def naive(q):
        matches = Article.objects.published().filter(
            Q(title__icontains=q) | Q(content_text__icontains=q)
        )
        return matches.count(), list(matches.order_by("-published_at", "-id")[:20])

    print(f"# Search benchmark — {machine()}, {Article.objects.count()} articles")
    print()
    print("| term | matches | full text | icontains | icontains ÷ full text | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, q in TERMS.items():
        matches = naive(q)[0]
        fts_s = median_of(lambda q=q: full_text(q), repeat=args.repeat)
        naive_s = median_of(lambda q=q: naive(q), repeat=args.repeat)
        print(
            f"| {kind} ({q}) | {matches} | {fts_s * 1000:.1f} ms | {naive_s * 1000:.1f} ms "
            f"| {naive_s / fts_s:.0f}× | ≥ 50× |"
        )


if __name__ == "__main__":
    main()
