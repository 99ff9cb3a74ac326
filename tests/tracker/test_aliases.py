"""Entity and initiative aliases: one abstract base (``Alias``), two tables as before, and one
name never standing for both an entity and an initiative."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_entity, make_initiative
from tracker.models import Alias, EntityAlias, InitiativeAlias


def test_both_kinds_keep_their_tables_and_share_every_column_but_their_owner():
    assert (EntityAlias._meta.db_table, InitiativeAlias._meta.db_table) == (
        "tracker_entityalias", "tracker_initiativealias",
    )  # fmt: skip
    shared = {field.column for field in Alias._meta.fields}
    assert shared == {"text", "exact", "kind", "note", "created_at", "updated_at"}
    assert {f.column for f in EntityAlias._meta.fields} == {"id", "entity_id", *shared}
    assert {f.column for f in InitiativeAlias._meta.fields} == {"id", "initiative_id", *shared}


@pytest.mark.django_db
def test_a_name_of_one_kind_is_refused_for_the_other_whatever_its_case():
    entity, initiative = make_entity(name="Export-Import Bank"), make_initiative(name="Vault")
    EntityAlias.objects.create(entity=entity, text="EXIM")
    InitiativeAlias.objects.create(initiative=initiative, text="Project Vault")

    with pytest.raises(ValidationError, match="An entity already goes by this name"):
        InitiativeAlias(initiative=initiative, text="  exim ").full_clean()
    with pytest.raises(ValidationError, match="An initiative already goes by this name"):
        EntityAlias(entity=entity, text="project vault").full_clean()

    fresh = EntityAlias(entity=entity, text="  US EXIM  ")
    fresh.full_clean()
    assert fresh.text == "US EXIM"  # stripped
