"""Merged entities in the API: their slugs redirect (301) to the survivor, and
``/api/v1/entity-merges/`` lists them for partners who keep a copy of the entities."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.sync import pull, since
from tests.factories import (
    make_admin_editor,
    make_article,
    make_claim,
    make_entity,
    make_initiative,
    make_topic,
)
from tracker.models import Entity, EntityMerge, InitiativeSponsor
from tracker.services.merges import entity_delete, entity_merge

pytestmark = pytest.mark.django_db

MERGES = "/api/v1/entity-merges/"


def test_a_merged_slug_redirects_to_the_survivors_detail(api):
    entity_merge(source=make_entity(slug="ex-im-bank"), into=make_entity(slug="exim"))

    response = api.get("/api/v1/entities/ex-im-bank/")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/entities/exim/"
    assert api.get(response["Location"]).json()["slug"] == "exim"
    # The key comes first: nothing is said about merges without one.
    assert APIClient().get("/api/v1/entities/ex-im-bank/").status_code == 401


def test_a_live_entity_keeps_its_slug_and_unknown_slugs_stay_404(api):
    entity_merge(source=make_entity(slug="acme"), into=make_entity(slug="other"))
    make_entity(slug="acme", name="Acme, again")
    assert api.get("/api/v1/entities/acme/").json()["name"] == "Acme, again"
    assert api.get("/api/v1/entities/never-was/").status_code == 404


def test_the_merges_list_says_which_entity_went_where(api):
    source, into = make_entity(slug="ex-im-bank", name="Ex-Im Bank"), make_entity(slug="exim")
    former_id = source.pk
    entity_merge(source=source, into=into)

    response = api.get(MERGES)

    assert response.status_code == 200 and response["ETag"]
    (row,) = response.json()["results"]
    assert {k: v for k, v in row.items() if not k.endswith("_at")} == {
        "former_id": former_id,
        "slug": "ex-im-bank",
        "name": "Ex-Im Bank",
        "kind": "company",
        "into": "exim",
    }
    assert row["merged_at"] and row["updated_at"]
    assert APIClient().get(MERGES).status_code == 401


def test_updated_since_lists_new_merges_and_repointed_ones(api):
    a, b, c, d = (make_entity(slug=slug) for slug in "abcd")
    entity_merge(source=a, into=b)
    entity_merge(source=d, into=c)
    synced_at = timezone.now()
    assert {row["slug"] for row in pull(api, f"{MERGES}?updated_since={since(synced_at)}")} == set()

    entity_merge(source=b, into=c)

    changed = pull(api, f"{MERGES}?updated_since={since(synced_at)}")
    assert {row["slug"]: row["into"] for row in changed} == {"a": "c", "b": "c"}  # not d
    assert api.get(f"{MERGES}?updated_since=yesterday").status_code == 400


def test_a_slug_taken_again_by_a_live_entity_is_left_out(api):
    entity_merge(source=make_entity(slug="acme"), into=make_entity(slug="other"))
    make_entity(slug="acme")
    assert api.get(MERGES).json()["results"] == []
    assert EntityMerge.objects.filter(slug="acme").exists()  # kept, should it be merged again


def test_a_partners_copy_kept_with_updated_since_matches_a_fresh_one(api):
    """What a partner does: upsert the entities changed, then drop the merged slugs."""
    entities = {slug: make_entity(slug=slug) for slug in ("exim", "ex-im-bank", "us-exim", "dfc")}
    copy = {row["slug"]: row for row in pull(api, "/api/v1/entities/?page_size=2")}
    synced_at = timezone.now()

    entity_merge(source=entities["ex-im-bank"], into=entities["exim"])
    entity_merge(source=entities["us-exim"], into=entities["exim"])
    make_entity(slug="minerals-security-partnership")

    for row in pull(api, f"/api/v1/entities/?page_size=2&updated_since={since(synced_at)}"):
        copy[row["slug"]] = row
    for row in pull(api, f"{MERGES}?page_size=1&updated_since={since(synced_at)}"):
        copy.pop(row["slug"], None)

    fresh = {row["slug"]: row for row in pull(api, "/api/v1/entities/?page_size=2")}
    assert copy == fresh
    assert set(fresh) == {"exim", "dfc", "minerals-security-partnership"}


def test_what_listed_the_merged_entity_is_resent_naming_the_survivor(api):
    exim, old = make_entity(slug="exim"), make_entity(slug="ex-im-bank")
    claim, topic, initiative = (
        make_claim(articles=[make_article()]),
        make_topic(),
        make_initiative(),
    )
    claim.entities.add(old)
    topic.entities.add(old)
    InitiativeSponsor.objects.create(initiative=initiative, entity=old, role="lender")
    untouched = make_claim(articles=[make_article()])
    synced_at = timezone.now()

    entity_merge(source=old, into=exim)

    changed = f"?updated_since={since(synced_at)}"
    [claim_row] = pull(api, f"/api/v1/claims/{changed}")
    assert (claim_row["id"], claim_row["entities"]) == (claim.pk, ["exim"])
    assert untouched.pk != claim_row["id"]
    [topic_row] = pull(api, f"/api/v1/topics/{changed}")
    assert (topic_row["slug"], topic_row["entities"]) == (topic.slug, ["exim"])
    [initiative_row] = pull(api, f"/api/v1/initiatives/{changed}")
    assert initiative_row["slug"] == initiative.slug
    assert [s["entity"] for s in initiative_row["sponsors"]] == ["exim"]


def test_the_schema_lists_the_merges_and_the_redirect():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    assert f"{MERGES}" in schema["paths"] and "/api/v1/entity-merges/{id}/" not in schema["paths"]
    detail = schema["paths"]["/api/v1/entities/{slug}/"]["get"]["responses"]
    assert {"200", "301"} <= set(detail) and "Location" in detail["301"]["headers"]
    merges = schema["paths"][MERGES]["get"]
    assert "updated_since" in {p["name"] for p in merges["parameters"]}


def test_an_entity_deleted_outright_leaves_a_tombstone_without_into(api):
    gone, kept = make_entity(slug="gone"), make_entity(slug="kept")
    merged = make_entity(slug="merged-first")
    entity_merge(source=merged, into=gone)
    entity_delete(entity=Entity.objects.get(slug="gone"))
    rows = {row["slug"]: row["into"] for row in pull(api, "/api/v1/entity-merges/")}
    assert rows == {"gone": None, "merged-first": None}  # the chain ends in the deletion
    assert api.get("/api/v1/entities/gone/").status_code == 404
    assert api.get("/api/v1/entities/merged-first/").status_code == 404
    assert Entity.objects.filter(pk=kept.pk).exists()


def test_the_admins_delete_goes_through_the_recorded_path(client):
    client.force_login(make_admin_editor())
    entity = make_entity(slug="to-delete")
    url = f"/admin/tracker/entity/{entity.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Entity.objects.filter(slug="to-delete").exists()
    assert EntityMerge.objects.get(slug="to-delete").into is None
