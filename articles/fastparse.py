"""The fast path of ``parsing.parse_feed``: feedparser-rs (a compiled parser) read into the plain
dicts feedparser produces, for the documents where the two are known to agree.

feedparser-rs parses the seed feed 60-90 times faster than feedparser (this module's whole
reading, checks included, about 10 times), but it is a different parser. ``read`` accepts its
result only when nothing about the document is one of the known differences (docs/decisions.md
lists each, tests/articles/test_parsing_paths.py shows each), and raises ``Unsupported``
otherwise, so that the caller reads the whole document with feedparser:

- the encoding: feedparser-rs takes no Content-Type, so feedparser's own encoding decision
  (``convert_to_utf8``) is applied first and feedparser-rs gets the UTF-8 it produced; a decision
  feedparser itself flags (a charset override, an unknown encoding) goes to feedparser.
- the vocabulary: expat reads the document once more (a millisecond for the seed feed) and every
  element must stand where RSS 0.9x/1.0/2.0 or Atom 1.0 put it, extensions limited to the common
  WordPress ones under their usual prefixes (feedparser-rs matches extensions by prefix). No
  DOCTYPE, no xml:base, no Atom text construct of an odd type (base64...).
- what feedparser-rs silently drops (a comment count beyond 32 bits, a dc:date it cannot parse),
  or reads otherwise (two Atom authors, an Atom summary standing in for the content, windows-1252
  punctuation written as character references), and anything it calls ill-formed ("bozo").

Where the two merely spell a value differently, it is normalized here: dates go through
feedparser's own date parser from their text, Atom attributes (links, categories) are
dereferenced as XML reads them. Nothing is sanitized and no URL resolved, as feedparser is told
not to either; ``parsing`` does both for either parser.
"""

import re
from collections import Counter
from xml.parsers import expat

import feedparser_rs
from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8

NAME = "feedparser-rs"
VERSION = feedparser_rs.__version__

# Names as expat reports them with prefixes on: "URI local prefix", "URI local" for the default
# namespace, "local" for none. feedparser-rs matches extension elements by their prefix, not
# their namespace (a content:encoded written as ns1:encoded is lost), so the conventional prefix
# is part of every extension name below.
_RSS10 = "http://purl.org/rss/1.0/ "
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns# "
_ATOM = "http://www.w3.org/2005/Atom "
_XHTML = "http://www.w3.org/1999/xhtml "
_XML_BASE = "http://www.w3.org/XML/1998/namespace base xml"
_XML_LANG = "http://www.w3.org/XML/1998/namespace lang xml"
# Extension elements both parsers read alike (or neither reads). Left out on purpose, because
# feedparser reads them into fields we use and feedparser-rs does not (or differently):
# dc:title, dc:description, dc:subject, dcterms:*, itunes:*, media:*, xhtml:body, <body>,
# content:fullitem, <summary> in RSS.
_MODULES = frozenset({
    "http://purl.org/rss/1.0/modules/content/ encoded content",
    "http://purl.org/dc/elements/1.1/ creator dc",
    "http://purl.org/dc/elements/1.1/ date dc",
    "http://purl.org/dc/elements/1.1/ language dc",
    "http://purl.org/dc/elements/1.1/ rights dc",
    "http://purl.org/rss/1.0/modules/slash/ comments slash",
    "http://wellformedweb.org/CommentAPI/ commentRss wfw",
    "http://wellformedweb.org/CommentAPI/ comment wfw",
    "http://purl.org/rss/1.0/modules/syndication/ updatePeriod sy",
    "http://purl.org/rss/1.0/modules/syndication/ updateFrequency sy",
    "http://purl.org/rss/1.0/modules/syndication/ updateBase sy",
})  # fmt: skip
_ITEM_MODULES = _MODULES - {n for n in _MODULES if "/syndication/" in n}
_DC_DATE = "http://purl.org/dc/elements/1.1/ date dc"
# Item elements whose values feedparser-rs may silently drop, with the entry attribute they
# fill.
_ITEMS = frozenset({"item", _RSS10 + "item"})
_COUNTED = {"http://purl.org/rss/1.0/modules/slash/ comments slash": "slash_comments",
            _DC_DATE: "dc_date"}  # fmt: skip
_CHANNEL_MODULES = _MODULES | {_ATOM + "link atom"}  # rel="self", as WordPress writes it


def _children(parent: str, names: str, modules=frozenset(), ns: str = "") -> set:
    return {(ns + parent, ns + name) for name in names.split()} | {
        (ns + parent, module) for module in modules
    }


def _rss_vocabulary(ns: str, root: str) -> frozenset:
    return frozenset(
        {("", root), (root, ns + "channel")}
        | _children("channel", "title link description language copyright managingEditor "
                    "webMaster pubDate lastBuildDate category generator docs cloud ttl image "
                    "rating textInput textinput skipHours skipDays item items",
                    _CHANNEL_MODULES, ns)
        | _children("image", "url title link width height description", ns=ns)
        | _children("textInput", "title description name link", ns=ns)
        | _children("textinput", "title description name link", ns=ns)
        | _children("skipHours", "hour", ns=ns)
        | _children("skipDays", "day", ns=ns)
        | _children("item", "title link description author category comments enclosure "
                    "guid pubDate", _ITEM_MODULES, ns)
    )  # fmt: skip


# The elements, each under its parent, of the documents the fast path reads: RSS 0.9x/2.0,
# RSS 1.0 (RDF) and Atom 1.0 with the common WordPress/Blogger modules.
_RSS2 = _rss_vocabulary("", "rss")
_RSS1 = (
    _rss_vocabulary(_RSS10, _RDF + "RDF rdf")
    | {(_RDF + "RDF rdf", _RSS10 + name) for name in ("item", "image", "textinput")}
    | {(_RSS10 + "items", _RDF + "Seq rdf"), (_RDF + "Seq rdf", _RDF + "li rdf")}
)
_PERSON = "name email uri"
_ATOM1 = frozenset(
    {("", _ATOM + "feed")}
    # No feed-level author or contributor: feedparser-rs copies them into every entry,
    # feedparser does not.
    | _children("feed", "title subtitle link id updated generator icon logo rights category "
                "entry", ns=_ATOM)
    | _children("entry", "id title updated published author contributor link content "
                "summary category rights", ns=_ATOM)
    | _children("author", _PERSON, ns=_ATOM)
    | _children("contributor", _PERSON, ns=_ATOM)
)  # fmt: skip
# Atom text constructs, which may hold XHTML markup (type="xhtml").
_ATOM_TEXT = frozenset(
    _ATOM + name for name in ("title", "subtitle", "summary", "content", "rights")
)
_VOCABULARIES = {"rss20": _RSS2, "rss090": _RSS1, "rss091u": _RSS2, "rss091n": _RSS2,
                 "rss092": _RSS2, "rss093": _RSS2, "rss094": _RSS2, "rss10": _RSS1,
                 "atom10": _ATOM1}  # fmt: skip
# The Atom text construct types (and the MIME types feedparser equates with them).
_TEXT_TYPES = frozenset({"text", "html", "xhtml", "text/plain", "text/html",
                         "application/xhtml+xml"})  # fmt: skip
# Content types feedparser reports unchanged for the same markup.
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The references an attribute of a well-formed document without a DTD can hold.
_XML_REFERENCE = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_XML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_C1_CONTROLS = re.compile("[\x80-\x9f]")


class Unsupported(Exception):
    """The fast path cannot vouch for this document: read it with feedparser."""


def read(body: bytes, headers: dict) -> dict:
    """``{"version", "feed": {"title", "link"}, "entries": [dict, ...]}`` from feedparser-rs,
    each entry with feedparser's keys and values for the fields ``parsing`` reads, or
    ``Unsupported``. Whatever goes wrong on the fast path is ``Unsupported`` too: it is never
    the reason a document cannot be read."""
    try:
        return _read(body, headers)
    except Unsupported:
        raise
    except Exception as exc:  # noqa: BLE001 - feedparser then reads the document
        raise Unsupported(f"{type(exc).__name__}: {exc}") from exc


def _read(body: bytes, headers: dict) -> dict:
    result: dict = {}
    data = convert_to_utf8(headers, body, result)
    if result.get("bozo") or not result.get("encoding"):
        raise Unsupported(f"encoding: {result.get('bozo_exception') or 'unknown'}")
    structure, counted = _structure(data)
    parsed = feedparser_rs.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo:
        raise Unsupported(f"ill-formed: {parsed.bozo_exception}")
    vocabulary = _VOCABULARIES.get(parsed.version)
    if vocabulary is None:
        raise Unsupported(f"format {parsed.version or 'unknown'}")
    unknown = {
        pair
        for pair in structure - vocabulary
        if not (
            parsed.version == "atom10"
            and pair[1].startswith(_XHTML)
            and (pair[0].startswith(_XHTML) or pair[0] in _ATOM_TEXT)
        )
    }
    if unknown:
        raise Unsupported(f"elements feedparser reads its own way: {sorted(unknown)[:3]}")
    if not parsed.entries:
        raise Unsupported("no entries")  # feedparser may find some where this one did not
    _check_counts(counted, parsed.entries)
    channel = parsed.feed
    atom = parsed.version == "atom10"
    feed = {
        "title": _plain(channel.title),
        "link": _attribute(channel.link) if atom else channel.link,
        "language": channel.language,
    }
    return {
        "version": parsed.version,
        "feed": {key: value for key, value in feed.items() if value is not None},
        "entries": [_entry(raw, atom=atom) for raw in parsed.entries],
    }


def _structure(data: bytes) -> tuple[set[tuple[str, str]], Counter]:
    """Every (parent, element) pair of the document, names qualified by their namespace URI
    and prefix, and how many of the ``_COUNTED`` elements it holds.

    expat (the standard library's parser) reads the document once more, with no DTD allowed:
    about a millisecond for the seed feed, the price of knowing feedparser-rs saw nothing it
    reads differently.
    """
    pairs: set[tuple[str, str]] = set()
    counted: Counter = Counter()
    stack = [""]

    def start(name, attrs):
        pairs.add((stack[-1], name))
        if name in _COUNTED and stack[-1] in _ITEMS:
            counted[name] += 1
        stack.append(name)
        if not attrs:
            return
        if _XML_BASE in attrs:
            raise Unsupported("xml:base (feedparser resolves links against it)")
        if _XML_LANG in attrs:
            raise Unsupported("xml:lang (feedparser gives each element's language from it)")
        if name in _ATOM_TEXT and attrs.get("type", "text") not in _TEXT_TYPES:
            # feedparser-rs calls every Atom text construct HTML, base64 included.
            raise Unsupported(f"a text construct of type {attrs['type']}")

    def doctype(*_args):
        raise Unsupported("the document has a DOCTYPE")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.namespace_prefixes = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: stack.pop()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise Unsupported(f"ill-formed: {exc}") from exc
    return pairs, counted


def _check_counts(counted: Counter, entries) -> None:
    """feedparser-rs drops a comment count it cannot hold in 32 bits and a dc:date it cannot
    parse, where feedparser keeps them: each element must have come through."""
    for name, attribute in _COUNTED.items():
        kept = sum(1 for entry in entries if entry.get(attribute) is not None)
        if kept != counted[name]:
            raise Unsupported(f"{counted[name] - kept} {name.split()[1]} values not read")


def _entry(raw, *, atom: bool) -> dict:
    entry: dict = {}
    for key in ("id", "link", "comments", "wfw_commentrss", "slash_comments"):
        if (value := raw.get(key)) is not None:
            entry[key] = value
    if atom and "link" in entry:
        entry["link"] = _attribute(entry["link"])
    if (value := raw.title) is not None:
        entry["title"] = _plain(value)
    if len(raw.authors) > 1:
        raise Unsupported("several authors (feedparser keeps the last, feedparser-rs the first)")
    if (value := raw.author) is not None:
        entry["author"] = _plain(value)
    # The date text through feedparser's own date parser: the same instant for every format
    # it knows. (feedparser-rs also files a dc:date as "published" where feedparser only has
    # "updated": parse_feed takes either, so the date is the same.)
    # "updated" is only read when "published" gives no date.
    if published := raw.published:
        entry["published_parsed"] = _parse_date(published)
    if not entry.get("published_parsed") and (updated := raw.updated):
        entry["updated_parsed"] = _parse_date(updated)
    if raw.content:
        entry["content"] = [_content(item) for item in raw.content]
    if (value := raw.summary) is not None:
        if atom and not raw.content:
            # Atom's summary defaults to plain text, which feedparser-rs reports as HTML.
            raise Unsupported("an Atom summary standing in for the content")
        entry["summary"] = _unmangled(value)
        entry["summary_detail"] = {"type": _type(raw.summary_detail)}
    if raw.tags:
        # Atom categories are attributes; RSS ones are text.
        text = _attribute if atom else _plain
        entry["tags"] = [{"term": text(tag.term), "label": text(tag.label)} for tag in raw.tags]
    return entry


def _content(item) -> dict:
    if item.src:
        raise Unsupported("content given by reference (src)")
    return {"value": _unmangled(item.value), "type": _type(item)}


def _type(detail) -> str:
    mime = detail.type if detail is not None else "text/html"
    if mime not in _HTML_TYPES:
        # Plain text, base64 or other content: feedparser types and escapes it its own way.
        raise Unsupported(f"content of type {mime}")
    return mime


def _unmangled(value: str) -> str:
    # C1 controls are windows-1252 punctuation written as character references (&#146;), or
    # UTF-8 read twice: feedparser repairs the first ("demoronizes"), feedparser-rs does not.
    if _C1_CONTROLS.search(value):
        raise Unsupported("windows-1252 character references")
    return value


def _plain(value: str | None) -> str | None:
    return None if value is None else _unmangled(value)


def _attribute(value: str | None) -> str | None:
    """An attribute's value as XML reads it: feedparser-rs returns attributes as written,
    references and all (``href="?a=1&amp;b=2"``)."""
    if value is None or "&" not in value:
        return _plain(value)
    if "\t" in value or "\n" in value or "\r" in value:
        # Written references to whitespace survive attribute normalization, literal ones do
        # not; telling them apart is feedparser's job.
        raise Unsupported("whitespace and references in one attribute")
    return _plain(_XML_REFERENCE.sub(_dereference, value))


def _dereference(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _XML_ENTITIES[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
