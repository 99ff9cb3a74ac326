"""Claims' tombstones: every deleted claim leaves a record partners sync in ``updated_since``
order, so a copy kept incrementally loses the claims the server lost."""

import pytest
from django.utils import timezone

from tests.api.sync import pull, since
from tests.factories import make_article
from tracker.models import Claim, ClaimDeletion, Entity, EntityAlias, Initiative
from tracker.services.claims import claim_review, claims_delete
from tracker.services.enrichment import articles_enrich
from tracker.services.merges import entity_merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    bank = Entity.objects.create(name="Harbour Development Bank", slug="hdb", kind="company")
    EntityAlias.objects.create(entity=bank, text="HDB")
    twin = Entity.objects.create(name="Harbour Dev Bank", slug="harbour-dev", kind="company")
    Initiative.objects.create(name="Lanthanide Reserve", slug="reserve", kind="stockpile")
    return bank, twin


def enrich(*articles):
    articles_enrich(article_ids=[a.pk for a in articles])


def test_a_claim_no_article_makes_any_more_leaves_a_tombstone(api, names):
    article = make_article(content_text="The Lanthanide Reserve will hold $4 billion of oxide.")
    enrich(article)
    claim = Claim.objects.get(value=4_000_000_000)
    synced_at = timezone.now()

    article.content_text, article.content_hash = "The story was corrected.", "corrected"
    article.save()
    enrich(article)

    assert not Claim.objects.filter(pk=claim.pk).exists()
    rows = pull(api, f"/api/v1/claim-deletions/?updated_since={since(synced_at)}")
    assert [(r["former_id"], r["reason"], r["into"]) for r in rows] == [
        (claim.pk, "unstated", None)
    ]
    assert claim.pk not in {c["id"] for c in pull(api, "/api/v1/claims/")}


def test_a_reviewed_claim_stays_and_leaves_no_tombstone(api, names):
    article = make_article(content_text="The Lanthanide Reserve will hold $4 billion of oxide.")
    enrich(article)
    claim = Claim.objects.get(value=4_000_000_000)
    claim_review(claim=claim, status="disputed", user=None, note="Sources differ.")
    article.content_text, article.content_hash = "The story was corrected.", "corrected"
    article.save()
    enrich(article)
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert not ClaimDeletion.objects.exists()


def test_claims_folded_together_by_a_merge_leave_a_tombstone_naming_the_survivor(api, names):
    bank, twin = names
    enrich(
        make_article(content_text="HDB lent $3 billion to the refinery."),
        make_article(content_text="Harbour Dev Bank lent $3 billion to the refinery."),
    )
    assert Claim.objects.filter(value=3_000_000_000).count() == 2
    synced_at = timezone.now()

    entity_merge(source=twin, into=bank)

    survivor = Claim.objects.get(value=3_000_000_000)
    [row] = pull(api, f"/api/v1/claim-deletions/?updated_since={since(synced_at)}")
    assert row["reason"] == "merged" and row["into"] == survivor.pk
    assert not Claim.objects.filter(pk=row["former_id"]).exists()
    changed = pull(api, f"/api/v1/claims/?updated_since={since(synced_at)}")
    assert survivor.pk in {c["id"] for c in changed}  # the survivor is re-sent


def test_deleting_claims_goes_through_one_service_that_records_each(names):
    claims = Claim.objects.bulk_create(
        Claim(fingerprint=f"fp-{n}", statement=f"Statement {n}.") for n in range(3)
    )
    deleted = claims_delete(
        claims=Claim.objects.filter(pk__in=[c.pk for c in claims[:2]]), reason="editor"
    )
    assert deleted == 2
    assert set(ClaimDeletion.objects.values_list("former_id", flat=True)) == {
        claims[0].pk,
        claims[1].pk,
    }
    assert list(Claim.objects.values_list("pk", flat=True)) == [claims[2].pk]
    assert claims_delete(claims=Claim.objects.none(), reason="editor") == 0
