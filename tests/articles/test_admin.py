"""The articles' admin: read-mostly articles with hide/unhide, feeds, and lists that stay fast."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.admin import EstimatedCountPaginator
from articles.models import Article, Feed, FeedFetch
from reex.caching import VERSION_KEY, page_cache
from tests.factories import make_admin_editor, make_article

pytestmark = pytest.mark.django_db

ARTICLES = reverse("admin:articles_article_changelist")


@pytest.fixture
def desk(client):
    client.force_login(make_admin_editor())
    return client


def test_hide_and_unhide_act_once_and_invalidate_reader_pages(
    django_capture_on_commit_callbacks,
):
    article = make_article()
    page_cache().set(VERSION_KEY, "before")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.article_hide(article=article) is True
    assert page_cache().get(VERSION_KEY) != "before"
    assert Article.objects.get(pk=article.pk).is_hidden
    assert not Article.objects.published().filter(pk=article.pk).exists()
    page_cache().set(VERSION_KEY, "hidden")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.article_hide(article=article) is False  # already hidden: no-op
    assert page_cache().get(VERSION_KEY) == "hidden"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.article_unhide(article=article) is True
    assert page_cache().get(VERSION_KEY) != "hidden"
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_editors_hide_and_unhide_from_the_changelist(desk):
    shown, other = make_article(), make_article()
    desk.post(ARTICLES, {"action": "hide", "_selected_action": [shown.pk]})
    assert list(Article.objects.filter(is_hidden=True)) == [shown]
    desk.post(ARTICLES, {"action": "unhide", "_selected_action": [shown.pk, other.pk]})
    assert not Article.objects.filter(is_hidden=True).exists()


def test_articles_are_read_only_and_never_deleted(desk):
    article = make_article(title="From the feed")
    url = reverse("admin:articles_article_change", args=[article.pk])
    desk.post(url, {"title": "Edited"})
    article.refresh_from_db()
    assert article.title == "From the feed"
    assert desk.get(reverse("admin:articles_article_add")).status_code == 403
    assert desk.get(reverse("admin:articles_article_delete", args=[article.pk])).status_code == 403


def test_article_page_shows_its_links_mentions_and_claims(desk, sample_tracker):
    article = Article.objects.get(title__startswith="Project Vault Gets Its Banker")
    response = desk.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Project Vault" in html  # initiative link inline
    assert "Export-Import Bank" in html  # mention inline
    claim = article.claim_appearances.select_related("claim").first().claim
    assert reverse("admin:tracker_claim_change", args=[claim.pk]) in html
    assert f"{reverse('admin:tracker_review_queue')}?article={article.pk}" in html


def test_article_changelist_queries_are_fixed_and_skip_bodies(desk, django_assert_max_num_queries):
    for _ in range(60):
        make_article(content_text="a long body " * 500, content_html="<p>body</p>" * 200)
    with CaptureQueriesContext(connection) as queries:
        with django_assert_max_num_queries(10):
            response = desk.get(ARTICLES)
    assert response.status_code == 200
    listing = [
        q["sql"] for q in queries if "ORDER BY" in q["sql"] and "articles_article" in q["sql"]
    ]
    assert listing and all("content_text" not in sql for sql in listing)
    # No full COUNT(*): the paginator's count stops after EXACT_UP_TO rows.
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


def test_paginator_counts_exactly_up_to_its_limit(monkeypatch):
    for _ in range(5):
        make_article()
    assert EstimatedCountPaginator(Article.objects.all(), 2).count == 5
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 3)
    count = EstimatedCountPaginator(Article.objects.all(), 2).count
    assert count >= 4  # past the limit: at least what was counted (an estimate on PostgreSQL)


@pytest.mark.postgres
def test_paginator_estimates_large_lists_from_the_planner(monkeypatch):
    for _ in range(30):
        make_article()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 10)
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Article.objects.all(), 5).count
    assert count >= 11 and abs(count - 30) <= 10
    assert any(q["sql"].startswith("EXPLAIN") for q in queries)


@pytest.mark.postgres
def test_paginator_takes_a_large_tables_estimate_without_counting_it(monkeypatch):
    for _ in range(5):
        make_article()
    monkeypatch.setattr("articles.admin._planner_rows", lambda queryset: 500_000)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(Article.objects.all(), 5).count == 500_000
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    # A filtered list is counted all the same: the planner's guess at a filter can be far off.
    assert EstimatedCountPaginator(Article.objects.filter(is_hidden=False), 5).count == 5


@pytest.mark.postgres
def test_article_search_uses_the_full_text_index(desk, sample_tracker):  # indexed
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(ARTICLES, {"q": "banker stockpile"})
    titles = [a.title for a in response.context["cl"].result_list]
    assert titles and all("Vault" in t or "stockpile" in t.lower() for t in titles)
    assert any(t.startswith("Project Vault Gets Its Banker") for t in titles)
    searched = [q["sql"] for q in queries if "websearch_to_tsquery" in q["sql"]]
    assert searched and not any(" LIKE " in sql.upper() for sql in searched)


def test_feed_changelist_shows_the_last_outcome_and_fetch_now_enqueues(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    feed = Feed.objects.create(url="https://feeds.example.org/a.xml")
    FeedFetch.objects.create(feed=feed, outcome=FeedFetch.Outcome.HTTP_ERROR, http_status=500)
    FeedFetch.objects.create(feed=feed, outcome=FeedFetch.Outcome.NOT_MODIFIED)
    response = desk.get(reverse("admin:articles_feed_changelist"))
    assert "Not modified (304)" in response.content.decode()

    queued = []
    from articles import tasks

    monkeypatch.setattr(tasks.fetch_feed, "delay", queued.append)
    changelist = reverse("admin:articles_feed_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(changelist, {"action": "fetch_now", "_selected_action": [feed.pk]})
    assert queued == [feed.pk]
    desk.post(changelist, {"action": "pause", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert feed.status == "paused" and "admin-editor" in feed.paused_reason
    desk.post(changelist, {"action": "resume", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_errors) == ("active", 0)
