"""ETag and Last-Modified: an unchanged list or detail is a 304."""

import pytest

from articles.services import article_hide
from tests.factories import make_article, make_initiative
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/articles/", "/api/v1/initiatives/forge/"])
def test_an_unchanged_resource_is_304_by_etag(api, url):
    make_article(title="One")
    make_initiative(slug="forge")
    first = api.get(url)
    assert first.status_code == 200
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_change_makes_a_new_etag(api):
    article = make_article(title="Before")
    first = api.get("/api/v1/articles/")
    article.title = "After"
    article.save()
    again = api.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json()["results"][0]["title"] == "After"


def test_last_modified_gives_304_until_the_detail_changes(api):
    make_initiative(slug="forge")
    first = api.get("/api/v1/initiatives/forge/")
    stamp = first["Last-Modified"]
    assert api.get("/api/v1/initiatives/forge/", HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304
    initiative = Initiative.objects.get(slug="forge")
    initiative.summary = "Changed later."
    initiative.updated_at = initiative.updated_at.replace(year=initiative.updated_at.year + 1)
    Initiative.objects.filter(pk=initiative.pk).update(
        summary=initiative.summary, updated_at=initiative.updated_at
    )
    assert api.get("/api/v1/initiatives/forge/", HTTP_IF_MODIFIED_SINCE=stamp).status_code == 200


def test_if_modified_since_never_304s_a_list_an_article_left(api):
    make_article(title="Stays")
    leaving = make_article(title="Leaves")
    first = api.get("/api/v1/articles/")
    stamp = first["Last-Modified"]
    assert api.get("/api/v1/articles/", HTTP_IF_MODIFIED_SINCE=stamp).status_code == 200
    article_hide(article=leaving)  # the list's newest row is now older than before
    again = api.get("/api/v1/articles/", HTTP_IF_MODIFIED_SINCE=stamp)
    assert again.status_code == 200
    assert [row["title"] for row in again.json()["results"]] == ["Stays"]


def test_a_detail_with_included_claims_is_not_304_after_a_claim_changed(api):
    from tests.factories import make_claim
    from tracker.services.claims import claim_review

    article = make_article(title="With a claim")
    claim = make_claim(articles=[article])
    url = f"/api/v1/articles/{article.pk}/?include=claims"
    first = api.get(url)
    stamp = first.get("Last-Modified") or "Fri, 01 Jan 2100 00:00:00 GMT"
    claim_review(claim=claim, status="disputed", user=None, note="Other figures.")
    again = api.get(url, HTTP_IF_MODIFIED_SINCE=stamp)
    assert again.status_code == 200 and again.json()["claims"][0]["status"] == "disputed"
