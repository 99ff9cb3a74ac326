"""The reader-facing pages, through the Django test client."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Feed, Story
from articles.search import search_vectors_update
from reex.caching import page_cache, reader_pages_invalidate

from .feeds import item
from .reader import (  # noqa: F401 (the fixtures are used by name)
    STATE_MEDIA_BODY,
    article_create,
    empty_cache_fixture,
    feed_fixture,
    ingest,
)

pytestmark = pytest.mark.django_db

HTML_PAGES = ["/", "/articles/", "/search/", "/search/?q=magnet", "/does-not-exist/"]


def page_text(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    html = page_text(response)
    return html[html.index("<main") : html.index("</main>")]


# --- home and list ------------------------------------------------------------------------------


def test_home_shows_latest_articles_but_never_hidden_ones(client, feed):
    ingest(feed, item(1, title="Separation plant opens"), item(2, title="Quota cut announced"))
    Article.objects.filter(title="Quota cut announced").update(is_hidden=True)

    response = client.get("/")

    assert response.status_code == 200
    html = page_text(response)
    assert "Separation plant opens" in html
    assert "Quota cut announced" not in html
    assert "Latest articles" in html


def test_home_without_articles_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No articles yet" in page_text(response)


def test_article_list_paginates_newest_first_and_404s_past_the_end(client, db):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(25):
        article_create(title=f"Day {day:02d} report", published_at=start + timedelta(days=day))
    article_create(title="Undated report", published_at=None)

    first = page_text(client.get("/articles/"))
    second = page_text(client.get("/articles/?page=2"))

    assert first.index("Day 24 report") < first.index("Day 23 report")
    assert "Day 05 report" in first and "Day 04 report" not in first
    assert "Day 04 report" in second
    assert "Undated report" in second  # undated posts come last, not first
    assert 'rel="next" href="?page=2"' in first
    assert 'rel="prev" href="?"' in second  # page 1 has no ?page=1 twin
    assert client.get("/articles/?page=3").status_code == 404
    assert client.get("/articles/?page=abc").status_code == 404


# --- article page -------------------------------------------------------------------------------


def test_article_page_shows_content_sections_discussion_original_and_tags(client, feed):
    ingest(feed, item(1, title="Magnet line restarts", body=STATE_MEDIA_BODY, comments=3))
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(
        comments_url="https://forum.example.org/t/magnet-line/"
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = main_of(response)
    assert "<h1" in html and "Magnet line restarts" in html
    assert "Output of separated oxide rose 12% in 2025." in html  # highlights
    assert "REEx take" in html and "Claims of capacity need a second source." in html
    assert "Sources cited" in html and "Example Daily (translated)" in html
    assert "3 comments" in html
    assert 'href="https://forum.example.org/t/magnet-line/"' in html
    assert 'href="https://feeds.example.org/posts/1/"' in html and "Read the original post" in html
    assert "Policy" in html  # the feed's category, as a tag
    assert '<time datetime="2026-02-02T10:01:00+00:00">' in html
    # The sanitized body is rendered as HTML, not escaped.
    assert "<p>The group says its magnet plant is running at full capacity.</p>" in html


def test_article_page_shows_each_section_once_in_its_own_box(client, feed):
    ingest(feed, item(1, body=STATE_MEDIA_BODY))
    article = Article.objects.get()

    html = main_of(client.get(article.get_absolute_url()))
    # The ingest has enriched the article (in-process): its claims quote a highlight, as a claim.
    claims = html.index('<section class="article-claims"')
    html = html[:claims] + html[html.index("</section>", claims) :]

    for text in (
        "Output of separated oxide rose 12% in 2025.",
        "Claims of capacity need a second source.",
        "Example Daily (translated)",
        "Content from media affiliated with a Chinese state-owned enterprise.",
    ):
        assert html.count(text) == 1, text
    body = html[html.index('class="prose"') :]
    assert "The group says its magnet plant is running at full capacity." in body
    assert "Highlights" not in body and "Claims of capacity" not in body


def test_article_page_body_keeps_a_section_an_editor_rewrote(client, feed):
    ingest(feed, item(1, body=STATE_MEDIA_BODY))
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(takeaway="A rewritten take.")

    html = main_of(client.get(article.get_absolute_url()))

    body = html[html.index('class="prose"') :]
    assert "A rewritten take." in html and "Claims of capacity need a second source." in body
    assert "Output of separated oxide rose 12% in 2025." not in body


def test_state_media_notice_is_shown_prominently_before_the_content(client, feed):
    ingest(feed, item(1, body=STATE_MEDIA_BODY))
    article = Article.objects.get()
    assert article.is_state_media

    html = main_of(client.get(article.get_absolute_url()))

    notice = html.index('class="notice notice--state-media"')
    assert 'role="note"' in html
    assert "State-media source" in html
    assert notice < html.index('class="prose"')
    assert notice < html.index("Highlights")
    assert "Content from media affiliated with a Chinese state-owned enterprise." in html


def test_article_without_disclosure_has_no_notice(client, feed):
    ingest(feed, item(1, body="<p>An ordinary report on magnet prices.</p>"))
    html = page_text(client.get(Article.objects.get().get_absolute_url()))
    assert "notice" not in html
    assert "State-media source" not in html


def test_disclosure_without_state_media_is_shown_as_a_disclosure(client, db):
    article = article_create(disclosure="The author holds shares in the company.")
    html = main_of(client.get(article.get_absolute_url()))
    assert 'class="notice"' in html and "Disclosure" in html
    assert "The author holds shares in the company." in html
    assert "State-media source" not in html


def test_hidden_article_is_not_found(client, db):
    article = article_create(title="Withdrawn story", is_hidden=True)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{article.pk}/").status_code == 404


def test_short_and_outdated_article_urls_redirect_permanently_to_the_canonical_one(client, db):
    article = article_create(title="Vault loans approved")

    for path in (f"/articles/{article.pk}/", f"/articles/{article.pk}/an-old-title/"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == f"/articles/{article.pk}/vault-loans-approved/"


def test_only_sanitized_content_is_rendered_unescaped(client, db):
    article = article_create(
        title="<script>alert('title')</script>",
        summary="<img src=x onerror=alert(1)>",
        highlights=["<b>bold claim</b>"],
        takeaway="<i>take</i>",
        sources=["<a href='javascript:alert(1)'>src</a>"],
        disclosure="<em>notice</em>",
        author="<u>author</u>",
        url="javascript:alert(1)",
        comments_url="javascript:alert(2)",
        content_html="<p>Safe <strong>body</strong></p>",
    )

    html = page_text(client.get(article.get_absolute_url()))

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>bold claim</b>" not in html and "&lt;b&gt;bold claim&lt;/b&gt;" in html
    assert "<i>take</i>" not in html and "<em>notice</em>" not in html
    assert "<u>author</u>" not in html
    assert "javascript:" not in html.replace("&#x27;javascript:alert(1)&#x27;", "")
    assert "<p>Safe <strong>body</strong></p>" in html


def test_article_page_has_opengraph_and_canonical_tags(client, db):
    article = article_create(title="Pax Silica adds a member", summary="The UAE joined.")

    html = page_text(client.get(article.get_absolute_url()))

    url = f"http://testserver/articles/{article.pk}/pax-silica-adds-a-member/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Pax Silica adds a member">' in html
    assert '<meta property="og:description" content="The UAE joined.">' in html
    assert '<meta property="article:published_time" content="2026-02-02T10:00:00+00:00">' in html


# --- around the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_page_has_a_strict_csp_and_no_inline_script_or_style(client, db, path):
    article_create(title="A magnet story")

    response = client.get(path)

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    html = page_text(response)
    assert "<script" not in html
    assert not re.search(r"<style|\sstyle=", html)
    assert 'href="/static/css/site.css"' in html


def test_article_page_has_the_csp_too(client, db):
    article = article_create()
    response = client.get(article.get_absolute_url())
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = page_text(response)
    assert "We can’t find that page" in html
    assert 'action="/search/"' in html and 'href="/articles/"' in html


def test_500_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "/static/css/site.css" in html


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_sitemap_lists_published_articles_only(client, db):
    shown = article_create(title="Listed article")
    hidden = article_create(title="Hidden article", is_hidden=True)

    index = client.get("/sitemap.xml")
    section = client.get("/sitemap-articles.xml")

    assert index.status_code == 200 and section.status_code == 200
    assert "http://testserver/sitemap-articles.xml" in index.content.decode()
    assert "http://testserver/sitemap-pages.xml" in index.content.decode()
    body = section.content.decode()
    assert f"http://testserver{shown.get_absolute_url()}" in body
    assert f"/articles/{hidden.pk}/" not in body
    assert "<lastmod>" in body


# --- query caps and caching ---------------------------------------------------------------------


def _add_articles(first, other, numbers: range) -> None:
    bodies = {0: STATE_MEDIA_BODY, 1: "<p>Body.</p>", 2: "<p>Another body.</p>"}
    ingest(first, *(item(n, body=bodies[n % 3], comments=n) for n in numbers))
    # The same posts through a second feed: every article gets tags from two feeds.
    ingest(other, *(item(n, category="Magnets") for n in numbers))
    # Ingest grouped these look-alike posts into a few stories, which lists show once: the pages
    # are measured over as many reports as were added.
    Article.objects.update(story=None)
    Story.objects.all().delete()
    search_vectors_update()


PAGES_UNDER_CAP = [
    "/",
    "/articles/",
    "/articles/?page=2",
    "{article}",
    "/search/?q=number",
    "/search/?q=post&start=2026-01-01&end=2026-03-01&page=2",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-pages.xml",
    "/robots.txt",
]


def _queries_per_page(client, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        page_cache().clear()  # each page built from the database, as on a first visit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_pages_stay_within_ten_queries_whatever_the_data_size(client, feed):
    """Every page within ten queries with 45 articles, and no more with 300. One data set serves
    every page: ingesting it was nine tenths of the time when each page had a test of its own."""
    other = Feed.objects.create(url="https://feeds.example.org/other/")
    _add_articles(feed, other, range(45))
    Article.objects.filter(title__endswith="number 7").update(is_hidden=True)
    article = Article.objects.published().first().get_absolute_url()
    paths = [path.format(article=article) for path in PAGES_UNDER_CAP]

    small = _queries_per_page(client, paths)
    _add_articles(feed, other, range(45, 300))
    large = _queries_per_page(client, paths)

    assert {path: n for path, n in small.items() if n > 10} == {}
    assert {path: (small[path], n) for path, n in large.items() if n > small[path]} == {}


def test_a_cached_page_costs_one_query_and_new_content_shows_at_once(
    client, feed, django_assert_max_num_queries
):
    ingest(feed, item(1, title="First story"))
    assert "First story" in page_text(client.get("/"))

    with django_assert_max_num_queries(1):
        assert "First story" in page_text(client.get("/"))

    # Ingest moves updated_at: the next reader sees the new article without any call.
    ingest(feed, item(1, title="First story"), item(2, title="Second story"))
    assert "Second story" in page_text(client.get("/"))


def test_invalidation_hook_refreshes_pages_after_an_editor_change(
    client, db, django_capture_on_commit_callbacks
):
    article = article_create(title="Soon to be hidden")
    assert "Soon to be hidden" in page_text(client.get("/articles/"))

    # Hiding does not move updated_at: an editor's change goes through the hook.
    Article.objects.filter(pk=article.pk).update(is_hidden=True)
    assert "Soon to be hidden" in page_text(client.get("/articles/"))  # still cached
    with django_capture_on_commit_callbacks(execute=True):
        reader_pages_invalidate()

    assert "Soon to be hidden" not in page_text(client.get("/articles/"))


def test_signed_in_users_are_never_served_cached_pages(client, db):
    article_create(title="Cached for readers")
    client.get("/")
    editor = get_user_model().objects.create_user("editor", password="x")
    client.force_login(editor)
    Article.objects.update(title="Retitled by an editor")

    assert "Retitled by an editor" in page_text(client.get("/"))
