"""A partner's copy converges: a full pull, then every kind of editor action the admin offers,
then an incremental pull applied as docs/api.md says, and the copy equals a fresh full pull,
for articles, claims, initiatives, entities and topics.

Transactional, so each write gets the time it really happened (the database's triggers stamp
``updated_at`` with the time of their transaction), as in production.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import article_hide
from tests.api.sync import pull, since
from tests.factories import make_article
from tracker.models import (
    ArticleInitiative,
    Claim,
    Entity,
    EntityAlias,
    Initiative,
    InitiativeAlias,
    InitiativeFact,
    InitiativeSponsor,
    Topic,
)
from tracker.services.claims import claim_review
from tracker.services.enrichment import articles_enrich
from tracker.services.links import article_initiative_decide
from tracker.services.merges import entity_delete, entity_merge

pytestmark = pytest.mark.django_db(transaction=True)

# (resource, key of a row, tombstone list and the key each of its rows deletes)
RESOURCES = [
    ("articles", "id", None),
    ("claims", "id", ("claim-deletions", "former_id")),
    ("initiatives", "slug", None),
    ("entities", "slug", ("entity-merges", "slug")),
    ("topics", "slug", None),
]


class PartnerCopy:
    """What a partner client written from docs/api.md keeps."""

    def __init__(self, api):
        self.api = api
        self.rows: dict[str, dict] = {resource: {} for resource, _, _ in RESOURCES}

    def sync(self, updated_since: str) -> None:
        for resource, key, tombstones in RESOURCES:
            url = f"/api/v1/{resource}/?updated_since={updated_since}&ordering=updated_at"
            for row in pull(self.api, url + "&page_size=2"):
                if row.get("deleted"):
                    self.rows[resource].pop(row[key], None)
                else:
                    self.rows[resource][row[key]] = row
            if tombstones:
                listing, gone = tombstones
                for row in pull(self.api, f"/api/v1/{listing}/?updated_since={updated_since}"):
                    self.rows[resource].pop(row[gone], None)


def fresh(api) -> dict[str, dict]:
    return {
        resource: {row[key]: row for row in pull(api, f"/api/v1/{resource}/?page_size=3")}
        for resource, key, _ in RESOURCES
    }


def enrich(*articles) -> None:
    articles_enrich(article_ids=[a.pk for a in articles])


def test_an_incremental_copy_equals_a_fresh_pull_after_every_editor_action(api):
    bank = Entity.objects.create(name="Harbour Development Bank", slug="hdb", kind="company")
    EntityAlias.objects.create(entity=bank, text="HDB")
    Entity.objects.create(name="Harbour Dev Bank", slug="harbour-dev", kind="company")
    doomed = Entity.objects.create(name="Quarry Holdings", slug="quarry", kind="company")
    reserve = Initiative.objects.create(name="Lanthanide Reserve", slug="reserve", kind="stockpile")
    forum = Initiative.objects.create(name="Magnet Forum", slug="forum", kind="alliance")
    InitiativeFact.objects.create(initiative=reserve, label="Size", value=4, unit="t")
    InitiativeSponsor.objects.create(initiative=reserve, entity=doomed)
    topic = Topic.objects.create(name="Reserves", slug="reserves", keywords=["reserve"])
    topic.initiatives.add(reserve)
    topic.entities.add(doomed)
    articles = [
        make_article(content_text="The Lanthanide Reserve will hold $4 billion of oxide."),
        make_article(content_text="HDB lent $3 billion to the refinery, Quarry Holdings said."),
        make_article(content_text="Harbour Dev Bank lent $3 billion to the refinery."),
        make_article(content_text="The Magnet Forum met; the Lanthanide Reserve was discussed."),
        make_article(content_text="Quarry Holdings says output rose 12% last year."),
    ]
    enrich(*articles)
    assert Claim.objects.count() >= 3

    copy = PartnerCopy(api)
    started = timezone.now()
    copy.sync("1970-01-01T00:00:00Z")
    assert copy.rows == fresh(api)  # a first full pull is a copy

    # Every kind of action the admin offers an editor.
    article_hide(article=Article.objects.get(pk=articles[3].pk))
    link = ArticleInitiative.objects.filter(initiative=reserve).first()
    article_initiative_decide(link=link, state="rejected", user=None)
    claim = Claim.objects.filter(value=4_000_000_000).first()
    claim_review(claim=claim, status="verified", user=None, evidence_url="https://reserve.example/")
    entity_merge(source=Entity.objects.get(slug="harbour-dev"), into=bank)
    EntityAlias.objects.create(entity=bank, text="Harbour Bank")
    EntityAlias.objects.filter(text="HDB").delete()
    InitiativeAlias.objects.create(initiative=forum, text="The Forum")
    fact = InitiativeFact.objects.get()
    fact.value = 5
    fact.save()
    InitiativeSponsor.objects.create(initiative=forum, entity=bank)
    reserve.status = "active"
    reserve.save()
    # A feed edit: one article gains a state-media notice, one loses its figure.
    Article.objects.filter(pk=articles[0].pk).update(is_state_media=True, content_hash="notice")
    edited = Article.objects.get(pk=articles[4].pk)
    edited.content_text, edited.content_hash = "Quarry Holdings declined to comment.", "edit"
    edited.save()
    enrich(Article.objects.get(pk=articles[0].pk), edited)
    entity_delete(entity=Entity.objects.get(slug="quarry"))

    copy.sync(since(started - timedelta(minutes=1)))
    assert copy.rows == fresh(api)
    # The actions did reach the copy (not merely two empty copies agreeing).
    assert "harbour-dev" not in copy.rows["entities"] and "quarry" not in copy.rows["entities"]
    assert articles[3].pk not in copy.rows["articles"]
    assert copy.rows["claims"][claim.pk]["status"] == "verified"
    assert copy.rows["claims"][claim.pk]["needs_independent_verification"] is True
    assert copy.rows["initiatives"]["reserve"]["facts"][0]["value"] == "5.000000"
    assert copy.rows["entities"]["hdb"]["aliases"] == ["Harbour Bank", "Harbour Dev Bank"]
