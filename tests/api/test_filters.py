"""What partners of news APIs expect: several values per filter, the publisher as `source`,
related records embedded with `include`, and CORS for browser apps holding a key."""

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import link_article, make_article, make_claim, make_entity, make_initiative

pytestmark = pytest.mark.django_db


def ids(api, url: str) -> set[int]:
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_slug_filters_take_several_values(api):
    vault, forge, other = (make_initiative(slug=s) for s in ("vault", "forge", "other"))
    a, b, c = make_article(), make_article(), make_article()
    link_article(a, vault)
    link_article(b, forge)
    link_article(c, other)
    assert ids(api, "/api/v1/articles/?initiative=vault,forge") == {a.pk, b.pk}
    assert ids(api, "/api/v1/articles/?initiative=vault") == {a.pk}
    about_vault = make_claim(articles=[a], subject_initiative=vault)
    about_forge = make_claim(articles=[b])
    about_forge.initiatives.add(forge)
    make_claim(articles=[c], subject_initiative=other)
    assert ids(api, "/api/v1/claims/?initiative=vault,forge") == {about_vault.pk, about_forge.pk}


def test_too_many_values_is_a_400(api):
    slugs = ",".join(f"s{n}" for n in range(51))
    response = api.get(f"/api/v1/articles/?initiative={slugs}")
    assert response.status_code == 400 and response.json()["parameter"] == "initiative"


def test_source_is_the_publishers_domain(api):
    main = make_article(url="https://www.harbour-times.example/a/1")
    sub = make_article(url="https://markets.harbour-times.example/b/2")
    other = make_article(url="https://not-harbour-times.example/c/3")
    make_article(url="https://elsewhere.example/harbour-times.example/d")
    assert ids(api, "/api/v1/articles/?source=harbour-times.example") == {main.pk, sub.pk}
    both = "/api/v1/articles/?source=harbour-times.example,not-harbour-times.example"
    assert ids(api, both) == {main.pk, sub.pk, other.pk}
    row = api.get(f"/api/v1/articles/{main.pk}/").json()
    assert row["source"] == "harbour-times.example"


def test_include_embeds_claims_and_initiatives(api):
    vault = make_initiative(slug="vault", name="Harbour Reserve", acronym="HR", status="active")
    article = make_article()
    link_article(article, vault)
    claim = make_claim(articles=[article], statement="The reserve holds 40 tonnes.")
    plain = api.get("/api/v1/articles/").json()["results"][0]
    assert "claims" not in plain and "name" not in plain["initiatives"][0]

    row = api.get("/api/v1/articles/?include=claims,initiatives").json()["results"][0]
    assert [(c["id"], c["statement"]) for c in row["claims"]] == [
        (claim.pk, "The reserve holds 40 tonnes.")
    ]
    link = row["initiatives"][0]
    assert (link["initiative"], link["name"], link["acronym"], link["status"]) == (
        "vault", "Harbour Reserve", "HR", "active",
    )  # fmt: skip
    detail = api.get(f"/api/v1/articles/{article.pk}/?include=claims").json()
    assert detail["claims"][0]["id"] == claim.pk
    response = api.get("/api/v1/articles/?include=comments")
    assert response.status_code == 400 and response.json()["parameter"] == "include"


def test_ordering_by_publication_date(api):
    late = make_article(published_at=datetime(2026, 5, 1, tzinfo=UTC))
    early = make_article(published_at=datetime(2026, 1, 1, tzinfo=UTC))
    undated = make_article(published_at=None)
    rows = api.get("/api/v1/articles/?ordering=-published_at").json()["results"]
    assert [r["id"] for r in rows] == [late.pk, early.pk, undated.pk]


def test_entity_and_topic_filters_on_tracker_lists(api):
    bank, port = make_entity(slug="bank"), make_entity(slug="port")
    vault = make_initiative(slug="vault")
    vault.sponsorships.create(entity=bank)
    forge = make_initiative(slug="forge")
    forge.sponsorships.create(entity=port)
    make_initiative(slug="third")
    rows = api.get("/api/v1/initiatives/?entity=bank,port").json()["results"]
    assert {r["slug"] for r in rows} == {"vault", "forge"}


@override_settings(CORS_ALLOWED_ORIGINS=["https://desk.partner.example"])
def test_cors_lets_a_listed_origin_read_with_a_key(api):
    make_article()
    response = api.get("/api/v1/articles/", HTTP_ORIGIN="https://desk.partner.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://desk.partner.example"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "RateLimit" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response

    other = api.get("/api/v1/articles/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


@override_settings(CORS_ALLOWED_ORIGINS=["https://desk.partner.example"])
def test_a_preflight_needs_no_key():
    response = APIClient().options(
        "/api/v1/articles/",
        HTTP_ORIGIN="https://desk.partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-api-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://desk.partner.example"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "x-api-key" in allowed
    assert "POST" not in response["Access-Control-Allow-Methods"]


@override_settings(CORS_ALLOWED_ORIGINS=["https://desk.partner.example"])
def test_pages_outside_the_api_get_no_cors(client):
    response = client.get("/", HTTP_ORIGIN="https://desk.partner.example")
    assert "Access-Control-Allow-Origin" not in response


def test_language_comes_from_the_feed_and_filters(api):
    from articles.parsing import parse_feed

    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
  <title>Harbour Times</title><id>urn:harbour</id><updated>2026-01-01T00:00:00Z</updated>
  <entry><id>urn:1</id><title>Reserve grows</title><updated>2026-01-01T00:00:00Z</updated>
    <link href="https://harbour.example/1"/><content type="text">Tonnes.</content></entry>
  <entry xml:lang="fr"><id>urn:2</id><title>La reserve</title>
    <updated>2026-01-01T00:00:00Z</updated>
    <link href="https://harbour.example/2"/><content type="text">Tonnes.</content></entry>
</feed>"""
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>https://t.example/</link><language>de_DE</language>
<item><title>Seltene Erden</title><link>https://t.example/3</link></item></channel></rss>"""
    entries = parse_feed(feed, url="https://harbour.example/feed").entries
    entries += parse_feed(rss, url="https://t.example/feed").entries
    assert [e.language for e in entries] == ["en-gb", "fr", "de-de"]
    english, french, german = (make_article(title=e.title, language=e.language) for e in entries)
    make_article(title="Undeclared")
    assert ids(api, "/api/v1/articles/?language=en") == {english.pk}
    assert ids(api, "/api/v1/articles/?language=fr,de") == {french.pk, german.pk}
    assert ids(api, "/api/v1/articles/?language=en-GB") == {english.pk}
    assert api.get(f"/api/v1/articles/{english.pk}/").json()["language"] == "en-gb"


def test_included_figures_read_as_on_the_claims_endpoint(api):
    article = make_article()
    claim = make_claim(articles=[article], value=10, unit="t")
    row = api.get(f"/api/v1/articles/{article.pk}/?include=claims").json()
    assert row["claims"][0]["value"] == api.get(f"/api/v1/claims/{claim.pk}/").json()["value"]
    assert row["claims"][0]["value"] == "10.000000"
