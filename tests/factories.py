"""Plain functions that make test rows; every field has a dummy default that can be overridden."""

import hashlib
import itertools
import re
import uuid
from html import unescape
from pathlib import Path

from django.contrib.auth import get_user_model

from articles.models import Article

_counter = itertools.count(1)


def make_article(**fields) -> Article:
    """An article with unique identity fields; the content hash follows title and text."""
    n = next(_counter)
    fields.setdefault("title", f"Test article {n}")
    fields.setdefault("content_text", "")
    fields.setdefault("identity", uuid.uuid4().hex)
    fields.setdefault("url", f"https://news.example.org/posts/{fields['identity']}/")
    fields.setdefault("guid", fields["url"])
    fields.setdefault(
        "content_hash",
        hashlib.sha256(f"{fields['title']}\n{fields['content_text']}".encode()).hexdigest(),
    )
    return Article.objects.create(**fields)


def make_user(username: str = "editor", **fields):
    return get_user_model().objects.create_user(username=username, password="x", **fields)


def articles_from_feed(path: Path) -> list[Article]:
    """Store a feed file's entries as articles, the way ingest would, without enqueuing
    anything: through ``articles.parsing`` when it is there, else a crude stand-in."""
    body = path.read_bytes()
    try:
        from articles.parsing import parse_feed
    except ImportError:
        entries = _crude_entries(body)
    else:
        entries = [
            {"identity": entry.identity, **entry.article_fields()}
            for entry in parse_feed(body, url=path.resolve().as_uri()).entries
        ]
    return [Article.objects.create(**entry) for entry in entries]


_TAG = re.compile(r"<[^>]+>")
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_BLOCK = re.compile(r"<(h[1-6]|p|li)\b[^>]*>(.*?)</\1>", re.S)
_STATE = re.compile(
    r"state[- ](?:owned|affiliated)|chinese (?:domestic|state) media|chinese outlet"
)


def _text(html: str) -> str:
    return " ".join(unescape(_TAG.sub("", html)).split())


def _crude_entries(body: bytes) -> list[dict]:
    """Title, link, plain text, highlights and the state-media notice, found with regexes."""
    import feedparser

    entries = []
    for raw in feedparser.parse(body, sanitize_html=False).entries:
        html = raw.content[0].value if raw.get("content") else raw.get("summary", "")
        blocks = [_text(match.group(2)) for match in _BLOCK.finditer(html)]
        text = "\n\n".join(block for block in blocks if block)
        head, _, rest = html.partition("Highlights")
        highlights = [_text(item) for item in _ITEM.findall(rest.split("</ul>")[0])] if rest else []
        notices = [b for b in blocks if b.lower().startswith(("disclosure", "disclaimer"))]
        disclosure = "\n\n".join(notices)
        entries.append(
            {
                "identity": hashlib.sha256(raw.link.encode()).hexdigest(),
                "guid": raw.get("id", ""),
                "url": raw.link,
                "title": raw.title,
                "content_html": html,
                "content_text": text,
                "highlights": highlights,
                "disclosure": disclosure,
                "is_state_media": bool(_STATE.search(disclosure.lower())),
                "content_hash": hashlib.sha256(f"{raw.title}\n{html}".encode()).hexdigest(),
            }
        )
    return entries
