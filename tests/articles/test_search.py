"""Search: PostgreSQL full text (stemming, ranking with a cap, highlighted snippets), the SQLite
fallback, date filters, and the indexer that keeps the stored vectors current."""

from datetime import UTC, datetime

import pytest

from articles import search
from articles.models import Article
from articles.search import search_articles, search_vectors_update, snippet_parts

from .feeds import item
from .reader import (  # noqa: F401 (the fixtures are used by name)
    article_create,
    empty_cache_fixture,
    feed_fixture,
    ingest,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [hit.article.title for hit in response.context["results"].hits]


def test_search_page_without_a_query_shows_only_the_form(client, db):
    article_create(title="Magnet plant")
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert 'name="q"' in response.content.decode()


def test_search_finds_words_in_titles_and_summaries_and_marks_them(client, feed):
    ingest(
        feed,
        item(1, title="Vault loans approved for magnet makers"),
        item(2, title="Quota news", body="<p>Magnet exports fell in January.</p>"),
        item(3, title="Unrelated mining story"),
    )
    search_vectors_update()

    response = client.get("/search/?q=magnet")

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Quota news", "Vault loans approved for magnet makers"]
    assert "<mark>" in response.content.decode()


def test_fallback_without_full_text_matches_every_word_in_title_or_summary(monkeypatch, db):
    # The embedded SQLite default takes this path; forced here so it runs on PostgreSQL too.
    monkeypatch.setattr(search, "full_text_enabled", lambda: False)
    article_create(title="Vault loans for magnets", summary="EXIM approved the facility.")
    article_create(title="Magnet prices", summary="Nothing about loans here.")
    article_create(title="Loans", summary="Unrelated.")

    found = [a.title for a in search_articles(q="magnet loans")]

    assert sorted(found) == ["Magnet prices", "Vault loans for magnets"]
    parts = snippet_parts("EXIM approved loans for Magnets.", q="magnet loans")
    assert [p.text for p in parts if p.match] == ["loans", "Magnet"]


def test_hidden_articles_never_appear_in_results(client, db):
    article_create(title="Visible magnet story")
    article_create(title="Hidden magnet story", is_hidden=True)
    search_vectors_update()

    assert titles(client.get("/search/?q=magnet")) == ["Visible magnet story"]


def test_date_filters_bound_the_publication_day(client, db):
    for day in (3, 5, 7):
        article_create(
            title=f"Magnet report, day {day}",
            published_at=datetime(2026, 2, day, 23, 30, tzinfo=UTC),
        )
    search_vectors_update()

    response = client.get("/search/?q=magnet&start=2026-02-05&end=2026-02-07")
    assert sorted(titles(response)) == ["Magnet report, day 5", "Magnet report, day 7"]
    response = client.get("/search/?q=magnet&end=2026-02-04")
    assert titles(response) == ["Magnet report, day 3"]


def test_start_after_end_is_an_error_not_a_crash(client, db):
    response = client.get("/search/?q=magnet&start=2026-02-07&end=2026-02-01")
    assert response.status_code == 400
    assert response.context["results"] is None
    assert "The start date is after the end date." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("end=9999-12-31", "Enter a date up to 2999-12-31."),  # was a 500: the day after overflows
        ("start=9999-12-31", "Enter a date up to 2999-12-31."),
        ("start=0001-01-01", "Enter a date from 1900-01-01 on."),
        ("end=2026-02-31", "Enter a valid date."),
        ("topic=no-such-topic", "Select a valid choice."),
    ],
)
def test_a_bad_search_parameter_is_a_400_with_its_reason(client, db, query, reason):
    response = client.get(f"/search/?q=magnet&{query}")
    assert response.status_code == 400
    assert response.context["results"] is None
    assert reason in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"


def test_search_results_paginate_and_keep_the_query(client, db):
    for n in range(25):
        article_create(title=f"Magnet story {n}", published_at=datetime(2026, 2, n + 1, tzinfo=UTC))
    search_vectors_update()

    first = client.get("/search/?q=magnet")
    second = client.get("/search/?q=magnet&page=2")

    assert len(titles(first)) == 20 and len(titles(second)) == 5
    assert 'href="?q=magnet&amp;page=2"' in first.content.decode()
    assert client.get("/search/?q=magnet&page=3").status_code == 404


# --- PostgreSQL full text -----------------------------------------------------------------------


@pytest.mark.postgres
def test_stemmed_forms_match(client, feed):
    ingest(
        feed,
        item(1, title="Stockpiling resumes", body="<p>The agency is stockpiling oxides.</p>"),
        item(2, title="Price update", body="<p>Prices of separated oxides were flat.</p>"),
    )
    search_vectors_update()

    assert titles(client.get("/search/?q=stockpile")) == ["Stockpiling resumes"]
    assert sorted(titles(client.get("/search/?q=oxide"))) == ["Price update", "Stockpiling resumes"]


@pytest.mark.postgres
def test_title_matches_rank_above_body_matches(db):
    article_create(
        title="Budget news",
        content_text="A long report that mentions dysprosium once.",
        published_at=datetime(2026, 2, 9, tzinfo=UTC),
    )
    article_create(
        title="Dysprosium prices double",
        content_text="Prices rose.",
        published_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    search_vectors_update()

    assert [a.title for a in search_articles(q="dysprosium")] == [
        "Dysprosium prices double",
        "Budget news",
    ]


@pytest.mark.postgres
def test_snippets_highlight_matches_and_escape_markup(client, db):
    article_create(
        title="Terbium",
        content_text="Output <script>alert(1)</script> of terbium rose while terbium prices fell.",
    )
    search_vectors_update()

    response = client.get("/search/?q=terbium")
    html = response.content.decode()

    parts = response.context["results"].hits[0].snippet
    assert [p.text for p in parts if p.match] == ["terbium", "terbium"]
    assert "<mark>terbium</mark>" in html
    assert "<script>" not in html


@pytest.mark.postgres
def test_only_the_newest_matches_up_to_the_cap_are_ranked(client, monkeypatch, db):
    monkeypatch.setattr(search, "RANK_CAP", 3)
    for day in range(1, 6):
        article_create(title=f"Cerium day {day}", published_at=datetime(2026, 2, day, tzinfo=UTC))
    search_vectors_update()

    response = client.get("/search/?q=cerium")

    assert sorted(titles(response)) == ["Cerium day 3", "Cerium day 4", "Cerium day 5"]
    assert response.context["results"].capped
    assert "narrow the dates" in response.content.decode()
    # A date range reaches the older ones.
    assert "Cerium day 1" in titles(client.get("/search/?q=cerium&end=2026-02-02"))


@pytest.mark.postgres
def test_a_query_of_stop_words_or_symbols_finds_nothing_without_error(client, db):
    article_create(title="The state of the market")
    search_vectors_update()

    for q in ("the", "&|!", '"', "-"):
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200
        assert titles(response) == []


@pytest.mark.postgres
def test_indexer_indexes_new_and_edited_articles_and_skips_the_rest(feed):
    ingest(feed, item(1, title="Gallium controls", comments=0))
    assert Article.objects.filter(search_vector__isnull=True).count() == 1

    assert search_vectors_update() == 1
    assert search_vectors_update() == 0  # run twice: nothing left to do

    # A comment-count update keeps the vector; an edit marks the article for indexing again.
    ingest(feed, item(1, title="Gallium controls", comments=4))
    assert search_vectors_update() == 0
    ingest(feed, item(1, title="Germanium controls", comments=4))
    assert not list(search_articles(q="germanium"))
    assert search_vectors_update() == 1
    assert [a.title for a in search_articles(q="germanium")] == ["Germanium controls"]
    assert not list(search_articles(q="gallium"))


@pytest.mark.postgres
def test_indexer_works_through_a_backlog_in_batches(db):
    for n in range(7):
        article_create(title=f"Scandium note {n}")

    assert search_vectors_update(batch_size=3) == 7
    assert len(search_articles(q="scandium")) == 7
