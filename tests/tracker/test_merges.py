"""Merged entities do not vanish: each leaves a record of where it went, its page redirects
there, and chains of merges resolve to the entity at their end."""

import pytest
from django.core.cache import cache

from tests.factories import link_article, make_article, make_entity, make_user
from tracker import events
from tracker.models import Entity, EntityMerge
from tracker.services.merges import entity_merge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_merge_records_what_the_entity_was_and_where_it_went():
    editor = make_user("merging-editor")
    source = make_entity(name="Ex-Im Bank", slug="ex-im-bank", kind="government_body")
    into = make_entity(name="EXIM", slug="exim")
    former_id = source.pk

    entity_merge(source=source, into=into, user=editor)

    merge = EntityMerge.objects.get()
    assert (merge.former_id, merge.slug, merge.name, merge.kind) == (
        former_id,
        "ex-im-bank",
        "Ex-Im Bank",
        "government_body",
    )
    assert (merge.into, merge.merged_by) == (into, editor)
    assert merge.merged_at is not None and merge.updated_at >= merge.merged_at
    assert list(into.merged_from.all()) == [merge]


def test_a_chain_of_merges_points_every_record_at_its_end():
    a, b, c = make_entity(slug="a"), make_entity(slug="b"), make_entity(slug="c")
    entity_merge(source=a, into=b)
    first = EntityMerge.objects.get(slug="a")

    entity_merge(source=b, into=c)

    assert dict(EntityMerge.objects.values_list("slug", "into__slug")) == {"a": "c", "b": "c"}
    first_after = EntityMerge.objects.get(slug="a")
    assert first_after.pk == first.pk  # repointed, not replaced (nor cascaded away with b)
    assert first_after.updated_at > first.updated_at  # so partners syncing hear of it


def test_a_slug_taken_again_and_merged_again_follows_the_newer_merge():
    entity_merge(source=make_entity(slug="acme"), into=make_entity(slug="first"))
    again = make_entity(slug="acme")  # e.g. recreated by load_reference
    again_id = again.pk

    entity_merge(source=again, into=make_entity(slug="second"))

    merge = EntityMerge.objects.get(slug="acme")
    assert (merge.former_id, merge.into.slug) == (again_id, "second")


def test_the_merge_event_carries_the_record(monkeypatch):
    seen = []
    monkeypatch.setattr(events, "tracker_changed", lambda **kw: seen.append(kw))
    source, into = make_entity(), make_entity()

    entity_merge(source=source, into=into)

    assert seen == [{"event": events.ENTITY_MERGED, "instance": EntityMerge.objects.get()}]


def test_deleting_the_surviving_entity_takes_the_records_with_it():
    into = make_entity()
    entity_merge(source=make_entity(), into=into)
    into.delete()
    assert not EntityMerge.objects.exists()


# --- the reader's page ------------------------------------------------------------------------


def test_a_merged_entitys_page_redirects_permanently_to_the_survivor(client):
    source, into = make_entity(slug="ex-im-bank"), make_entity(slug="exim")
    link_article(make_article(), source)
    entity_merge(source=source, into=into)

    response = client.get("/entities/ex-im-bank/")

    assert response.status_code == 301
    assert response["Location"] == "/entities/exim/"
    assert client.get(response["Location"]).status_code == 200


def test_the_redirect_leaves_the_page_number_behind(client):
    entity_merge(source=make_entity(slug="old"), into=make_entity(slug="new"))
    response = client.get("/entities/old/?page=3")
    assert (response.status_code, response["Location"]) == (301, "/entities/new/")


def test_a_chain_redirects_in_one_hop(client):
    a, b, c = make_entity(slug="a"), make_entity(slug="b"), make_entity(slug="c")
    entity_merge(source=a, into=b)
    entity_merge(source=b, into=c)
    assert client.get("/entities/a/")["Location"] == "/entities/c/"


def test_a_live_entity_with_the_slug_wins_over_the_merge(client):
    entity_merge(source=make_entity(slug="acme"), into=make_entity(slug="other"))
    assert client.get("/entities/acme/").status_code == 301  # not cached: the next one is fresh
    make_entity(slug="acme", name="Acme, again")

    response = client.get("/entities/acme/")

    assert response.status_code == 200 and "Acme, again" in response.content.decode()


def test_an_unknown_slug_is_still_a_404(client):
    assert client.get("/entities/never-was/").status_code == 404


def test_a_cached_page_gives_way_to_the_redirect_once_merged(
    client, django_capture_on_commit_callbacks
):
    source, into = make_entity(slug="ex-im-bank", name="Ex-Im Bank"), make_entity(slug="exim")
    assert client.get("/entities/ex-im-bank/").status_code == 200  # now in the reader cache
    assert client.get("/entities/ex-im-bank/").status_code == 200  # served from it

    with django_capture_on_commit_callbacks(execute=True):
        entity_merge(source=source, into=into)

    response = client.get("/entities/ex-im-bank/")
    assert (response.status_code, response["Location"]) == (301, "/entities/exim/")
    assert not Entity.objects.filter(slug="ex-im-bank").exists()


def test_a_page_number_past_the_end_of_a_live_entity_is_a_404_not_a_redirect(client):
    # Pagination's 404 must not be taken for a missing entity, even with a record for the slug.
    entity_merge(source=make_entity(slug="acme"), into=make_entity(slug="other"))
    make_entity(slug="acme")
    assert client.get("/entities/acme/?page=99").status_code == 404
