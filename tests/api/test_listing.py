"""Lists: filters, ordering, stable cursor pagination, and a constant number of queries."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    link_article,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_topic,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def walk(api, url: str, on_page=None) -> list[dict]:
    rows, pages = [], 0
    while url:
        data = api.get(url).json()
        rows += data["results"]
        url = data["next"]
        pages += 1
        if on_page:
            on_page(pages)
    return rows


def test_pages_stay_stable_while_articles_are_added(api):
    originals = [make_article(title=f"Old {n}") for n in range(7)]

    def add_during_walk(page: int) -> None:
        make_article(title=f"New after page {page}")

    rows = walk(api, "/api/v1/articles/?page_size=3", on_page=add_during_walk)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))  # nothing twice
    assert {a.pk for a in originals} <= set(ids)  # nothing skipped
    assert all(row["title"].startswith("Old") for row in rows)  # newer rows come on later walks


def test_page_size_is_capped(api, settings):
    settings.PARTNERS = {**settings.PARTNERS, "MAX_PAGE_SIZE": 2}
    for n in range(3):
        make_article(title=f"A {n}")
    assert len(api.get("/api/v1/articles/?page_size=50").json()["results"]) == 2


def test_list_queries_do_not_grow_with_the_page(api):
    def build(n: int) -> None:
        topic, initiative, entity = make_topic(), make_initiative(), make_entity()
        for _ in range(n):
            article = make_article()
            link_article(article, topic)
            link_article(article, initiative)
            link_article(article, entity)
            make_claim(articles=[article], subject_initiative=initiative).initiatives.add(
                initiative
            )

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    urls = ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/initiatives/", "/api/v1/topics/",
            "/api/v1/entities/"]  # fmt: skip
    api.get("/api/v1/topics/")  # the key's last-used stamp is written once, not per request
    build(2)
    small = [count(url) for url in urls]
    build(20)
    large = [count(url) for url in urls]
    assert small == large
    assert large[0] == 5  # the key, the articles, and their three kinds of links


def test_filters_narrow_the_articles(api):
    topic, initiative, entity = (
        make_topic(slug="magnets"),
        make_initiative(slug="vault"),
        make_entity(slug="mp"),
    )
    on_topic = make_article(title="On topic", published_at=datetime(2026, 1, 10, tzinfo=UTC))
    rejected = make_article(title="Rejected link", published_at=datetime(2026, 2, 10, tzinfo=UTC))
    other = make_article(title="Other", published_at=datetime(2026, 3, 10, tzinfo=UTC))
    link_article(on_topic, topic)
    link_article(on_topic, initiative)
    link_article(on_topic, entity)
    now = datetime.now(UTC)
    link_article(rejected, topic, state="rejected", decided_at=now)
    make_claim(articles=[other], status="disputed", reviewed_at=now,
               needs_independent_verification=True)  # fmt: skip

    assert titles(api.get("/api/v1/articles/?topic=magnets")) == ["On topic"]
    assert titles(api.get("/api/v1/articles/?initiative=vault")) == ["On topic"]
    assert titles(api.get("/api/v1/articles/?entity=mp")) == ["On topic"]
    assert titles(api.get("/api/v1/articles/?claim_status=disputed")) == ["Other"]
    assert titles(api.get("/api/v1/articles/?needs_independent_verification=true")) == ["Other"]
    assert titles(
        api.get(
            "/api/v1/articles/?published_after=2026-02-01T00:00:00Z&published_before=2026-03-01"
        )
    ) == ["Rejected link"]
    assert titles(api.get("/api/v1/articles/?ordering=id")) == [
        "On topic",
        "Rejected link",
        "Other",
    ]
    assert api.get("/api/v1/articles/?ordering=title").status_code == 400  # unknown: said so


def test_q_searches_titles(api):
    make_article(title="Gallium export curbs", summary="")
    make_article(title="Copper prices", summary="")
    from articles.search import full_text_enabled, search_vectors_update

    if full_text_enabled():
        search_vectors_update()
    assert titles(api.get("/api/v1/articles/?q=gallium")) == ["Gallium export curbs"]


def test_claims_filter_by_status_verification_and_initiative(api):
    vault = make_initiative(slug="vault")
    now = datetime.now(UTC)
    stated = [make_article()]  # claims reach partners through a published article
    about = make_claim(articles=stated, subject_initiative=vault)
    named = make_claim(articles=stated)
    named.initiatives.add(vault)
    make_claim(
        articles=stated, status="disputed", reviewed_at=now, needs_independent_verification=True
    )

    def ids(url: str) -> set[int]:
        return {row["id"] for row in api.get(url).json()["results"]}

    assert ids("/api/v1/claims/?initiative=vault") == {about.pk, named.pk}
    assert len(ids("/api/v1/claims/?status=disputed")) == 1
    assert ids("/api/v1/claims/?needs_independent_verification=true") == ids(
        "/api/v1/claims/?status=disputed"
    )
    claim = api.get(f"/api/v1/claims/{about.pk}/").json()
    assert claim["subject"] == {"type": "initiative", "slug": "vault"}


def test_details_by_slug_and_id(api):
    initiative = make_initiative(slug="forge", acronym="FORGE")
    article = make_article(title="Body", content_html="<p>Full text</p>")
    link_article(article, initiative)
    assert api.get("/api/v1/initiatives/forge/").json()["acronym"] == "FORGE"
    detail = api.get(f"/api/v1/articles/{article.pk}/").json()
    assert detail["content_html"] == "<p>Full text</p>"
    assert detail["initiatives"][0]["initiative"] == "forge"
    listed = api.get("/api/v1/articles/").json()["results"][0]
    assert "content_html" not in listed  # bodies only when asked
    with_body = api.get("/api/v1/articles/?include=body").json()["results"][0]
    assert with_body["content_html"] == "<p>Full text</p>"
