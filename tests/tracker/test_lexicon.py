"""The lexicon's version: one row the database rewrites when what the lexicon is built from
changes (migration 0015_lexicon_version), however the change is written."""

import importlib

import pytest
from django.db import connection, transaction

from tests.factories import make_article, make_entity, make_initiative, make_topic
from tracker.lexicon import build_lexicon, current_lexicon, lexicon_version
from tracker.models import Entity, EntityAlias, Initiative, InitiativeAlias, Topic
from tracker.services import enrichment

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tracker.migrations.0015_lexicon_version")


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def test_every_watched_table_has_its_triggers():
    # A migration that rebuilds one of these tables on SQLite drops its triggers: this fails
    # until that migration creates them again.
    expected = {name for table in migration.WATCHED for name in migration.trigger_names(table)}
    assert expected <= _triggers()


def _changes(write) -> bool:
    before = lexicon_version()
    write()
    return lexicon_version() != before


def test_writes_to_what_the_lexicon_reads_change_the_version():
    entity = make_entity(name="Norvik Magnetics")
    initiative = make_initiative(name="Halvard Accord")
    topic = make_topic(name="Magnets")
    assert _changes(lambda: make_entity(name="Selvik Metals"))
    assert _changes(lambda: Entity.objects.filter(pk=entity.pk).update(name="Norvik Magnet"))
    assert _changes(lambda: EntityAlias.objects.create(entity=entity, text="Norvik"))
    assert _changes(lambda: EntityAlias.objects.filter(entity=entity).update(exact=True))
    assert _changes(
        lambda: EntityAlias.objects.bulk_create([EntityAlias(entity=entity, text="NM")])
    )
    assert _changes(lambda: InitiativeAlias.objects.create(initiative=initiative, text="Halvard"))
    assert _changes(lambda: Initiative.objects.filter(pk=initiative.pk).update(patterns=["x+"]))
    assert _changes(lambda: Topic.objects.filter(pk=topic.pk).update(keywords=["magnet"]))
    assert _changes(lambda: topic.entities.add(entity))
    assert _changes(lambda: topic.initiatives.add(initiative))
    assert _changes(lambda: topic.entities.remove(entity))
    assert _changes(lambda: EntityAlias.objects.filter(text="NM").delete())
    assert _changes(lambda: Entity.objects.filter(name="Selvik Metals").delete())


def test_other_writes_leave_the_version_alone():
    entity = make_entity(name="Norvik Magnetics", description="A maker of magnets.")
    initiative = make_initiative(name="Halvard Accord")
    article = make_article(title="Norvik Magnetics joins the Halvard Accord")
    enrichment.articles_enrich(article_ids=[article.pk])
    assert not _changes(lambda: Entity.objects.filter(pk=entity.pk).update(description="New."))
    assert not _changes(lambda: Entity.objects.filter(pk=entity.pk).update(name=entity.name))
    assert not _changes(lambda: Initiative.objects.filter(pk=initiative.pk).update(summary="S."))
    # Enrichment writes links and claims, and triggers touch parents' updated_at: no rebuild.
    assert not _changes(lambda: enrichment.articles_enrich(article_ids=[article.pk], force=True))


def test_a_change_rolled_back_then_another_give_a_new_version():
    start = lexicon_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_entity(name="Norvik Magnetics")
        rolled_back = lexicon_version()
        raise RuntimeError
    assert lexicon_version() == start
    make_entity(name="Selvik Metals")
    assert lexicon_version() not in (start, rolled_back)


def test_the_next_enrichment_sees_a_new_alias():
    entity = make_entity(name="Norvik Magnetics")
    lexicon = current_lexicon()
    assert not lexicon.matcher.knows("NVK Magnetics")
    EntityAlias.objects.create(entity=entity, text="NVK Magnetics")
    assert current_lexicon().matcher.knows("NVK Magnetics")
    assert current_lexicon() is current_lexicon()  # built once per version


def test_a_rebuild_after_an_edit_compiles_only_what_changed():
    norvik = make_entity(name="Norvik Magnetics")
    selvik = make_entity(name="Selvik Metals")
    make_initiative(name="Halvard Accord", patterns=[r"\bHalvard\s+pact\b"])
    first = current_lexicon()
    EntityAlias.objects.create(entity=norvik, text="NVK")
    Entity.objects.filter(pk=selvik.pk).update(name="Selvik Minerals")
    rebuilt = current_lexicon()
    assert not rebuilt.matcher.compiled_afresh
    assert rebuilt.matcher._pattern is first.matcher._pattern  # not compiled again
    assert rebuilt.patterns.patterns[0] is first.patterns.patterns[0]
    fresh = build_lexicon(rebuilt.version)
    assert fresh.matcher.compiled_afresh
    text = "NVK and Selvik Minerals, not Selvik Metals, met Norvik Magnetics on the Halvard pact."
    found = [(hit.text, [t.target for t in hit.terms]) for hit in rebuilt.matcher.find(text)]
    assert found == [(hit.text, [t.target for t in hit.terms]) for hit in fresh.matcher.find(text)]
    assert ("NVK", [norvik.pk]) in found and ("Selvik Minerals", [selvik.pk]) in found
    assert "Selvik Metals" not in [name for name, _ in found]
