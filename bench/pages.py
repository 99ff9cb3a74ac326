"""Pages at scale: reader pages and the editors' changelists at 100,000 generated articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reex .venv/bin/python bench/pages.py

Builds the corpus (``--articles``, with links and claims from the real extraction), then for each
page, side by side in interleaved rounds: the queries it makes, its full request time through
Django's test client with the page cache cleared, and a bare ``values()`` query of the rows the
page lists, in the page's order. Targets: at most 10 queries per reader page; a changelist's SQL at
most 2× the bare paginated query's (Django's ``Paginator`` over a ``values()`` query of the same
rows: its count and its first page).

``--keepdb`` keeps the test database and its corpus for the next run, which then only measures;
``--pages home,topic`` measures only those pages.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import interleaved, machine, setup_django  # noqa: E402


def corpus_build(*, articles: int) -> None:
    """The generated corpus, enriched with the real extraction's links and claims, indexed."""
    from django.conf import settings
    from django.db import connection
    from tqdm import tqdm

    from articles.search import search_vectors_update
    from tracker.corpus import corpus_article_ids, corpus_generate
    from tracker.reference import read_reference
    from tracker.services.enrichment import articles_enrich
    from tracker.services.reference import reference_load

    reference_load(data=read_reference())
    with tqdm(total=articles, desc="corpus", file=sys.stderr) as bar:
        result = corpus_generate(articles=articles, progress=lambda n: bar.update(n - bar.n))
    ids = list(corpus_article_ids(feed=result.feed))
    with tqdm(total=len(ids), desc="links and claims", file=sys.stderr) as bar:
        for start in range(0, len(ids), 500):
            articles_enrich(article_ids=ids[start : start + 500])
            bar.update(len(ids[start : start + 500]))
    while search_vectors_update(seconds=5):
        pass
    if settings.IS_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--keepdb", action="store_true", help="reuse the corpus of an earlier --keepdb run"
    )
    parser.add_argument("--pages", help="comma-separated page names to measure (default: all)")
    args = parser.parse_args()

    setup_django(keepdb=args.keepdb)
    import logging

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import F
    from django.test import Client

    from reex.caching import page_cache

    logging.disable(logging.INFO)
    settings.ALLOWED_HOSTS = ["testserver"]  # the test client's host
    from articles.models import Article
    from tracker.models import ArticleInitiative, ArticleTopic, Claim, Initiative, Topic

    if not (args.keepdb and Article.objects.exists()):
        corpus_build(articles=args.articles)

    article = Article.objects.published().newest_first().first()
    initiative = (
        Initiative.objects.filter(slug="project-vault").first() or Initiative.objects.first()
    )
    topic = Topic.objects.order_by("slug").first()
    listing = ("id", "title", "summary", "published_at")
    visible = Article.objects.published().newest_first()  # the order its index serves

    def links_of(model, **target):
        # In the pages' order, which their index serves (newest article first, undated last).
        rows = (
            model.objects.filter(**target)
            .exclude(state="rejected")
            .order_by(F("article__published_at").desc(nulls_last=True), F("article__id").desc())
        )
        return list(rows[:20].values("article_id", "article__title"))

    def paginated(rows, per_page):
        """A bare paginated query: Django's Paginator over ``values()``, its count and page."""
        return lambda: list(Paginator(rows, per_page).page(1).object_list)

    reader_pages = {
        "home": ("/", lambda: list(visible[:8].values(*listing))),
        "article list": ("/articles/", lambda: list(visible[:20].values(*listing))),
        "article": (
            article.get_absolute_url(),
            lambda: list(
                Article.objects.filter(pk=article.pk).values("id", "title", "content_html")
            ),
        ),
        "topic": (f"/topics/{topic.slug}/", lambda: links_of(ArticleTopic, topic=topic)),
        "initiatives": (
            "/initiatives/",
            lambda: list(Initiative.objects.order_by("name").values("id", "name", "slug")),
        ),
        "initiative": (
            f"/initiatives/{initiative.slug}/",
            lambda: links_of(ArticleInitiative, initiative=initiative),
        ),
        "claims": (
            "/claims/",
            lambda: list(Claim.objects.order_by("-id")[:20].values("id", "status")),
        ),
    }
    admin_columns = ("id", "title", "published_at", "is_state_media", "comment_count", "is_hidden")
    admin_pages = {
        "admin articles": (
            "/admin/articles/article/",
            paginated(Article.objects.newest_first().values(*admin_columns), 100),
        ),
        "admin claims": (
            "/admin/tracker/claim/",
            paginated(Claim.objects.order_by("-id").values("id", "statement", "status"), 100),
        ),
    }

    reader = Client()
    editor = Client()
    users = get_user_model().objects
    admin_user = users.filter(username="bench").first()  # kept with the corpus (--keepdb)
    admin_user = admin_user or users.create_superuser("bench", "b@example.org", "x")
    editor.force_login(admin_user)

    def request(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def sql_of(fn):
        """Queries ``fn`` makes, and the time spent waiting on them (precise, unlike the log)."""
        spent = []

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            fn()
        return len(spent), sum(spent)

    counts = (Article.objects.count(), Claim.objects.count(), ArticleInitiative.objects.count())
    print(f"# Pages at scale — {machine()}: {counts[0]} articles, {counts[1]} claims, "
          f"{counts[2]} initiative links")  # fmt: skip
    print()
    print("| page | queries | request | its SQL | bare query | request ÷ bare | SQL ÷ bare |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    pages = {**reader_pages, **admin_pages}
    chosen = args.pages.split(",") if args.pages else list(pages)
    for name in chosen:
        url, bare = pages[name]
        client = editor if name.startswith("admin") else reader
        get = request(client, url)
        times = interleaved({"page": (get, page_cache().clear), "bare": bare}, rounds=args.rounds)
        page_cache().clear()
        count, page_sql = sql_of(get)
        _, bare_sql = sql_of(bare)
        print(f"| {name} | {count} | {times['page'] * 1000:.1f} ms | {page_sql * 1000:.1f} ms "
              f"| {times['bare'] * 1000:.1f} ms | {times['page'] / times['bare']:.1f}× "
              f"| {page_sql / max(bare_sql, 1e-4):.1f}× |")  # fmt: skip


if __name__ == "__main__":
    main()
