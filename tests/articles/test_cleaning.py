"""``articles.cleaning``: the only sanitizer between feed HTML and our templates."""

import re
from html.parser import HTMLParser

import feedparser
import pytest

from articles.cleaning import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    clean_html_to_text,
    clean_url,
    html_to_text,
    sanitize_html,
)
from tests.articles.feeds import SHARED_FEED, shared_bytes

BASE = "https://news.example.com/2026/02/post/"
SAFE_URL_PREFIXES = ("http://", "https://", "mailto:")


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser-like tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert not parser.comments
    return parser.elements


def assert_safe(html: str) -> None:
    for tag, attributes in elements(html):
        assert tag in ALLOWED_TAGS, tag
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attributes) <= allowed, (tag, attributes)
        for name in ("href", "src"):
            if name in attributes:
                assert (attributes[name] or "").startswith(SAFE_URL_PREFIXES), attributes
        if tag == "a":
            assert attributes["rel"] == "noopener noreferrer nofollow"
    lowered = html.lower()
    for marker in ("javascript:", "vbscript:", "alert(", "expression(", "@import"):
        assert marker not in lowered, marker


XSS_VECTORS = [
    "<script>alert(1)</script><p>text</p>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="https://cdn.example/a.png" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<body onload="alert(1)"><p>x</p></body>',
    '<p onclick="alert(1)" onmouseover="alert(2)" ONFOCUS="alert(3)">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<style>@import "https://evil.example/x.css"; p { color: red }</style><p>x</p>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"><param name="x" value="y"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type="submit" formaction="javascript:alert(1)">'
    '<button formaction="javascript:alert(1)">go</button></form>',
    '<base href="javascript:alert(1)//"><a href="x">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<template><script>alert(1)</script></template>",
    "<!--<img src=x onerror=alert(1)>--><p>x</p>",
    '<a href="https://ok.example/" target="_blank" rel="opener">x</a>',
    '<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)">x</td>'
    "</tr></table>",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
@pytest.mark.parametrize("base_url", [BASE, ""])
def test_xss_vectors_never_survive(vector, base_url):
    assert_safe(sanitize_html(vector, base_url=base_url))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitizing_twice_changes_nothing(vector):
    once = sanitize_html(vector, base_url=BASE)
    assert sanitize_html(once, base_url=BASE) == once


def test_script_like_elements_go_with_their_content():
    html = (
        "<p>kept</p><script>var a = 1;</script><style>p{}</style><noscript>no js</noscript>"
        "<svg><text>vector</text></svg><math><mi>x</mi></math><iframe>frame</iframe>"
        "<object>fallback</object><template>later</template>"
    )
    assert sanitize_html(html) == "<p>kept</p>"


def test_relative_links_and_images_are_made_absolute():
    html = (
        '<p><a href="/about/">a</a> <a href="../other/">b</a> <a href="//cdn.example/x">c</a>'
        ' <img src="img/chart.png" alt="chart"></p>'
    )
    cleaned = sanitize_html(html, base_url=BASE)
    urls = [attrs.get("href") or attrs.get("src") for tag, attrs in elements(cleaned) if tag != "p"]
    assert urls == [
        "https://news.example.com/about/",
        "https://news.example.com/2026/02/other/",
        "https://cdn.example/x",
        "https://news.example.com/2026/02/post/img/chart.png",
    ]


def test_relative_links_without_a_base_lose_the_href_but_keep_the_text():
    assert sanitize_html('<p><a href="/about/">About</a></p>') == (
        '<p><a rel="noopener noreferrer nofollow">About</a></p>'
    )


def test_utm_parameters_dropped_and_other_parameters_kept():
    html = (
        '<a href="https://ex.example/a?utm_source=rss&amp;id=7&amp;utm_medium=feed'
        '&amp;UTM_Campaign=x&amp;ref=home#top">x</a>'
    )
    [(_, attributes)] = elements(sanitize_html(html))
    assert attributes["href"] == "https://ex.example/a?id=7&ref=home#top"


def test_every_link_gets_noopener_noreferrer_nofollow():
    html = '<a href="https://a.example/" rel="author" target="_blank">a</a><a>b</a>'
    links = elements(sanitize_html(html))
    assert [attrs["rel"] for _, attrs in links] == ["noopener noreferrer nofollow"] * 2
    assert all("target" not in attrs for _, attrs in links)


def test_screen_reader_new_tab_note_is_removed():
    html = (
        '<p>Read <a href="https://a.example/r">the report<span class="screen-reader-text">'
        " (opens in a new tab)</span></a> and the deck (opens in a new tab), plus"
        " (ASM (opens in a new tab)).</p>"
    )
    cleaned = sanitize_html(html)
    assert "opens in" not in cleaned
    assert html_to_text(cleaned) == "Read the report and the deck, plus (ASM)."


def test_tracking_pixels_dropped_and_real_images_kept():
    html = (
        '<p>x<img src="https://t.example/p.gif" width="1" height="1">'
        '<img src="https://t.example/q.gif" width="0" height="0" alt="">'
        '<img src="https://t.example/r.gif" width="1px" height="1px">'
        '<img src="https://t.example/s.gif" height="1">'
        '<img src="https://cdn.example/photo.jpg" width="640" height="360" alt="Mine">'
        '<img src="https://cdn.example/line.png" width="1" height="300"></p>'
    )
    sources = [attrs["src"] for tag, attrs in elements(sanitize_html(html)) if tag == "img"]
    assert sources == ["https://cdn.example/photo.jpg", "https://cdn.example/line.png"]


def test_image_without_a_usable_source_is_dropped():
    assert sanitize_html('<p>x<img src="javascript:alert(1)" alt="y"></p>') == "<p>x</p>"


def test_structure_is_kept():
    html = (
        "<h2>Title</h2><h3>Sub</h3><p>One <strong>two</strong> <em>three</em>"
        ' H<sub>2</sub>O m<sup>2</sup> <abbr title="rare earth element">REE</abbr></p>'
        "<ul><li>a</li><li>b<ol><li>c</li></ol></li></ul><blockquote><p>q</p></blockquote>"
        '<pre><code>x = 1</code></pre><hr><table><thead><tr><th colspan="2">h</th></tr>'
        '</thead><tbody><tr><td rowspan="2">1</td><td>2</td></tr></tbody></table>'
        '<figure><img src="https://cdn.example/a.png" alt="a"><figcaption>cap</figcaption>'
        "</figure><p>line<br>break</p>"
    )
    assert sanitize_html(html) == html


def test_styles_classes_ids_and_unknown_attributes_are_removed():
    html = '<p class="x" id="y" style="color:red" data-id="3" align="center">t</p>'
    assert sanitize_html(html) == "<p>t</p>"


def test_html_to_text_separates_blocks_and_unescapes():
    html = (
        "<h3>Heading</h3>\n<p>First   para\n with &amp; entity&nbsp;here.</p>"
        "<ul><li>one</li><li>two</li></ul><p>a<br>b</p>"
        "<table><tr><td>c1</td><td>c2</td></tr></table><script>var x;</script>"
        "<p>&lt;not a tag&gt; &#8220;quoted&#8221;</p>"
    )
    assert html_to_text(html) == (
        "Heading\n\nFirst para with & entity here.\n\none\n\ntwo\n\na\nb\n\nc1 c2\n\n"
        "<not a tag> \u201cquoted\u201d"
    )


def test_inline_markup_leaves_no_gaps_in_text():
    clean = sanitize_html(
        '<p>H<sub>2</sub>O and <a href="https://a.example/">CO<sub>2</sub></a>.</p>'
    )
    assert clean_html_to_text(clean) == html_to_text(clean) == "H2O and CO2."


def test_html_to_text_of_nothing_is_empty():
    assert html_to_text("") == ""
    assert html_to_text("<p> \n </p><script>x</script>") == ""


def test_clean_html_to_text_matches_html_to_text_on_sanitized_html():
    html = "<h3>A</h3><p>b &amp; c</p><ul><li>d</li></ul>"
    clean = sanitize_html(html)
    assert clean_html_to_text(clean) == html_to_text(clean) == "A\n\nb & c\n\nd"


@pytest.mark.parametrize(
    ("url", "base_url", "expected"),
    [
        ("/a/b?x=1", "https://ex.example/c/", "https://ex.example/a/b?x=1"),
        ("d", "https://ex.example/c/", "https://ex.example/c/d"),
        ("HTTPS://Ex.example/p", "", "https://Ex.example/p"),
        ("https://ex.example", "", "https://ex.example/"),
        ("https://ex.example/?utm_source=a", "", "https://ex.example/"),
        ("https://ex.example/?a=1&utm_term=b&b=%20", "", "https://ex.example/?a=1&b=%20"),
        ("mailto:desk@ex.example", "https://ex.example/", "mailto:desk@ex.example"),
        ("  https://ex.example/x  ", "", "https://ex.example/x"),
        ("java\tscript:alert(1)", "https://ex.example/", None),
        ("javascript:alert(1)", "https://ex.example/", None),
        (" \x01javascript:alert(1)", "https://ex.example/", None),
        ("data:text/html,x", "https://ex.example/", None),
        ("ftp://ex.example/f", "", None),
        ("/relative", "", None),
        ("https:///nohost", "", None),
        ("", "https://ex.example/", None),
    ],
)
def test_clean_url(url, base_url, expected):
    assert clean_url(url, base_url=base_url) == expected


def test_clean_url_checks_the_scheme_after_joining():
    # A base that is itself not http(s) must not lend its scheme to a relative link.
    assert clean_url("x", base_url="javascript:alert(1)//") is None


def test_a_hostile_base_url_cannot_turn_relative_links_into_scripts():
    cleaned = sanitize_html('<a href="x">x</a><img src="y">', base_url="javascript:alert(1)//")
    assert cleaned == '<a rel="noopener noreferrer nofollow">x</a>'


@pytest.fixture(scope="module")
def feed_entries():
    body = shared_bytes(SHARED_FEED)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    return parsed.entries


def test_shared_feed_entries_sanitize_safely(feed_entries):
    assert len(feed_entries) == 25
    for entry in feed_entries:
        cleaned = sanitize_html(entry.content[0].value, base_url=entry.link)
        assert_safe(cleaned)
        assert "opens in a new tab" not in cleaned
        text = html_to_text(cleaned)
        assert not re.search(r"</?[a-z][a-z0-9]*>", text)
        assert "\n\n\n" not in text and "  " not in text
