"""Parsing, cleaning and storing feed documents: the shared seed feed and documents of our own."""

import re
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.models import Article, ArticleFeed, Feed, FeedFetch
from articles.services import feed_ingest_document

from .feeds import (
    BILLION_LAUGHS,
    EXTERNAL_DTD,
    SHARED_EARLIER,
    SHARED_FEED,
    XXE,
    item,
    rss,
    shared_bytes,
)

pytestmark = pytest.mark.django_db
Outcome = FeedFetch.Outcome
NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
}
# The seven posts whose notice says they come from state-owned or state-affiliated media,
# by the first words of their slugs.
STATE_MEDIA_SLUG_PREFIXES = (
    "china-turns-rare-earths-into",
    "chinas-wind-solar-capacity-tops",
    "first-fully-domestic-high-temp",
    "shenghe-resources-signals-overseas-expansion",
    "rare-earths-move-beyond-metals",
    "china-claims-major-advances-in",
    "downstream-dominance-chinas-northern-rare",
)


@pytest.fixture
def feed():
    return Feed.objects.create(url="https://rareearthexchanges.com/category/clean-energy/feed/")


def ingest(feed, body, **kwargs):
    fetch = feed_ingest_document(feed=feed, body=body, **kwargs)
    feed.refresh_from_db()
    return fetch


def slug(url):
    return url.rstrip("/").rsplit("/", 1)[-1]


def expected_items(body: bytes):
    """What the feed says, read with the standard library's XML parser (no project code)."""
    root = ET.fromstring(body)
    for node in root.findall("./channel/item"):
        yield {
            "title": node.findtext("title"),
            "url": node.findtext("link"),
            "comments_url": node.findtext("comments"),
            "published_at": datetime.strptime(
                node.findtext("pubDate"), "%a, %d %b %Y %H:%M:%S %z"
            ).astimezone(UTC),
            "comment_count": int(node.findtext("slash:comments", namespaces=NS)),
            "comment_feed_url": node.findtext("{http://wellformedweb.org/CommentAPI/}commentRss"),
        }


def test_shared_feed_stores_every_post_with_its_fields(feed):
    body = shared_bytes(SHARED_FEED)
    fetch = ingest(feed, body)

    assert fetch.outcome == Outcome.NEW_CONTENT
    assert (fetch.entries_seen, fetch.entries_created, fetch.entries_updated) == (25, 25, 0)
    assert Article.objects.count() == 25
    for expected in expected_items(body):
        article = Article.objects.get(url=expected["url"])
        for field, value in expected.items():
            assert getattr(article, field) == value, (field, expected["url"])
    assert feed.title == "Clean Energy Technology | Rare Earth Exchanges"
    assert feed.site_url.rstrip("/") == "https://rareearthexchanges.com"


def test_shared_feed_sections_are_extracted(feed):
    ingest(feed, shared_bytes(SHARED_FEED))
    articles = list(Article.objects.all())

    assert all(len(a.highlights) >= 3 for a in articles)
    flagged = sorted(slug(a.url) for a in articles if a.is_state_media)
    assert len(flagged) == len(STATE_MEDIA_SLUG_PREFIXES)
    assert all(
        any(s.startswith(prefix) for s in flagged) for prefix in STATE_MEDIA_SLUG_PREFIXES
    ), flagged
    assert all(a.disclosure for a in articles if a.is_state_media)
    assert sum(bool(a.takeaway) for a in articles) == 9
    assert sum(bool(a.sources) for a in articles) == 10
    recycle = Article.objects.get(url__contains="you-cant-recycle-your-way-out")
    assert len(recycle.highlights) == 7
    assert recycle.highlights[2].startswith("Recycling rates remain below 1% globally")
    assert recycle.takeaway.startswith("Recycling is a pillar, not a panacea.")
    assert recycle.sources == ["The New York Times, Opinion"]
    assert "(opens in a new tab)" not in recycle.content_html + recycle.content_text
    assert recycle.tags == ["Clean Energy Technology"]


def test_earlier_fetch_then_full_feed_adds_new_posts_and_updates_comment_counts(feed):
    first = ingest(feed, shared_bytes(SHARED_EARLIER))
    assert (first.entries_created, first.entries_updated) == (15, 0)
    britain = Article.objects.get(url__contains="britains-rare-earth-reckoning")
    assert britain.comment_count == 0
    first_seen = britain.first_seen_at

    second = ingest(feed, shared_bytes(SHARED_FEED))

    assert (second.entries_seen, second.entries_created, second.entries_updated) == (25, 10, 2)
    assert second.entries_unchanged == 13
    assert Article.objects.count() == 25
    britain.refresh_from_db()
    assert britain.comment_count == 3
    assert britain.first_seen_at == first_seen
    assert Article.objects.get(url__contains="the-paradox-of-visibility").comment_count == 2


def test_refetch_makes_no_duplicates_and_changes_nothing(feed):
    body = shared_bytes(SHARED_FEED)
    ingest(feed, body)
    before = list(Article.objects.order_by("id").values())

    again = ingest(feed, body)
    assert again.outcome == Outcome.UNCHANGED_BODY

    feed.body_hash = ""  # force a full parse of the same document
    feed.save()
    reparsed = ingest(feed, body)
    assert reparsed.outcome == Outcome.NEW_CONTENT
    assert (reparsed.entries_created, reparsed.entries_updated, reparsed.entries_unchanged) == (
        0,
        0,
        25,
    )
    assert list(Article.objects.order_by("id").values()) == before
    assert ArticleFeed.objects.count() == 25


def test_second_category_feed_repeating_posts_adds_only_its_new_posts(feed):
    body = shared_bytes(SHARED_FEED)
    ingest(feed, body)
    root = ET.fromstring(body)
    channel = root.find("channel")
    items = channel.findall("item")
    for node in items[5:]:
        channel.remove(node)  # the other category feed carries five of the same posts...
    for node in items[:5]:
        node.find("category").text = "Policy"
    for n in (1, 2):  # ...and two of its own
        node = ET.SubElement(channel, "item")
        url = f"https://rareearthexchanges.com/news/policy-only-{n}/"
        for tag, text in [
            ("title", f"Policy-only post {n}"),
            ("link", url),
            ("guid", url),
            ("category", "Policy"),
            ("description", "<p>Tariffs and floors.</p>"),
        ]:
            ET.SubElement(node, tag).text = text
    policy_feed = Feed.objects.create(url="https://rareearthexchanges.com/category/policy/feed/")

    fetch = ingest(policy_feed, ET.tostring(root, encoding="utf-8"))

    assert (fetch.entries_seen, fetch.entries_created, fetch.entries_updated) == (7, 2, 0)
    assert Article.objects.count() == 27
    shared_post = Article.objects.get(url=items[0].findtext("link"))
    assert set(shared_post.feeds.all()) == {feed, policy_feed}
    assert shared_post.tags == ["Clean Energy Technology", "Policy"]


def test_edited_post_updates_its_row(feed):
    ingest(feed, rss(item(1, body="<p>First version: 40% stake.</p>"), item(2)))
    article = Article.objects.get(url__endswith="/posts/1/")
    first_seen, first_hash = article.first_seen_at, article.content_hash

    fetch = ingest(feed, rss(item(1, body="<p>Corrected: a 30% stake.</p>"), item(2)))

    assert (fetch.entries_created, fetch.entries_updated, fetch.entries_unchanged) == (0, 1, 1)
    article.refresh_from_db()
    assert "Corrected: a 30% stake." in article.content_text
    assert article.content_hash != first_hash
    assert article.first_seen_at == first_seen
    assert article.updated_at > first_seen


def test_identity_falls_back_from_guid_to_site_guid_to_link_to_content(feed):
    ingest(
        feed,
        rss(
            item(1, guid="post-1"),  # not a URL: unique within the site
            item(2, guid=""),  # no guid: the link
            item(3, guid="", link="", title="Untitled-link post", body="<p>Only text.</p>"),
        ),
    )
    assert Article.objects.count() == 3
    other_site = Feed.objects.create(url="https://elsewhere.example.net/feed/")
    fetch = ingest(
        other_site,
        rss(
            item(1, guid="post-1", link="https://elsewhere.example.net/1/"),
            link="https://elsewhere.example.net",
        ),
    )
    assert fetch.entries_created == 1, "the same non-URL guid on another site is another post"
    again = ingest(
        other_site,
        rss(item(3, guid="", link="", title="Untitled-link post", body="<p>Only text.</p>")),
    )
    assert again.entries_created == 0, "same content, no guid and no link: the same post"


def test_malformed_feed_keeps_what_it_yields_and_logs_why(feed):
    body = rss(item(1), item(2), item(3)).replace(b"</channel></rss>", b"")
    body = body.replace(b"<title>Post number 3</title>", b"<title>Post & number 3</title>")

    fetch = ingest(feed, body)

    assert fetch.outcome == Outcome.NEW_CONTENT
    assert fetch.entries_created >= 2
    assert "malformed feed" in fetch.error_message


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body><h1>Not a feed</h1></body></html>", "HTML page"),
        (b"\x00\x01\x02 binary garbage \xff\xfe", "not"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "not an RSS or Atom"),
    ],
)
def test_broken_document_is_recorded_and_loses_nothing(feed, body, reason):
    ingest(feed, rss(item(1), item(2)))
    stored = list(Article.objects.order_by("id").values())

    fetch = ingest(feed, body)

    assert fetch.outcome == Outcome.PARSE_ERROR
    assert reason in fetch.error_message
    assert feed.consecutive_errors == 1
    assert feed.last_error == fetch.error_message
    assert list(Article.objects.order_by("id").values()) == stored


def test_billion_laughs_is_refused_with_bounded_memory(feed):
    # Expanded, its entities would make about a gigabyte of text. Measured by tracemalloc, this
    # ingest's own allocations: the process's peak RSS says nothing once an earlier test raised it.
    tracemalloc.start()
    try:
        fetch = ingest(feed, BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 50 * 1024 * 1024
    assert fetch.outcome == Outcome.UNSAFE_DOCUMENT
    assert "entities" in fetch.error_message
    assert Article.objects.count() == 0


@pytest.mark.parametrize("body", [XXE, EXTERNAL_DTD])
def test_external_entities_and_dtds_are_refused_and_leak_nothing(feed, body):
    fetch = ingest(feed, body)

    assert fetch.outcome == Outcome.UNSAFE_DOCUMENT
    assert Article.objects.count() == 0
    assert "root:" not in fetch.error_message


def test_entity_text_inside_an_article_is_not_a_declaration(feed):
    body = rss(item(1, body="<p>Parsers once expanded &lt;!ENTITY x ...&gt; blindly.</p>"))
    assert ingest(feed, body).outcome == Outcome.NEW_CONTENT


def test_rss1_atom_and_declared_encodings_are_read(feed):
    rdf = """<?xml version="1.0" encoding="ISO-8859-1"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example.org/"><title>RDF feed</title>
<link>https://rdf.example.org/</link><description>d</description></channel>
<item rdf:about="https://rdf.example.org/a"><title>Caf\xe9 \xe0 Baotou</title>
<link>https://rdf.example.org/a</link><description>Prix r\xe9duits de 5%</description></item>
</rdf:RDF>""".encode("iso-8859-1")
    atom = """<?xml version="1.0" encoding="UTF-16"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title>
<link href="https://atom.example.org/"/><id>urn:uuid:feed</id><updated>2026-02-05T10:00:00Z</updated>
<entry><title>Ministerial in Washington — 4 February</title><id>tag:atom.example.org,2026:1</id>
<link href="https://atom.example.org/1"/><updated>2026-02-05T10:00:00Z</updated>
<author><name>A. Writer</name></author>
<content type="html">&lt;p&gt;Price floors &amp;amp; tariffs.&lt;/p&gt;</content>
</entry></feed>""".encode("utf-16")

    assert ingest(feed, rdf).entries_created == 1
    atom_feed = Feed.objects.create(url="https://atom.example.org/feed")
    assert ingest(atom_feed, atom).entries_created == 1

    cafe = Article.objects.get(url="https://rdf.example.org/a")
    assert cafe.title == "Café à Baotou"
    assert cafe.content_text == "Prix réduits de 5%"
    entry = Article.objects.get(url="https://atom.example.org/1")
    assert entry.title == "Ministerial in Washington — 4 February"
    assert entry.author == "A. Writer"
    assert entry.published_at == datetime(2026, 2, 5, 10, tzinfo=UTC)
    assert entry.content_html == "<p>Price floors &amp; tariffs.</p>"


def test_hostile_markup_never_reaches_storage(feed):
    body = (
        '<p onclick="steal()">Hi <a href="java\tscript:alert(1)">x</a>'
        '<a href="https://ok.example/?utm_source=rss&amp;id=7">ok</a></p>'
        "<script>alert(1)</script><svg onload=alert(1)><a xlink:href='javascript:1'>s</a></svg>"
        '<img src="https://t.example/p.gif" width="1" height="1">'
    )
    ingest(feed, rss(item(1, body=body)))
    html = Article.objects.get().content_html

    assert not re.search(r"script|onclick|onload|svg|alert", html, re.I)
    assert 'href="https://ok.example/?id=7"' in html
    assert "t.example" not in html


def test_one_stored_article_is_never_matched_by_two_entries(feed):
    ingest(feed, rss(item(1, guid="post-a", link="https://feeds.example.org/posts/1/")))
    stored = Article.objects.get()

    # The link of the stored post now comes with a URL guid, next to the post's own guid.
    fetch = ingest(
        feed,
        rss(
            item(
                2,
                guid="https://feeds.example.org/posts/1/",
                link="https://feeds.example.org/posts/1/",
            ),
            item(3, guid="post-a", link="https://feeds.example.org/posts/1/"),
        ),
    )

    assert (fetch.entries_created, fetch.entries_updated) == (1, 1)
    assert Article.objects.count() == 2
    stored.refresh_from_db()
    assert stored.title == "Post number 3"


def test_relative_links_are_made_absolute_against_the_feed(feed):
    ingest(
        feed, rss(item(1, guid="", link="/news/relative-post/", body='<p><a href="x/">x</a></p>'))
    )

    article = Article.objects.get()
    assert article.url == "https://rareearthexchanges.com/news/relative-post/"
    assert 'href="https://rareearthexchanges.com/news/relative-post/x/"' in article.content_html


# --- a feed changes only its own publisher's articles ------------------------------------------

VICTIM_LINK = "https://feeds.example.org"


def _articles():
    return list(
        Article.objects.order_by("id").values_list("id", "identity", "url", "title", "content_hash")
    )


def test_a_feed_reusing_another_sites_guid_or_link_never_overwrites_its_articles(feed):
    victim = Feed.objects.create(url="https://feeds.example.org/feed/")
    real = rss(item(1, body="<p>The real story.</p>"), item(2, body="<p>Another real one.</p>"))
    ingest(victim, real)
    before = _articles()

    attacker = Feed.objects.create(url="https://attacker.example.net/feed/")
    forged = rss(
        # the victim's guid URL (and link), forged content
        item(1, title="Forged headline", body="<p>Forged body.</p>"),
        # a guid of its own, the victim's link
        item(2, guid="https://attacker.example.net/p/2", title="Forged 2", body="<p>Lies.</p>",
             link="https://feeds.example.org/posts/2/"),
        link=VICTIM_LINK,  # claiming the victim's site changes nothing
    )  # fmt: skip
    fetch = ingest(attacker, forged)

    assert fetch.outcome == Outcome.NEW_CONTENT
    assert fetch.entries_collided == 2
    assert "another publisher" in fetch.error_message
    assert Article.objects.filter(title__startswith="Forged").count() == 2  # its own, apart
    victims = [row for row in _articles() if row[0] in {b[0] for b in before}]
    assert victims == before  # title, body, link: untouched
    assert not Article.objects.filter(pk__in=[b[0] for b in before], feeds=attacker).exists()

    # Again: idempotent, and still reported; the real feed's re-ingest finds nothing lost.
    again = ingest(attacker, forged.replace(b"Forged body", b"Forged body, v2"))
    # The reused guid collides every time; the reused link only until the item has its own row.
    assert (again.entries_created, again.entries_collided) == (0, 1)
    ingest(victim, real + b" ")
    assert [row for row in _articles() if row[0] in {b[0] for b in before}] == before


def test_a_squatting_feed_does_not_keep_the_real_publisher_out(feed):
    attacker = Feed.objects.create(url="https://attacker.example.net/feed/")
    ingest(attacker, rss(item(1, title="Squatted", body="<p>First, and false.</p>")))
    victim = Feed.objects.create(url="https://www.feeds.example.org/feed/")

    fetch = ingest(victim, rss(item(1, title="Real title", body="<p>The real story.</p>")))

    assert (fetch.entries_created, fetch.entries_collided) == (1, 1)
    assert Article.objects.get(feeds=victim).title == "Real title"
    assert Article.objects.get(feeds=attacker).title == "Squatted"
    edited = ingest(victim, rss(item(1, title="Real title", body="<p>Corrected story.</p>")))
    assert (edited.entries_created, edited.entries_updated) == (0, 1)
    assert "Corrected story." in Article.objects.get(feeds=victim).content_text


def test_feeds_an_editor_marks_as_one_publisher_update_each_others_articles(feed):
    site = Feed.objects.create(url="https://feeds.example.org/feed/")
    ingest(site, rss(item(1, body="<p>First version.</p>")))
    relay = Feed.objects.create(url="https://relay.example.com/feeds.example/", publisher="")
    assert ingest(relay, rss(item(1, body="<p>Edited.</p>"))).entries_collided == 1

    relay.publisher = "feeds.example.org"
    relay.save()
    fetch = ingest(relay, rss(item(1, body="<p>Edited again.</p>")))

    assert (fetch.entries_updated, fetch.entries_collided) == (1, 0)
    assert (
        "Edited again." in Article.objects.get(url__endswith="/posts/1/", feeds=site).content_text
    )


# --- posts dated in the future --------------------------------------------------------------


def _dated(n: int, when: datetime, **kwargs) -> str:
    return item(n, **kwargs).replace(
        f"Mon, 02 Feb 2026 10:{n % 60:02d}:00 +0000", when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    )


def test_future_dated_posts_are_dated_at_their_fetch_and_flagged(feed, client):
    from django.urls import reverse
    from django.utils import timezone

    from tests.factories import make_admin_editor

    year_2100 = datetime(2100, 1, 1, 9, 0, tzinfo=UTC)
    before = timezone.now().replace(microsecond=0)
    ingest(feed, rss(_dated(1, year_2100, title="From the future"), item(2)))
    after = timezone.now()

    pinned = Article.objects.get(title="From the future")
    assert before <= pinned.published_at <= after
    assert pinned.claimed_published_at == year_2100 and pinned.is_future_dated
    assert not Article.objects.get(url__endswith="/posts/2/").is_future_dated

    # The next real post, published after that fetch, heads the lists: nothing is pinned.
    later = after.replace(microsecond=0) + timedelta(seconds=1)
    with time_machine.travel(later + timedelta(seconds=0.1)):  # a second on, without waiting
        fetch = ingest(
            feed,
            rss(_dated(1, year_2100, title="From the future"), item(2), _dated(3, later)),
        )
    assert (fetch.entries_created, fetch.entries_updated) == (1, 0)  # the clamp is kept
    newest = Article.objects.published().newest_first().values_list("title", flat=True)
    assert list(newest[:2]) == ["Post number 3", "From the future"]
    assert Article.objects.get(pk=pinned.pk).published_at == pinned.published_at

    # Editors see the flag and can list the flagged posts.
    client.force_login(make_admin_editor())
    changelist = reverse("admin:articles_article_changelist")
    page = client.get(changelist, {"claimed_published_at__isempty": "0"}).content.decode()
    assert "From the future" in page and "Post number 3" not in page
    detail = client.get(reverse("admin:articles_article_change", args=[pinned.pk]))
    assert "2100" in detail.content.decode()


def test_a_local_file_and_the_sites_feed_agree_on_their_posts(feed, tmp_path):
    from articles.services import feed_for_file

    path = tmp_path / "backfill.xml"
    path.write_bytes(rss(item(1, body="<p>From the file.</p>")))
    ingest(feed_for_file(path=path), path.read_bytes())  # `ingest FILE`: no publisher known
    site = Feed.objects.create(url="https://feeds.example.org/feed/")

    fetch = ingest(site, rss(item(1, body="<p>From the site, edited.</p>")))

    assert (fetch.entries_created, fetch.entries_updated, fetch.entries_collided) == (0, 1, 0)
    assert Article.objects.count() == 1


def test_a_dtd_subset_in_a_charset_nobody_can_read_is_refused(feed):
    from articles.parsing import parse_feed
    from articles.safety import UnsafeDocument

    subset = b'<!DOCTYPE rss [\n<!ATTLIST rss version CDATA "2.0">\n]>\n'
    body = rss(item(1)).replace(
        b'encoding="UTF-8"?>\n', b'encoding="x-no-such-charset"?>\n' + subset
    )
    with pytest.raises(UnsafeDocument, match="cannot be read"):
        parse_feed(body, url=feed.url)
    # The same subset in a charset that can be read declares no entity: accepted.
    assert parse_feed(body.replace(b"x-no-such-charset", b"UTF-8"), url=feed.url).entries
