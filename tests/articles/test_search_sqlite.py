"""Search on the embedded SQLite default: the FTS5 index covers bodies too, so `bin/demo` finds
what the PostgreSQL build finds. Runs on SQLite only (the PostgreSQL path is test_search.py)."""

import pytest
from django.db import connection

from articles import search
from articles.models import Article

from .feeds import item
from .reader import article_create, empty_cache_fixture, feed_fixture, ingest  # noqa: F401

# On PostgreSQL these are deselected (conftest): .ci/run runs them in a pass of its own on SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture(autouse=True)
def sqlite_only(db):
    assert connection.vendor == "sqlite", "the sqlite marker keeps these off PostgreSQL"


def titles(response) -> list[str]:
    return [hit.article.title for hit in response.context["results"].hits]


def test_words_found_only_in_the_body_are_found_and_marked(client, feed):
    ingest(
        feed,
        item(1, title="Quarterly update", body="<p>The refinery began stockpiling yttrium.</p>"),
        item(2, title="Unrelated mining story", body="<p>Copper output rose.</p>"),
    )
    assert search.sqlite_fts_enabled()

    response = client.get("/search/?q=stockpile+yttrium")

    assert response.status_code == 200
    assert titles(response) == ["Quarterly update"]  # "stockpile" stems to "stockpiling"
    html = response.content.decode()
    assert "<mark>stockpiling</mark>" in html and "<mark>yttrium</mark>" in html
    assert "article text" in html  # the hint says bodies are searched


def test_title_matches_rank_first_and_every_word_is_required(db):
    article_create(title="Cobalt notes", content_text="Gallium export rules tighten again.")
    article_create(title="Gallium export rules", content_text="Brief.")
    article_create(title="Gallium only", content_text="No other word.")

    found = [a.title for a in search.search_articles(q="gallium export")]

    assert found == ["Gallium export rules", "Cobalt notes"]


def test_edits_and_hiding_follow_through_the_index(db):
    article = article_create(title="Plant news", content_text="A samarium line opens.")
    assert [a.pk for a in search.search_articles(q="samarium")] == [article.pk]

    Article.objects.filter(pk=article.pk).update(content_text="A neodymium line opens.")
    assert list(search.search_articles(q="samarium")) == []
    assert [a.pk for a in search.search_articles(q="neodymium")] == [article.pk]

    Article.objects.filter(pk=article.pk).update(is_hidden=True)
    assert list(search.search_articles(q="neodymium")) == []
    Article.objects.filter(pk=article.pk).delete()
    assert list(search.search_articles(q="neodymium")) == []


@pytest.mark.parametrize("q", ['"', "AND OR NOT", "NEAR(a b", "title:magnet", "*", "-x"])
def test_query_syntax_in_the_words_is_never_an_error(client, q):
    article_create(title="Magnet title and near misses")
    assert client.get("/search/", {"q": q}).status_code == 200


def test_the_api_q_filter_searches_bodies_too(db):
    from rest_framework.test import APIClient

    from tests.factories import make_api_key

    article_create(title="Weekly digest", content_text="Praseodymium oxide prices rose.")
    _, raw = make_api_key(rate_per_minute=10_000)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    rows = api.get("/api/v1/articles/?q=praseodymium").json()["results"]
    assert [row["title"] for row in rows] == ["Weekly digest"]
