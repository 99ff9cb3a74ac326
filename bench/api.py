"""Partner API benchmark: a 50-row page of articles at 100,000 articles, side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/api.py

The DRF endpoint (key check, rate limit, query-parameter check, keyset cursor, serializers,
ETag, RateLimit headers) is divided by a bare ``JsonResponse`` of the same ``values()`` query,
both through the same middleware. Two bare baselines: the article columns alone, and the same
columns with the three kinds of links the API also returns (four queries, like the API).
Target <= 1.5x. Every article is linked as the corpus generator links them (two initiatives,
three entities, two topics, from pools of a realistic size), so link rows are 7x the articles.

Then a full sync: a partner's first walk of every article, ``?updated_since=`` in
``ordering=updated_at`` (every row sharing the timestamp of its bulk insert, as an ingest batch
does), 200 rows a page, gzipped: requests, seconds, and bytes on the wire.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median_of, setup_django  # noqa: E402

PAGE = 50
urlpatterns: list = []  # filled in main(): this module is the benchmark's URLconf


INITIATIVES, ENTITIES, TOPICS = 40, 400, 12
PER_ARTICLE = {"initiatives": 2, "entities": 3, "topics": 2}


def build(articles: int) -> None:
    """``articles`` rows by bulk insert, each linked like a real record."""
    from django.utils import timezone

    from articles.models import Article
    from tracker.models import ArticleInitiative, ArticleTopic, Entity, Initiative, Mention, Topic

    now = timezone.now()
    batch = 5000
    for start in range(0, articles, batch):
        Article.objects.bulk_create(
            Article(
                identity=f"bench-{n}",
                url=f"https://bench.example.org/posts/{n}/",
                title=f"Bench article {n} on magnets and separation",
                summary=f"Summary of bench article {n}: output, prices and policy.",
                content_text="Body text. " * 200,
                content_hash=f"{n:064d}",
                published_at=now - timezone.timedelta(minutes=articles - n),
                updated_at=now,
            )
            for n in range(start, min(start + batch, articles))
        )
    initiatives = Initiative.objects.bulk_create(
        Initiative(name=f"Bench initiative {n}", slug=f"bench-initiative-{n}", kind="stockpile")
        for n in range(INITIATIVES)
    )
    entities = Entity.objects.bulk_create(
        Entity(name=f"Bench entity {n}", slug=f"bench-entity-{n}", kind="company")
        for n in range(ENTITIES)
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"Bench topic {n}", slug=f"bench-topic-{n}") for n in range(TOPICS)
    )
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    for model, field, pool, per in (
        (ArticleInitiative, "initiative", initiatives, PER_ARTICLE["initiatives"]),
        (Mention, "entity", entities, PER_ARTICLE["entities"]),
        (ArticleTopic, "topic", topics, PER_ARTICLE["topics"]),
    ):
        for start in range(0, len(ids), batch):
            model.objects.bulk_create(
                model(article_id=pk, confidence=0.9, **{field: pool[(pk * 7 + k * 13) % len(pool)]})
                for pk in ids[start : start + batch]
                for k in range(per)
            )


def bare_articles(request):
    from django.http import JsonResponse

    from articles.api.views import LIST_COLUMNS
    from articles.models import Article

    rows = list(
        Article.objects.filter(is_hidden=False).order_by("-id").values(*LIST_COLUMNS)[:PAGE]
    )
    return JsonResponse({"results": rows})


def bare_with_links(request):
    from django.http import JsonResponse

    from articles.api.views import LIST_COLUMNS
    from articles.models import Article
    from tracker.models import ArticleInitiative, ArticleTopic, Mention

    rows = list(
        Article.objects.filter(is_hidden=False).order_by("-id").values(*LIST_COLUMNS)[:PAGE]
    )
    by_id = {row["id"]: row for row in rows}
    link = ("article_id", "state", "origin", "confidence", "updated_at")
    for key, model, target in (
        ("initiatives", ArticleInitiative, "initiative__slug"),
        ("entities", Mention, "entity__slug"),
        ("topics", ArticleTopic, "topic__slug"),
    ):
        for row in by_id.values():
            row[key] = []
        for found in (
            model.objects.filter(article_id__in=by_id).order_by("id").values(*link, target)
        ):
            by_id[found.pop("article_id")][key].append(found)
    return JsonResponse({"results": rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per timing")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_django()
    import logging

    from django.conf import settings
    from django.test import Client
    from django.urls import include, path

    from partners.services import api_key_create

    logging.disable(logging.WARNING)
    started = time.perf_counter()
    build(args.articles)
    build_s = time.perf_counter() - started
    if settings.IS_POSTGRES:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    urlpatterns[:] = [
        path("bare/articles/", bare_articles),
        path("bare/articles-links/", bare_with_links),
        path("", include("web.urls")),
    ]
    settings.ROOT_URLCONF = __name__
    _, raw = api_key_create(name="Bench", rate_per_minute=10_000_000)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}", HTTP_HOST="localhost")

    def timed(url: str):
        def run():
            for _ in range(args.requests):
                response = client.get(url)
                assert response.status_code == 200, response.content[:300]

        return run

    api_url = f"/api/v1/articles/?page_size={PAGE}"
    assert len(client.get(api_url).json()["results"]) == PAGE
    timings = {}
    for url in (api_url, "/bare/articles/", "/bare/articles-links/"):
        timed(url)()  # warm up
    for _ in range(args.repeat):  # interleaved, so drift hits all three alike
        for name, url in (
            ("api", api_url),
            ("bare", "/bare/articles/"),
            ("bare_links", "/bare/articles-links/"),
        ):
            timings.setdefault(name, []).append(median_of(timed(url), repeat=1) / args.requests)
    api_s, bare_s, links_s = (min(timings[k]) for k in ("api", "bare", "bare_links"))

    print(f"# API benchmark — {machine()}")
    print(f"{args.articles} articles built in {build_s:.1f} s (bulk insert)")
    print(f"DRF /api/v1/articles/ (50 rows, links):   {api_s * 1000:7.2f} ms/request")
    print(f"bare JsonResponse, values() of articles: {bare_s * 1000:7.2f} ms/request")
    print(f"bare JsonResponse, values() + links:     {links_s * 1000:7.2f} ms/request")
    sync = full_sync(client)
    print()
    print("| measure | ratio | target |")
    print("| --- | --- | --- |")
    same = "DRF endpoint ÷ bare JsonResponse (same values() + links)"
    print(f"| {same} | {api_s / links_s:.2f}× | ≤ 1.5× |")
    alone = "DRF endpoint ÷ bare JsonResponse (article values() only)"
    print(f"| {alone} | {api_s / bare_s:.2f}× | (reported) |")
    print()
    print(f"Full sync of {sync['rows']} articles (updated_since, by updated_at, 200 a page, gzip):")
    print(f"  {sync['requests']} requests, {sync['seconds']:.1f} s, "
          f"{sync['bytes'] / 1e6:.1f} MB on the wire ({sync['plain'] / 1e6:.1f} MB unzipped), "
          f"{sync['rows'] / sync['seconds']:.0f} rows/s")  # fmt: skip


def full_sync(client) -> dict:
    """A partner's first walk of every article; each id must come exactly once."""
    import gzip
    import json

    url = "/api/v1/articles/?updated_since=1970-01-01T00:00:00Z&ordering=updated_at&page_size=200"
    seen, requests, wire, plain = set(), 0, 0, 0
    started = time.perf_counter()
    while url:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, response.content[:300]
        body = gzip.decompress(response.content)
        data = json.loads(body)
        ids = {row["id"] for row in data["results"]}
        assert not ids & seen, "a row seen twice"
        seen |= ids
        requests, wire, plain = requests + 1, wire + len(response.content), plain + len(body)
        url = data["next"]
    seconds = time.perf_counter() - started
    return {"rows": len(seen), "requests": requests, "seconds": seconds, "bytes": wire,
            "plain": plain}  # fmt: skip


if __name__ == "__main__":
    main()
