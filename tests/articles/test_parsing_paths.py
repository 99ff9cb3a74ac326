"""The two parsers behind ``parse_feed`` give the same entries.

feedparser-rs (the fast path) reads a document only when it can vouch for it; everything else goes
to feedparser. Each document here is parsed with both, forced, and the results compared field by
field: the seed feeds and the bundled sample must go the fast path and come out identical, the
hostile corpus must come out identical whichever path takes it, and each known difference between
the two parsers (docs/decisions.md) has a document showing it is normalized or handed back.
"""

import dataclasses
import gzip

import pytest

from articles import fastparse
from articles.parsing import FEEDPARSER, FeedParseError, parse_feed
from articles.safety import UnsafeDocument
from tests.loopback import Response

from .feeds import SAMPLE_FEED, SHARED_EARLIER, SHARED_FEED, item, rss, shared_bytes
from .hostile import corpus, entity_documents

URL = "https://feeds.example.org/feed/"
FAST = fastparse.NAME


def reading(body: bytes, content_type: str = "", parser: str = "auto"):
    """Everything parse_feed returns that an ingest stores or logs, or the error it raised."""
    try:
        parsed = parse_feed(body, url=URL, content_type=content_type, parser=parser)
    except (FeedParseError, UnsafeDocument, fastparse.Unsupported) as exc:
        return type(exc).__name__, str(exc)
    entries = [dataclasses.asdict(entry) for entry in parsed.entries]
    return parsed.parser, (
        parsed.title,
        parsed.site_url,
        parsed.dropped,
        parsed.bozo_reason,
        entries,
    )


def assert_same_either_way(body: bytes, content_type: str = "") -> str:
    """The document reads the same whichever parser reads it; returns the parser "auto" took."""
    slow_parser, slow = reading(body, content_type, parser=FEEDPARSER)
    fast_parser, fast = reading(body, content_type, parser=FAST)
    auto_parser, auto = reading(body, content_type)
    if fast_parser == "Unsupported":
        assert (auto_parser, auto) == (slow_parser, slow)
        return auto_parser
    if slow_parser == FEEDPARSER:
        assert auto_parser == fast_parser == FAST
    assert fast == slow
    assert auto == slow
    return auto_parser


@pytest.mark.parametrize("path", [SHARED_FEED, SHARED_EARLIER, SAMPLE_FEED], ids=lambda p: p.name)
def test_seed_and_sample_feeds_take_the_fast_path_and_read_the_same(path):
    body = shared_bytes(path)
    slow = parse_feed(body, url=URL, parser=FEEDPARSER)
    fast = parse_feed(body, url=URL, parser=FAST)
    assert parse_feed(body, url=URL).parser == FAST
    assert len(fast.entries) == len(slow.entries) > 0
    assert (fast.title, fast.site_url, fast.bozo_reason) == (
        slow.title,
        slow.site_url,
        slow.bozo_reason,
    )
    for fast_entry, slow_entry in zip(fast.entries, slow.entries, strict=True):
        assert dataclasses.asdict(fast_entry) == dataclasses.asdict(slow_entry)
        # Every stored value, one by one, so a failure names the field.
        assert fast_entry.article_fields() == slow_entry.article_fields()


class _Recorder:
    """Collects the corpus's documents instead of serving them."""

    def __init__(self):
        self.documents: list[tuple[str, bytes, str]] = []

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:9{path}"

    def route(self, path: str, response: Response) -> None:
        if isinstance(response.body, bytes):
            body = response.body
            if response.headers.get("Content-Encoding") == "gzip":
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError):
                    pass  # truncated or fake gzip: the parser sees the bytes as they are
            if len(body) < 1_000_000:
                self.documents.append((path, body, response.headers.get("Content-Type", "")))


def test_hostile_and_odd_feeds_read_the_same_whichever_parser_takes_them():
    recorder = _Recorder()
    corpus(recorder, max_bytes=256 * 1024)
    documents = recorder.documents + [
        (name, body, content_type) for name, body, content_type in entity_documents()
    ]
    taken = [assert_same_either_way(body, content_type) for _path, body, content_type in documents]
    # Both paths were exercised, and the refusals stayed refusals.
    assert taken.count(FAST) >= 20
    assert taken.count(FEEDPARSER) >= 20
    assert taken.count("UnsafeDocument") >= len(entity_documents())


def _rss(items: str, *, namespaces: str = "", channel: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {namespaces}><channel>'
        f"<title>Odd feed</title><link>https://odd.example/</link>{channel}{items}"
        "</channel></rss>"
    ).encode()


def _atom(entries: str, *, head: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>Odd atom</title><link href="https://odd.example/"/><id>urn:odd</id>'
        f"<updated>2026-02-03T08:00:00Z</updated>{head}{entries}</feed>"
    ).encode()


_ENTRY = (
    '<entry><title>Smelter restarts</title><link href="https://odd.example/e/1"/>'
    "<id>tag:odd.example,2026:1</id><updated>2026-02-04T08:00:00Z</updated>{extra}"
    '<content type="html">&lt;p&gt;The smelter restarted in March.&lt;/p&gt;</content></entry>'
)
_CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
_DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
_SLASH = 'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'

# Each difference found between the parsers, as (name, document, the path "auto" must take).
# FAST: normalized on our side; FEEDPARSER: handed back.
DIFFERENCES = [
    # feedparser-rs matches extension elements by prefix: content:encoded under another
    # prefix is lost to it.
    (
        "content-under-another-prefix",
        _rss(
            "<item><title>a</title><link>https://odd.example/a</link>"
            "<c:encoded><![CDATA[<p>Full text of the post.</p>]]></c:encoded></item>",
            namespaces='xmlns:c="http://purl.org/rss/1.0/modules/content/"',
        ),
        FEEDPARSER,
    ),
    # Elements only feedparser reads into the content or the date.
    (
        "xhtml-body",
        _rss(
            '<item><title>a</title><body xmlns="http://www.w3.org/1999/xhtml"><p>Body '
            "text.</p></body></item>"
        ),
        FEEDPARSER,
    ),
    (
        "dcterms-issued",
        _rss(
            "<item><title>a</title><dcterms:issued>2026-02-03T08:00:00Z</dcterms:issued></item>",
            namespaces='xmlns:dcterms="http://purl.org/dc/terms/"',
        ),
        FEEDPARSER,
    ),
    # A category wrapping an image: feedparser-rs takes the image's link for the item's.
    (
        "category-wrapping-an-image",
        _rss(
            "<item><title>a</title><category>Trade<image><url>https://odd.example/i.png</url>"
            "<link>https://odd.example/elsewhere</link></image></category></item>"
        ),
        FEEDPARSER,
    ),
    # A dc:date feedparser-rs cannot parse (an ISO week date) is dropped by it.
    (
        "dc-date-week",
        _rss("<item><title>a</title><dc:date>2026-W06-2</dc:date></item>", namespaces=_DC),
        FEEDPARSER,
    ),
    # A dc:date it can parse: feedparser files it as "updated" only, feedparser-rs as
    # "published" too; either gives the article's date, read by feedparser's date parser.
    (
        "dc-date",
        _rss(
            "<item><title>a</title><dc:date>2026-02-03T08:00:00+01:00</dc:date></item>",
            namespaces=_DC,
        ),
        FAST,
    ),
    # A comment count beyond 32 bits is dropped by feedparser-rs, clamped by us.
    (
        "huge-comment-count",
        rss(item(1, comments=2**40), item(2, comments=4)),
        FEEDPARSER,
    ),
    # windows-1252 punctuation written as references: feedparser repairs it.
    ("cp1252-references", _rss("<item><title>don&#146;t</title></item>"), FEEDPARSER),
    # Atom attributes come back from feedparser-rs as written, references included.
    (
        "atom-references-in-attributes",
        _atom(
            _ENTRY.replace("/e/1", "/e?id=1&amp;page=2").format(
                extra='<category term="Policy &amp; Trade" label="A&lt;B &#233;"/>'
            )
        ),
        FAST,
    ),
    # feedparser-rs copies a feed-level Atom author into entries; feedparser does not.
    (
        "atom-feed-author",
        _atom(_ENTRY.format(extra=""), head="<author><name>Desk</name></author>"),
        FEEDPARSER,
    ),  # fmt: skip
    # Two authors: feedparser keeps the last, feedparser-rs the first.
    (
        "atom-two-authors",
        _atom(
            _ENTRY.format(
                extra="<author><name>One</name></author><author><name>Two</name></author>"
            )
        ),  # fmt: skip
        FEEDPARSER,
    ),
    # An Atom summary defaults to text, which feedparser-rs reports as HTML.
    (
        "atom-text-summary-alone",
        _atom(
            '<entry><title>a</title><link href="https://odd.example/e/2"/><id>urn:e2</id>'
            "<updated>2026-02-04T08:00:00Z</updated><summary>Plain &lt;em&gt;text&lt;/em&gt;"
            "</summary></entry>"
        ),
        FEEDPARSER,
    ),
    # A base64 text construct: feedparser decodes it, feedparser-rs calls it HTML.
    (
        "atom-base64-title",
        _atom(
            _ENTRY.replace(
                "<title>Smelter restarts</title>",
                '<title type="application/octet-stream">U21lbHRlcg==</title>',
            ).format(extra="")
        ),  # fmt: skip
        FEEDPARSER,
    ),
    # Inline XHTML content reads the same.
    (
        "atom-xhtml-content",
        _atom(
            '<entry><title>a</title><link href="https://odd.example/e/3"/><id>urn:e3</id>'
            '<updated>2026-02-04T08:00:00Z</updated><content type="xhtml"><div '
            'xmlns="http://www.w3.org/1999/xhtml"><p>Kiln <b>two</b> &amp; three.</p></div>'
            "</content></entry>"
        ),
        FAST,
    ),
    # xml:base: feedparser resolves links against it.
    (
        "xml-base",
        _rss(
            '<item xml:base="https://base.example/dir/"><title>a</title>'
            "<link>relative/post</link></item>"
        ),
        FEEDPARSER,
    ),
    # The Netscape RSS 0.91 DTD, whose HTML entities feedparser defines.
    (
        "netscape-doctype",
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91'
        b'//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91">'
        b"<channel><title>t</title><link>https://odd.example/</link><item><title>caf&eacute;"
        b"</title><link>https://odd.example/c</link></item></channel></rss>",
        FEEDPARSER,
    ),
    # Markup and references in titles and categories read the same.
    (
        "escaped-markup-in-text-fields",
        _rss(
            "<item><title>Magnets &amp;amp; motors &lt;b&gt;up&lt;/b&gt; &#8217;26</title>"
            "<link>https://odd.example/m</link><category><![CDATA[Policy & Trade]]></category>"
            "<description>Escaped &lt;p&gt;summary&lt;/p&gt; [&#8230;]</description>"
            "<content:encoded><![CDATA[<p>Body &amp; more.</p>]]></content:encoded></item>",
            namespaces=_CONTENT,
        ),
        FAST,
    ),
    # A guid that looks like a URL but cannot be split as one (an unbalanced IPv6 bracket).
    (
        "broken-ipv6-guid",
        _rss('<item><guid isPermaLink="true">http://example.c[o.test/</guid></item>'),
        FAST,
    ),
]


@pytest.mark.parametrize(("body", "path"), [(b, p) for _n, b, p in DIFFERENCES],
                         ids=[name for name, _b, _p in DIFFERENCES])  # fmt: skip
def test_each_known_difference_is_normalized_or_handed_back(body, path):
    assert assert_same_either_way(body) == path


def test_a_charset_feedparser_overrides_goes_to_feedparser():
    # Declared UTF-8 by the header, but the bytes are latin-1: feedparser notes the override.
    body = _rss("<item><title>Résumé of the week</title></item>").replace(b"UTF-8", b"ISO-8859-1")
    body = body.decode("utf-8").encode("latin-1")
    content_type = "application/rss+xml; charset=utf-8"
    assert assert_same_either_way(body, content_type) == FEEDPARSER
    assert "Résumé" in parse_feed(body, url=URL, content_type=content_type).entries[0].title


def test_a_declared_legacy_encoding_is_converted_before_the_fast_path():
    body = _rss("<item><title>Résumé of the week</title></item>").replace(b"UTF-8", b"ISO-8859-1")
    body = body.decode("utf-8").encode("latin-1")
    assert assert_same_either_way(body) == FAST
    assert parse_feed(body, url=URL).entries[0].title == "Résumé of the week"


def test_forcing_an_unknown_parser_is_refused():
    with pytest.raises(ValueError, match="unknown parser"):
        parse_feed(rss(item(1)), url=URL, parser="lxml")


@pytest.mark.parametrize("broken", ["parse", "entry"])
def test_a_failure_on_the_fast_path_falls_back_to_feedparser(monkeypatch, broken):
    body = rss(item(1), item(2))
    expected = reading(body, parser=FEEDPARSER)

    def fail(*_args, **_kwargs):
        raise RuntimeError("fast path broke")

    if broken == "parse":
        monkeypatch.setattr(fastparse.feedparser_rs, "parse", fail)
    else:
        monkeypatch.setattr(fastparse, "_entry", fail)
    with pytest.raises(fastparse.Unsupported, match="fast path broke"):
        parse_feed(body, url=URL, parser=FAST)
    assert reading(body) == expected
