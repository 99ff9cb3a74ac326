"""Turn a feed document (bytes) into normalized entries, ready to be stored as articles.

Two parsers read documents, behind this one function: feedparser-rs (``fastparse``: compiled, it
reads the seed feed in about a tenth of the time feedparser takes, checks included) for the
common well-formed RSS and Atom, and feedparser, whose tolerance of broken feeds is unmatched, for
every document the fast path flags as ill-formed or cannot vouch for. Both give the same entries;
docs/decisions.md says why, and where they differ.

feedparser is only ever given bytes: given a string it may treat it as a URL or a local path and
open it. Its own sanitizer and relative-URI resolution are switched off, because ``cleaning``
sanitizes with nh3 (feedparser's sanitizer lets tab-split ``javascript:`` URLs, SVG ``xlink:href``
and noscript tricks through).
"""

import calendar
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser

from . import fastparse
from .cleaning import clean_html_to_text, clean_url, html_to_text, sanitize_html
from .safety import check_document_safety
from .sections import extract_sections

SUMMARY_MAX_CHARS = 600
# PostgreSQL's integer: a count above it is no real count, and would fail the whole write.
MAX_COUNT = 2**31 - 1
# feedparser's own get() runs its key-alias mapping on every call; entries store the canonical
# keys we read, so plain dict access finds them at a fraction of the cost.
_get = dict.get
_LEADING_LABEL = re.compile(r"^(?:key )?highlights?\s*:?\s+", re.IGNORECASE)
_ELLIPSIS_TAILS = ("[…]", "[&#8230;]", "[...]", "…", "Continue reading")
FEEDPARSER = "feedparser"
# "auto": the fast path, and feedparser for what it declines; the others force one parser
# (tests and the benchmark compare them).
PARSERS = ("auto", fastparse.NAME, FEEDPARSER)


class FeedParseError(Exception):
    """The document yields no feed at all."""


@dataclass
class ParsedEntry:
    identity: str
    guid: str
    url: str
    title: str
    author: str
    published_at: datetime | None
    content_html: str
    content_text: str
    summary: str
    highlights: list[str]
    takeaway: str
    sources: list[str]
    disclosure: str
    is_state_media: bool
    comments_url: str
    comment_count: int | None
    comment_feed_url: str
    content_hash: str
    categories: list[str] = field(default_factory=list)
    claimed_published_at: datetime | None = None  # set when storing, if the date is ahead
    language: str = ""

    # The Article fields an entry sets; compared on re-fetch to tell an edit from a repeat.
    ARTICLE_FIELDS = (
        "guid", "url", "title", "author", "published_at", "claimed_published_at",
        "content_html", "content_text",
        "summary", "highlights", "takeaway", "sources", "disclosure", "is_state_media",
        "comments_url", "comment_count", "comment_feed_url", "content_hash", "language",
    )  # fmt: skip

    def article_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.ARTICLE_FIELDS}


@dataclass
class ParsedFeed:
    title: str
    site_url: str
    entries: list[ParsedEntry]
    bozo_reason: str = ""
    dropped: int = 0  # items beyond ``max_items``, not read
    parser: str = FEEDPARSER  # which parser read the document


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str = "",
    max_items: int | None = None,
    parser: str = "auto",
) -> ParsedFeed:
    """Parse RSS 2.0, RSS 1.0 or Atom 1.0 in any declared encoding.

    Only the first ``max_items`` items are read (in document order: feeds list newest first);
    how many were dropped is returned.

    Raises ``safety.UnsafeDocument`` for entity declarations or an external DTD, and
    ``FeedParseError`` when nothing feed-like comes out. A feed that is merely malformed ("bozo")
    keeps whatever entries it yields, and the reason is returned for the fetch log.

    ``parser`` forces one parser; forcing feedparser-rs raises ``fastparse.Unsupported`` for a
    document the fast path declines.
    """
    # Without a Content-Type (a local file) the XML declaration alone decides the encoding. No
    # Content-Location: feedparser would resolve every element against it (a fifth of its
    # time); the few URLs we keep are made absolute against ``url`` by ``clean_url`` instead.
    headers = {"content-type": content_type or "application/xml"}
    # The same header the parser gets: its charset can decide how the prolog reads.
    check_document_safety(body, content_type=headers["content-type"])
    parsed = _read(body, headers, parser)
    bozo_reason = _bozo_reason(parsed)
    if not parsed["entries"] and (bozo_reason or not parsed.get("version")):
        raise FeedParseError(_not_a_feed_reason(body, bozo_reason))

    channel = parsed["feed"]
    site_url = clean_url(channel.get("link", ""), base_url=url) or ""
    site = urlsplit(site_url or url).netloc.lower()
    language = _language(channel.get("language", ""))
    all_entries = parsed["entries"]
    raw_entries = all_entries if max_items is None else all_entries[:max_items]
    entries: dict[str, ParsedEntry] = {}
    for raw in raw_entries:
        entry = _parse_entry(raw, feed_url=url, site_url=site_url, site=site, language=language)
        entries.setdefault(entry.identity, entry)  # a feed repeating an item: the first wins
    return ParsedFeed(
        title=_text(channel.get("title", "")),
        site_url=site_url,
        entries=list(entries.values()),
        bozo_reason=bozo_reason,
        dropped=len(all_entries) - len(raw_entries),
        parser=parsed["parser"],
    )


def _read(body: bytes, headers: dict, parser: str) -> dict:
    """The document as feedparser's result shape (``version``, ``feed``, ``entries``, ``bozo``),
    from the fast path when it vouches for it, else from feedparser."""
    if parser not in PARSERS:
        raise ValueError(f"unknown parser {parser!r}; one of {PARSERS}")
    if parser != FEEDPARSER:
        try:
            return {**fastparse.read(body, headers), "parser": fastparse.NAME}
        except fastparse.Unsupported:
            if parser == fastparse.NAME:
                raise
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    parsed["parser"] = FEEDPARSER
    return parsed


def _bozo_reason(parsed) -> str:
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "malformed document"


def _not_a_feed_reason(body: bytes, bozo_reason: str) -> str:
    head = body[:2048].lower()
    if not body.strip():
        return "the document is empty"
    if b"<html" in head or b"<!doctype html" in head:
        return "the document is an HTML page, not an RSS or Atom feed"
    if bozo_reason:
        return f"not a readable feed ({bozo_reason})"
    return "the document is not an RSS or Atom feed"


def _parse_entry(
    raw, *, feed_url: str, site_url: str, site: str, language: str = ""
) -> ParsedEntry:
    link = clean_url(_get(raw, "link", ""), base_url=feed_url) or ""
    base_url = link or site_url or feed_url
    content_html = sanitize_html(_raw_content(raw), base_url=base_url)
    content_text = clean_html_to_text(content_html)
    title = _text(_get(raw, "title", "")) or _first_words(content_text) or "(untitled)"
    sections = extract_sections(content_html)
    content_hash = hashlib.sha256(f"{title}\n{content_html}".encode()).hexdigest()
    guid = (_get(raw, "id") or "").strip()
    return ParsedEntry(
        identity=entry_identity(guid=guid, link=link, site=site, content_hash=content_hash),
        guid=guid[:2000],
        url=link[:2000],
        title=title[:1000],
        author=_text(_get(raw, "author", ""))[:300],
        # dict.get: feedparser's own get() maps "updated" to "published" with a warning.
        published_at=_datetime(
            dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
        ),
        content_html=content_html,
        content_text=content_text,
        summary=_summary(raw, content_text),
        highlights=sections.highlights,
        takeaway=sections.takeaway,
        sources=sections.sources,
        disclosure=sections.disclosure,
        is_state_media=sections.is_state_media,
        comments_url=(clean_url(_get(raw, "comments", ""), base_url=base_url) or "")[:2000],
        comment_count=_count(_get(raw, "slash_comments")),
        comment_feed_url=(clean_url(_get(raw, "wfw_commentrss", ""), base_url=base_url) or "")[
            :2000
        ],
        content_hash=content_hash,
        categories=_categories(raw),
        language=_entry_language(raw) or language,
    )


_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


def _language(value) -> str:
    """A BCP 47 tag as feeds write it (``en-US``, ``en_us``), lowercased; anything else is ''."""
    tag = str(value or "").strip().lower().replace("_", "-")
    return tag if len(tag) <= 35 and _LANGUAGE_TAG.fullmatch(tag) else ""


def _entry_language(raw) -> str:
    """The language an entry declares for itself (Atom ``xml:lang`` on its content or title)."""
    details = [*(_get(raw, "content") or [])[:1], _get(raw, "title_detail") or {}]
    return next((_language(d.get("language")) for d in details if _language(d.get("language"))), "")


def entry_identity(*, guid: str, link: str, site: str, content_hash: str) -> str:
    """The article's natural key, hashed to a fixed width.

    A guid that is an absolute URL is global, so two feeds of a site (or a guid and a bare link)
    agree on it; any other guid is only unique within its site; then the link; then the content.
    """
    if guid and _is_web_url(guid):
        key = f"url:{_normalize_url(guid)}"
    elif guid:
        key = f"guid:{site}|{guid}"
    elif link:
        key = f"url:{_normalize_url(link)}"
    else:
        key = f"hash:{content_hash}"
    return hashlib.sha256(key.encode()).hexdigest()


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://a[b/": an unbalanced bracket reads as a broken IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _normalize_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return parts._replace(
        scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), fragment=""
    ).geturl()


def _raw_content(raw) -> str:
    for content in _get(raw, "content", []):
        if content.get("value"):
            return _as_html(content["value"], content.get("type", "text/html"))
    detail = _get(raw, "summary_detail") or {}
    return _as_html(_get(raw, "summary", ""), detail.get("type", "text/html"))


def _as_html(value: str, mime: str) -> str:
    if mime == "text/plain":
        return "".join(f"<p>{html.escape(p.strip())}</p>" for p in value.split("\n\n") if p.strip())
    return value


def _summary(raw, content_text: str) -> str:
    text = _text(_get(raw, "summary", "")) if _get(raw, "content") else ""
    # WordPress cuts its excerpt from the top of the post, label and all.
    text = _LEADING_LABEL.sub("", text)
    for tail in _ELLIPSIS_TAILS:
        text = text.removesuffix(tail).rstrip()
    text = text or content_text
    if len(text) > SUMMARY_MAX_CHARS:
        text = text[:SUMMARY_MAX_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _text(value: str) -> str:
    return (
        " ".join(html_to_text(value).split())
        if "<" in value or "&" in value
        else " ".join(value.split())
    )


def _first_words(text: str, limit: int = 12) -> str:
    return " ".join(text.split()[:limit])


def _datetime(parsed_time) -> datetime | None:
    # feedparser normalizes every date it understands to a UTC struct_time.
    if not parsed_time:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed_time), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _count(value) -> int | None:
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    # Negative is no count; an absurd one (2^40 comments) is kept as the largest we store.
    return min(count, MAX_COUNT) if count >= 0 else None


def _categories(raw) -> list[str]:
    seen: dict[str, None] = {}
    for tag in _get(raw, "tags", []):
        term = " ".join((tag.get("term") or tag.get("label") or "").split())
        if term:
            seen[term[:200]] = None
    return list(seen)
