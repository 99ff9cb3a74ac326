"""The reader-page cache: nothing of one visitor's is served to others (issue 13, item 4), and
every change to what a page shows is on it at once (item 8), and what it holds is bounded
(item 7)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.test import Client, override_settings

from articles.models import Feed, FeedFetch
from reex.caching import VERSION_KEY, page_cache, reader_pages_version
from tests.factories import make_claim, make_editor, make_entity, make_initiative, make_topic
from tracker.models import EntityAlias, InitiativeFact, InitiativeRelation, InitiativeSponsor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the pages cache is emptied by the root conftest
    yield
    cache.clear()


def test_an_editors_flash_message_is_never_cached_into_a_public_page(client):
    # An editor's control leaves a flash message in the messages cookie...
    client.force_login(make_editor())
    claim = make_claim()
    client.post(f"/claims/{claim.pk}/review/", {"status": "no-such-status", "next": "/"})
    carried = client.cookies["messages"].value
    assert carried

    # ...and a request with that cookie alone (no session: anonymous) renders it for itself.
    anonymous_with_message = Client()
    anonymous_with_message.cookies["messages"] = carried
    own = anonymous_with_message.get("/")
    assert "Claim not changed" in own.content.decode()

    # Every other reader gets the page without it, from the cache or not.
    for _ in range(2):
        page = Client().get("/")
        assert page.status_code == 200
        assert "Claim not changed" not in page.content.decode()
    assert "private" in own["Cache-Control"]


def test_pages_an_editor_sees_are_private(client):
    client.force_login(make_editor())
    response = client.get("/claims/")
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_the_admin_is_private(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


# --- item 8: every change to what a page shows invalidates it at once ---------------------------
# These commit for real (transaction=True): invalidation happens on commit, as in production.

committing = pytest.mark.django_db(transaction=True)


def _page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _edit_shows_at_once(url: str, before: str, after: str, edit):
    assert before in _page(url) and after not in _page(url)  # the second is from the cache
    edit()
    page = _page(url)
    assert after in page, f"{url} still shows the page from before the edit"


@committing
def test_an_admin_edit_of_a_topic_shows_at_once(admin_client):
    topic = make_topic(name="Magnet supply")

    def edit():
        response = admin_client.post(
            f"/admin/tracker/topic/{topic.pk}/change/",
            {"name": "Magnet recycling", "slug": topic.slug, "description": "",
             "keywords": "[]", "min_keyword_hits": "2"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]

    _edit_shows_at_once("/topics/", "Magnet supply", "Magnet recycling", edit)


def _entity_edits():
    entity = make_entity(name="Lanthanide Works", slug="lanthanide-works")
    alias = EntityAlias.objects.create(entity=entity, text="LWX Holdings")
    url = f"/entities/{entity.slug}/"

    def rename():
        entity.name = "Lanthanide Works Group"
        entity.save()

    def realias():
        alias.text = "LW Group plc"
        alias.save()

    return [
        (url, "Lanthanide Works", "Lanthanide Works Group", rename),
        (url, "LWX Holdings", "LW Group plc", realias),
    ]


def _initiative_edits():
    initiative = make_initiative(name="Oxide Reserve", slug="oxide-reserve")
    other = make_initiative(name="Separation Compact", slug="separation-compact")
    sponsor = make_entity(name="Ministry of Minerals", slug="ministry-of-minerals")
    url = f"/initiatives/{initiative.slug}/"

    def add_fact():
        InitiativeFact.objects.create(
            initiative=initiative, label="Target stock", note="Ninety days"
        )

    def add_sponsor():
        InitiativeSponsor.objects.create(initiative=initiative, entity=sponsor, role="funder")

    def add_relation():
        InitiativeRelation.objects.create(
            from_initiative=initiative, to_initiative=other, kind="coordinates_with"
        )

    return [
        (url, "Oxide Reserve", "Ninety days", add_fact),
        (url, "Oxide Reserve", "Ministry of Minerals", add_sponsor),
        (url, "Oxide Reserve", "Separation Compact", add_relation),
    ]


@committing
@pytest.mark.parametrize("case", range(5))
def test_each_edit_of_what_a_page_shows_shows_at_once(case):
    url, before, after, edit = [*_entity_edits(), *_initiative_edits()][case]
    _edit_shows_at_once(url, before, after, edit)


@committing
def test_deleting_a_shown_row_shows_at_once():
    entity = make_entity(name="Yttria Partners", slug="yttria-partners")
    alias = EntityAlias.objects.create(entity=entity, text="YP Resources")
    url = f"/entities/{entity.slug}/"
    assert "YP Resources" in _page(url) and "YP Resources" in _page(url)
    alias.delete()
    assert "YP Resources" not in _page(url)


@committing
def test_a_many_to_many_change_invalidates_at_once():
    # A topic's entities feed its rules, not a page of their own: the version is what moves.
    topic = make_topic(name="Heavy rare earths")
    entity = make_entity(name="Dysprosium Mining Co", slug="dysprosium-mining-co")
    before = reader_pages_version()
    topic.entities.add(entity)
    assert reader_pages_version() != before


def test_a_transaction_of_many_changes_invalidates_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(20):
            make_entity(name=f"Bulk entity {n}")
    assert len(callbacks) == 1


def test_the_fetch_log_does_not_empty_the_cache(django_capture_on_commit_callbacks):
    feed = Feed.objects.create(url="https://feeds.example.org/cache/", title="A feed")
    with django_capture_on_commit_callbacks() as callbacks:
        FeedFetch.objects.create(feed=feed, outcome="not_modified")
        feed.save()
    assert callbacks == []


# --- item 7: bounded cache fill ------------------------------------------------------------------


def stored_pages() -> int:
    """Reader pages in the pages cache right now (its version key aside), on either backend."""
    pages = page_cache()
    if isinstance(pages, LocMemCache):
        keys = list(pages._cache)
    else:
        keys = [key.decode() for key in pages._cache.get_client(None).keys("*reader-pages:*")]
    return sum(1 for key in keys if "reader-pages:" in key and VERSION_KEY not in key)


def test_junk_query_strings_fill_no_cache_entries():
    for n in range(40):
        assert Client().get(f"/?utm_source=x{n}").status_code == 200
        assert Client().get(f"/articles/?page=1&ref={n}").status_code == 200
        assert Client().get(f"/topics/?page={n}").status_code == 200  # a list without pages
    assert stored_pages() == 0
    Client().get("/")
    Client().get("/")
    assert stored_pages() == 1


def test_known_parameters_share_one_entry_whatever_their_order_or_zeros():
    make_claim()
    for url in (
        "/claims/?status=unverified&page=1",
        "/claims/?page=1&status=unverified",
        "/claims/?page=01&status=unverified",
        "/claims/?status=unverified&page=001",
    ):
        assert Client().get(url).status_code == 200, url
    assert stored_pages() == 1


def test_a_repeated_parameter_is_not_cached():
    assert Client().get("/articles/?page=1&page=1").status_code == 200
    assert stored_pages() == 0


def test_filters_that_name_nothing_are_a_400_and_not_cached():
    for n in range(5):
        response = Client().get(f"/claims/?entity=no-such-entity-{n}")
        assert response.status_code == 400
        assert "No entity has this slug." in response.content.decode()
    assert stored_pages() == 0


def test_an_unknown_entity_kind_goes_to_the_whole_list_not_a_page_of_its_own():
    response = Client().get("/entities/?kind=junk")
    assert (response.status_code, response["Location"]) == (302, "/entities/")
    assert stored_pages() == 0


@override_settings(SEARCH_RATE_PER_MINUTE=5)
@pytest.mark.usefixtures("frozen_clock")
def test_search_is_rate_limited_per_address_with_a_clear_page():
    reader = Client(REMOTE_ADDR="198.51.100.20")
    for n in range(5):
        assert reader.get("/search/", {"q": f"magnet {n}"}).status_code == 200
    response = reader.get("/search/", {"q": "magnet again"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert response["Retry-After"] == "30"  # the clock stands 30 s into the minute
    assert response["Content-Security-Policy"]  # a page like any other, with its headers
    # Another address is counted apart; other pages are not limited.
    assert Client(REMOTE_ADDR="198.51.100.21").get("/search/", {"q": "magnet"}).status_code == 200
    assert reader.get("/").status_code == 200


def test_pages_have_their_own_cache_database():
    from reex.settings.base import _next_database

    assert _next_database("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/1"
    assert _next_database("redis://redis:6379/4") == "redis://redis:6379/5"
    assert _next_database("redis://redis:6379") == "redis://redis:6379/1"
    pages, default = settings.CACHES["pages"], settings.CACHES["default"]
    assert pages.get("LOCATION") != default.get("LOCATION")


def test_compose_gives_pages_an_evicting_redis_and_keeps_the_brokers():
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    services = compose["services"]
    broker, pages = services["redis"]["command"], services["redis-cache"]["command"]
    assert "--maxmemory-policy noeviction" in broker and "--appendonly yes" in broker
    assert "--maxmemory " in pages and "--maxmemory-policy allkeys-lru" in pages
    assert services["web"]["environment"]["REDIS_CACHE_URL"].startswith("redis://redis-cache:")
