"""Which outlet? Every page that lists or heads an article names the outlet that published it."""

import pytest

from articles.models import Article, Feed
from articles.search import search_vectors_update
from articles.services import feed_ingest_document
from reex.caching import VERSION_KEY, page_cache
from tests.factories import link_article, make_entity, make_initiative, make_topic

from .feeds import item, rss
from .reader import empty_cache_fixture  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_outlets():
    """Two outlets' feeds, one article each: one feed titled, the other known by its domain."""
    titled = Feed.objects.create(url="https://magnetwire.example.com/feed/", title="Magnet Wire")
    untitled = Feed.objects.create(url="https://www.oxidepost.example.net/rss/")
    feed_ingest_document(
        feed=titled,
        body=rss(
            item(
                1,
                title="Separation plant opens in Texas",
                link="https://magnetwire.example.com/a/1/",
            ),
            title="",
        ),
    )
    feed_ingest_document(
        feed=untitled,
        body=rss(
            item(2, title="Lanthanum prices slide", link="https://oxidepost.example.net/a/2/"),
            title="",
        ),
    )
    return (
        Article.objects.get(title="Separation plant opens in Texas"),
        Article.objects.get(title="Lanthanum prices slide"),
    )


def test_feed_outlet_name_is_its_title_else_its_publisher_domain():
    assert Feed(url="https://www.example.org/feed/", title="Example Daily").outlet_name == (
        "Example Daily"
    )
    assert Feed(url="https://www.example.org/feed/").outlet_name == "example.org"
    assert Feed(url="https://feeds.example.org/x", publisher="example.com").outlet_name == (
        "example.com"
    )


def test_lists_search_and_headers_name_each_articles_outlet(client, two_outlets):
    texas, lanthanum = two_outlets
    search_vectors_update()
    for url in ("/", "/articles/"):
        html = client.get(url).content.decode()
        assert '<span class="outlet">Magnet Wire</span>' in html, url
        assert '<span class="outlet">oxidepost.example.net</span>' in html, url
    html = client.get("/search/?q=texas").content.decode()
    assert '<span class="outlet">Magnet Wire</span>' in html
    html = client.get("/search/?q=lanthanum").content.decode()
    assert '<span class="outlet">oxidepost.example.net</span>' in html
    header = client.get(texas.get_absolute_url()).content.decode()
    assert '<span class="outlet">Magnet Wire</span>' in header
    header = client.get(lanthanum.get_absolute_url()).content.decode()
    assert '<span class="outlet">oxidepost.example.net</span>' in header


def test_topic_initiative_and_entity_pages_name_the_outlet(client, two_outlets):
    texas, lanthanum = two_outlets
    topic, initiative, entity = make_topic(), make_initiative(), make_entity()
    for target in (topic, initiative, entity):
        link_article(texas, target)
        link_article(lanthanum, target)
    for url in (
        f"/topics/{topic.slug}/",
        f"/initiatives/{initiative.slug}/",
        f"/entities/{entity.slug}/",
    ):
        html = client.get(url).content.decode()
        assert '<span class="outlet">Magnet Wire</span>' in html, url
        assert '<span class="outlet">oxidepost.example.net</span>' in html, url


# Commits for real: pages are invalidated on commit, as in production.
@pytest.mark.django_db(transaction=True)
def test_renaming_an_outlet_refreshes_cached_pages_but_a_fetch_does_not(client, two_outlets):
    assert "Magnet Wire" in client.get("/articles/").content.decode()
    version = page_cache().get(VERSION_KEY)
    feed = Feed.objects.get(title="Magnet Wire")
    feed.consecutive_errors, feed.last_error = 0, "a fetch's bookkeeping"
    feed.save()
    assert page_cache().get(VERSION_KEY) == version  # fetch state: the cached pages stay
    feed.title = "Magnet Wire Weekly"
    feed.save()
    assert page_cache().get(VERSION_KEY) != version
    assert "Magnet Wire Weekly" in client.get("/articles/").content.decode()
