"""Feed HTML made safe for templates, and plain text out of it.

feedparser's own sanitizer is switched off, so ``sanitize_html`` is the only thing between a
feed's markup and our pages. nh3 (ammonia, in Rust) does the parsing and the allow-listing; the
few regexes below only ever run over nh3's normalized output, where every tag is well formed,
attribute values are double-quoted and ``<``, ``>``, ``"`` inside them are escaped as entities.
"""

import re
from collections.abc import Callable
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        *("p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "kbd", "samp", "var"),
        *("a", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "q", "cite"),
        *("sub", "sup", "abbr", "dfn", "time", "figure", "figcaption", "img"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    }
)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "dfn": {"title"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
}

# Dropped together with everything inside them: their content is code or markup, never prose.
REMOVED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        *("script", "style", "noscript", "svg", "math", "iframe", "object", "template"),
        *("embed", "applet", "frame", "frameset", "noembed", "noframes", "textarea", "select"),
        *("title", "head", "xmp", "plaintext"),
    }
)

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Blocks that start a new paragraph in plain text; cells only need a space between them.
_TEXT_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd"),
        *("blockquote", "pre", "figure", "figcaption", "hr", "table", "caption", "tr"),
        *("section", "article", "header", "footer", "aside", "main", "nav", "address"),
        *("details", "summary"),
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_TEXT_TAGS = _TEXT_BLOCK_TAGS | _CELL_TAGS | {"br"}

# A fixed configuration, so one reusable cleaner: it keeps only the tags that shape the text.
_TEXT_CLEANER = nh3.Cleaner(
    tags=set(_TEXT_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={},
    link_rel=None,
)

# Browsers drop these anywhere in a URL ("java\tscript:" is "javascript:"), and C0 controls or
# spaces at either end.
_URL_INVISIBLES = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(c) for c in range(0x21))

_DIMENSION = re.compile(r"\s*(\d{1,5})(?:\.\d+)?\s*(?:px)?\s*", re.IGNORECASE)
_SPAN = re.compile(r"\s*(\d{1,3})\s*")

# WordPress appends this for screen readers to links that open in a new tab.
_NEW_TAB_NOTE = re.compile(r"\((?i:opens in (?:a )?new (?:tab|window))\)")
# Tags in nh3 output; quote-aware although nh3 already escapes ">" inside attribute values.
_IMG_TAG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")

_ANY_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*>")
_SPACE_RUN = re.compile(r"  +")
_NEWLINE_RUN = re.compile(r"\n\n\n+")
# Whitespace in the markup itself, and what entities can bring back (&nbsp;, &#9;, ...).
_SOURCE_SPACES = ("\n", "\t", "\r", "\f")
_ODD_SPACES = ("\xa0", "\t", "\r", "\f", "\v")


def clean_url(url: str, *, base_url: str = "") -> str | None:
    """The absolute http(s)/mailto form of ``url`` without ``utm_*`` parameters, else ``None``.

    ``url`` is an attribute value as the HTML parser decoded it (entities already resolved).
    Relative URLs without a ``base_url`` are refused: on our pages they would point at us.
    """
    url = _URL_INVISIBLES.sub("", url).strip(_URL_EDGES)
    if not url:
        return None
    # Browsers read "\" as "/" in web URLs; resolving the same way keeps what we check and what
    # a reader's browser follows identical.
    url = url.replace("\\", "/")
    if base_url:
        try:
            url = urljoin(base_url, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    # The scheme is checked on the joined result: that is the URL the browser will follow.
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        return None
    if scheme == "mailto":
        return url if parts.path else None
    if not parts.netloc or not parts.hostname:
        return None
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not unquote(pair.partition("=")[0]).lower().startswith("utm_")
    )
    return urlunsplit((scheme, parts.netloc, parts.path or "/", query, parts.fragment))


def _attribute_filter(base_url: str) -> Callable[[str, str, str], str | None]:
    # nh3 checks URL schemes *before* calling this and not after, so whatever it returns for
    # href/src must already be safe: clean_url re-checks the scheme on the joined URL.
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return clean_url(value, base_url=base_url)
        if attribute in ("width", "height"):
            match = _DIMENSION.fullmatch(value)
            return match.group(1) if match else None
        if attribute in ("colspan", "rowspan", "span", "start"):
            match = _SPAN.fullmatch(value)
            return match.group(1) if match else None
        return value

    return keep


def _is_tracking_or_broken_image(tag: str) -> bool:
    attributes = dict(_ATTRIBUTE.findall(tag))
    if not attributes.get("src"):
        return True
    sizes = [int(attributes[name]) for name in ("width", "height") if name in attributes]
    return bool(sizes) and max(sizes) <= 1


def _drop_tracking_images(match: re.Match[str]) -> str:
    return "" if _is_tracking_or_broken_image(match.group(0)) else match.group(0)


def sanitize_html(html: str, *, base_url: str = "") -> str:
    """Feed HTML reduced to an allow-list, safe to mark safe in templates.

    Links and images are made absolute against ``base_url`` (normally the article's link);
    ones that cannot be, or that are not http/https/mailto, lose the attribute, and an image
    without a source is dropped, as are 1x1 tracking pixels.
    """
    if not html:
        return ""
    cleaner = nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter(base_url),
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
    )
    cleaned = cleaner.clean(html)
    # Safe on nh3 output: the note holds no markup characters, and whole img tags go at once.
    cleaned = _drop_new_tab_notes(cleaned)
    if "<img" in cleaned:
        cleaned = _IMG_TAG.sub(_drop_tracking_images, cleaned)
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


def _text_break(match: re.Match[str]) -> str:
    name = match.group(2)
    if name == "br":
        return "\n"
    if name in _TEXT_BLOCK_TAGS:
        return "\n\n"
    return " " if name in _CELL_TAGS else ""  # inline markup leaves no trace


def _drop_new_tab_notes(text: str) -> str:
    # Split on the note (quick to find: it starts with a literal), then trim the space before it.
    pieces = _NEW_TAB_NOTE.split(text)
    for index in range(len(pieces) - 1):
        piece = pieces[index].rstrip()
        while piece.endswith("&nbsp;"):
            piece = piece[: -len("&nbsp;")].rstrip()
        pieces[index] = piece
    return "".join(pieces)


def clean_html_to_text(clean_html: str) -> str:
    """``html_to_text`` for HTML that came out of ``sanitize_html`` (or nh3): no second pass."""
    # Plain string operations and literal-led patterns: this runs on every article and on every
    # block of it in ``sections``, and Python's regex engine is slow at scanning for classes.
    text = clean_html
    for space in _SOURCE_SPACES:  # source whitespace means nothing; only tags make lines
        if space in text:
            text = text.replace(space, " ")
    if "<" in text:
        text = _ANY_TAG.sub(_text_break, text)
    if "&" in text:
        text = unescape(text)
        for space in _ODD_SPACES:
            if space in text:
                text = text.replace(space, " ")
    if "(" in text:
        text = _drop_new_tab_notes(text)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text:
        text = text.replace("\n ", "\n")
    if "\n\n\n" in text:
        text = _NEWLINE_RUN.sub("\n\n", text)
    return text.strip()


def html_to_text(html: str) -> str:
    """Plain text of any HTML: blocks separated by blank lines, entities resolved, and the
    content of scripts, styles and the like left out."""
    if not html:
        return ""
    return clean_html_to_text(_TEXT_CLEANER.clean(html))
