"""load_reference: idempotent, refreshes descriptions, never removes or overrides editors' work."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tracker import models
from tracker.lexicon import build_lexicon
from tracker.models import Entity, EntityAlias, Initiative, InitiativeFact, Topic
from tracker.reference import read_reference
from tracker.services.reference import reference_load

pytestmark = pytest.mark.django_db

TRACKED = [
    models.Entity,
    models.EntityAlias,
    models.Initiative,
    models.InitiativeAlias,
    models.InitiativeSponsor,
    models.InitiativeRelation,
    models.InitiativeFact,
    models.Topic,
    models.Initiative.jurisdictions.through,
    models.Topic.entities.through,
    models.Topic.initiatives.through,
    models.Entity.history.model,
    models.Initiative.history.model,
]


def snapshot() -> dict[str, list]:
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in TRACKED}


def test_loading_twice_changes_nothing():
    first = reference_load(data=read_reference())
    assert first.changed and not first.skipped
    before = snapshot()
    second = reference_load(data=read_reference())
    assert not second.changed
    assert snapshot() == before


def test_command_reports_when_up_to_date(capsys):
    call_command("load_reference")
    call_command("load_reference")
    assert "already up to date" in capsys.readouterr().out


def test_reference_covers_the_seed(reference_data):
    assert Initiative.objects.count() >= 20
    assert Entity.objects.count() >= 100
    assert Topic.objects.count() >= 10
    for slug in (
        "project-vault", "forge", "pax-silica", "critical-minerals-ministerial",
        "critical-minerals-trade-bloc", "us-eu-strategic-partnership-roadmap",
        "usa-rare-earth-chips-framework", "us-drc-strategic-partnership-agreement",
        "orion-critical-mineral-consortium", "uk-critical-minerals-strategy", "argentina-rigi",
        "india-rare-earth-corridors", "china-two-rare-earth-bases",
    ):  # fmt: skip
        assert Initiative.objects.filter(slug=slug).exists(), slug
    vault = Initiative.objects.get(slug="project-vault")
    facts = {fact.label: fact.value for fact in vault.facts.all()}
    assert facts["EXIM direct loan ceiling"] == 10_000_000_000
    assert facts["Reported stockpile size"] == 12_000_000_000
    assert facts["Private capital"] == 2_000_000_000
    assert {"ge-vernova", "boeing", "clarios", "western-digital", "exim"} <= set(
        vault.sponsors.values_list("slug", flat=True)
    )
    assert Initiative.objects.get(slug="forge").acronym == "FORGE"


def test_exim_aliases_are_one_entity(reference_data):
    matcher = build_lexicon().matcher
    text = "EXIM, the Export-Import Bank of the United States, or the U.S. Export-Import Bank"
    targets = {term.target for hit in matcher.find(text) for term in hit.terms}
    assert targets == {Entity.objects.get(slug="exim").pk}


def test_aliases_are_unique_whatever_their_case(reference_data):
    entity = Entity.objects.get(slug="dfc")
    with pytest.raises(IntegrityError), transaction.atomic():
        EntityAlias.objects.create(entity=entity, text="exim")


def test_reload_refreshes_descriptions_and_keeps_editors_changes(reference_data):
    vault = Initiative.objects.get(slug="project-vault")
    vault.summary = "Edited by hand."
    vault.status = Initiative.Status.ACTIVE
    vault.save()
    editor_alias = EntityAlias.objects.create(
        entity=Entity.objects.get(slug="exim"), text="the Bank"
    )
    fact = InitiativeFact.objects.create(initiative=vault, label="Editor's note")
    topic = Topic.objects.get(slug="recycling")
    topic.keywords = [*topic.keywords, "urban mining"]
    topic.save()

    reference_load(data=read_reference())

    vault.refresh_from_db()
    assert vault.summary == "Edited by hand."  # an editor's summary is never reverted
    assert vault.status == Initiative.Status.ACTIVE
    assert EntityAlias.objects.filter(pk=editor_alias.pk).exists()
    assert InitiativeFact.objects.filter(pk=fact.pk).exists()
    assert "urban mining" in Topic.objects.get(slug="recycling").keywords


def test_an_alias_taken_by_another_record_is_reported_not_moved(reference_data):
    EntityAlias.objects.filter(text="ASM").update(entity=Entity.objects.get(slug="energy-fuels"))
    result = reference_load(data=read_reference())
    assert any("'ASM'" in line for line in result.skipped)
    assert EntityAlias.objects.get(text="ASM").entity.slug == "energy-fuels"


def _reword(data, kind, slug, field, text):
    """The reference data of a later release, with new wording for one field of one row."""
    row = next(row for row in data[kind] if row["slug"] == slug)
    row[field] = text


def test_reload_never_reverts_what_editors_changed_and_says_what_it_kept(reference_data, capsys):
    exim, dfc = Entity.objects.get(slug="exim"), Entity.objects.get(slug="dfc")
    vault, forge = (
        Initiative.objects.get(slug="project-vault"),
        Initiative.objects.get(slug="forge"),
    )
    fact = vault.facts.get(label="EXIM direct loan ceiling")
    # Editors rewrite one description, one summary and one fact's note (as the admin saves).
    exim.description = "Our editors' description of the bank."
    exim.save()
    vault.summary = "Our editors' summary of the reserve."
    vault.save()
    fact.note = "Our editors' note."
    fact.save()
    untouched = {"dfc": dfc.description, "forge": forge.summary}

    call_command("load_reference")  # as every web start does
    out = capsys.readouterr().out

    assert Entity.objects.get(slug="exim").description == "Our editors' description of the bank."
    assert Initiative.objects.get(slug="project-vault").summary == (
        "Our editors' summary of the reserve."
    )
    assert InitiativeFact.objects.get(pk=fact.pk).note == "Our editors' note."
    assert "entity 'exim': description was changed by an editor, kept" in out
    assert "initiative 'project-vault': summary was changed by an editor, kept" in out
    assert "'EXIM direct loan ceiling'" in out and "note was changed by an editor" in out

    # A later release of the data still refreshes what nobody edited, and only that.
    data = read_reference()
    for slug in ("exim", "dfc"):
        _reword(data, "entities", slug, "description", "New wording for this entity.")
    for slug in ("project-vault", "forge"):
        _reword(data, "initiatives", slug, "summary", "New wording for this initiative.")
    vault_row = next(row for row in data["initiatives"] if row["slug"] == "project-vault")
    for row in vault_row["facts"]:
        row["note"] = "New reference note."
    result = reference_load(data=data)

    assert Entity.objects.get(slug="dfc").description == "New wording for this entity."
    assert Initiative.objects.get(slug="forge").summary == "New wording for this initiative."
    assert untouched["dfc"] != "New wording for this entity."
    assert vault.facts.get(label="Private capital").note == "New reference note."
    assert Entity.objects.get(slug="exim").description == "Our editors' description of the bank."
    assert InitiativeFact.objects.get(pk=fact.pk).note == "Our editors' note."
    assert len(result.kept) == 3
    assert reference_load(data=data).updated == {}  # and again: nothing to do
