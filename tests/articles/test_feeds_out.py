"""RSS and Atom out: what feedparser reads back from our own feeds."""

from datetime import UTC, datetime

import feedparser
import pytest

from articles.models import Article

from .feeds import item
from .reader import (  # noqa: F401 (the fixtures are used by name)
    article_create,
    empty_cache_fixture,
    feed_fixture,
    ingest,
)

pytestmark = pytest.mark.django_db


def read_back(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    parsed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, parsed


@pytest.mark.parametrize(
    ("path", "version", "content_type"),
    [
        ("/feeds/rss/", "rss20", "application/rss+xml"),
        ("/feeds/atom/", "atom10", "application/atom+xml"),
    ],
)
def test_site_feeds_parse_back_without_bozo(client, feed, path, version, content_type):
    ingest(feed, item(2, title="Second post", category="Magnets"))
    Article.objects.filter(title="Second post").update(
        comments_url="https://forum.example.org/t/2/"
    )
    article_create(
        title='Loans & magnets <approved> "at last"',
        summary="Markup-like text: <b> & ]]> stay text.",
        published_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    article_create(title="Withdrawn post", is_hidden=True)

    response, parsed = read_back(client, path)

    assert response["Content-Type"].startswith(content_type)
    assert parsed.version == version
    assert parsed.feed.title == "REEx Tracker: latest articles"
    assert [e.title for e in parsed.entries] == [
        "Second post",
        'Loans & magnets <approved> "at last"',
    ]
    # The summary is plain text, so it reaches readers escaped: no markup of its own.
    assert parsed.entries[1].summary == "Markup-like text: &lt;b&gt; &amp; ]]&gt; stay text."
    second = parsed.entries[0]
    article = Article.objects.get(title="Second post")
    assert second.link == f"http://testserver{article.get_absolute_url()}"
    assert [t.term for t in second.tags] == ["Magnets"]
    assert second.published_parsed[:5] == (2026, 2, 2, 10, 2)
    if version == "rss20":
        assert second.comments == "https://forum.example.org/t/2/"


def test_feed_item_dates_fall_back_to_first_seen_for_undated_posts(client, db):
    article_create(
        title="Undated", published_at=None, first_seen_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    _, parsed = read_back(client, "/feeds/rss/")
    assert parsed.entries[0].published_parsed[:3] == (2026, 3, 1)


def test_pages_advertise_both_feeds(client, db):
    html = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/feeds/rss/"' in html
    assert 'type="application/atom+xml"' in html and 'href="/feeds/atom/"' in html
