"""Incremental sync: a partner's copy, kept with ``updated_since``, matches a fresh full copy."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from articles.services import article_hide
from tests.api.sync import pull, since
from tests.factories import link_article, make_article, make_claim, make_initiative
from tracker.models import ArticleInitiative
from tracker.services.claims import claim_review
from tracker.services.links import article_initiative_decide

pytestmark = pytest.mark.django_db


def apply(copy: dict[int, dict], rows: list[dict]) -> None:
    """What a partner does with a sync page: upsert rows, delete tombstones."""
    for row in rows:
        if row["deleted"]:
            copy.pop(row["id"], None)
        else:
            copy[row["id"]] = row


def visible(article_row: dict) -> dict:
    """A partner's view of an article: rejected links count as removed."""
    return {
        **article_row,
        "initiatives": sorted(
            link["initiative"] for link in article_row["initiatives"] if link["state"] != "rejected"
        ),
    }


def test_updated_since_reproduces_the_servers_state(api):
    vault = make_initiative(slug="vault")
    kept, to_hide, relinked = (make_article(title=t) for t in ("Kept", "To hide", "Relinked"))
    link = link_article(relinked, vault, confidence=0.6)
    claim = make_claim(articles=[kept])

    copy: dict[int, dict] = {}
    synced_at = timezone.now()
    apply(copy, pull(api, "/api/v1/articles/?page_size=2&updated_since=2000-01-01T00:00:00Z"))
    assert {row["title"] for row in copy.values()} == {"Kept", "To hide", "Relinked"}

    # Changes after the first sync: a new article, one hidden, one link rejected, a verdict.
    make_article(title="New")
    article_hide(article=to_hide)
    article_initiative_decide(
        link=ArticleInitiative.objects.get(pk=link.pk), state="rejected", user=None
    )
    claim_review(claim=claim, status="disputed", user=None, note="Other sources differ.")

    changed = pull(api, f"/api/v1/articles/?page_size=2&updated_since={since(synced_at)}")
    assert {row["id"] for row in changed} >= {to_hide.pk, relinked.pk}
    tombstone = next(row for row in changed if row["id"] == to_hide.pk)
    assert tombstone["deleted"] is True and tombstone["title"] is None
    apply(copy, changed)

    fresh = {row["id"]: row for row in pull(api, "/api/v1/articles/?page_size=2")}
    assert {k: visible(v) for k, v in copy.items()} == {k: visible(v) for k, v in fresh.items()}
    relinked_row = copy[relinked.pk]
    assert relinked_row["initiatives"][0]["state"] == "rejected"  # sent as a tombstone link

    claims = pull(api, f"/api/v1/claims/?updated_since={since(synced_at)}")
    assert [(c["id"], c["status"]) for c in claims] == [(claim.pk, "disputed")]


def test_without_updated_since_hidden_articles_are_not_listed(api):
    make_article(title="Shown")
    hidden = make_article(title="Hidden", is_hidden=True)
    assert [r["title"] for r in pull(api, "/api/v1/articles/")] == ["Shown"]
    assert api.get(f"/api/v1/articles/{hidden.pk}/").status_code == 404
    old = datetime(2000, 1, 1, tzinfo=UTC)
    rows = pull(api, f"/api/v1/articles/?updated_since={since(old)}")
    assert {(r["title"], r["deleted"]) for r in rows} == {("Shown", False), (None, True)}
