"""``updated_at`` moves whenever what a partner sees of a row changes, whoever writes the change
(a service, enrichment's bulk SQL, an admin page, a cascade): the database's triggers
(tracker/migrations/0011_touch_parents.py) do it, so partners' ``updated_since`` walks carry it.

Rows start "synced" in 2000; whatever a test changes must come back from ``updated_since=2001``.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import Article
from tests.api.sync import pull
from tests.factories import (
    link_article,
    make_admin_editor,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_topic,
)
from tracker.models import (
    Claim,
    Entity,
    EntityAlias,
    Initiative,
    InitiativeAlias,
    InitiativeFact,
    InitiativeRelation,
    InitiativeSponsor,
    Mention,
    Topic,
)
from tracker.services.enrichment import articles_enrich

pytestmark = pytest.mark.django_db

SYNCED = datetime(2000, 1, 1, tzinfo=UTC)


def all_synced() -> None:
    for model in (Article, Claim, Entity, Initiative, Topic):
        model.objects.update(updated_at=SYNCED)


def changed(api, resource: str, key: str = "slug") -> set:
    return {row[key] for row in pull(api, f"/api/v1/{resource}/?updated_since=2001-01-01")}


@pytest.fixture
def record():
    vault, forge = make_initiative(slug="vault"), make_initiative(slug="forge")
    bank, china = make_entity(slug="bank"), make_entity(slug="china", kind="country")
    topic = make_topic(slug="magnets")
    InitiativeSponsor.objects.create(initiative=vault, entity=bank)
    InitiativeFact.objects.create(initiative=vault, label="Size", value=10, unit="USD")
    InitiativeAlias.objects.create(initiative=vault, text="The Vault")
    InitiativeRelation.objects.create(from_initiative=vault, to_initiative=forge, kind="part_of")
    vault.jurisdictions.add(china)
    EntityAlias.objects.create(entity=bank, text="The Bank")
    topic.entities.add(bank)
    topic.initiatives.add(vault)
    claim = make_claim(subject_entity=bank)
    claim.entities.add(bank)
    claim.initiatives.add(vault)
    all_synced()
    return {"vault": vault, "forge": forge, "bank": bank, "china": china, "topic": topic,
            "claim": claim}  # fmt: skip


EDITS = {
    "fact edited": lambda r: InitiativeFact.objects.update(note="Revised."),
    "fact added": lambda r: InitiativeFact.objects.create(initiative=r["vault"], label="Year"),
    "fact deleted": lambda r: InitiativeFact.objects.all().delete(),
    "sponsor role": lambda r: InitiativeSponsor.objects.update(role="funder"),
    "sponsor deleted": lambda r: InitiativeSponsor.objects.all().delete(),
    "alias added": lambda r: InitiativeAlias.objects.create(initiative=r["vault"], text="TV"),
    "alias deleted": lambda r: InitiativeAlias.objects.all().delete(),
    "jurisdiction removed": lambda r: r["vault"].jurisdictions.clear(),
    "relation deleted": lambda r: InitiativeRelation.objects.all().delete(),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_initiatives_children_move_it(api, record, edit):
    EDITS[edit](record)
    assert "vault" in changed(api, "initiatives")


def test_a_relation_moves_both_its_initiatives(api, record):
    InitiativeRelation.objects.update(kind="successor_of")
    assert changed(api, "initiatives") == {"vault", "forge"}


def test_nothing_changed_nothing_listed(api, record):
    for resource in ("initiatives", "entities", "topics"):
        assert changed(api, resource) == set()
    assert changed(api, "claims", "id") == set()


@pytest.mark.parametrize("edit", ["add", "delete"])
def test_entity_aliases_move_the_entity(api, record, edit):
    if edit == "add":
        EntityAlias.objects.create(entity=record["bank"], text="Bank of the Harbour")
    else:
        EntityAlias.objects.all().delete()
    assert changed(api, "entities") == {"bank"}


def test_a_topics_rules_move_it(api, record):
    record["topic"].initiatives.remove(record["vault"])
    assert changed(api, "topics") == {"magnets"}


def test_a_fact_edited_on_its_own_admin_page_moves_the_initiative(api, client, record):
    client.force_login(make_admin_editor())
    fact = InitiativeFact.objects.get()
    url = reverse("admin:tracker_initiativefact_change", args=[fact.pk])
    form = {"initiative": fact.initiative_id, "label": "Size", "value": "12", "unit": "USD",
            "note": "", "as_of": "", "source_url": ""}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    assert "vault" in changed(api, "initiatives")


def test_a_sponsor_added_on_its_own_admin_page_moves_the_initiative(api, client, record):
    client.force_login(make_admin_editor())
    url = reverse("admin:tracker_initiativesponsor_add")
    form = {"initiative": record["forge"].pk, "entity": record["bank"].pk, "role": "lead"}
    assert client.post(url, form).status_code == 302
    assert changed(api, "initiatives") == {"forge"}


def test_a_claim_moves_when_it_gains_or_loses_an_article(api, record):
    claim, article = record["claim"], make_article()
    claim.appearances.create(article=article, sentence="A sentence.", location="body")
    assert changed(api, "claims", "id") == {claim.pk}
    Claim.objects.update(updated_at=SYNCED)
    claim.appearances.all().delete()
    assert changed(api, "claims", "id") == {claim.pk}


def test_a_claims_names_move_it(api, record):
    record["claim"].initiatives.clear()
    assert changed(api, "claims", "id") == {record["claim"].pk}


def test_a_flag_set_by_a_bulk_update_moves_the_claim(api, record):
    Claim.objects.update(needs_independent_verification=True)
    assert changed(api, "claims", "id") == {record["claim"].pk}


def test_a_state_media_notice_flags_the_claim_and_moves_it(api, record):
    """What enrichment does when a feed edit adds a state-media notice to an article."""
    Initiative.objects.filter(pk=record["vault"].pk).update(name="Harbour Reserve")
    article = make_article(content_text="The Harbour Reserve will hold $4 billion of oxide.")
    articles_enrich(article_ids=[article.pk])
    claim = Claim.objects.get(value=4_000_000_000)
    assert not claim.needs_independent_verification
    all_synced()

    Article.objects.filter(pk=article.pk).update(is_state_media=True, content_hash="notice")
    articles_enrich(article_ids=[article.pk])

    assert Claim.objects.get(pk=claim.pk).needs_independent_verification
    assert claim.pk in changed(api, "claims", "id")


def test_deleting_an_entity_moves_everything_that_showed_it(api, record):
    article = make_article()
    link_article(article, record["bank"])
    all_synced()
    Entity.objects.get(slug="bank").delete()  # what the admin's delete does
    assert changed(api, "claims", "id") == {record["claim"].pk}  # its subject, its names
    assert changed(api, "initiatives") == {"vault"}  # a sponsor gone
    assert changed(api, "topics") == {"magnets"}
    assert changed(api, "articles", "id") == {article.pk}  # a mention gone
    assert not Mention.objects.exists()
